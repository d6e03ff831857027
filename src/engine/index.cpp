#include "engine/index.hpp"

#include <algorithm>
#include <set>

#include "common/status_details.hpp"
#include "engine/documents.hpp"
#include "storage/codec.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

Json field_value(const Json& doc, uint64_t seq, const std::string& field) {
  if (field == "DocumentID") return keys::document_id(seq);
  auto it = doc.find(field);
  return it == doc.end() ? Json() : *it;
}

std::string key_value(const Json& value) {
  std::string out;
  storage::encode_ordered(&out, value);
  return out;
}

std::string index_entries_prefix(uint32_t db, const IndexDef& index) {
  return keys::index_prefix(db, index.id);
}

std::string index_values_prefix(uint32_t db, const IndexDef& index,
                                const std::vector<Json>& values) {
  std::string k = keys::index_prefix(db, index.id);
  for (const auto& v : values) k += key_value(v);
  return k;
}

namespace {

// `field` of `doc` (DocumentID: `seq`) encoded for an index key, appended to `key` without
// copying the value: a migration computes three or four of these per document.
void append_field_key(std::string* key, const Json& doc, uint64_t seq, const std::string& field) {
  if (field == "DocumentID") {
    storage::encode_ordered(key, Json(keys::document_id(seq)));
    return;
  }
  static const Json kNull;
  auto it = doc.find(field);
  storage::encode_ordered(key, it == doc.end() ? kNull : *it);
}

// True when every value of the index's fields in `doc` is non-null (a unique index then keys
// the entry by the values alone).
bool all_present(const IndexDef& idx, const Json& doc) {
  for (const auto& f : idx.fields) {
    if (f == "DocumentID") continue;
    auto it = doc.find(f);
    if (it == doc.end() || it->is_null()) return false;
  }
  return true;
}

}  // namespace

std::string index_entry_key(uint32_t db, const IndexDef& index, const Json& doc, uint64_t seq) {
  std::string k = keys::index_prefix(db, index.id);
  for (const auto& f : index.fields) append_field_key(&k, doc, seq, f);
  if (!index.unique || !all_present(index, doc)) keys::put_u64(&k, seq);
  return k;
}

void add_index_entries(storage::Txn& txn, const DatabaseSchema& schema, uint32_t bundle_id,
                       const Json& doc, uint64_t seq) {
  const std::string value = keys::u64_value(seq);
  for (const auto& idx : schema.indexes) {
    if (idx.bundle_id != bundle_id) continue;
    txn.put(storage::Space::kIndex, index_entry_key(schema.id, idx, doc, seq), value);
  }
}

void remove_index_entries(storage::Txn& txn, const DatabaseSchema& schema, uint32_t bundle_id,
                          const Json& doc, uint64_t seq) {
  for (const auto& idx : schema.indexes) {
    if (idx.bundle_id != bundle_id) continue;
    txn.del(storage::Space::kIndex, index_entry_key(schema.id, idx, doc, seq));
  }
}

namespace {

// The values of the index's fields in `doc`.
std::vector<Json> values_of(const IndexDef& idx, const Json& doc, uint64_t seq) {
  std::vector<Json> out;
  for (const auto& f : idx.fields) out.push_back(field_value(doc, seq, f));
  return out;
}

// The document (other than `self`) holding the same non-null values in unique index `idx`:
// one point read of the entry keyed by the values alone. An index the statement created has
// no entry in the store (WriteContext::index_is_new), so only its own writes are read.
Result<std::optional<uint64_t>> holder(const WriteContext& ctx, const IndexDef& idx,
                                       const Json& doc, uint64_t self) {
  return unique_holder(ctx, idx.id, index_entry_key(ctx.db_id(), idx, doc, self), self);
}

std::string describe_values(const IndexDef& idx, const std::vector<Json>& values) {
  if (idx.fields.size() == 1) return "field '" + idx.fields[0] + "'";
  std::string s = "fields (";
  for (size_t i = 0; i < idx.fields.size(); ++i) s += (i ? ", '" : "'") + idx.fields[i] + "'";
  return s + ")";
}

std::string value_text(const std::vector<Json>& values) {
  if (values.size() == 1) return values[0].dump();
  return Json(values).dump();
}

}  // namespace

std::string id_list(const std::vector<uint64_t>& seqs) {
  std::string s;
  for (size_t i = 0; i < seqs.size() && i < 5; ++i) {
    if (i) s += ", ";
    s += keys::document_id(seqs[i]);
  }
  if (seqs.size() > 5) s += ", ...";
  return s;
}

