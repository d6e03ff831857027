// Engine-level tests that case files cannot express: reopen after a clean stop, the per-bundle
// catalog records (only changed ones rewritten), a corrupted or foreign store refused with a
// clear message, damaged backup files refused with INVALID_BACKUP and nothing created, the
// write() seam running several commands atomically, the UndoLog seam, and run_script streaming.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/documents.hpp"
#include "engine/engine_fixture.hpp"
#include "engine/script_runner.hpp"
#include "parser/parser.hpp"
#include "parser/statement_stream.hpp"
#include "storage/keys.hpp"

namespace strata::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void seed(engine::Engine& e, engine::Session& s) {
  must(e, s, "CREATE DATABASE \"db\"");
  must(e, s, "USE \"db\"");
  must(e, s,
       "CREATE BUNDLE \"B\" WITH FIELDS ({\"k\", STRING, true, true}, {\"n\", INT, false, false})");
  must(e, s, "CREATE INDEX BTREE ON BUNDLE \"B\" WITH FIELD \"n\"");
  for (int i = 0; i < 50; ++i) {
    must(e, s,
         "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"k\":\"k" + std::to_string(i) +
             "\",\"n\":" + std::to_string(i % 7) + "})");
  }
}

TEST_CASE("reopen after a clean stop shows the same data", "[engine]") {
  TempDir dir;
  json before;
  {
    auto e = open_engine(dir.path());
    auto s = e->open_embedded_session();
    seed(*e, s);
    before = must(*e, s, "SELECT * FROM \"B\" WHERE n >= 3 ORDER BY n DESC");
  }
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  must(*e, s, "USE \"db\"");
  json after = must(*e, s, "SELECT * FROM \"B\" WHERE n >= 3 ORDER BY n DESC");
  CHECK(after["Result"] == before["Result"]);
  json add = must(*e, s, "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"k\":\"new\"})");
  CHECK(add["DocumentID"] == "51");
  auto report = e->check_consistency("db");
  REQUIRE(report.ok());
  CHECK((*report)["ok"].get<bool>());
}

// The kCatalog records of database `id` (keys without the database prefix).
std::map<std::string, std::string> catalog_records(engine::Engine& e, uint32_t id) {
  std::map<std::string, std::string> out;
  auto it = e.store().scan_prefix(storage::Space::kCatalog, storage::keys::database_prefix(id));
  for (; it->valid(); it->next()) out[std::string(it->key().substr(4))] = it->value();
  return out;
}

TEST_CASE("the catalog is one record per bundle and index, rewritten only when changed",
          "[engine]") {
  namespace keys = storage::keys;
  TempDir dir;
  engine::DatabaseSchema before;
  uint32_t id = 0;
  {
    auto e = open_engine(dir.path());
    auto s = e->open_embedded_session();
    seed(*e, s);
    must(*e, s, "CREATE BUNDLE \"C\" WITH FIELDS ({\"x\", INT, false, false})");
    must(*e, s, "CREATE BUNDLE \"D\" WITH FIELDS ({\"y\", INT, false, false})");
    id = e->read("db")->schema->id;
    auto sub = [&](const std::string& key) { return key.substr(4); };
    auto b = catalog_records(*e, id);
    // Header, counter, bundles B C D (ids 1..3), indexes: B's implicit unique one and its BTREE.
    CHECK(b.size() == 7);
    CHECK(b.count(sub(keys::catalog_key(id))));
    CHECK(b.count(sub(keys::catalog_bundle_key(id, 3))));
    CHECK(b.count(sub(keys::catalog_index_key(id, 2))));
    must(*e, s, "UPDATE BUNDLE \"C\" SET NAME = \"C2\"");
    auto a = catalog_records(*e, id);
    const std::string renamed = sub(keys::catalog_bundle_key(id, 2));
    for (const auto& [k, v] : b) {
      INFO(k);
      // Only C's record changed: header, counter, other bundles and indexes untouched.
      CHECK((a[k] == v) == (k != renamed));
    }
    must(*e, s, "DROP BUNDLE \"B\"");
    auto d = catalog_records(*e, id);
    CHECK(d.size() == 4);  // header, counter, C2, D: B and its indexes are gone
    CHECK_FALSE(d.count(sub(keys::catalog_bundle_key(id, 1))));
    CHECK_FALSE(d.count(sub(keys::catalog_index_key(id, 1))));
    CHECK(d.at(sub(keys::catalog_key(id))) == b.at(sub(keys::catalog_key(id))));
    must(*e, s, "CREATE INDEX HASH ON BUNDLE \"D\" WITH FIELD \"y\"");
    before = *e->read("db")->schema;
  }
  auto e = open_engine(dir.path());
  auto after = e->read("db");
  REQUIRE(after.ok());
  CHECK(*after->schema == before);
  REQUIRE(before.bundles.size() == 2);
  CHECK(before.bundles[0].name == "C2");
}

