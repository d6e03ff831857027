// etcd::Client: channels, fail-over, deadlines and the mapping of gRPC errors (client.hpp).

#include "storage/etcd/client.hpp"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace strata::storage::etcd {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kOutcomeUnknown = "(outcome unknown)";
constexpr std::string_view kCompacted = "required revision has been compacted";
constexpr std::string_view kFutureRevision = "required revision is a future revision";

// How a failed call may be handled.
enum class Failure {
  kNotSent,    // the cluster is unreachable and the request certainly was not applied
  kUnknown,    // the cluster did not answer in time: a write may or may not have been applied
  kRetryable,  // etcd refused it for now (too many requests) without applying it
  kFinal,      // etcd's answer: retrying changes nothing
};

// gRPC takes deadlines on the system clock.
std::chrono::system_clock::time_point wall(Clock::time_point t) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(t - Clock::now());
}

bool contains(const std::string& s, std::string_view what) {
  return s.find(what) != std::string::npos;
}

Failure classify(const grpc::Status& s) {
  const std::string& m = s.error_message();
  // etcd's own transient errors come with several gRPC codes (a server-side context deadline
  // even as UNKNOWN): the message decides first.
  if (contains(m, "failed to connect") || contains(m, "Connection refused") ||
      contains(m, "connections to all backends failing") || contains(m, "no leader") ||
      contains(m, "DNS resolution failed") || contains(m, "Failed to pick subchannel") ||
      contains(m, "server stopped")) {
    return Failure::kNotSent;
  }
  if (contains(m, "request timed out") || contains(m, "leader changed") ||
      contains(m, "context deadline exceeded") || contains(m, "context canceled")) {
    return Failure::kUnknown;
  }
  if (contains(m, "too many requests")) return Failure::kRetryable;
  switch (s.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:  // a connection reset, ...
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
      return Failure::kUnknown;
    default:
      return Failure::kFinal;
  }
}

std::string read_file(const std::string& path, Status* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = Status(Code::kInvalidValue, "cannot read TLS file " + path);
    return {};
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string strip_scheme(std::string_view e) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (e.starts_with(scheme)) e.remove_prefix(scheme.size());
  }
  while (!e.empty() && e.back() == '/') e.remove_suffix(1);
  return std::string(e);
}

}  // namespace

struct Client::Endpoint {
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<etcdserverpb::KV::Stub> kv;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease;
  std::unique_ptr<etcdserverpb::Watch::Stub> watch;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance;
};

Result<std::vector<std::string>> parse_endpoints(std::string_view url) {
  if (url.starts_with("etcd://")) url.remove_prefix(7);
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= url.size()) {
    size_t comma = url.find(',', at);
    if (comma == std::string_view::npos) comma = url.size();
    std::string e = strip_scheme(url.substr(at, comma - at));
    size_t colon = e.rfind(':');
    if (e.empty() || colon == std::string::npos || colon == 0 || colon + 1 == e.size() ||
        e.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
      return Status(Code::kInvalidValue,
                    "invalid etcd endpoint '" + e + "': expected host:port, as in "
                    "etcd://10.0.0.1:2379,10.0.0.2:2379");
    }
    out.push_back(std::move(e));
    at = comma + 1;
  }
  if (out.empty()) return Status(Code::kInvalidValue, "no etcd endpoint given");
  return out;
}

Client::Client(const ClientOptions& options) : options_(options) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::Create(const ClientOptions& options) {
  if (options.endpoints.empty()) return Status(Code::kInvalidValue, "no etcd endpoint given");
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.ca_file.empty() && options.cert_file.empty() && options.key_file.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    if (options.cert_file.empty() != options.key_file.empty()) {
      return Status(Code::kInvalidValue,
                    "a client certificate for etcd needs both its certificate and its key file");
    }
    grpc::SslCredentialsOptions ssl;
    Status error;
    if (!options.ca_file.empty()) ssl.pem_root_certs = read_file(options.ca_file, &error);
    if (!options.cert_file.empty()) ssl.pem_cert_chain = read_file(options.cert_file, &error);
    if (!options.key_file.empty()) ssl.pem_private_key = read_file(options.key_file, &error);
    STRATA_RETURN_IF_ERROR(error);
    creds = grpc::SslCredentials(ssl);
  }
  std::unique_ptr<Client> client(new Client(options));
  for (const std::string& raw : options.endpoints) {
    auto e = std::make_unique<Endpoint>();
    e->address = strip_scheme(raw);
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);  // a Range page may be large; etcd bounds it itself
    args.SetMaxSendMessageSize(static_cast<int>(options.max_request_bytes) + (64 << 10));
    // A member that comes back is used again within a second, not after gRPC's default
    // back-off of up to two minutes; a silent peer is noticed within a few seconds.
    // (GRPC_ARG_MIN_RECONNECT_BACKOFF_MS is left alone: it is also the connect timeout.)
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 2000);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 2000);
    args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 0);
    e->channel = grpc::CreateCustomChannel(e->address, creds, args);
    e->kv = etcdserverpb::KV::NewStub(e->channel);
    e->lease = etcdserverpb::Lease::NewStub(e->channel);
    e->watch = etcdserverpb::Watch::NewStub(e->channel);
    e->maintenance = etcdserverpb::Maintenance::NewStub(e->channel);
    client->endpoints_.push_back(std::move(e));
  }
  return client;
}

