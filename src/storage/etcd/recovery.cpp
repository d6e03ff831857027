// Roll-back of abandoned stagings (recovery.hpp) and EtcdStore::recover.

#include "storage/etcd/recovery.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "storage/etcd/ops.hpp"
#include "storage/etcd/pack.hpp"
#include "storage/etcd/snapshot.hpp"

namespace strata::storage::etcd {

namespace {

using Key = std::pair<Space, std::string>;

// The domains whose publish key flags `commit`, and the revision the flags were set at.
Result<std::vector<Domain>> flagged_domains(Backend& b, const std::string& commit,
                                            int64_t* flagged_at) {
  const std::string prefix = b.layout.publish_prefix();
  auto r = b.client->range(ops::range(prefix, {.end = ops::prefix_range_end(prefix)}));
  if (!r.ok()) return r.status();
  const std::string flag = std::string(1, layout::kStaging) + commit;
  std::vector<Domain> out;
  for (const mvccpb::KeyValue& kv : r->kvs()) {
    if (kv.value() != flag) continue;
    out.push_back(layout::Layout::domain_from_name(std::string_view(kv.key()).substr(prefix.size())));
    *flagged_at = kv.mod_revision();
  }
  return out;
}

// Every key the staging records of `commit` name, sorted, without repeats.
Result<std::vector<Key>> staged_keys(Backend& b, const std::string& commit) {
  const std::string prefix = b.layout.staging_prefix(commit);
  const std::string end = ops::prefix_range_end(prefix);
  std::vector<Key> keys;
  std::string from = prefix;
  for (;;) {
    auto r = b.client->range(ops::range(from, {.end = end, .limit = 16}));
    if (!r.ok()) return r.status();
    for (const mvccpb::KeyValue& kv : r->kvs()) {
      if (!layout::parse_record(kv.value(), &keys)) {
        return Status(Code::kStorageError, "etcd store: malformed staging record " + kv.key());
      }
    }
    if (!r->more() || r->kvs_size() == 0) break;
    from = r->kvs(r->kvs_size() - 1).key() + '\0';
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// The values of `keys` at `revision` (nullopt: absent then).
Result<std::vector<std::optional<std::string>>> values_at(Backend& b, const std::vector<Key>& keys,
                                                          int64_t revision) {
  std::vector<std::optional<std::string>> out;
  const size_t batch = static_cast<size_t>(std::min(100, b.options.client.max_txn_ops - 1));
  for (size_t at = 0; at < keys.size(); at += batch) {
    etcdserverpb::TxnRequest t;
    const size_t end = std::min(keys.size(), at + batch);
    for (size_t i = at; i < end; ++i) {
      *t.add_success() =
          ops::op(ops::range(b.layout.data_key(keys[i].first, keys[i].second), {.end = {}, .revision = revision}));
    }
    auto r = b.client->txn(t);
    if (!r.ok()) return read_error(r.status());
    for (size_t i = at; i < end; ++i) {
      const auto& kvs = r->responses(static_cast<int>(i - at)).response_range().kvs();
      if (kvs.empty()) {
        out.emplace_back();
        continue;
      }
      auto v = decode_value(b, keys[i].first, keys[i].second, kvs[0].value(), revision);
      if (!v.ok()) return v.status();
      out.emplace_back(std::move(*v));
    }
  }
  return out;
}

}  // namespace

std::string rolled_back_marker(const std::string& commit) {
  return std::string(1, layout::kPublished) + "r" + commit;
}

Result<bool> staging_abandoned(Backend& b, const std::string& commit) {
  auto r = b.client->range(ops::range(b.layout.owner_key(commit), {.end = {}, .count_only = true}));
  if (!r.ok()) return r.status();
  return r->count() == 0;
}

Status roll_back(Backend& b, const std::string& commit) {
  int64_t flagged_at = 0;
  auto domains = flagged_domains(b, commit, &flagged_at);
  if (!domains.ok()) return domains.status();
  if (domains->empty()) return Status::Ok();  // not staging (any more)
  auto keys = staged_keys(b, commit);
  if (!keys.ok()) return keys.status();
  auto values = values_at(b, *keys, flagged_at - 1);
  if (!values.ok()) return values.status();

  const std::string flag = std::string(1, layout::kStaging) + commit;
  auto guarded = [&](etcdserverpb::TxnRequest* t) {
    for (const Domain& d : *domains) *t->add_compare() = ops::compare_value(b.layout.publish_key(d), flag);
  };
  size_t next = 0;
  OpSource source(b, [&](PlainWrite* w) {
    if (next >= keys->size()) return false;
    const size_t i = next++;
    w->space = (*keys)[i].first;
    w->key = (*keys)[i].second;
    w->value = (*values)[i] ? std::optional<std::string_view>(*(*values)[i]) : std::nullopt;
    w->clean_chunks = true;  // the staging may have written chunks these keys did not have
    return true;
  });
  const int top = static_cast<int>(domains->size()) + 3;
  for (bool ended = false; !ended;) {
    Packed packed;
    auto done = fill(b, source, top, &packed);
    if (!done.ok()) return done.status();
    ended = *done;
    if (packed.ops == 0) break;
    etcdserverpb::TxnRequest t;
    guarded(&t);
    add_groups(packed, &t);
    auto r = b.client->txn(t);
    if (!r.ok()) return r.status();
    if (!r->succeeded()) return Status::Ok();  // another roll-back finished it
  }
  etcdserverpb::TxnRequest clear;
  guarded(&clear);
  const std::string marker = rolled_back_marker(commit);
  for (const Domain& d : *domains) *clear.add_success() = ops::op(ops::put(b.layout.publish_key(d), marker));
  *clear.add_success() = ops::op(ops::del(b.layout.owner_key(commit)));
  const std::string records = b.layout.staging_prefix(commit);
  *clear.add_success() = ops::op(ops::del(records, ops::prefix_range_end(records)));
  auto r = b.client->txn(clear);
  return r.ok() || Client::outcome_unknown(r.status()) ? Status::Ok() : r.status();
}

Result<int> EtcdStore::recover() {
  auto snap = EtcdSnapshot::Take(backend_);
  STRATA_RETURN_IF_ERROR(snap->status());
  std::vector<std::string> commits;
  for (const auto& [domain, state] : snap->domains()) {
    if (state.staging && std::find(commits.begin(), commits.end(), state.commit) == commits.end()) {
      commits.push_back(state.commit);
    }
  }
  int rolled_back = 0;
  for (const std::string& commit : commits) {
    auto gone = staging_abandoned(*backend_, commit);
    if (!gone.ok()) return gone.status();
    if (!*gone) continue;
    STRATA_RETURN_IF_ERROR(roll_back(*backend_, commit));
    ++rolled_back;
  }
  return rolled_back;
}

}  // namespace strata::storage::etcd
