#include "engine/documents.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "engine/index.hpp"
#include "parser/parser.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {

// prepare_document over `values` (const: its members are copied; not const: moved).
template <typename Values>
Result<Json> prepare(const Bundle& bundle, Values& values) {
  if (!values.is_object()) {
    return Status(Code::kTypeMismatch, "document values must be a JSON object");
  }
  Json doc = Json::object();
  auto& members = doc.get_ref<Json::object_t&>();
  using Members = std::conditional_t<std::is_const_v<Values>, const Json::object_t, Json::object_t>;
  for (auto& [key, value] : values.template get_ref<Members&>()) {
    const Field* f = bundle.field(key);
    if (!f) {
      if (key == "DocumentID") {
        return Status(Code::kConstraintViolation,
                      "DocumentID is assigned by the server and cannot be set");
      }
      return Status(Code::kConstraintViolation,
                    "Field '" + key + "' is not declared in bundle '" + bundle.name + "'");
    }
    if (value.is_null()) continue;
    if (!parser::value_matches(f->type, value)) {
      return Status(Code::kTypeMismatch, "Field '" + key + "' in bundle '" + bundle.name +
                                             "' expects " + parser::type_name(f->type) + ", got " +
                                             value.dump());
    }
    // Members come in key order: each goes at the end.
    if constexpr (std::is_const_v<Values>) {
      members.emplace_hint(members.end(), key, value);
    } else {
      members.emplace_hint(members.end(), key, std::move(value));
    }
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
  return doc;
}

}  // namespace

Result<Json> prepare_document(const Bundle& bundle, const Json& values) {
  return prepare(bundle, values);
}

Result<Json> prepare_document(const Bundle& bundle, Json&& values) {
  return prepare(bundle, values);
}

Result<PreparedDocument> prepare_for_insert(const Bundle& bundle, const Json& values) {
  auto doc = prepare_document(bundle, values);
  if (!doc.ok()) return doc.status();
  PreparedDocument out;
  out.doc = std::move(*doc);
  out.bytes = out.doc.dump();
  return out;
}

std::optional<PreparedDocument> prepare_flat(const DatabaseSchema& schema, const Bundle& bundle,
                                             parser::FastAddDocumentText&& doc) {
  using Kind = parser::FlatMember::Kind;
  std::vector<std::pair<std::string_view, Json>> values;  // sorted by key, as the members
  values.reserve(doc.members.size());
  for (const parser::FlatMember& m : doc.members) {
    const Field* f = bundle.field(m.key);
    if (f == nullptr || m.kind == Kind::kNull) return std::nullopt;
    Json v;
    if (m.kind == Kind::kString) {
      v = std::string(m.token);  // plain characters: the body is the string
    } else if (m.kind == Kind::kInteger) {
      std::optional<Json> n = parser::parse_number(m.token);
      if (!n) return std::nullopt;
      v = std::move(*n);
    } else {
      v = m.kind == Kind::kTrue;
    }
    if (!parser::value_matches(f->type, v)) return std::nullopt;
    values.emplace_back(m.key, std::move(v));
  }
  auto value_of = [&values](const std::string& field) -> const Json* {
    auto it = std::lower_bound(values.begin(), values.end(), field,
                               [](const auto& a, const std::string& f) { return a.first < f; });
    return it != values.end() && it->first == field ? &it->second : nullptr;
  };
  for (const Field& f : bundle.fields) {
    if ((f.required || !f.default_value.is_null()) && value_of(f.name) == nullptr) {
      return std::nullopt;
    }
  }
  PreparedDocument out;
  for (const IndexDef& idx : schema.indexes) {
    if (idx.bundle_id != bundle.id) continue;
    for (const auto& f : idx.fields)
      if (f == "DocumentID") return std::nullopt;
    out.index_keys.push_back(index_key(schema.id, idx, value_of));
  }
  out.bytes = std::move(doc.values);  // dump() of these members prints exactly this text
  return out;
}

Result<Json> parse_document(std::string_view bytes) {
  Json doc = Json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status(Code::kStorageError, "stored document is malformed");
  }
  return doc;
}

