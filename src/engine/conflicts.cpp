#include "engine/conflicts.hpp"

#include "engine/documents.hpp"
#include "engine/undo.hpp"
#include "storage/keys.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;
namespace lk = storage::ledger_keys;
using storage::Space;

Json Conflict::to_json() const {
  Json j = {{"version", version},
            {"bundle", bundle},
            {"DocumentID", keys::document_id(seq)},
            {"kind", kind}};
  if (kind == "unique_taken") {
    j["field"] = field;
    j["value"] = value;
    j["heldBy"] = keys::document_id(held_by);
  }
  return j;
}

Json conflicts_json(const std::vector<Conflict>& conflicts) {
  Json out = Json::array();
  for (const auto& c : conflicts) out.push_back(c.to_json());
  return out;
}

bool all_forceable(const std::vector<Conflict>& conflicts) {
  for (const auto& c : conflicts)
    if (!c.forceable()) return false;
  return true;
}

namespace {

std::string bundle_name(const WriteContext& ctx, uint32_t id) {
  const Bundle* b = ctx.schema().bundle_by_id(id);
  return b ? b->name : "#" + std::to_string(id);
}

// The documents the migration overwrote and left in place must carry no newer stamp than its.
Status check_overwritten(WriteContext& ctx, const MigrationRecord& r, std::vector<Conflict>* out) {
  auto deleted = load_left_deleted(ctx.reader(), ctx.db_id(), r.version);
  if (!deleted.ok()) return deleted.status();
  const std::string prefix = lk::undo_prefix(ctx.db_id(), r.version);
  std::vector<std::pair<uint32_t, uint64_t>> entries;  // (bundle id, seq), read before loading
  {
    auto it = ctx.reader().scan_prefix(Space::kLedger, prefix);
    for (; it->valid(); it->next()) {
      std::string_view k = it->key();
      entries.emplace_back(keys::get_u32(k.substr(prefix.size())),
                           keys::get_u64(k.substr(k.size() - 8)));
    }
    STRATA_RETURN_IF_ERROR(it->status());
  }
  for (const auto& [bundle, seq] : entries) {
    if (deleted->count(seq)) continue;  // the migration deleted it: nothing of its to lose
    auto now = load_stored(ctx.reader(), ctx.db_id(), bundle, seq);
    if (!now.ok()) return now.status();
    Conflict c;
    c.version = r.version;
    c.bundle = bundle_name(ctx, bundle);
    c.seq = seq;
    if (!now->has_value()) {
      c.kind = "deleted_after_apply";
    } else if (written_after(**now, r)) {
      c.kind = "modified_after_apply";
      c.current = std::move(**now);
    } else {
      continue;
    }
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

// The documents the migration added and that are still there likewise.
Status check_added(WriteContext& ctx, const MigrationRecord& r, std::vector<Conflict>* out) {
  for (const auto& id : r.added_bundles) {
    const uint32_t bundle = id.get<uint32_t>();
    auto it = ctx.reader().scan(Space::kDocs, keys::doc_key(ctx.db_id(), bundle, r.start_seq),
                                keys::doc_key(ctx.db_id(), bundle, r.end_seq));
    for (; it->valid(); it->next()) {
      if (!written_after(it->value(), r)) continue;
      Conflict c;
      c.version = r.version;
      c.bundle = bundle_name(ctx, bundle);
      c.seq = keys::doc_key_seq(it->key());
      c.kind = "modified_after_apply";
      c.current = std::string(it->value());
      out->push_back(std::move(c));
    }
    STRATA_RETURN_IF_ERROR(it->status());
  }
  return Status::Ok();
}

}  // namespace

bool written_after(std::string_view stored, const MigrationRecord& record) {
  return record.apply_stamp != 0 && stored_stamp(stored) > record.apply_stamp;
}

Status find_conflicts(WriteContext& ctx, const MigrationRecord& record,
                      std::vector<Conflict>* out) {
  if (record.apply_stamp == 0) return Status::Ok();  // applied before write stamps existed
  STRATA_RETURN_IF_ERROR(check_overwritten(ctx, record, out));
  return check_added(ctx, record, out);
}

}  // namespace strata::engine