std::string Client::describe() const {
  std::string out = "etcd://";
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    if (i > 0) out += ',';
    out += endpoints_[i]->address;
  }
  return out;
}

bool Client::outcome_unknown(const Status& status) {
  return status.code() == Code::kStoreUnavailable &&
         status.message().find(kOutcomeUnknown) != std::string::npos;
}

bool Client::compacted(const Status& status) {
  return status.code() == Code::kStorageError &&
         status.message().find(kCompacted) != std::string::npos;
}

bool Client::future_revision(const Status& status) {
  return status.code() == Code::kStorageError &&
         status.message().find(kFutureRevision) != std::string::npos;
}

void Client::fail_over(size_t index) {
  size_t expected = index;
  current_.compare_exchange_strong(expected, (index + 1) % endpoints_.size());
}

etcdserverpb::Watch::Stub& Client::watch_stub(size_t* index) {
  *index = current_.load() % endpoints_.size();
  return *endpoints_[*index]->watch;
}

// Runs `call(endpoint, context, response)` with fail-over until options_.deadline (see the
// file comment of client.hpp for what is retried).
template <typename Response, typename Call>
Result<Response> Client::call(const char* what, bool idempotent, Call&& call) {
  const auto deadline = Clock::now() + options_.deadline;
  const size_t n = endpoints_.size();
  // A read gives each attempt a share of the deadline, so a member that accepts connections
  // but does not answer (paused, partitioned) leaves time for the others.
  const auto share = std::max<Clock::duration>(options_.deadline / (n + 1),
                                               std::chrono::milliseconds(300));
  std::string last_error = "no attempt";
  bool unknown = false;
  for (size_t attempt = 0;; ++attempt) {
    const auto now = Clock::now();
    if (now >= deadline) break;
    const size_t i = current_.load() % n;
    grpc::ClientContext context;
    context.set_deadline(wall(idempotent ? std::min(deadline, now + share) : deadline));
    Response response;
    grpc::Status s = call(*endpoints_[i], &context, &response);
    if (s.ok()) return response;
    const Failure f = classify(s);
    last_error = endpoints_[i]->address + ": " + s.error_message();
    if (f == Failure::kFinal) {
      return Status(Code::kStorageError, std::string("etcd ") + what + " failed: " +
                                             s.error_message());
    }
    if (f == Failure::kUnknown && !idempotent) {
      unknown = true;
      fail_over(i);
      break;
    }
    fail_over(i);
    // Once every endpoint failed in a row, wait a little before the next round.
    if ((attempt + 1) % n == 0) {
      std::this_thread::sleep_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(100)));
    }
  }
  std::string message = std::string("etcd is unavailable: ") + what + " did not complete within " +
                        std::to_string(options_.deadline.count()) + " ms (" + last_error + ")";
  if (unknown) message += " " + std::string(kOutcomeUnknown);
  return Status(Code::kStoreUnavailable, message);
}

namespace {

// A past revision reads the same on every member that has applied it (etcd's MVCC keeps each
// revision as it was): a read that names one is sent to the member alone, without a quorum
// round, and linearizably only when that member has not applied the revision yet — then the
// answer is the linearizable one's (the data, or "future revision" for a revision nobody
// reached). `local`: the request made serializable, or nullopt when it is not such a read.
template <typename Request, typename Send>
auto read_at_revision(const Request& request, std::optional<Request> local, const Send& send) {
  if (!local) return send(request);
  auto r = send(*local);
  if (r.ok() || !Client::future_revision(r.status())) return r;
  return send(request);
}

// `range` names a past revision and asks for a linearizable read.
bool pinned(const etcdserverpb::RangeRequest& range) {
  return range.revision() > 0 && !range.serializable();
}

// A Txn of reads only, every one at a named revision: the same made serializable (etcd serves
// a Txn locally when all its ranges are), else nullopt.
std::optional<etcdserverpb::TxnRequest> local_reads(const etcdserverpb::TxnRequest& t) {
  if (t.compare_size() > 0 || t.failure_size() > 0 || t.success_size() == 0) return std::nullopt;
  etcdserverpb::TxnRequest local = t;
  for (auto& op : *local.mutable_success()) {
    if (!op.has_request_range() || !pinned(op.request_range())) return std::nullopt;
    op.mutable_request_range()->set_serializable(true);
  }
  return local;
}

}  // namespace

Result<etcdserverpb::RangeResponse> Client::range(const etcdserverpb::RangeRequest& request) {
  auto send = [this](const etcdserverpb::RangeRequest& q) {
    return call<etcdserverpb::RangeResponse>(
        "Range", true, [&q](Endpoint& e, grpc::ClientContext* c, etcdserverpb::RangeResponse* r) {
          return e.kv->Range(c, q, r);
        });
  };
  std::optional<etcdserverpb::RangeRequest> local;
  if (pinned(request)) {
    local = request;
    local->set_serializable(true);
  }
  return read_at_revision(request, std::move(local), send);
}