Result<std::optional<Json>> load_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                                          uint64_t seq) {
  auto got = reader.get(storage::Space::kDocs, keys::doc_key(db, bundle_id, seq));
  if (!got.ok()) return got.status();
  if (!got->has_value()) return std::optional<Json>();
  auto doc = parse_document(**got);
  if (!doc.ok()) return doc.status();
  return std::optional<Json>(std::move(*doc));
}

Status for_each_document(const Reader& reader, uint32_t db, uint32_t bundle_id,
                         const std::function<Status(uint64_t, Json&)>& fn) {
  constexpr size_t kChunk = 1024;
  const std::string prefix = keys::bundle_prefix(db, bundle_id);
  const std::string end = storage::prefix_end(prefix);
  std::string begin = prefix;
  std::vector<std::pair<uint64_t, Json>> chunk;
  for (;;) {
    chunk.clear();
    {
      auto it = reader.scan(storage::Space::kDocs, begin, end);
      for (; it->valid() && chunk.size() < kChunk; it->next()) {
        auto doc = parse_document(it->value());
        if (!doc.ok()) return doc.status();
        chunk.emplace_back(keys::doc_key_seq(it->key()), std::move(*doc));
      }
      STRATA_RETURN_IF_ERROR(it->status());
    }
    for (auto& [seq, doc] : chunk) STRATA_RETURN_IF_ERROR(fn(seq, doc));
    if (chunk.size() < kChunk) return Status::Ok();
    begin = keys::doc_key(db, bundle_id, chunk.back().first + 1);
  }
}

Result<bool> bundle_has_documents(const Reader& reader, uint32_t db, uint32_t bundle_id) {
  auto it = reader.scan_prefix(storage::Space::kDocs, keys::bundle_prefix(db, bundle_id));
  bool any = it->valid();
  STRATA_RETURN_IF_ERROR(it->status());
  return any;
}

Status insert_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                       const PreparedDocument& doc) {
  if (!doc.flat()) {
    STRATA_RETURN_IF_ERROR(check_unique(ctx, bundle, doc.doc, seq));
  } else {
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
  }
  if (ctx.undo()) ctx.undo()->document_before(bundle, seq, nullptr);
  ctx.txn().put(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq), doc.bytes);
  if (!doc.flat()) {
    add_index_entries(ctx.txn(), ctx.schema(), bundle.id, doc.doc, seq);
    return Status::Ok();
  }
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

Status replace_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq, const Json& old_doc,
                        const Json& new_doc) {
  STRATA_RETURN_IF_ERROR(check_unique(ctx, bundle, new_doc, seq));
  if (ctx.undo()) ctx.undo()->document_before(bundle, seq, &old_doc);
  ctx.txn().put(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq), new_doc.dump());
  for (const auto& idx : ctx.schema().indexes) {
    if (idx.bundle_id != bundle.id) continue;
    std::string old_key = index_entry_key(ctx.db_id(), idx, old_doc, seq);
    std::string new_key = index_entry_key(ctx.db_id(), idx, new_doc, seq);
    if (old_key == new_key) continue;
    ctx.txn().del(storage::Space::kIndex, old_key);
    ctx.txn().put(storage::Space::kIndex, new_key, keys::u64_value(seq));
  }
  return Status::Ok();
}

void put_document_keeping_indexes(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                                  const Json& old_doc, const Json& new_doc) {
  if (ctx.undo()) ctx.undo()->document_before(bundle, seq, &old_doc);
  ctx.txn().put(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq), new_doc.dump());
}

void erase_document_keeping_indexes(WriteContext& ctx, const Bundle& bundle, uint64_t seq,
                                    const Json& old_doc) {
  if (ctx.undo()) ctx.undo()->document_before(bundle, seq, &old_doc);
  ctx.txn().del(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq));
}

void erase_document(WriteContext& ctx, const Bundle& bundle, uint64_t seq, const Json& old_doc) {
  if (ctx.undo()) ctx.undo()->document_before(bundle, seq, &old_doc);
  remove_index_entries(ctx.txn(), ctx.schema(), bundle.id, old_doc, seq);
  ctx.txn().del(storage::Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq));
}

Json result_document(const Json& doc, uint64_t seq) {
  Json out = doc;
  out["DocumentID"] = keys::document_id(seq);
  return out;
}

}  // namespace strata::engine
