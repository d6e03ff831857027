// prepare_flat (documents.hpp): a stored ADD DOCUMENT read from its text must prepare exactly
// as the long way does — prepare_for_insert's bytes, and index_entry_key's keys — or decline.
// Random bundles (every field type, required, defaults, unique fields, composite and unique
// indexes) meet random flat documents (declared and undeclared keys, every scalar, nulls,
// wrong types, missing fields), seeded so a failure repeats.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine/documents.hpp"
#include "engine/index.hpp"
#include "parser/canonical.hpp"
#include "parser/fast_add_document.hpp"

namespace strata::engine {
namespace {

using parser::FieldType;

constexpr FieldType kTypes[] = {FieldType::kString, FieldType::kText,     FieldType::kInt,
                                FieldType::kFloat,  FieldType::kBoolean,  FieldType::kDateTime,
                                FieldType::kJson};
const char* const kNames[] = {"a", "b", "c", "dd", "e_1", "f"};

struct Generator {
  std::mt19937_64 rng{20261121};

  size_t below(size_t n) { return static_cast<size_t>(rng() % n); }
  bool coin(int one_in) { return below(static_cast<size_t>(one_in)) == 0; }

  DatabaseSchema schema() {
    DatabaseSchema s;
    s.id = 7;
    Bundle b;
    b.id = 3;
    b.name = "B";
    for (const char* name : kNames) {
      if (coin(4)) continue;
      Field f;
      f.name = name;
      f.type = kTypes[below(std::size(kTypes))];
      f.required = coin(5);
      f.unique = coin(6);
      if (coin(8)) f.default_value = value_for(f.type);
      b.fields.push_back(f);
    }
    uint32_t next = 1;
    for (const Field& f : b.fields) {
      if (f.unique) s.indexes.push_back(IndexDef{next++, f.name, ast::IndexKind::kHash, b.id,
                                                 {f.name}, true, true});
    }
    for (int i = 0, n = static_cast<int>(below(3)); i < n && !b.fields.empty(); ++i) {
      IndexDef idx{next++, "i" + std::to_string(i), ast::IndexKind::kBtree, b.id, {}, coin(3)};
      for (int k = 0, m = 1 + static_cast<int>(below(2)); k < m; ++k) {
        idx.fields.push_back(b.fields[below(b.fields.size())].name);
      }
      s.indexes.push_back(idx);
    }
    s.bundles.push_back(b);
    return s;
  }

  Json value_for(FieldType t) {
    switch (t) {
      case FieldType::kInt:
        return static_cast<int64_t>(below(2000)) - 1000;
      case FieldType::kFloat:
        return 1.5;
      case FieldType::kBoolean:
        return coin(2);
      case FieldType::kDateTime:
        return "2026-11-21T10:00:00Z";
      default:
        return "v" + std::to_string(below(50));
    }
  }

  // A member's value as written in a statement: often of the field's type, sometimes not.
  std::string literal() {
    switch (below(9)) {
      case 0:
        return "\"2026-0" + std::to_string(1 + below(9)) + "-1" + std::to_string(below(10)) +
               "T12:30:00Z\"";
      case 1:
        return std::to_string(below(100000));
      case 2:
        return "-" + std::to_string(1 + below(1000));
      case 3:
        return coin(2) ? "true" : "FALSE";
      case 4:
        return "null";
      case 5:
        return coin(2) ? "999999999999999999" : "9223372036854775807";  // 18 digits; INT's max
      case 6:
        return "\"x y ~" + std::to_string(below(30)) + "\"";
      case 7:
        return "\"\"";
      default:
        return "\"u" + std::to_string(below(1000)) + "\"";
    }
  }

  // A literal of type `t` as a statement writes it, in one of its spellings.
  std::string literal_for(FieldType t) {
    switch (t) {
      case FieldType::kInt:
        return coin(2) ? std::to_string(below(100000)) : "-" + std::to_string(1 + below(1000));
      case FieldType::kFloat:
        return std::to_string(below(100));  // flat documents hold integers only
      case FieldType::kBoolean:
        return coin(2) ? "true" : "FALSE";
      case FieldType::kDateTime:
        return "\"2026-0" + std::to_string(1 + below(9)) + "-1" + std::to_string(below(10)) +
               "T12:30:00Z\"";
      default:
        return literal();
    }
  }

  std::string statement(const Bundle& bundle) {
    std::vector<std::pair<std::string, std::string>> members;
    for (const Field& f : bundle.fields) {
      if (coin(4)) continue;
      members.emplace_back(f.name, coin(6) ? literal() : literal_for(f.type));
    }
    if (coin(12)) members.emplace_back("undeclared", literal());
    std::shuffle(members.begin(), members.end(), rng);
    std::string text = "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({";
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) text += ", ";
      text += "\"" + members[i].first + "\": " + members[i].second;
    }
    return text + "})";
  }
};

TEST_CASE("prepare_flat prepares a flat document exactly as prepare_for_insert does") {
  Generator g;
  int prepared = 0, declined = 0;
  for (int round = 0; round < 300; ++round) {
    const DatabaseSchema schema = g.schema();
    const Bundle& bundle = schema.bundles.front();
    for (int d = 0; d < 40; ++d) {
      const std::string text = g.statement(bundle);
      INFO(text);
      auto flat = parser::scan_add_document_text(text.data(), text.data() + text.size());
      if (!flat) continue;  // outside the flat subset (a 19-digit number)
      auto ast = parser::scan_add_document(text.data(), text.data() + text.size());
      REQUIRE(ast);
      std::optional<PreparedDocument> fast = prepare_flat(schema, bundle, std::move(*flat));
      auto slow = prepare_for_insert(bundle, ast->values);
      if (!fast) {
        ++declined;
        continue;
      }
      ++prepared;
      REQUIRE(slow.ok());
      CHECK(fast->flat());
      CHECK(fast->bytes == slow->bytes);
      std::vector<IndexKey> keys;
      for (const IndexDef& idx : schema.indexes) {
        if (idx.bundle_id != bundle.id) continue;
        constexpr uint64_t kSeq = 4242;
        std::string whole = index_entry_key(schema.id, idx, slow->doc, kSeq);
        std::string with_seq = fast->index_keys.at(keys.size()).key;
        if (fast->index_keys.at(keys.size()).needs_seq) storage::keys::put_u64(&with_seq, kSeq);
        CHECK(with_seq == whole);
        keys.push_back(fast->index_keys.at(keys.size()));
      }
      CHECK(keys.size() == fast->index_keys.size());
    }
  }
  // Both outcomes are exercised, not one of them only.
  CHECK(prepared > 1000);
  CHECK(declined > 1000);
}

}  // namespace
}  // namespace strata::engine
