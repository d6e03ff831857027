#pragma once
// Documents (SPEC §1): validation against a bundle's fields and the staged write operations
// that keep documents, index entries and the undo seam in step. Stored form: a compact JSON
// object of the declared fields with non-null values; the DocumentID is the key's sequence
// and is added only in results.
//
// Every write goes through insert/replace/erase here, so index maintenance and unique checks
// live in one place. Thread-safety: called with the database writer mutex held (writes) or
// on a snapshot (reads).

#include <cstdint>
#include <functional>
#include <optional>

#include "engine/catalog.hpp"
#include "engine/index.hpp"
#include "parser/fast_add_document.hpp"
#include "engine/reader.hpp"
#include "engine/write_context.hpp"

namespace strata::engine {

// Completes and checks `values` for `bundle`: null values dropped; undeclared keys refused
// (CONSTRAINT_VIOLATION, "DocumentID" included: it is assigned by the server); types checked
// (TYPE_MISMATCH); missing values take the field's default; a required field without value
// or default is refused (CONSTRAINT_VIOLATION). Returns the document to store.
Result<Json> prepare_document(const Bundle& bundle, const Json& values);
// The same, moving the values out of `values` (left unspecified, whatever the result).
Result<Json> prepare_document(const Bundle& bundle, Json&& values);

// A document prepare_document accepted, and its stored bytes: what ADD DOCUMENT writes. A
// large migration's parse workers make these ahead of its execution (validate/command_stream).
// A flat one (prepare_flat) has no tree: its index entries' keys are made instead.
struct PreparedDocument {
  Json doc;           // the document (an object); null when flat
  std::string bytes;  // doc.dump(), the stored form
  std::vector<IndexKey> index_keys;  // flat: one per index of the bundle, in schema order

  bool flat() const { return doc.is_null(); }
};
Result<PreparedDocument> prepare_for_insert(const Bundle& bundle, const Json& values);

// prepare_for_insert of the flat document a stored ADD DOCUMENT holds, read from its text
// (parser::scan_add_document_text) without building it — when prepare_document would keep it
// as it is: every member declared, non-null and of its field's type, and no field left out
// that has a default or is required; and no index of the bundle is on DocumentID. nullopt
// otherwise: the caller prepares the document the long way, which also reports refusals.
// The bytes are taken from `doc`.
std::optional<PreparedDocument> prepare_flat(const DatabaseSchema& schema, const Bundle& bundle,
                                             parser::FastAddDocumentText&& doc);

// The stored document `seq` of a bundle, or nullopt.
Result<std::optional<Json>> load_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                                          uint64_t seq);
// Parses a stored document value.
Result<Json> parse_document(std::string_view bytes);

// Calls fn(seq, doc) for every document of a bundle in DocumentID order. Reads in chunks and
// closes its iterator before each batch of calls, so `fn` may write to the same txn.
Status for_each_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                         const std::function<Status(uint64_t seq, Json& doc)>& fn);
// True when the bundle holds at least one document.
Result<bool> bundle_has_documents(const Reader& reader, uint32_t db, uint32_t bundle_id);

// Staged writes (check_unique included).
Status insert_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                       const PreparedDocument& doc);
Status replace_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq, const Json& old_doc,
                        const Json& new_doc);
void erase_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq, const Json& old_doc);
// Writes / deletes a document without touching index entries: for changes that keep every
// index key (RENAME FIELD) or whose index entries are dropped wholesale (DROP BUNDLE).
void put_document_keeping_indexes(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                                  const Json& old_doc, const Json& new_doc);
void erase_document_keeping_indexes(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                                    const Json& old_doc);

// A document as results show it: its fields plus "DocumentID".
Json result_document(const Json& doc, uint64_t seq);

}  // namespace strata::engine
