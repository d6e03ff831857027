// statement_one (targets.hpp): the whole statement path, embedded. One Engine per process on a
// store in a temporary directory (on /dev/shm when there is one: syncs cost nothing there).
// Every input starts from the same state: database "production" (the examples' database) with
// migration 1 applied — bundle "B" (required, unique, defaulted and JSON fields, one index)
// and three documents. The input is split into statements as the server splits a stream and
// its first kMaxStatements are parsed and answered by Engine::answer, the server's call, in
// one admin session. Properties:
//   - every answer is one JSON object, "success" or "error" with a code; the code is never
//     INTERNAL or STORAGE_ERROR (the store is healthy), and its serialized form is one line
//     of valid JSON;
//   - afterwards every database passes Engine::check_consistency (documents fit their
//     schema, every index agrees with the documents).
// Then every database is dropped and every backup file removed; users cannot all be dropped
// (the last admin stays), so an input that changed users gets a fresh store, as does every
// kReopenEvery-th input (dropped databases leave tombstones behind).
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/engine.hpp"
#include "fuzz/targets.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"

namespace strata::fuzz {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxStatements = 12;
constexpr size_t kReopenEvery = 2000;

constexpr const char* kPrelude[] = {
    "CREATE DATABASE \"production\"",
    "USE \"production\"",
    "START MIGRATION WITH DESCRIPTION \"fuzz base\"\n"
    "  CREATE BUNDLE \"B\" WITH FIELDS ({\"name\", STRING, true, false}, {\"n\", INT, false, "
    "false, 0}, {\"u\", STRING, false, true}, {\"j\", JSON, false, false});\n"
    "  CREATE INDEX \"B_n\" BTREE ON BUNDLE \"B\" WITH FIELDS (\"n\");\n"
    "  ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"name\": \"a\", \"n\": 1, \"u\": \"x\"});\n"
    "  ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"name\": \"b\", \"n\": 2, \"j\": [1, {}]});\n"
    "  ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"name\": \"c\", \"u\": \"y\"});\n"
    "COMMIT",
    "APPLY MIGRATION WITH VERSION 1",
};

class World {
 public:
  World() { open(); }
  ~World() { close(); }

  engine::Engine& engine() { return *engine_; }

  // Called before each input: a fresh store every kReopenEvery inputs, or when asked.
  void begin() {
    if (stale_ || ++inputs_ % kReopenEvery == 0) {
      close();
      open();
    }
  }
  // Puts the store back to empty after an input ("" or what went wrong).
  std::string reset() {
    engine::Session admin = engine_->open_embedded_session();
    Json dbs = engine_->execute_text(admin, "SHOW DATABASES");
    for (const Json& name : dbs.value("Result", Json::array())) {
      Json r = engine_->execute_text(admin, "DROP DATABASE " + Json(name).dump());
      if (!engine::is_success(r)) return "cannot drop database " + name.dump() + ": " + r.dump();
    }
    engine_->close_session(admin);
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(engine_->backup_dir(), ec)) fs::remove_all(e, ec);
    auto users = engine_->users().list();
    if (!users.ok() || users->size() != users_) stale_ = true;
    return "";
  }

 private:
  void open() {
    const char* base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string tmpl = std::string(base) + "/strata_fuzz_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) abort();
    dir_ = tmpl;
    engine::EngineOptions options;
    options.data_dir = dir_ + "/data";
    options.settings.allow_direct_schema_changes = true;  // fuzz direct DDL too
    options.block_cache_bytes = 1u << 20;
    auto opened = engine::Engine::Open(options);
    if (!opened.ok()) abort();
    engine_ = std::move(*opened);
    auto users = engine_->users().list();
    users_ = users.ok() ? users->size() : 0;
    stale_ = false;
  }
  void close() {
    engine_.reset();
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string dir_;
  std::unique_ptr<engine::Engine> engine_;
  size_t inputs_ = 0;
  size_t users_ = 0;
  bool stale_ = false;
};

World& world() {
  static World w;
  return w;
}

// What is wrong with `response` ("" if nothing).
std::string check_response(const Json& response) {
  if (!response.is_object()) return "not a JSON object";
  const std::string status = response.value("status", "");
  if (status == "success") {
    if (response.value("success", false) != true) return "status success without success:true";
  } else if (status == "error") {
    const Json* error = response.contains("error") ? &response["error"] : nullptr;
    if (error == nullptr || !error->is_object() || !(*error)["code"].is_string()) {
      return "error without a code";
    }
    const std::string code = (*error)["code"];
    if (code == "INTERNAL" || code == "STORAGE_ERROR") return "answered " + code;
  } else {
    return "no status";
  }
  const std::string line = engine::serialize(response);
  if (line.find('\n') != std::string::npos) return "serialized over several lines";
  if (!Json::accept(line)) return "serialized to invalid JSON";
  return "";
}

std::string run(engine::Engine& e, engine::Session& session, std::string_view input) {
  for (const char* text : kPrelude) {
    Json r = e.execute_text(session, text);
    if (!engine::is_success(r)) return std::string("prelude failed: ") + r.dump();
  }
  parser::StatementSplitter splitter(1u << 20);
  splitter.feed(input);
  splitter.finish();
  size_t statements = 0;
  while (auto s = splitter.next()) {
    if (s->oversized || ++statements > kMaxStatements) break;
    const parser::ParseResult parsed = parser::parse(s->text);
    if (!parsed.ok()) continue;
    for (const ast::Statement& st : parsed.script()) {
      const Json response = e.answer(session, st).json();
      const std::string problem = check_response(response);
      if (!problem.empty()) return "\"" + s->text + "\" " + problem + ": " + response.dump();
      if (!engine::is_success(response)) break;
    }
  }
  Json dbs = e.execute_text(session, "SHOW DATABASES");
  for (const Json& name : dbs.value("Result", Json::array())) {
    auto check = e.check_consistency(name.get<std::string>());
    if (check.ok() && !check->value("ok", false)) {
      return "database " + name.dump() + " is inconsistent: " + check->dump();
    }
  }
  return "";
}

}  // namespace

std::string statement_one(std::string_view input) {
  World& w = world();
  w.begin();
  engine::Session session = w.engine().open_embedded_session();
  std::string problem = run(w.engine(), session, input);
  w.engine().close_session(session);
  const std::string reset = w.reset();
  return problem.empty() ? reset : problem;
}

}  // namespace strata::fuzz