TEST_CASE("a corrupted or foreign store is refused with a clear message", "[engine]") {
  TempDir dir;
  {
    auto e = open_engine(dir.path());
    auto s = e->open_embedded_session();
    seed(*e, s);
  }
  // Damage every table and log file of the store.
  for (const auto& f : fs::directory_iterator(dir.path())) {
    auto ext = f.path().extension().string();
    if (ext != ".sst" && ext != ".log" && f.path().filename().string().rfind("MANIFEST", 0) != 0)
      continue;
    std::fstream io(f.path(), std::ios::in | std::ios::out | std::ios::binary);
    std::string junk(4096, '\x5a');
    io.seekp(0);
    io.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  engine::EngineOptions o;
  o.data_dir = dir.path();
  auto e = engine::Engine::Open(o);
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().code() == Code::kStorageError);
  CHECK_FALSE(e.status().message().empty());

  TempDir foreign;
  std::ofstream(foreign.sub("CURRENT")) << "not rocksdb\n";
  o.data_dir = foreign.path();
  auto f = engine::Engine::Open(o);
  REQUIRE_FALSE(f.ok());
  CHECK(f.status().code() == Code::kStorageError);
}

TEST_CASE("damaged backups are refused and create nothing", "[engine][backup]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  seed(*e, s);
  must(*e, s, "BACKUP DATABASE \"db\" TO \"good.sdb\"");
  const fs::path backups = fs::path(dir.path()) / "backups";
  std::string bytes;
  {
    std::ifstream in(backups / "good.sdb", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes = ss.str();
  }
  REQUIRE(bytes.size() > 100);
  auto write_file = [&](const std::string& name, const std::string& content) {
    std::ofstream out(backups / name, std::ios::binary);
    out << content;
  };
  std::string altered = bytes;
  altered[bytes.size() / 2] ^= 0x01;
  write_file("altered.sdb", altered);
  write_file("truncated.sdb", bytes.substr(0, bytes.size() - 10));
  write_file("tiny.sdb", bytes.substr(0, 12));
  write_file("empty.sdb", "");
  std::string no_trailer = bytes.substr(0, bytes.size() - 32) + std::string(32, '\0');
  write_file("badsum.sdb", no_trailer);
  for (const char* name : {"altered.sdb", "truncated.sdb", "tiny.sdb", "empty.sdb", "badsum.sdb"}) {
    INFO(name);
    json r = e->execute_text(s, std::string("RESTORE DATABASE FROM \"") + name + "\" AS \"copy\"");
    CHECK(r["error"]["code"] == "INVALID_BACKUP");
    json dbs = must(*e, s, "SHOW DATABASES");
    CHECK(dbs["Result"] == json::array({"db"}));
  }
  json ok = must(*e, s, "RESTORE DATABASE FROM \"good.sdb\" AS \"copy\"");
  must(*e, s, "USE \"copy\"");
  json a = must(*e, s, "SELECT * FROM \"B\" ORDER BY n");
  must(*e, s, "USE \"db\"");
  json b = must(*e, s, "SELECT * FROM \"B\" ORDER BY n");
  CHECK(a["Result"] == b["Result"]);
  auto report = e->check_consistency("copy");
  REQUIRE(report.ok());
  CHECK((*report)["ok"].get<bool>());
}

// An UndoLog that records what it is told.
struct RecordingUndo : engine::UndoLog {
  std::vector<std::pair<uint64_t, json>> docs;
  void document_before(const engine::Bundle&, uint64_t seq,
                       const std::string_view* before) override {
    docs.emplace_back(seq, before ? *engine::parse_document(*before) : json());
  }
  std::vector<uint64_t> reshaped;
  void document_reshaped(const engine::Bundle&, uint64_t seq, std::string_view) override {
    reshaped.push_back(seq);
  }
};

ast::Statement parse_one(const std::string& text) {
  auto r = parser::parse(text);
  REQUIRE(r.ok());
  REQUIRE(r.script().size() == 1);
  return r.script()[0];
}

TEST_CASE("write() runs several commands in one atomic commit, reporting to the UndoLog",
          "[engine]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  seed(*e, s);
  std::vector<ast::Statement> commands = {
      parse_one("CREATE BUNDLE \"C\" WITH FIELDS ({\"x\", INT, false, false})"),
      parse_one("ADD DOCUMENT TO BUNDLE \"C\" WITH VALUES ({\"x\": 1})"),
      parse_one("UPDATE DOCUMENTS IN BUNDLE \"B\" (\"n\" = 100) WHERE k == \"k1\""),
      parse_one("UPDATE BUNDLE \"B\" REMOVE FIELD \"k\""),
  };
  RecordingUndo undo;
  Status st = e->write(s, "db", true, &undo, [&](engine::WriteContext& ctx) {
    for (const auto& c : commands) {
      json response;
      STRATA_RETURN_IF_ERROR(engine::exec_command(ctx, c, &response));
    }
    return Status::Ok();
  });
  REQUIRE(st.ok());
  json c = must(*e, s, "SELECT * FROM \"C\"");
  CHECK(c["ResultCount"] == 1);
  CHECK(undo.docs.size() == 1 + 1 + 50);  // the ADD, the UPDATE, 50 field removals
  CHECK(undo.docs[0].second.is_null());
  CHECK(undo.docs[1].second["n"] == 1);

  // A failing command in the middle: nothing of the whole write is visible.
  std::vector<ast::Statement> failing = {
      parse_one("ADD DOCUMENT TO BUNDLE \"C\" WITH VALUES ({\"x\": 2})"),
      parse_one("DROP BUNDLE \"C\""),
      parse_one("ADD DOCUMENT TO BUNDLE \"C\" WITH VALUES ({\"x\": 3})"),
  };
  st = e->write(s, "db", true, nullptr, [&](engine::WriteContext& ctx) {
    for (const auto& cmd : failing) {
      json response;
      STRATA_RETURN_IF_ERROR(engine::exec_command(ctx, cmd, &response));
    }
    return Status::Ok();
  });
  CHECK(st.code() == Code::kBundleNotFound);
  c = must(*e, s, "SELECT * FROM \"C\"");
  CHECK(c["ResultCount"] == 1);
  auto report = e->check_consistency("db");
  REQUIRE(report.ok());
  CHECK((*report)["ok"].get<bool>());
}

TEST_CASE("run_script streams statements and stops at the first error", "[engine]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  std::istringstream in(
      "CREATE DATABASE \"x\"; USE \"x\";\n"
      "-- a comment; with a semicolon\n"
      "CREATE BUNDLE \"B\" WITH FIELDS ({\"s\", STRING, false, false});\n"
      "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"s\": \"a;b\"});\n"
      "SELECT * FROM \"B\" WHERE s ==\n  ;\n"
      "SHOW DATABASES");
  std::ostringstream out;
  parser::StreamPosition failed_at;
  int rc = engine::run_script(*e, s, in, out, false, 256u << 20,
                              [&](const parser::SplitStatement& st, json& response) {
                                if (!response.contains("error")) return true;
                                failed_at = parser::position_in_stream(
                                    st, response["line"].get<uint32_t>(),
                                    response["column"].get<uint32_t>());
                                return false;
                              });
  CHECK(rc == 1);
  std::vector<json> lines;
  std::istringstream o(out.str());
  for (std::string l; std::getline(o, l);) lines.push_back(json::parse(l));
  REQUIRE(lines.size() == 5);
  CHECK(lines[3]["DocumentID"] == "1");
  CHECK(lines[4]["error"]["code"] == "SYNTAX_ERROR");
  CHECK(lines[4]["found"] == "end of input");  // the ';' ends the statement
  CHECK(lines[4]["line"] == 1);  // counted from the statement (SPEC §2) ...
  CHECK(lines[4]["column"] == 29);
  CHECK(failed_at.line == 5);  // ... which starts on line 5 of the stream
  CHECK(failed_at.column == 29);

  std::istringstream big("SHOW DATABASES; SELECT * FROM \"" + std::string(5000, 'x') +
                         "\"; SHOW DATABASES;");
  std::ostringstream out3;
  CHECK(engine::run_script(*e, s, big, out3, true, 1000) == 1);
  const std::string text3 = out3.str();
  CHECK(text3.find("FRAME_TOO_LARGE") != std::string::npos);
  CHECK(text3.find("statement exceeds the limit of 1000 bytes") != std::string::npos);
  CHECK(std::count(text3.begin(), text3.end(), '\n') == 3);

  std::istringstream again("SELECT * FROM \"B\" WHERE s ==;\nSHOW DATABASES;");
  std::ostringstream out2;
  CHECK(engine::run_script(*e, s, again, out2, true) == 1);
  CHECK(out2.str().find("\"Result\":[\"x\"]") != std::string::npos);
}

}  // namespace
}  // namespace strata::testing

