// Engine::check_consistency: the invariant checker behind the crash tests (and VERIFY later).
// On one snapshot it checks that every document parses and fits its bundle's schema, that
// every index holds exactly one correct entry per document of its bundle and nothing else,
// (a unique index keys non-null values alone, so duplicates cannot be stored), that no keys belong
// to unknown bundles or indexes, and that the document counter is above every stored sequence.
#include <set>

#include "engine/database_state.hpp"
#include "engine/documents.hpp"
#include "engine/engine.hpp"
#include "engine/index.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

Result<Json> Engine::check_consistency(const std::string& db) const {
  auto state = find(db);
  if (!state) return Status(Code::kDatabaseNotFound, "Database '" + db + "' does not exist");
  auto view = read(db);
  if (!view.ok()) return view.status();
  const DatabaseSchema& schema = *view->schema;
  const Reader& reader = *view->reader;
  Json problems = Json::array();
  auto problem = [&](std::string p) {
    if (problems.size() < 100) problems.push_back(std::move(p));
  };
  uint64_t docs = 0, entries = 0, max_seq = 0;
  // Documents, and the index entries each one must have.
  const std::string db_prefix = keys::database_prefix(schema.id);
  {
    auto it = reader.scan_prefix(storage::Space::kDocs, db_prefix);
    for (; it->valid(); it->next()) {
      ++docs;
      std::string_view k = it->key();
      if (k.size() != 16) {
        problem("malformed document key");
        continue;
      }
      uint32_t bundle_id = keys::get_u32(k.substr(4));
      uint64_t seq = keys::doc_key_seq(k);
      max_seq = std::max(max_seq, seq);
      const Bundle* b = schema.bundle_by_id(bundle_id);
      if (!b) {
        problem("document " + keys::document_id(seq) + " belongs to no bundle");
        continue;
      }
      auto doc = parse_document(it->value());
      if (!doc.ok()) {
        problem("document " + keys::document_id(seq) + " does not parse");
        continue;
      }
      auto prepared = complete_document(*b, *doc);
      if (!prepared.ok() || *prepared != *doc) {
        problem("document " + keys::document_id(seq) + " of bundle '" + b->name +
                "' does not fit its schema" +
                (prepared.ok() ? "" : ": " + prepared.status().message()));
      }
      for (const auto* idx : schema.indexes_of(bundle_id)) {
        auto got = reader.get(storage::Space::kIndex, index_entry_key(schema.id, *idx, *doc, seq));
        if (!got.ok()) return got.status();
        if (!got->has_value()) {
          problem("index '" + idx->name + "' lacks the entry of document " +
                  keys::document_id(seq));
        }
      }
    }
    STRATA_RETURN_IF_ERROR(it->status());
  }
  // Index entries: each must point at a document whose values give exactly that key.
  std::map<uint32_t, const IndexDef*> by_id;
  for (const auto& idx : schema.indexes) by_id[idx.id] = &idx;
  {
    auto it = reader.scan_prefix(storage::Space::kIndex, db_prefix);
    for (; it->valid(); it->next()) {
      ++entries;
      std::string_view k = it->key();
      uint32_t index_id = keys::get_u32(k.substr(4));
      auto found = by_id.find(index_id);
      if (found == by_id.end()) {
        problem("index entry of unknown index #" + std::to_string(index_id));
        continue;
      }
      const IndexDef& idx = *found->second;
      if (it->value().size() != 8) {
        problem("index '" + idx.name + "' holds a malformed entry");
        continue;
      }
      uint64_t seq = keys::index_entry_seq(it->value());
      auto doc = load_document(reader, schema.id, idx.bundle_id, seq);
      if (!doc.ok()) return doc.status();
      if (!doc->has_value()) {
        problem("index '" + idx.name + "' points at missing document " + keys::document_id(seq));
        continue;
      }
      if (index_entry_key(schema.id, idx, **doc, seq) != k) {
        problem("index '" + idx.name + "' holds a stale entry for document " +
                keys::document_id(seq));
        continue;
      }
    }
    STRATA_RETURN_IF_ERROR(it->status());
  }
  {
    std::lock_guard writer(state->writer);
    if (docs > 0 && state->next_doc_seq <= max_seq)
      problem("document counter is behind the documents");
  }
  return Json{{"ok", problems.empty()},
              {"documents", docs},
              {"indexEntries", entries},
              {"problems", problems}};
}

}  // namespace strata::engine
