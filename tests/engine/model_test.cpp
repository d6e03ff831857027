// Model-based property test: fixed-seed random sequences of ADD / UPDATE / DELETE DOCUMENTS,
// CREATE / DROP INDEX (hash, btree, unique, composite) and SELECT / COUNT with random WHERE,
// ORDER BY and LIMIT, run against the engine and against a simple in-memory model written
// independently here. Every answer must be equal, and the engine's indexes must stay
// consistent with its documents.
#include <map>
#include <random>
#include <set>

#include "engine/engine_fixture.hpp"
#include "engine/index.hpp"
#include "parser/canonical.hpp"

namespace strata::testing {
namespace {

using nlohmann::json;

struct Model {
  std::map<uint64_t, json> docs;  // seq -> stored fields (no nulls)
  std::set<std::string> indexes;
};

json value_of(const json& doc, uint64_t seq, const std::string& f) {
  if (f == "DocumentID") return std::to_string(seq);
  return doc.contains(f) ? doc[f] : json();
}

bool cmp(const json& a, const std::string& op, const json& b) {
  if (a.is_null() || b.is_null()) {
    if (op == "==") return a.is_null() && b.is_null();
    if (op == "!=") return !(a.is_null() && b.is_null());
    return false;
  }
  bool an = a.is_number(), bn = b.is_number();
  if (an != bn || a.is_string() != b.is_string()) return op == "!=";
  int c;
  if (an) {
    double x = a.get<double>(), y = b.get<double>();
    c = x < y ? -1 : (x > y ? 1 : 0);
  } else {
    c = a.get<std::string>().compare(b.get<std::string>());
    c = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (op == "==") return c == 0;
  if (op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

// A random condition as text plus an evaluator.
struct Cond {
  std::string text;
  std::function<bool(const json&, uint64_t)> eval;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool chance(int percent) { return pick(100) < percent; }

  json value_for(const std::string& field) {
    if (chance(12)) return json();
    if (field == "b") {
      static const char* kWords[] = {"", "a", "ab", "b", "ba", "zz", "Q", "é"};
      return kWords[pick(8)];
    }
    if (field == "c") return pick(60);
    if (chance(10)) return pick(10) + 0.5;  // a FLOAT literal against an INT field
    return pick(12) - 2;
  }
  json literal_for(const std::string& field, uint64_t max_seq) {
    if (field == "DocumentID") return std::to_string(pick(static_cast<int>(max_seq) + 2));
    if (chance(8)) return field == "b" ? json(3) : json("3");  // a different type
    return value_for(field);
  }

  Cond condition(uint64_t max_seq, int depth = 0) {
    int kind = depth >= 2 ? 0 : pick(10);
    if (kind <= 5) {
      static const char* kFields[] = {"a", "b", "c", "DocumentID"};
      static const char* kOps[] = {"==", "!=", "<", "<=", ">", ">="};
      std::string f = kFields[pick(chance(10) ? 4 : 3)];
      std::string op = kOps[pick(6)];
      json v = literal_for(f, max_seq);
      return {f + " " + op + " " + v.dump(),
              [=](const json& d, uint64_t s) { return cmp(value_of(d, s, f), op, v); }};
    }
    Cond l = condition(max_seq, depth + 1);
    if (kind == 9)
      return {"NOT (" + l.text + ")", [=](const json& d, uint64_t s) { return !l.eval(d, s); }};
    Cond r = condition(max_seq, depth + 1);
    if (kind <= 7) {
      return {"(" + l.text + ") AND (" + r.text + ")",
              [=](const json& d, uint64_t s) { return l.eval(d, s) && r.eval(d, s); }};
    }
    return {"(" + l.text + ") OR (" + r.text + ")",
            [=](const json& d, uint64_t s) { return l.eval(d, s) || r.eval(d, s); }};
  }

 private:
  std::mt19937 rng_;
};

bool unique_ok(const std::map<uint64_t, json>& docs, const std::vector<std::string>& fields) {
  std::set<std::string> seen;
  for (const auto& [seq, d] : docs) {
    json key = json::array();
    bool any_null = false;
    for (const auto& f : fields) {
      json v = value_of(d, seq, f);
      any_null |= v.is_null();
      key.push_back(v.is_number() ? json(v.get<double>()) : v);
    }
    if (any_null) continue;
    if (!seen.insert(key.dump()).second) return false;
  }
  return true;
}

void run_model(uint32_t seed, int steps) {
  TempDir dir;
  auto engine = open_engine(dir.path());
  auto s = engine->open_embedded_session();
  must(*engine, s, "CREATE DATABASE \"m\"");
  must(*engine, s, "USE \"m\"");
  must(*engine, s,
       "CREATE BUNDLE \"M\" WITH FIELDS ({\"a\", INT, false, false}, {\"b\", STRING, false, "
       "false}, {\"c\", INT, false, true})");
  Model model;
  Generator g(seed);
  uint64_t max_seq = 0;
  int index_counter = 0;
  auto run = [&](const std::string& text) {
    json r = engine->execute_text(s, text);
    UNSCOPED_INFO("seed " << seed << ": " << text << " -> " << r.dump());
    return r;
  };
  for (int step = 0; step < steps; ++step) {
    int op = g.pick(100);
    INFO("step " << step);
    if (op < 35) {  // ADD
      json values = json::object();
      for (const char* f : {"a", "b", "c"}) {
        json v = g.value_for(f);
        if (std::string(f) == "a" && v.is_number_float()) v = 1;
        if (!v.is_null() || g.chance(30)) values[f] = v;
      }
      json stored = json::object();
      for (auto& [k, v] : values.items())
        if (!v.is_null()) stored[k] = v;
      std::map<uint64_t, json> after = model.docs;
      after[max_seq + 1000000] = stored;
      bool ok = unique_ok(after, {"c"});
      for (const auto& name : model.indexes)
        if (name.rfind("u_", 0) == 0)
          ok = ok && unique_ok(after, name == "u_b" ? std::vector<std::string>{"b"}
                                                    : std::vector<std::string>{"a", "b"});
      json r = run("ADD DOCUMENT TO BUNDLE \"M\" WITH VALUES (" + values.dump() + ")");
      REQUIRE(r["success"].get<bool>() == ok);
      if (ok) {
        uint64_t seq = std::stoull(r["DocumentID"].get<std::string>());
        REQUIRE(seq > max_seq);
        max_seq = seq;
        model.docs[seq] = stored;
      } else {
        REQUIRE(r["error"]["code"] == "CONSTRAINT_VIOLATION");
      }
    } else if (op < 50) {  // UPDATE
      Cond c = g.condition(max_seq);
      std::string f = g.pick(3) == 0 ? "c" : (g.pick(2) ? "a" : "b");
      json v = g.value_for(f);
      if (f != "b" && v.is_number_float()) v = 4;
      std::map<uint64_t, json> after = model.docs;
      size_t matched = 0;
      for (auto& [seq, d] : after) {
        if (!c.eval(d, seq)) continue;
        ++matched;
        if (v.is_null())
          d.erase(f);
        else
          d[f] = v;
      }
      bool ok = unique_ok(after, {"c"});
      for (const auto& name : model.indexes)
        if (name.rfind("u_", 0) == 0)
          ok = ok && unique_ok(after, name == "u_b" ? std::vector<std::string>{"b"}
                                                    : std::vector<std::string>{"a", "b"});
      json r = run("UPDATE DOCUMENTS IN BUNDLE \"M\" (\"" + f + "\" = " + v.dump() + ") WHERE " +
                   c.text);
      REQUIRE(r["success"].get<bool>() == ok);
      if (ok) {
        REQUIRE(r["affected"] == matched);
        model.docs = after;
      }
    } else if (op < 58) {  // DELETE
      Cond c = g.condition(max_seq);
      size_t matched = 0;
      for (auto it = model.docs.begin(); it != model.docs.end();) {
        if (c.eval(it->second, it->first)) {
          it = model.docs.erase(it);
          ++matched;
        } else {
          ++it;
        }
      }
      json r = run("DELETE DOCUMENTS FROM BUNDLE \"M\" WHERE " + c.text);
      REQUIRE(r["success"].get<bool>());
      REQUIRE(r["affected"] == matched);
    } else if (op < 63) {  // CREATE INDEX
      int kind = g.pick(5);
      std::string name, text;
      bool expect_ok = true;
      if (kind == 3) {
        name = "u_b";
        text = "CREATE UNIQUE INDEX \"u_b\" HASH ON BUNDLE \"M\" WITH FIELDS (\"b\")";
        expect_ok = unique_ok(model.docs, {"b"});
      } else if (kind == 4) {
        name = "u_ab";
        text = "CREATE UNIQUE INDEX \"u_ab\" BTREE ON BUNDLE \"M\" WITH FIELDS (\"a\", \"b\")";
        expect_ok = unique_ok(model.docs, {"a", "b"});
      } else {
        static const char* kFields[] = {"a", "b", "c"};
        std::string f = kFields[g.pick(3)];
        name = "i" + std::to_string(++index_counter);
        text = "CREATE INDEX \"" + name + "\" " + (kind == 0 ? "HASH" : "BTREE") +
               " ON BUNDLE \"M\" WITH FIELDS (\"" + f + "\"" +
               (kind == 2 ? (f == "a" ? ", \"b\")" : ", \"a\")") : ")");
      }
      if (model.indexes.count(name)) expect_ok = false;
      json r = run(text);
      REQUIRE(r["success"].get<bool>() == expect_ok);
      if (expect_ok) model.indexes.insert(name);
    } else if (op < 67) {  // DROP INDEX
      if (model.indexes.empty()) continue;
      auto it = model.indexes.begin();
      std::advance(it, g.pick(static_cast<int>(model.indexes.size())));
      json r = run("DROP INDEX \"" + *it + "\"");
      REQUIRE(r["success"].get<bool>());
      model.indexes.erase(it);
    } else if (op < 80) {  // COUNT
      Cond c = g.condition(max_seq);
      size_t n = 0;
      for (const auto& [seq, d] : model.docs) n += c.eval(d, seq);
      json r = run("SELECT COUNT FROM \"M\" WHERE " + c.text);
      REQUIRE(r["ResultCount"] == n);
    } else {  // SELECT
      bool with_where = g.chance(85);
      Cond c =
          with_where ? g.condition(max_seq) : Cond{"", [](const json&, uint64_t) { return true; }};
      std::vector<std::pair<std::string, uint64_t>> rows;  // sort key, seq
      std::string order;
      bool desc = false;
      if (g.chance(50)) {
        static const char* kFields[] = {"a", "b", "c", "DocumentID"};
        order = kFields[g.pick(4)];
        desc = g.chance(50);
      }
      for (const auto& [seq, d] : model.docs) {
        if (!c.eval(d, seq)) continue;
        std::string key = order.empty() || order == "DocumentID"
                              ? std::string()
                              : engine::key_value(value_of(d, seq, order));
        rows.emplace_back(key, seq);
      }
      std::sort(rows.begin(), rows.end());
      if (desc) std::reverse(rows.begin(), rows.end());
      std::optional<int> limit;
      if (g.chance(40)) limit = g.pick(6);
      if (limit && rows.size() > static_cast<size_t>(*limit)) rows.resize(*limit);
      std::string text = "SELECT DOCUMENTS FROM \"M\"";
      if (with_where) text += " WHERE " + c.text;
      if (!order.empty()) text += " ORDER BY " + order + (desc ? " DESC" : " ASC");
      if (limit) text += " LIMIT " + std::to_string(*limit);
      json r = run(text);
      REQUIRE(r["success"].get<bool>());
      json expected = json::array();
      for (const auto& [key, seq] : rows) {
        json d = model.docs[seq];
        d["DocumentID"] = std::to_string(seq);
        expected.push_back(d);
      }
      REQUIRE(r["Result"] == expected);
    }
    if (step % 500 == 499) {
      auto report = engine->check_consistency("m");
      REQUIRE(report.ok());
      INFO(report->dump());
      REQUIRE((*report)["ok"].get<bool>());
    }
  }
  auto report = engine->check_consistency("m");
  REQUIRE(report.ok());
  INFO(report->dump());
  REQUIRE((*report)["ok"].get<bool>());
}

TEST_CASE("engine agrees with an in-memory model", "[engine][model]") {
  for (uint32_t seed : {1u, 2u, 3u}) run_model(seed, 3000);
}

}  // namespace
}  // namespace strata::testing
