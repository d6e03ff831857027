#pragma once
// Secondary indexes (SPEC §1): HASH and BTREE entries are RocksDB keys in Space::kIndex
// (keys.hpp): <db><index id><encoded value per field><doc seq>, value "". Both kinds are
// stored ordered; the kind only matters to the planner (query.hpp). Every document has one
// entry per index; a missing value is encoded as null, so `f == null` can use an index.
//
// The codec encodes equal numbers (3 and 3.0) to equal bytes and keeps numeric order across
// INT and FLOAT. Callers still re-check the exact predicate on each document.
//
// Unique indexes: two documents may not have equal values in every field when all of them
// are non-null. Detected by a prefix probe on the encoded values, confirmed on the documents.
// Thread-safety: pure functions over a Reader / Txn owned by the caller.

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/reader.hpp"
#include "engine/write_context.hpp"
#include "storage/codec.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

// The value of `field` in a stored document; DocumentID gives the id string; missing -> null.
Json field_value(const Json& doc, uint64_t seq, const std::string& field);
// The order-preserving key bytes of a value (storage::encode_ordered). Also the sort key of
// ORDER BY, so sorted scans and index scans agree exactly.
std::string key_value(const Json& value);

// The prefix of every entry of `index`, and of the entries whose leading fields equal
// `values`.
std::string index_entries_prefix(uint32_t db, const IndexDef& index);
std::string index_values_prefix(uint32_t db, const IndexDef& index,
                                const std::vector<Json>& values);
std::string index_entry_key(uint32_t db, const IndexDef& index, const Json& doc, uint64_t seq);

// An entry's key but the document's seq, and whether the entry ends with it: index_entry_key
// made before the seq is known (a migration's documents are prepared ahead, on another core).
struct IndexKey {
  uint32_t index_id;
  std::string key;  // index_entry_key without the trailing seq
  bool needs_seq;   // false only in a unique index with every value present
};
// The IndexKey of a document whose values `encode` appends: encode(field, &key) appends the
// encode_ordered bytes of the document's value of `field` and returns true, or returns false
// (appending nothing) when the document has no value or null there.
// REQUIRES: no field of `index` is DocumentID (its value is the seq).
template <typename Encode>
IndexKey index_key_encoded(uint32_t db, const IndexDef& index, Encode&& encode) {
  static const Json kNull;
  IndexKey out{index.id, storage::keys::index_prefix(db, index.id), false};
  bool all_present = true;
  for (const auto& f : index.fields) {
    if (encode(f, &out.key)) continue;
    all_present = false;
    storage::encode_ordered(&out.key, kNull);
  }
  out.needs_seq = !index.unique || !all_present;
  return out;
}
// The IndexKey of `doc` in `index` (same REQUIRES).
IndexKey index_key(uint32_t db, const IndexDef& index, const Json& doc);

// Stages the entries of `doc` in every index of its bundle (add) or removes them.
void add_index_entries(storage::Txn& txn, const DatabaseSchema& schema, uint32_t bundle_id,
                       const Json& doc, uint64_t seq);
void remove_index_entries(storage::Txn& txn, const DatabaseSchema& schema, uint32_t bundle_id,
                          const Json& doc, uint64_t seq);

// CONSTRAINT_VIOLATION when another document (seq != `seq`) of the bundle holds the same
// non-null values as `doc` in a unique index of the bundle. The message names the field(s),
// bundle, value and the other DocumentID. An index the statement created is looked up in its
// own writes only (WriteContext::index_is_new).
// Indexes in `skip` (created by the statement, built afterwards) are not checked.
Status check_unique(const WriteContext& ctx, const Bundle& bundle, const Json& doc,
                    uint64_t seq, const std::vector<IndexDef>* skip = nullptr);
// The document other than `self` whose entry in unique index `index_id` has key `key` (an
// IndexKey without seq), looked up as check_unique does; nullopt when there is none.
Result<std::optional<uint64_t>> unique_holder(const WriteContext& ctx, uint32_t index_id,
                                              const std::string& key, uint64_t self);

// Builds `index` over the existing documents of its bundle. A unique index that existing
// documents violate: CONSTRAINT_VIOLATION naming how many documents and up to five IDs.
Status build_index(WriteContext& ctx, const IndexDef& index);
// Stages the deletion of every entry of `index`.
Status drop_index_entries(WriteContext& ctx, const IndexDef& index);

// "DocumentIDs 1, 4, 9" style list of up to five ids (with "..." when more).
std::string id_list(const std::vector<uint64_t>& seqs);

}  // namespace strata::engine