Status check_unique(const WriteContext& ctx, const Bundle& bundle, const Json& doc,
                    uint64_t seq, const std::vector<IndexDef>* skip) {
  const DatabaseSchema& schema = ctx.schema();
  for (const auto& idx : schema.indexes) {
    if (idx.bundle_id != bundle.id || !idx.unique || !all_present(idx, doc)) continue;
    if (skip && std::any_of(skip->begin(), skip->end(),
                            [&](const IndexDef& s) { return s.id == idx.id; })) {
      continue;
    }
    auto clash = holder(ctx, idx, doc, seq);
    if (!clash.ok()) return clash.status();
    if (clash->has_value()) {
      std::vector<Json> values = values_of(idx, doc, seq);
      return with_details(
          Status(Code::kConstraintViolation,
                 "Unique constraint violated: " + describe_values(idx, values) + " in bundle '" +
                     bundle.name + "' already has value " + value_text(values) + " (DocumentID " +
                     keys::document_id(**clash) + ")"),
          Json{{"index", idx.name}});
    }
  }
  return Status::Ok();
}

Result<std::optional<uint64_t>> unique_holder(const WriteContext& ctx, uint32_t index_id,
                                              const std::string& key, uint64_t self) {
  std::optional<std::string> stored;  // owns the value read from the store, when read
  std::optional<std::string_view> entry;
  if (ctx.index_is_new(index_id)) {
    if (auto written = ctx.txn().own_write(storage::Space::kIndex, key)) entry = *written;
  } else {
    auto got = ctx.reader().get(storage::Space::kIndex, key);
    if (!got.ok()) return got.status();
    stored = std::move(*got);
    if (stored) entry = *stored;
  }
  if (!entry || entry->size() != 8) return std::optional<uint64_t>();
  uint64_t seq = keys::index_entry_seq(*entry);
  if (seq == self) return std::optional<uint64_t>();
  return std::optional<uint64_t>(seq);
}

IndexKey index_key(uint32_t db, const IndexDef& index, const Json& doc) {
  return index_key_encoded(db, index, [&doc](const std::string& field, std::string* key) {
    auto it = doc.find(field);
    if (it == doc.end() || it->is_null()) return false;
    storage::encode_ordered(key, *it);
    return true;
  });
}

Status build_index(WriteContext& ctx, const IndexDef& idx) {
  const Bundle* bundle = ctx.schema().bundle_by_id(idx.bundle_id);
  if (!bundle) return bundle_not_found("#" + std::to_string(idx.bundle_id));
  std::set<uint64_t> clashing;
  Status st = for_each_document(
      ctx.reader(), ctx.db_id(), idx.bundle_id, [&](uint64_t seq, Json& doc) -> Status {
        if (idx.unique && all_present(idx, doc)) {
          auto clash = holder(ctx, idx, doc, seq);
          if (!clash.ok()) return clash.status();
          if (clash->has_value()) {
            clashing.insert(seq);
            clashing.insert(**clash);
            return Status::Ok();
          }
        }
        ctx.txn().put(storage::Space::kIndex, index_entry_key(ctx.db_id(), idx, doc, seq),
                      keys::u64_value(seq));
        return Status::Ok();
      });
  STRATA_RETURN_IF_ERROR(st);
  if (!clashing.empty()) {
    std::vector<uint64_t> ids(clashing.begin(), clashing.end());
    return with_details(
        Status(Code::kConstraintViolation,
               "Cannot create unique index '" + idx.name + "' on bundle '" + bundle->name +
                   "': " + std::to_string(ids.size()) +
                   " documents have duplicate values (DocumentIDs " + id_list(ids) + ")"),
        Json{{"documentCount", ids.size()}});
  }
  return Status::Ok();
}

Status drop_index_entries(WriteContext& ctx, const IndexDef& idx) {
  // Collect first, delete after: the iterator is closed before the txn changes.
  const std::string prefix = index_entries_prefix(ctx.db_id(), idx);
  const std::string end = storage::prefix_end(prefix);
  std::string begin = prefix;
  std::vector<std::string> batch;
  for (;;) {
    batch.clear();
    {
      auto it = ctx.reader().scan(storage::Space::kIndex, begin, end);
      for (; it->valid() && batch.size() < 4096; it->next()) batch.emplace_back(it->key());
      STRATA_RETURN_IF_ERROR(it->status());
    }
    for (const auto& k : batch) ctx.txn().del(storage::Space::kIndex, k);
    if (batch.size() < 4096) return Status::Ok();
    begin = batch.back();
    begin.push_back('\0');
  }
}

}  // namespace strata::engine
