// Writes into etcd ops, ops into requests within etcd's limits (pack.hpp).

#include "storage/etcd/pack.hpp"

#include "storage/etcd/ops.hpp"

namespace strata::storage::etcd {

namespace {
// Bytes a serialized op adds beside its own size (field tag and length, in its nested Txn).
constexpr size_t kOpOverhead = 8;
constexpr size_t kGroupOverhead = 16;
}  // namespace

OpSource::OpSource(const Backend& backend, std::function<bool(PlainWrite*)> next_write)
    : b_(backend), next_write_(std::move(next_write)) {}

bool OpSource::next(Op* out) {
  while (queue_.empty()) {
    PlainWrite w;
    if (!next_write_(&w)) return false;
    expand(w);
  }
  *out = std::move(queue_.front());
  queue_.pop_front();
  return true;
}

void OpSource::unget(Op op) { queue_.push_front(std::move(op)); }

void OpSource::expand(const PlainWrite& w) {
  const layout::Layout& l = b_.layout;
  const std::string key(w.key);
  auto push = [&](etcdserverpb::RequestOp op) { queue_.push_back(Op{std::move(op), w.space, key}); };
  const std::string data_key = l.data_key(w.space, w.key);
  if (!w.value) {
    push(ops::op(ops::del(data_key)));
    if (w.clean_chunks) push(ops::op(ops::del(l.chunk_begin(w.space, w.key), l.chunk_end(w.space, w.key))));
    return;
  }
  const std::string_view v = *w.value;
  if (v.size() + 1 <= b_.chunk_bytes) {
    std::string stored;
    stored.reserve(v.size() + 1);
    stored.push_back(layout::kInline);
    stored.append(v);
    push(ops::op(ops::put(data_key, stored)));
    if (w.clean_chunks) push(ops::op(ops::del(l.chunk_begin(w.space, w.key), l.chunk_end(w.space, w.key))));
    return;
  }
  const size_t n = (v.size() + b_.chunk_bytes - 1) / b_.chunk_bytes;
  std::string manifest(1, layout::kChunked);
  layout::put_u32(&manifest, static_cast<uint32_t>(n));
  layout::put_u64(&manifest, v.size());
  push(ops::op(ops::put(data_key, manifest)));
  for (size_t i = 0; i < n; ++i) {
    push(ops::op(ops::put(l.chunk_key(w.space, w.key, static_cast<uint32_t>(i)),
                          v.substr(i * b_.chunk_bytes, b_.chunk_bytes))));
  }
  if (w.clean_chunks) {
    push(ops::op(ops::del(l.chunk_key(w.space, w.key, static_cast<uint32_t>(n)),
                          l.chunk_end(w.space, w.key))));
  }
}

Result<bool> fill(const Backend& b, OpSource& source, int top_level_ops, Packed* p) {
  // etcd allows a nested Txn max_txn_ops minus the op count of its parent level.
  const int m = b.options.client.max_txn_ops;
  const int groups = std::min(b.groups, m - b.group_ops - top_level_ops);
  if (groups < 1) {
    return Status(Code::kStorageError,
                  "a commit touching this many databases at once does not fit etcd's "
                  "--max-txn-ops (" + std::to_string(m) + ")");
  }
  OpSource::Op op;
  while (source.next(&op)) {
    const size_t cost = op.op.ByteSizeLong() + kOpOverhead;
    const bool new_key = !p->last || p->last->first != op.space || p->last->second != op.key;
    const size_t record = new_key ? op.key.size() + 5 : 0;
    const bool new_group =
        p->groups.empty() || p->groups.back().success_size() >= b.group_ops;
    const size_t group = new_group ? kGroupOverhead : 0;
    const bool full = p->bytes + cost + record + group > b.request_bytes ||
                      (new_group && static_cast<int>(p->groups.size()) >= groups);
    if (full) {
      if (p->ops == 0) {
        return Status(Code::kStorageError,
                      "a key of " + std::to_string(op.key.size()) + " bytes does not fit in one "
                      "etcd request (--max-request-bytes " +
                          std::to_string(b.options.client.max_request_bytes) + ")");
      }
      source.unget(std::move(op));
      return false;
    }
    if (new_group) p->groups.emplace_back();
    if (new_key) {
      layout::append_record(&p->record, op.space, op.key);
      p->last.emplace(op.space, op.key);
    }
    *p->groups.back().add_success() = std::move(op.op);
    p->bytes += cost + record + group;
    ++p->ops;
  }
  return true;
}

void add_groups(Packed& p, etcdserverpb::TxnRequest* txn) {
  for (etcdserverpb::TxnRequest& g : p.groups) *txn->add_success() = ops::op(std::move(g));
  p.groups.clear();
}

}  // namespace strata::storage::etcd
