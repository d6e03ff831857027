#include "engine/documents.hpp"

#include <algorithm>
#include <charconv>
#include <vector>

#include "engine/index.hpp"
#include "parser/syntax_check.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {

constexpr char kStampTag = '\x01';

void set_stamp(std::string* bytes, uint64_t stamp) {
  (*bytes)[0] = kStampTag;
  for (int i = 0; i < 8; ++i) (*bytes)[1 + i] = static_cast<char>(stamp >> (56 - 8 * i));
}

// complete_document, in place: `values` becomes the document (no member is copied).
Status complete(const Bundle& bundle, Json& values) {
  if (!values.is_object()) {
    return Status(Code::kTypeMismatch, "document values must be a JSON object");
  }
  auto& members = values.get_ref<Json::object_t&>();
  for (auto it = members.begin(); it != members.end();) {
    const auto& [key, value] = *it;
    const Field* f = bundle.field(key);
    if (!f) {
      if (key == "DocumentID") {
        return Status(Code::kConstraintViolation,
                      "DocumentID is assigned by the server and cannot be set");
      }
      return Status(Code::kConstraintViolation,
                    "Field '" + key + "' is not declared in bundle '" + bundle.name + "'");
    }
    if (value.is_null()) {
      it = members.erase(it);
      continue;
    }
    if (!parser::value_matches(f->type, value)) {
      return Status(Code::kTypeMismatch, "Field '" + key + "' in bundle '" + bundle.name +
                                             "' expects " + parser::type_name(f->type) + ", got " +
                                             value.dump());
    }
    ++it;
  }
  for (const Field& f : bundle.fields) {
    if (members.count(f.name)) continue;
    if (!f.default_value.is_null()) {
      members.emplace(f.name, f.default_value);
    } else if (f.required) {
      return Status(Code::kConstraintViolation,
                    "Field '" + f.name + "' is required in bundle '" + bundle.name + "'");
    }
  }
  return Status::Ok();
}

void report(WriteContext& ctx, const Bundle& bundle, uint64_t seq, const std::string_view* before) {
  if (ctx.undo()) ctx.undo()->document_before(bundle, seq, before);
}

bool skipped(const IndexDef& idx, const std::vector<IndexDef>* skip) {
  if (!skip) return false;
  for (const auto& s : *skip)
    if (s.id == idx.id) return true;
  return false;
}

}  // namespace

uint64_t stored_stamp(std::string_view bytes) {
  if (bytes.size() < kStampHeaderSize || bytes[0] != kStampTag) return 0;
  return keys::get_u64(bytes.substr(1, 8));
}

std::string_view stored_json(std::string_view bytes) {
  if (!bytes.empty() && bytes[0] == kStampTag) return bytes.substr(kStampHeaderSize);
  return bytes;
}

std::string stored_bytes(uint64_t stamp, const Json& doc) {
  std::string out(kStampHeaderSize, '\0');
  set_stamp(&out, stamp);
  out += doc.dump();
  return out;
}

Result<Json> parse_document(std::string_view bytes) {
  Json doc = Json::parse(stored_json(bytes), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(Code::kStorageError, "stored document is malformed");
  }
  return doc;
}

Result<Json> complete_document(const Bundle& bundle, const Json& values) {
  return complete_document(bundle, Json(values));
}

Result<Json> complete_document(const Bundle& bundle, Json&& values) {
  STRATA_RETURN_IF_ERROR(complete(bundle, values));
  return std::move(values);
}

Result<PreparedDocument> prepare_document(const DatabaseSchema& schema, const Bundle& bundle,
                                          Json&& values) {
  STRATA_RETURN_IF_ERROR(complete(bundle, values));
  PreparedDocument out;
  out.bytes.assign(kStampHeaderSize, '\0');
  set_stamp(&out.bytes, 0);  // the real stamp is set when the document is inserted
  out.bytes += values.dump();
  const Json& tree = values;
  for (const IndexDef& idx : schema.indexes) {
    if (idx.bundle_id == bundle.id) out.index_keys.push_back(index_key(schema.id, idx, tree));
  }
  return out;
}

