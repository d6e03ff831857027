#pragma once
// etcd::Client: etcd's v3 gRPC API (SPEC §11) for the etcd store — KV (Range, Put, DeleteRange,
// Txn, Compact), Lease (Grant, KeepAlive, Revoke, TimeToLive), Maintenance.Status — over several
// endpoints with fail-over, a deadline on every call and optional TLS. Watch streams and the
// lease keep-alive thread are built on it (watch.hpp, lease.hpp).
//
// Requests and responses are etcd's own protobuf messages (proto/rpc.proto); ops.hpp builds the
// common ones. Every failure becomes a Status, never an exception:
//   - the cluster cannot answer (no endpoint reachable, no quorum / no leader, the deadline
//     passed) → kStoreUnavailable;
//   - anything else (request too large, too many ops, compacted revision, lease not found, ...)
//     → kStorageError with etcd's message.
// Fail-over: a call goes to the endpoint that answered last; when that one cannot answer, the
// next is tried, round-robin, until the deadline. A read (and any call marked idempotent) is
// retried on any failure of the first kind, each attempt with a share of the deadline so a
// paused member cannot eat all of it. A write is retried only when it certainly was not sent
// (the connection could not be made); otherwise its outcome is unknown and the error says so
// (outcome_unknown() is true): the caller decides (etcd_store resolves it from the data).
//
// Limits: etcd refuses a request above --max-request-bytes (default 1.5 MiB) and a Txn with more
// than --max-txn-ops operations on one level (default 128); ClientOptions carries the values of
// the cluster so callers can split their work (etcd_store does).
//
// Thread-safety: a Client is safe for concurrent use; gRPC channels are shared by all calls.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "etcdpb/rpc.grpc.pb.h"

namespace strata::storage::etcd {

struct ClientOptions {
  // "host:port" of every member (a "http://" or "https://" prefix is accepted and dropped).
  std::vector<std::string> endpoints;
  // Every call, with its retries, ends within this.
  std::chrono::milliseconds deadline{5000};
  // TLS to etcd: all empty for plaintext. ca_file alone: server authentication; with
  // cert_file + key_file: client certificates too.
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  // The cluster's limits (etcd --max-request-bytes, --max-txn-ops): what one request may hold.
  size_t max_request_bytes = 1536 * 1024;
  int max_txn_ops = 128;
};

// Parses "etcd://h1:2379,h2:2379" (or a bare "h1:2379,h2:2379") into endpoints. Errors:
// kInvalidValue naming what is wrong.
Result<std::vector<std::string>> parse_endpoints(std::string_view url);

class Client {
 public:
  // Creates channels to every endpoint (connecting lazily). Errors: kInvalidValue (no endpoint,
  // unreadable TLS file).
  static Result<std::unique_ptr<Client>> Create(const ClientOptions& options);
  ~Client();

  const ClientOptions& options() const { return options_; }
  std::string describe() const;  // "etcd://h1:2379,h2:2379"

  // KV. Range is linearizable unless request.serializable(). A Range at a revision (> 0) is
  // first sent serializable — a past revision reads the same on every member that applied it,
  // without a quorum round — and linearizably again when that member lags ("future revision").
  Result<etcdserverpb::RangeResponse> range(const etcdserverpb::RangeRequest& request);
  Result<etcdserverpb::PutResponse> put(const etcdserverpb::PutRequest& request);
  Result<etcdserverpb::DeleteRangeResponse> delete_range(
      const etcdserverpb::DeleteRangeRequest& request);
  // A Txn whose ops are all reads is retried like a read; one whose reads all name a revision
  // is sent serializable first, as range() does.
  Result<etcdserverpb::TxnResponse> txn(const etcdserverpb::TxnRequest& request);
  Result<etcdserverpb::CompactionResponse> compact(int64_t revision, bool physical);

  // Lease.
  Result<etcdserverpb::LeaseGrantResponse> lease_grant(int64_t ttl_s);
  Status lease_revoke(int64_t id);
  // One keep-alive round trip: the response's TTL is <= 0 when the lease is gone.
  Result<etcdserverpb::LeaseKeepAliveResponse> lease_keep_alive(int64_t id);
  Result<etcdserverpb::LeaseTimeToLiveResponse> lease_time_to_live(int64_t id);

  // Maintenance.Status of one member (index into options().endpoints), no fail-over.
  Result<etcdserverpb::StatusResponse> member_status(size_t endpoint);

  // For watch.hpp: the Watch stub of the endpoint to use now, and its index.
  etcdserverpb::Watch::Stub& watch_stub(size_t* index);
  // Marks endpoint `index` as failing, so the next call starts with the following one.
  void fail_over(size_t index);

  // True when `status` is a write whose outcome is unknown (it may have been applied).
  static bool outcome_unknown(const Status& status);
  // True when `status` says the revision read was compacted.
  static bool compacted(const Status& status);
  // True when `status` says the member asked has not reached the revision read.
  static bool future_revision(const Status& status);

 private:
  struct Endpoint;
  explicit Client(const ClientOptions& options);
  template <typename Response, typename Call>
  Result<Response> call(const char* what, bool idempotent, Call&& call);

  ClientOptions options_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::atomic<size_t> current_{0};
};

}  // namespace strata::storage::etcd
