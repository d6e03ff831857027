#pragma once
// Builders of etcd's request messages (proto/rpc.proto): ranges, puts, deletes, compares and
// the ops of a Txn, so callers read as what they ask rather than as protobuf setters.
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "etcdpb/rpc.pb.h"

namespace strata::storage::etcd::ops {

// The end of a prefix range as etcd spells it: the prefix plus one ("\0" when the prefix is
// all 0xFF bytes or empty, meaning "every key from the start").
std::string prefix_range_end(std::string_view prefix);

struct RangeOptions {
  std::string end;                 // "" : just `key`
  int64_t revision = 0;            // <= 0: the newest
  int64_t limit = 0;               // 0: no limit
  bool keys_only = false;
  bool count_only = false;
  bool serializable = false;       // true: member-local read, not linearizable
  int64_t min_mod_revision = 0;
  int64_t max_mod_revision = 0;
};

inline etcdserverpb::RangeRequest range(std::string_view key, const RangeOptions& o = {}) {
  etcdserverpb::RangeRequest r;
  r.set_key(std::string(key));
  if (!o.end.empty()) r.set_range_end(o.end);
  r.set_revision(o.revision);
  r.set_limit(o.limit);
  r.set_keys_only(o.keys_only);
  r.set_count_only(o.count_only);
  r.set_serializable(o.serializable);
  r.set_min_mod_revision(o.min_mod_revision);
  r.set_max_mod_revision(o.max_mod_revision);
  return r;
}

inline etcdserverpb::PutRequest put(std::string_view key, std::string_view value,
                                    int64_t lease = 0) {
  etcdserverpb::PutRequest r;
  r.set_key(std::string(key));
  r.set_value(std::string(value));
  r.set_lease(lease);
  return r;
}

// Deletes `key`, or every key in [key, end) when `end` is given.
inline etcdserverpb::DeleteRangeRequest del(std::string_view key, std::string_view end = {}) {
  etcdserverpb::DeleteRangeRequest r;
  r.set_key(std::string(key));
  if (!end.empty()) r.set_range_end(std::string(end));
  return r;
}

// Txn ops.
inline etcdserverpb::RequestOp op(etcdserverpb::RangeRequest r) {
  etcdserverpb::RequestOp o;
  *o.mutable_request_range() = std::move(r);
  return o;
}
inline etcdserverpb::RequestOp op(etcdserverpb::PutRequest r) {
  etcdserverpb::RequestOp o;
  *o.mutable_request_put() = std::move(r);
  return o;
}
inline etcdserverpb::RequestOp op(etcdserverpb::DeleteRangeRequest r) {
  etcdserverpb::RequestOp o;
  *o.mutable_request_delete_range() = std::move(r);
  return o;
}
inline etcdserverpb::RequestOp op(etcdserverpb::TxnRequest r) {
  etcdserverpb::RequestOp o;
  *o.mutable_request_txn() = std::move(r);
  return o;
}

// Compares. An absent key has version, create_revision and mod_revision 0; a compare on the
// value is false for an absent key, whatever `result`.
using Result_ = etcdserverpb::Compare::CompareResult;
inline etcdserverpb::Compare compare(std::string_view key,
                                     etcdserverpb::Compare::CompareTarget target, Result_ result) {
  etcdserverpb::Compare c;
  c.set_key(std::string(key));
  c.set_target(target);
  c.set_result(result);
  return c;
}
inline etcdserverpb::Compare compare_mod(std::string_view key, int64_t revision,
                                         Result_ result = etcdserverpb::Compare::EQUAL) {
  auto c = compare(key, etcdserverpb::Compare::MOD, result);
  c.set_mod_revision(revision);
  return c;
}
inline etcdserverpb::Compare compare_create(std::string_view key, int64_t revision,
                                            Result_ result = etcdserverpb::Compare::EQUAL) {
  auto c = compare(key, etcdserverpb::Compare::CREATE, result);
  c.set_create_revision(revision);
  return c;
}
inline etcdserverpb::Compare compare_version(std::string_view key, int64_t version,
                                             Result_ result = etcdserverpb::Compare::EQUAL) {
  auto c = compare(key, etcdserverpb::Compare::VERSION, result);
  c.set_version(version);
  return c;
}
inline etcdserverpb::Compare compare_value(std::string_view key, std::string_view value,
                                           Result_ result = etcdserverpb::Compare::EQUAL) {
  auto c = compare(key, etcdserverpb::Compare::VALUE, result);
  c.set_value(std::string(value));
  return c;
}

inline std::string prefix_range_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (end.empty()) return std::string(1, '\0');
  end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

}  // namespace strata::storage::etcd::ops
