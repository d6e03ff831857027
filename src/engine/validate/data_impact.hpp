#pragma once
// VALIDATE MIGRATION's dataImpact (SPEC §4.4): exact counts, from the data the simulation
// sees, of what the UP commands delete or overwrite — documents deleted (DELETE DOCUMENTS, DROP
// BUNDLE), values removed (REMOVE FIELD), values overwritten (UPDATE DOCUMENTS, the
// conversion of a MODIFY FIELD that changes the type) — per bundle and field. The validator
// calls before() just before a command runs on the simulation and after() once it ran; only
// commands that succeeded count. Irreversible commands (DROP BUNDLE ... WITH FORCE) are named:
// everything else is recoverable by rollback.
// Thread-safety: one per validation.

#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "engine/binder.hpp"
#include "engine/write_context.hpp"

namespace strata::engine::validate {

class DataImpact {
 public:
  // Counts what `command` will remove, reading the documents through ctx (only for the
  // commands that remove data; ADD DOCUMENT and friends cost nothing).
  void before(const WriteContext& ctx, const bound::Command& command);
  // The command ran (`ok`) with `response` (UPDATE / DELETE DOCUMENTS: "affected").
  void after(bool ok, const Json& response);
  // `what` will not come back at rollback although no command is irreversible (an explicit
  // DOWN list without the restore step): listed with the irreversible, not recoverable.
  void not_restored(std::string what) { irreversible_.push_back(std::move(what)); }
  // {"documentsDeleted","valuesRemoved","valuesOverwritten","bundlesDropped","fieldsRemoved",
  //  "byBundle":{"B":{"documentsDeleted":n,"valuesRemoved":{"f":n},"valuesOverwritten":{"f":n}}},
  //  "irreversible":[...],"recoverable":bool,"estimatedDataLoss":"..."}
  Json json() const;

 private:
  struct Counts {
    uint64_t documents_deleted = 0;
    std::map<std::string, uint64_t> removed;      // field -> values
    std::map<std::string, uint64_t> overwritten;  // field -> values
  };
  struct Pending {
    bool active = false;
    std::string bundle;
    Counts counts;
    std::vector<std::string> dropped_bundles, removed_fields, irreversible;
    // UPDATE / DELETE DOCUMENTS: counted from the response's "affected".
    bool deletes_affected = false;
    std::vector<std::string> overwrites_affected;
  };
  Pending pending_;
  std::map<std::string, Counts> bundles_;
  std::vector<std::string> dropped_bundles_, removed_fields_, irreversible_;
};

}  // namespace strata::engine::validate