namespace strata::testing {
namespace {

TEST_CASE("check_consistency detects missing and stale index entries", "[engine]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  seed(*e, s);
  auto report = e->check_consistency("db");
  REQUIRE(report.ok());
  REQUIRE((*report)["ok"].get<bool>());
  // Remove one index entry behind the engine's back.
  auto txn = e->store().begin();
  std::string victim;
  {
    auto it = e->store().scan(storage::Space::kIndex, "", "");
    REQUIRE(it->valid());
    victim = std::string(it->key());
  }
  txn->del(storage::Space::kIndex, victim);
  txn->put(storage::Space::kIndex, victim + "x", std::string(8, '\0'));
  REQUIRE(e->store().commit(*txn, true).ok());
  report = e->check_consistency("db");
  REQUIRE(report.ok());
  CHECK_FALSE((*report)["ok"].get<bool>());
  CHECK((*report)["problems"].size() >= 2);
}

}  // namespace
}  // namespace strata::testing

namespace strata::testing {
namespace {

TEST_CASE("a backup carries the ledger keyspace and every other key of the database",
          "[engine][backup]") {
  TempDir dir;
  auto e = open_engine(dir.path());
  auto s = e->open_embedded_session();
  seed(*e, s);
  // A ledger record written the way the migration work writes one: through write().
  REQUIRE(e->write(s, "db", true, nullptr, [](engine::WriteContext& ctx) {
             ctx.txn().put(storage::Space::kLedger,
                           storage::keys::database_prefix(ctx.db_id()) + "M1", "{\"v\":1}");
             return Status::Ok();
           }).ok());
  must(*e, s, "BACKUP DATABASE \"db\" TO \"l.sdb\"");
  must(*e, s, "RESTORE DATABASE FROM \"l.sdb\" AS \"copy\"");
  auto src = e->read("db");
  auto copy = e->read("copy");
  REQUIRE(src.ok());
  REQUIRE(copy.ok());
  CHECK(copy->schema->id != src->schema->id);
  for (storage::Space space : storage::keys::kDatabaseSpaces) {
    std::vector<std::pair<std::string, std::string>> a, b;
    auto ia = src->reader->scan_prefix(space, storage::keys::database_prefix(src->schema->id));
    for (; ia->valid(); ia->next())
      a.emplace_back(std::string(ia->key().substr(4)), std::string(ia->value()));
    auto ib = copy->reader->scan_prefix(space, storage::keys::database_prefix(copy->schema->id));
    for (; ib->valid(); ib->next())
      b.emplace_back(std::string(ib->key().substr(4)), std::string(ib->value()));
    INFO("space " << storage::space_name(space));
    REQUIRE(a.size() == b.size());
    if (space == storage::Space::kCatalog) continue;  // the catalog record names the new id
    CHECK(a == b);
  }
  CHECK(copy->schema->bundles == src->schema->bundles);
  CHECK(copy->schema->indexes == src->schema->indexes);
  CHECK(copy->schema->name == "copy");
}

}  // namespace
}  // namespace strata::testing

