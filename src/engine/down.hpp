#pragma once
// DOWN generation (SPEC §4.7). A DownBuilder is fed every bound UP command together with the
// schema just before it (the simulation's at START: a preliminary list; the real pre-apply
// state at APPLY: the final list). finish() returns the DOWN list, in three parts:
//
//   1. the structural reversal of each UP command, in reverse order (CREATE BUNDLE -> DROP
//      BUNDLE, DROP BUNDLE -> CREATE BUNDLE + its indexes + its relationships, ADD FIELD ->
//      REMOVE FIELD, REMOVE FIELD -> ADD FIELD at its old position, renames reversed,
//      relationships and indexes re-added or removed, ADD DOCUMENT -> DELETE DOCUMENTS WHERE
//      DocumentID == id). MODIFY FIELD has no step here: see 3;
//   2. then, once every bundle and field is back under its name, one
//      RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION n per pre-existing bundle whose
//      documents the migration overwrote or deleted (the undo snapshot, undo.hpp);
//   3. then MODIFY FIELD back to its pre-migration definition for every pre-existing field
//      whose definition the migration changed or that step 1 re-added in a weaker form (a
//      required field without default can only be re-added to a non-empty bundle as
//      optional). After step 2 the documents hold their pre-migration values, which the old
//      definition accepts: so "MODIFY FIELD age INT -> FLOAT, then age = 20.5" rolls back.
//
// ADD DOCUMENT into a bundle that the same migration created gets no DELETE step: the DROP
// BUNDLE of step 1 removes it. DROP BUNDLE ... WITH FORCE is irreversible: irreversible()
// names it and no list can be generated.
// Thread-safety: a DownBuilder belongs to one thread.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/binder.hpp"
#include "engine/catalog.hpp"

namespace strata::engine {

// The canonical text of the step restoring migration `version`'s undo snapshot of `bundle`
// (its pre-migration name): RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION n.
std::string restore_step(const std::string& bundle, uint64_t version);

class DownBuilder {
 public:
  // `base`: the schema before the migration's first command (kept by reference).
  DownBuilder(uint64_t version, const DatabaseSchema& base);

  // Bound UP command `command` is about to run on `before`. For ADD DOCUMENT,
  // `assigned_seq` is the sequence (DocumentID) the document gets.
  void add(const DatabaseSchema& before, const bound::Command& command,
           std::optional<uint64_t> assigned_seq);
  // The same for an ADD DOCUMENT into bundle `bundle_id` known only by its bundle.
  void add_document(const DatabaseSchema& before, uint32_t bundle_id, uint64_t assigned_seq);

  // Pre-existing bundles (pre-migration names) whose documents this migration is expected to
  // overwrite or delete, judged from the commands (the preliminary list's restore steps).
  const std::set<std::string>& predicted_restores() const { return predicted_restores_; }
  // The canonical text of the first irreversible command, or "".
  const std::string& irreversible() const { return irreversible_; }

  // The DOWN list; `restore_bundles` are the pre-migration names to restore (step 2).
  std::vector<std::string> finish(const std::vector<std::string>& restore_bundles) const;

 private:
  void reverse_change(const DatabaseSchema& before, uint32_t bundle_id,
                      const bound::BundleChange& change, std::vector<std::string>* steps);
  void predict_restore(uint32_t bundle_id);
  // The pre-migration name of field `name` of bundle `bundle_id` as it is now, or "" when
  // the migration created it.
  std::string base_field(uint32_t bundle_id, const std::string& name) const;
  // field_names_ of a bundle, filled from base_ on first use (a migration touches few of the
  // bundles: the builder costs what it reverses, not the size of the schema).
  std::map<std::string, std::string>& names_of(uint32_t bundle_id);
  void document_step(const DatabaseSchema& before, uint32_t bundle_id, uint64_t assigned_seq,
                     std::vector<std::string>* steps) const;

  uint64_t version_;
  const DatabaseSchema& base_;
  // The non-empty reversals of the UP commands, in UP order.
  std::vector<std::vector<std::string>> steps_;
  // Per bundle id: the current name of each pre-migration field -> its pre-migration name
  // (bundles no change touched yet are absent: their fields keep their names).
  std::map<uint32_t, std::map<std::string, std::string>> field_names_;
  // (bundle id, pre-migration field name) whose definition step 3 puts back.
  std::set<std::pair<uint32_t, std::string>> redefine_;
  std::set<std::string> predicted_restores_;
  std::string irreversible_;
};

}  // namespace strata::engine
