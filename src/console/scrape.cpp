#include "console/scrape.hpp"

#include <filesystem>
#include <map>

#include "common/metrics.hpp"
#include "console/read_session.hpp"
#include "storage/keys.hpp"

namespace strata::console {

namespace {

constexpr const char* kStates[] = {"PENDING", "APPLIED", "FAILED", "ROLLED_BACK"};

void ledger_families(engine::Engine& engine, const std::string& user, ast::Role role,
                     metrics::Writer& out) {
  ReadSession reader(engine, user, role);
  const Json databases = reader.show_databases();
  if (!engine::is_success(databases)) return;
  struct Ledger {
    std::map<std::string, int> by_state;
    uint64_t current = 0;
    bool drift = false;
  };
  std::map<std::string, Ledger> ledgers;
  for (const Json& name : databases["Result"]) {
    const std::string db = name.get<std::string>();
    const Json answer = reader.show_migrations(db);
    if (!engine::is_success(answer)) continue;  // dropped meanwhile
    Ledger& ledger = ledgers[db];
    for (const char* state : kStates) ledger.by_state[state] = 0;
    for (const Json& m : answer["migrations"]) ++ledger.by_state[m.value("Status", std::string("?"))];
    ledger.current = answer.value("currentVersion", uint64_t{0});
    ledger.drift = answer.value("schemaDrift", false);
  }
  out.family("strata_migrations", "Migrations per database and state, from the ledgers",
             metrics::Type::kGauge);
  for (const auto& [db, ledger] : ledgers) {
    for (const auto& [state, n] : ledger.by_state) {
      out.sample("strata_migrations", {{"database", db}, {"state", state}}, n);
    }
  }
  out.family("strata_migration_current_version", "The highest version v with 1..v applied",
             metrics::Type::kGauge);
  for (const auto& [db, ledger] : ledgers) {
    out.sample("strata_migration_current_version", {{"database", db}},
               static_cast<double>(ledger.current));
  }
  out.family("strata_schema_drift", "1 when the live schema differs from the ledger's",
             metrics::Type::kGauge);
  for (const auto& [db, ledger] : ledgers) {
    out.sample("strata_schema_drift", {{"database", db}}, ledger.drift ? 1 : 0);
  }
}

void store_family(engine::Engine& engine, metrics::Writer& out) {
  double sst = 0, wal = 0;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(engine.options().data_dir, ec)) {
    std::error_code size_ec;
    if (!entry.is_regular_file(size_ec)) continue;
    const auto size = entry.file_size(size_ec);
    if (size_ec) continue;  // deleted by a compaction meanwhile
    const std::string ext = entry.path().extension().string();
    if (ext == ".sst") sst += static_cast<double>(size);
    if (ext == ".log") wal += static_cast<double>(size);
  }
  out.family("strata_store_bytes", "Size of the store's table files (sst) and write-ahead log (wal)",
             metrics::Type::kGauge);
  out.sample("strata_store_bytes", {{"kind", "sst"}}, sst);
  out.sample("strata_store_bytes", {{"kind", "wal"}}, wal);
}

}  // namespace

std::string metrics_document(engine::Engine& engine, const std::string& user, ast::Role role,
                             size_t console_sessions) {
  std::string text = metrics::default_registry().expose();
  metrics::Writer out(&text);
  ledger_families(engine, user, role, out);
  store_family(engine, out);
  out.family("strata_console_sessions", "Console logins alive", metrics::Type::kGauge);
  out.sample("strata_console_sessions", {}, static_cast<double>(console_sessions));
  return text;
}

Status store_health(engine::Engine& engine) {
  auto record = engine.store().get(storage::Space::kMeta, storage::keys::kFormatVersionKey);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return Status(Code::kStorageError, "the store has no format record");
  return Status::Ok();
}

}  // namespace strata::console
