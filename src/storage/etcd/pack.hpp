#pragma once
// Private to src/storage/etcd: turning writes into etcd ops and packing them into requests that
// etcd accepts (docs/CLUSTER.md "Limits").
//
// A write of key K becomes: a put of its data key (the value inline, or a chunk manifest plus
// one put per chunk), or a delete of it; plus, when K had chunks before (or the caller cannot
// tell), a delete of the chunk range no longer used. Ops are packed into nested Txns of at most
// Backend::group_ops ops, at most Backend::groups of them per request, and at most
// Backend::request_bytes of serialized ops per request (etcd's --max-txn-ops applies to each
// level of a Txn separately; --max-request-bytes to the whole). A request also carries the
// record of the keys it writes (for a staged commit's roll-back).
//
// Thread-safety: none; one per commit.

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/etcd/backend.hpp"

namespace strata::storage::etcd {

// One write: `value` nullopt deletes. `clean_chunks`: also delete chunks K may have had.
struct PlainWrite {
  Space space;
  std::string_view key;
  std::optional<std::string_view> value;
  bool clean_chunks = true;
};

// The ops of writes, one at a time, in the order the writes come.
class OpSource {
 public:
  // `next_write` fills its argument and returns true, or returns false at the end; the views
  // it gives must stay valid until the source is done with them (the next call).
  OpSource(const Backend& backend, std::function<bool(PlainWrite*)> next_write);

  struct Op {
    etcdserverpb::RequestOp op;
    Space space;
    std::string key;  // the write's key (for the staging record)
  };
  // The next op, or false at the end.
  bool next(Op* out);
  // Gives back an op that did not fit: next() returns it first.
  void unget(Op op);

 private:
  void expand(const PlainWrite& w);

  const Backend& b_;
  std::function<bool(PlainWrite*)> next_write_;
  std::deque<Op> queue_;
};

// The ops of one request, in nested Txns, and the record of the keys they write.
struct Packed {
  std::vector<etcdserverpb::TxnRequest> groups;
  std::string record;
  size_t bytes = 0;
  size_t ops = 0;
  std::optional<std::pair<Space, std::string>> last;  // the last key recorded
};

// Fills `packed` from `source` until a limit is reached or the source ends. Returns true when
// the source ended. `top_level_ops`: the ops the request will carry besides the nested Txns
// (and its compares, whichever is more). Errors: kStorageError when one op alone is too big for
// a request (a key near --max-request-bytes), or the limits leave no room.
Result<bool> fill(const Backend& backend, OpSource& source, int top_level_ops, Packed* packed);

// Moves the nested Txns of `packed` into `txn`'s success ops.
void add_groups(Packed& packed, etcdserverpb::TxnRequest* txn);

}  // namespace strata::storage::etcd