namespace strata::testing {
namespace {

TEST_CASE("server-wide setting defaults show as source server", "[engine][settings]") {
  TempDir dir;
  engine::EngineOptions o;
  o.settings.max_migration_commands = 50;
  o.settings.allow_direct_schema_changes = false;
  auto e = open_engine(dir.path(), o);
  auto s = e->open_embedded_session();
  must(*e, s, "CREATE DATABASE \"db\"");
  must(*e, s, "USE \"db\"");
  json r = must(*e, s, "SHOW SETTINGS");
  CHECK(r["settings"]["MaxMigrationCommands"] == json({{"value", 50}, {"source", "server"}}));
  CHECK(r["settings"]["MigrationTimeoutSeconds"]["source"] == "default");
  json refused = e->execute_text(s, "CREATE BUNDLE \"B\" WITH FIELDS ({\"a\", INT, false, false})");
  CHECK(refused["error"]["code"] == "DIRECT_SCHEMA_CHANGES_DISABLED");
  must(*e, s, "SET AllowDirectSchemaChanges = true");
  r = must(*e, s, "SHOW SETTINGS");
  CHECK(r["settings"]["AllowDirectSchemaChanges"] ==
        json({{"value", true}, {"source", "database"}}));
  must(*e, s, "CREATE BUNDLE \"B\" WITH FIELDS ({\"a\", INT, false, false})");
}

}  // namespace
}  // namespace strata::testing