Result<etcdserverpb::PutResponse> Client::put(const etcdserverpb::PutRequest& request) {
  return call<etcdserverpb::PutResponse>(
      "Put", false, [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::PutResponse* r) {
        return e.kv->Put(c, request, r);
      });
}

Result<etcdserverpb::DeleteRangeResponse> Client::delete_range(
    const etcdserverpb::DeleteRangeRequest& request) {
  return call<etcdserverpb::DeleteRangeResponse>(
      "DeleteRange", false,
      [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::DeleteRangeResponse* r) {
        return e.kv->DeleteRange(c, request, r);
      });
}

namespace {

bool read_only(const etcdserverpb::TxnRequest& t) {
  auto reads = [](const auto& ops) {
    for (const auto& op : ops) {
      if (op.has_request_txn() ? !read_only(op.request_txn()) : !op.has_request_range()) {
        return false;
      }
    }
    return true;
  };
  return reads(t.success()) && reads(t.failure());
}

}  // namespace

Result<etcdserverpb::TxnResponse> Client::txn(const etcdserverpb::TxnRequest& request) {
  auto send = [this](const etcdserverpb::TxnRequest& q) {
    return call<etcdserverpb::TxnResponse>(
        "Txn", read_only(q), [&q](Endpoint& e, grpc::ClientContext* c, etcdserverpb::TxnResponse* r) {
          return e.kv->Txn(c, q, r);
        });
  };
  return read_at_revision(request, local_reads(request), send);
}

Result<etcdserverpb::CompactionResponse> Client::compact(int64_t revision, bool physical) {
  etcdserverpb::CompactionRequest request;
  request.set_revision(revision);
  request.set_physical(physical);
  // Compacting twice to the same revision is harmless: retried like a read.
  return call<etcdserverpb::CompactionResponse>(
      "Compact", true,
      [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::CompactionResponse* r) {
        return e.kv->Compact(c, request, r);
      });
}

Result<etcdserverpb::LeaseGrantResponse> Client::lease_grant(int64_t ttl_s) {
  etcdserverpb::LeaseGrantRequest request;
  request.set_ttl(ttl_s);
  // A grant whose answer was lost leaves a lease nobody keeps alive: it expires by itself.
  return call<etcdserverpb::LeaseGrantResponse>(
      "LeaseGrant", true,
      [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::LeaseGrantResponse* r) {
        return e.lease->LeaseGrant(c, request, r);
      });
}

Status Client::lease_revoke(int64_t id) {
  etcdserverpb::LeaseRevokeRequest request;
  request.set_id(id);
  auto r = call<etcdserverpb::LeaseRevokeResponse>(
      "LeaseRevoke", true,
      [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::LeaseRevokeResponse* r) {
        return e.lease->LeaseRevoke(c, request, r);
      });
  return r.status();
}

Result<etcdserverpb::LeaseKeepAliveResponse> Client::lease_keep_alive(int64_t id) {
  etcdserverpb::LeaseKeepAliveRequest request;
  request.set_id(id);
  return call<etcdserverpb::LeaseKeepAliveResponse>(
      "LeaseKeepAlive", true,
      [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::LeaseKeepAliveResponse* r) {
        auto stream = e.lease->LeaseKeepAlive(c);
        if (!stream->Write(request) || !stream->Read(r)) {
          stream->WritesDone();
          grpc::Status s = stream->Finish();
          return s.ok() ? grpc::Status(grpc::StatusCode::UNAVAILABLE, "keep-alive stream closed")
                        : s;
        }
        stream->WritesDone();
        c->TryCancel();  // one round trip is all we want from this stream
        (void)stream->Finish();
        return grpc::Status::OK;
      });
}

Result<etcdserverpb::LeaseTimeToLiveResponse> Client::lease_time_to_live(int64_t id) {
  etcdserverpb::LeaseTimeToLiveRequest request;
  request.set_id(id);
  return call<etcdserverpb::LeaseTimeToLiveResponse>(
      "LeaseTimeToLive", true,
      [&](Endpoint& e, grpc::ClientContext* c, etcdserverpb::LeaseTimeToLiveResponse* r) {
        return e.lease->LeaseTimeToLive(c, request, r);
      });
}

Result<etcdserverpb::StatusResponse> Client::member_status(size_t endpoint) {
  if (endpoint >= endpoints_.size()) {
    return Status(Code::kInvalidValue, "no etcd endpoint " + std::to_string(endpoint));
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + options_.deadline);
  etcdserverpb::StatusResponse response;
  grpc::Status s =
      endpoints_[endpoint]->maintenance->Status(&context, etcdserverpb::StatusRequest(), &response);
  if (s.ok()) return response;
  const Failure f = classify(s);
  return Status(f == Failure::kFinal ? Code::kStorageError : Code::kStoreUnavailable,
                "etcd member " + endpoints_[endpoint]->address + ": " + s.error_message());
}

}  // namespace strata::storage::etcd
