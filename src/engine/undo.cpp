#include "engine/undo.hpp"

#include "engine/documents.hpp"
#include "engine/index.hpp"
#include "storage/keys.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;
namespace lk = storage::ledger_keys;
using storage::Space;

void UndoRecorder::bind(storage::Txn& txn, uint32_t db, uint64_t version,
                        const DatabaseSchema& base, uint64_t start_seq) {
  txn_ = &txn;
  db_ = db;
  version_ = version;
  base_ = &base;
  start_seq_ = start_seq;
}

void UndoRecorder::document_before(const Bundle& bundle, uint64_t seq, const Json* before) {
  if (!txn_ || !before || seq >= start_seq_) return;
  if (!base_->bundle_by_id(bundle.id)) return;
  if (!seen_.insert(seq).second) return;
  touched_.insert(bundle.id);
  ++entries_;
  txn_->put(Space::kLedger, lk::undo_key(db_, version_, bundle.id, seq), before->dump());
}

std::vector<std::string> UndoRecorder::touched_bundles() const {
  std::vector<std::string> out;
  if (!base_) return out;
  for (const auto& b : base_->bundles)
    if (touched_.count(b.id)) out.push_back(b.name);
  return out;
}

Json UndoRecorder::undo_bundles() const {
  Json out = Json::object();
  if (!base_) return out;
  for (const auto& b : base_->bundles)
    if (touched_.count(b.id)) out[b.name] = b.id;
  return out;
}

namespace {

constexpr size_t kChunk = 1024;

// Calls fn(seq, bytes) for every undo entry under `prefix`, in chunks, closing the iterator
// before each batch so fn may write to the txn.
Status for_each_entry(const Reader& reader, const std::string& prefix,
                      const std::function<Status(uint64_t, const std::string&)>& fn) {
  std::string from = prefix;
  const std::string end = storage::prefix_end(prefix);
  while (true) {
    std::vector<std::pair<uint64_t, std::string>> chunk;
    {
      auto it = reader.scan(Space::kLedger, from, end);
      for (; it->valid() && chunk.size() < kChunk; it->next()) {
        chunk.emplace_back(keys::get_u64(it->key().substr(it->key().size() - 8)),
                           std::string(it->value()));
        from = std::string(it->key()) + '\0';
      }
      STRATA_RETURN_IF_ERROR(it->status());
    }
    for (const auto& [seq, bytes] : chunk) STRATA_RETURN_IF_ERROR(fn(seq, bytes));
    if (chunk.size() < kChunk) return Status::Ok();
  }
}

}  // namespace

Status restore_documents(WriteContext& ctx, const ast::RestoreDocuments& command,
                         const MigrationRecord& record, uint64_t* restored) {
  const Bundle* b = ctx.schema().bundle(command.bundle);
  if (!b) return bundle_not_found(command.bundle);
  *restored = 0;
  auto id = record.undo_bundles.find(command.bundle);
  if (id == record.undo_bundles.end()) return Status::Ok();
  const Bundle bundle = *b;
  const std::string prefix =
      lk::undo_bundle_prefix(ctx.db_id(), record.version, id->get<uint32_t>());
  // Pass 1: take the current documents out of every index.
  STRATA_RETURN_IF_ERROR(for_each_entry(ctx.reader(), prefix,
                                        [&](uint64_t seq, const std::string&) -> Status {
    auto current = load_document(ctx.reader(), ctx.db_id(), bundle.id, seq);
    if (!current.ok()) return current.status();
    if (*current) remove_index_entries(ctx.txn(), ctx.schema(), bundle.id, **current, seq);
    return Status::Ok();
  }));
  // Pass 2: the pre-images, byte for byte, and their index entries.
  return for_each_entry(ctx.reader(), prefix,
                        [&](uint64_t seq, const std::string& bytes) -> Status {
    auto doc = parse_document(bytes);
    if (!doc.ok()) return doc.status();
    ctx.txn().put(Space::kDocs, keys::doc_key(ctx.db_id(), bundle.id, seq), bytes);
    add_index_entries(ctx.txn(), ctx.schema(), bundle.id, *doc, seq);
    ++*restored;
    return Status::Ok();
  });
}

}  // namespace strata::engine