namespace {

// The kind of value a flat member is (REQUIRES: not kNull).
parser::ValueKind kind_of(parser::FlatMember::Kind kind) {
  using Kind = parser::FlatMember::Kind;
  switch (kind) {
    case Kind::kString: return parser::ValueKind::kString;
    case Kind::kInteger: return parser::ValueKind::kInteger;  // at most 18 digits: an int64
    case Kind::kTrue:
    case Kind::kFalse: return parser::ValueKind::kBoolean;
    case Kind::kNull: break;
  }
  return parser::ValueKind::kNull;
}

const parser::FlatMember* flat_member(const std::vector<parser::FlatMember>& members,
                                      std::string_view key) {
  auto it = std::lower_bound(members.begin(), members.end(), key,
                             [](const parser::FlatMember& m, std::string_view k) { return m.key < k; });
  return it != members.end() && it->key == key ? &*it : nullptr;
}

// encode_ordered of the value a flat member denotes. REQUIRES: not kNull.
void encode_flat(std::string* key, const parser::FlatMember& m) {
  using Kind = parser::FlatMember::Kind;
  if (m.kind == Kind::kString) {
    storage::encode_ordered_string(key, m.token);  // no escapes: the body is the string
  } else if (m.kind == Kind::kInteger) {
    int64_t n = 0;
    std::from_chars(m.token.data(), m.token.data() + m.token.size(), n);
    storage::encode_ordered_integer(key, n);
  } else {
    storage::encode_ordered_bool(key, m.kind == Kind::kTrue);
  }
}

}  // namespace

std::optional<PreparedDocument> prepare_flat_document(
    const DatabaseSchema& schema, const Bundle& bundle,
    const std::vector<parser::FlatMember>& members, std::string_view values) {
  for (const parser::FlatMember& m : members) {
    // A null is dropped by completing; an undeclared key or a wrong type is refused.
    if (m.kind == parser::FlatMember::Kind::kNull) return std::nullopt;
    const Field* f = bundle.field(m.key);
    if (!f || !parser::kind_matches(f->type, kind_of(m.kind), m.token)) return std::nullopt;
  }
  if (members.size() < bundle.fields.size()) {
    for (const Field& f : bundle.fields) {
      if ((f.required || !f.default_value.is_null()) && !flat_member(members, f.name)) {
        return std::nullopt;
      }
    }
  }
  PreparedDocument out;
  out.bytes.reserve(kStampHeaderSize + values.size());
  out.bytes.assign(kStampHeaderSize, '\0');
  set_stamp(&out.bytes, 0);  // the real stamp is set when the document is inserted
  out.bytes += values;
  for (const IndexDef& idx : schema.indexes) {
    if (idx.bundle_id != bundle.id) continue;
    out.index_keys.push_back(
        index_key_encoded(schema.id, idx, [&members](const std::string& field, std::string* key) {
          const parser::FlatMember* m = flat_member(members, field);
          if (!m) return false;
          encode_flat(key, *m);
          return true;
        }));
  }
  return out;
}

Result<std::optional<std::string>> load_stored(const Reader& reader, uint32_t db,
                                               uint32_t bundle_id, uint64_t seq) {
  return reader.get(storage::Space::kDocs, keys::doc_key(db, bundle_id, seq));
}

Result<std::optional<Json>> load_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                                          uint64_t seq) {
  auto got = load_stored(reader, db, bundle_id, seq);
  if (!got.ok()) return got.status();
  if (!got->has_value()) return std::optional<Json>();
  auto doc = parse_document(**got);
  if (!doc.ok()) return doc.status();
  return std::optional<Json>(std::move(*doc));
}

Status for_each_stored(const Reader& reader, uint32_t db, uint32_t bundle_id,
                       const std::function<Status(uint64_t, std::string_view)>& fn) {
  constexpr size_t kChunk = 1024;
  const std::string prefix = keys::bundle_prefix(db, bundle_id);
  const std::string end = storage::prefix_end(prefix);
  std::string begin = prefix;
  std::vector<std::pair<uint64_t, std::string>> chunk;
  for (;;) {
    chunk.clear();
    {
      auto it = reader.scan(storage::Space::kDocs, begin, end);
      for (; it->valid() && chunk.size() < kChunk; it->next())
        chunk.emplace_back(keys::doc_key_seq(it->key()), std::string(it->value()));
      STRATA_RETURN_IF_ERROR(it->status());
    }
    for (const auto& [seq, bytes] : chunk) STRATA_RETURN_IF_ERROR(fn(seq, bytes));
    if (chunk.size() < kChunk) return Status::Ok();
    begin = keys::doc_key(db, bundle_id, chunk.back().first + 1);
  }
}

