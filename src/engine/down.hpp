#pragma once
// DOWN generation (SPEC §4.7). A DownBuilder is fed every UP command together with the schema
// just before it (the overlay at START: a preliminary list; the real pre-apply state at
// APPLY: the final list). finish() returns the DOWN list:
//
//   1. the reversal of each UP command, in reverse order (CREATE BUNDLE -> DROP BUNDLE,
//      DROP BUNDLE -> CREATE BUNDLE + its indexes + its relationships, ADD FIELD -> REMOVE
//      FIELD, REMOVE FIELD -> ADD FIELD, renames reversed, MODIFY FIELD -> MODIFY FIELD back,
//      relationships and indexes re-added or removed, ADD DOCUMENT -> DELETE DOCUMENTS
//      WHERE DocumentID == id);
//   2. then, once the schema is what it was before the migration, one
//      RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION n per pre-existing bundle whose
//      documents the migration overwrote or deleted (the undo snapshot, undo.hpp);
//   3. then MODIFY FIELD steps that make re-added required fields required again (a
//      required field without default can only be re-added to a non-empty bundle as
//      optional, before its values are restored).
//
// ADD DOCUMENT into a bundle that the same migration created gets no DELETE step: the DROP
// BUNDLE of step 1 removes it. DROP BUNDLE ... WITH FORCE is irreversible: irreversible()
// names it and no list can be generated.
// Thread-safety: a DownBuilder belongs to one thread.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/catalog.hpp"
#include "parser/ast.hpp"

namespace strata::engine {

class DownBuilder {
 public:
  // `base`: the schema before the migration's first command.
  DownBuilder(uint64_t version, const DatabaseSchema& base);

  // UP command `command` is about to run on `before`. For ADD DOCUMENT, `assigned_seq` is
  // the sequence (DocumentID) the document gets.
  void add(const DatabaseSchema& before, const ast::Statement& command,
           std::optional<uint64_t> assigned_seq);
  // The same for ADD DOCUMENT TO BUNDLE `bundle`, given only its bundle name (all its DOWN
  // step depends on; START keeps no more of one, ast::MigrationCommand).
  void add_document(const DatabaseSchema& before, const std::string& bundle,
                    uint64_t assigned_seq);

  // Pre-existing bundles (pre-migration names) whose documents this migration is expected to
  // overwrite or delete, judged from the commands (the preliminary list's restore steps).
  const std::set<std::string>& predicted_restores() const { return predicted_restores_; }
  // The canonical text of the first irreversible command, or "".
  const std::string& irreversible() const { return irreversible_; }

  // The DOWN list; `restore_bundles` are the pre-migration names to restore (step 2).
  std::vector<std::string> finish(const std::vector<std::string>& restore_bundles) const;

 private:
  void reverse_change(const DatabaseSchema& before, std::string* bundle_name,
                      const ast::BundleChange& change, std::vector<std::string>* steps);
  void predict_restore(const DatabaseSchema& before, uint32_t bundle_id);
  void document_step(const DatabaseSchema& before, const std::string& bundle,
                     uint64_t assigned_seq, std::vector<std::string>* steps) const;

  uint64_t version_;
  const DatabaseSchema& base_;
  // The non-empty reversals of the UP commands, in UP order (a migration's ADD DOCUMENTs into
  // bundles it creates have none: nothing is kept for them).
  std::vector<std::vector<std::string>> steps_;
  std::vector<std::string> deferred_;            // step 3
  std::set<std::string> predicted_restores_;
  std::string irreversible_;
};

}  // namespace strata::engine
