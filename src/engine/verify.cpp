// SPEC §4.10: VERIFY MIGRATIONS (every migration checksum recomputed from its stored text, the
// chain recomputed from chain_0, the live schema checksum against the recorded one, each
// drifted object named against the recorded schema) and the same check when the engine opens,
// whose problems go to stderr.
#include <spdlog/spdlog.h>

#include "engine/exec_migration.hpp"
#include "engine/recorded_schema.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/undo.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

Result<Json> verify_ledger(const Reader& reader, const DatabaseSchema& schema, bool deep) {
  auto records = load_records(reader, schema.id);
  if (!records.ok()) return records.status();
  Json problems = Json::array();
  bool checksums_valid = true;
  bool chain_valid = true;
  std::string chain = zero_chain();
  std::string apply_chain = zero_chain();
  uint64_t expected_version = 1;
  for (const auto& r : *records) {
    const std::string v = std::to_string(r.version);
    if (r.version != expected_version) {
      chain_valid = false;
      problems.push_back("migration " + v + ": expected version " +
                         std::to_string(expected_version) + " (the ledger has a gap)");
    }
    expected_version = r.version + 1;
    auto commands = load_commands(reader, schema.id, r.version);
    if (!commands.ok()) return commands.status();
    if (migration_checksum(*commands, r.description, r.name) != r.checksum) {
      checksums_valid = false;
      problems.push_back("migration " + v + ": checksum mismatch (stored commands altered)");
    }
    chain = chain_checksum(chain, r.checksum);
    if (chain != r.chain_checksum) {
      chain_valid = false;
      problems.push_back("migration " + v + ": chain checksum mismatch");
      chain = r.chain_checksum;  // report each broken link once
    }
    if (!deep || r.status != kApplied || r.apply_checksum.empty()) continue;
    // SPEC §4.6: the DOWN list and undo snapshot a rollback would use, as APPLY left them.
    auto down = effective_down(reader, schema.id, r);
    if (!down.ok()) return down.status();
    auto digest = undo_digest(reader, schema.id, r.version);
    if (!digest.ok()) return digest.status();
    if (apply_checksum(r.checksum, *down, *digest) != r.apply_checksum) {
      checksums_valid = false;
      problems.push_back("migration " + v +
                         ": apply checksum mismatch (its DOWN list or undo snapshot was altered "
                         "after APPLY)");
    }
    apply_chain = chain_checksum(apply_chain, r.apply_checksum);
    if (apply_chain != r.apply_chain_checksum) {
      chain_valid = false;
      problems.push_back("migration " + v + ": apply chain checksum mismatch");
      apply_chain = r.apply_chain_checksum;
    }
  }
  // SPEC §4.10: drift is named, object by object, against the last recorded schema.
  auto drift = named_drift(reader, schema);
  if (!drift.ok()) return drift.status();
  for (const auto& m : drift_messages(*drift, "schema drift: ")) problems.push_back(m);
  return Json{{"checksumsValid", checksums_valid},
              {"chainValid", chain_valid},
              {"schemaDrift", !drift->empty()},
              {"drift", *drift},
              {"problems", problems},
              {"migrations", records->size()},
              {"currentVersion", current_version(*records)}};
}

Status exec_verify_migrations(Engine& e, Session& s, Json* out) {
  auto view = e.read(s.database);
  if (!view.ok()) return view.status();
  auto result = verify_ledger(*view->reader, *view->schema, /*deep=*/true);
  if (!result.ok()) return result.status();
  (*out)["message"] = (*result)["problems"].empty() ? "Migrations verified: no problems"
                                                   : "Migrations verified: problems found";
  out->update(*result);
  return Status::Ok();
}

void check_ledgers_at_open(Engine& engine) {
  std::vector<std::string> names;
  auto it = engine.store().scan(storage::Space::kCatalog, "", "");
  for (; it->valid(); it->next()) {
    if (it->key().size() != 5 || it->key()[4] != 'S') continue;
    Json j = Json::parse(it->value(), nullptr, false);
    if (j.is_object() && j.contains("name") && j["name"].is_string()) {
      names.push_back(j["name"].get<std::string>());
    }
  }
  it.reset();
  for (const auto& name : names) {
    auto view = engine.read(name);
    if (!view.ok()) continue;
    auto result = verify_ledger(*view->reader, *view->schema, /*deep=*/false);
    if (!result.ok()) {
      spdlog::error("database '{}': ledger check failed: {}", name, result.status().ToString());
      continue;
    }
    for (const auto& p : (*result)["problems"]) {
      spdlog::error("database '{}': {}", name, p.get<std::string>());
    }
  }
}

}  // namespace strata::engine