Status for_each_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                         const std::function<Status(uint64_t, Json&)>& fn) {
  return for_each_stored(reader, db, bundle_id, [&](uint64_t seq, std::string_view bytes) {
    auto doc = parse_document(bytes);
    if (!doc.ok()) return doc.status();
    return fn(seq, *doc);
  });
}

Result<bool> bundle_has_documents(const Reader& reader, uint32_t db, uint32_t bundle_id) {
  auto it = reader.scan_prefix(storage::Space::kDocs, keys::bundle_prefix(db, bundle_id));
  bool any = it->valid();
  STRATA_RETURN_IF_ERROR(it->status());
  return any;
}

Result<uint64_t> count_bundle(const Reader& reader, uint32_t db, uint32_t bundle_id) {
  uint64_t n = 0;
  auto it = reader.scan_prefix(storage::Space::kDocs, keys::bundle_prefix(db, bundle_id));
  for (; it->valid(); it->next()) ++n;
  STRATA_RETURN_IF_ERROR(it->status());
  return n;
}

Status insert_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                       PreparedDocument& doc) {
  for (const IndexKey& k : doc.index_keys) {
    if (k.needs_seq) continue;  // not unique, or a value missing: nothing to clash with
    auto clash = unique_holder(ctx, k.index_id, k.key, seq);
    if (!clash.ok()) return clash.status();
    if (!clash->has_value()) continue;
    // Refused: check_unique words it, from the document the bytes hold.
    auto tree = parse_document(doc.bytes);
    if (!tree.ok()) return tree.status();
    return check_unique(ctx, bundle, *tree, seq);
  }
  report(ctx, bundle, seq, nullptr);
  set_stamp(&doc.bytes, ctx.stamp());
  ctx.txn().put(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq), doc.bytes);
  const std::string value = keys::u64_value(seq);
  for (const IndexKey& k : doc.index_keys) {
    if (!k.needs_seq) {
      ctx.txn().put(storage::Space::kIndex, k.key, value);
      continue;
    }
    std::string key = k.key;
    keys::put_u64(&key, seq);
    ctx.txn().put(storage::Space::kIndex, key, value);
  }
  return Status::Ok();
}

Status replace_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                        std::string_view old_bytes, const Json& old_doc, const Json& new_doc,
                        const std::vector<IndexDef>* skip) {
  STRATA_RETURN_IF_ERROR(check_unique(ctx, bundle, new_doc, seq, skip));
  report(ctx, bundle, seq, &old_bytes);
  ctx.txn().put(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq),
                stored_bytes(ctx.stamp(), new_doc));
  for (const auto& idx : ctx.schema().indexes) {
    if (idx.bundle_id != bundle.id || skipped(idx, skip)) continue;
    std::string old_key = index_entry_key(ctx.db_id(), idx, old_doc, seq);
    std::string new_key = index_entry_key(ctx.db_id(), idx, new_doc, seq);
    if (old_key == new_key) continue;
    ctx.txn().del(storage::Space::kIndex, old_key);
    ctx.txn().put(storage::Space::kIndex, new_key, keys::u64_value(seq));
  }
  return Status::Ok();
}

void rewrite_field_of_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                               std::string_view old_bytes, const Json& new_doc,
                               bool removes_values) {
  if (removes_values) {
    report(ctx, bundle, seq, &old_bytes);
  } else if (ctx.undo()) {
    ctx.undo()->document_reshaped(bundle, seq, old_bytes);
  }
  ctx.txn().put(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq),
                stored_bytes(stored_stamp(old_bytes), new_doc));
}

Status erase_document_keeping_indexes(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                                      std::string_view old_bytes) {
  report(ctx, bundle, seq, &old_bytes);
  ctx.txn().del(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq));
  return Status::Ok();
}

void erase_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                    std::string_view old_bytes, const Json& old_doc) {
  report(ctx, bundle, seq, &old_bytes);
  remove_index_entries(ctx.txn(), ctx.schema(), bundle.id, old_doc, seq);
  ctx.txn().del(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq));
}

Json result_document(const Json& doc, uint64_t seq) {
  Json out = doc;
  out["DocumentID"] = keys::document_id(seq);
  return out;
}

}  // namespace strata::engine
