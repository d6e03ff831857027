#pragma once
// Documents (SPEC §1): their stored form, their validation against a bundle's fields, and the
// staged writes that keep documents, index entries, write stamps and the undo seam in step.
//
// Stored form: a 9-byte header — the byte 0x01, then the u64 write stamp (big-endian) of the
// commit that last wrote the document (WriteContext::stamp, SPEC §4.7) — followed by the
// compact JSON of its declared non-null fields. The DocumentID is the key's sequence and is
// added only in results. A value that starts with '{' was written before stamps existed and
// reads as stamp 0.
//
// One route per write: ADD DOCUMENT prepares a document once (prepare_document: checked,
// serialized, the keys of its index entries made) — directly, in a migration's parallel
// preparation stage, at VALIDATE and at APPLY alike — and insert_document stages it. (The
// preparation stage takes a shortcut for flat documents, prepare_flat_document, which makes
// the same bytes or declines.) Every
// other write goes through replace / erase here, so index maintenance, unique checks and
// stamps live in one place. Thread-safety: writes run with the database writer mutex held;
// reads on a snapshot; prepare_document is a pure function.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "engine/catalog.hpp"
#include "engine/index.hpp"
#include "engine/reader.hpp"
#include "engine/write_context.hpp"
#include "parser/fast_add_document.hpp"

namespace strata::engine {

// The stored form (see file comment).
inline constexpr size_t kStampHeaderSize = 9;
// The write stamp of stored document bytes (0 for a document from before stamps).
uint64_t stored_stamp(std::string_view bytes);
// The JSON text of stored document bytes.
std::string_view stored_json(std::string_view bytes);
// Stored bytes of `doc` written by the commit with stamp `stamp`.
std::string stored_bytes(uint64_t stamp, const Json& doc);
// Parses stored document bytes (kStorageError when malformed).
Result<Json> parse_document(std::string_view bytes);

// Completes and checks `values` for `bundle`: null values dropped; undeclared keys refused
// (CONSTRAINT_VIOLATION, "DocumentID" included: it is assigned by the server); types checked
// (TYPE_MISMATCH); missing values take the field's default; a required field without value
// or default is refused (CONSTRAINT_VIOLATION). Returns the document to store. The rvalue
// overload moves the values out.
Result<Json> complete_document(const Bundle& bundle, const Json& values);
Result<Json> complete_document(const Bundle& bundle, Json&& values);

// A document ready to be inserted into its bundle: what ADD DOCUMENT writes.
struct PreparedDocument {
  std::string bytes;                 // the stored form; its stamp is set by insert_document
  std::vector<IndexKey> index_keys;  // one per index of the bundle, in schema order
};
// complete_document, then the stored bytes and index keys, against `schema` (which holds
// `bundle`). Prepared against one schema, a document is valid for that schema only.
Result<PreparedDocument> prepare_document(const DatabaseSchema& schema, const Bundle& bundle,
                                          Json&& values);

// prepare_document for an ADD DOCUMENT of flat values read straight from its text
// (parser::scan_add_document_text: `members` sorted by key, `values` their canonical JSON):
// the same PreparedDocument, made without building the document's tree. Only for a document
// that needs no completing — every key a declared field, no null, every type as declared, no
// missing field with a default or required — else nullopt, and prepare_document decides (and
// reports what is wrong).
std::optional<PreparedDocument> prepare_flat_document(
    const DatabaseSchema& schema, const Bundle& bundle,
    const std::vector<parser::FlatMember>& members, std::string_view values);

// Reads.
Result<std::optional<Json>> load_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                                          uint64_t seq);
Result<std::optional<std::string>> load_stored(const Reader& reader, uint32_t db,
                                               uint32_t bundle_id, uint64_t seq);
// Calls fn for every document of a bundle in DocumentID order, parsed or as stored bytes.
// Reads in chunks and closes its iterator before each batch of calls, so `fn` may write to
// the same txn.
Status for_each_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                         const std::function<Status(uint64_t seq, Json& doc)>& fn);
Status for_each_stored(const Reader& reader, uint32_t db, uint32_t bundle_id,
                       const std::function<Status(uint64_t seq, std::string_view bytes)>& fn);
// True when the bundle holds at least one document.
Result<bool> bundle_has_documents(const Reader& reader, uint32_t db, uint32_t bundle_id);
// Number of documents of a bundle (keys only, streamed).
Result<uint64_t> count_bundle(const Reader& reader, uint32_t db, uint32_t bundle_id);

// Staged writes, each stamped with ctx.stamp() and reported to ctx.undo().
// insert: the unique checks of its index keys, then the document and its entries.
Status insert_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                       PreparedDocument& doc);
// replace: unique checks and entries of every index of the bundle except `skip` (indexes a
// statement has just created and builds afterwards).
Status replace_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                        std::string_view old_bytes, const Json& old_doc, const Json& new_doc,
                        const std::vector<IndexDef>* skip = nullptr);
void erase_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                    std::string_view old_bytes, const Json& old_doc);
// A field change's rewrite of a document (ADD FIELD's default, REMOVE FIELD, RENAME FIELD),
// index entries untouched (no index key changes). The document keeps its write stamp: a stamp
// says which commit last wrote a document's values, and a rollback takes a stamp newer than a
// migration's for a write after it (conflicts.hpp) — a later migration's field change, or the
// DOWN command reversing it, is none. `removes_values` (REMOVE FIELD) reports the document to
// the undo log as overwritten (its pre-image is restored at rollback); otherwise the rewrite
// only reshapes it, which the DOWN list's own schema command reverses exactly
// (UndoLog::document_reshaped).
void rewrite_field_of_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                               std::string_view old_bytes, const Json& new_doc,
                               bool removes_values);
// Deletes a document without touching index entries, whose entries are dropped wholesale
// (DROP BUNDLE).
Status erase_document_keeping_indexes(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                                      std::string_view old_bytes);

// A document as results show it: its fields plus "DocumentID".
Json result_document(const Json& doc, uint64_t seq);

}  // namespace strata::engine
