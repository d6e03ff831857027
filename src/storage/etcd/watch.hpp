#pragma once
// etcd::WatchStream: one etcd watch (SPEC §11) — the keys of a range (a prefix), from a start
// revision, every event handed to a callback, until cancelled. A background thread holds the
// gRPC stream; when the stream breaks (member killed, network), it reopens it on the next
// endpoint from the revision after the last event delivered, so no event is lost or repeated.
// When etcd has compacted that revision away, the events in between are gone: on_restart is
// called and the watch goes on from the current revision (the caller re-reads what it caches).
//
// Thread-safety: callbacks run on the watch's thread, one at a time, in revision order. The
// destructor (or cancel()) stops the stream and waits for a running callback; it must not be
// called from a callback.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/thread_pool.hpp"
#include "storage/etcd/client.hpp"

namespace strata::storage::etcd {

struct WatchOptions {
  std::string key;
  std::string range_end;       // "" : `key` only; ops::prefix_range_end(key) for a prefix
  int64_t start_revision = 0;  // 0: from now on
  bool prev_kv = false;        // deliver each event's previous key-value too
};

class WatchStream {
 public:
  // Events of one revision come in one call, with that revision.
  using OnEvents = std::function<void(const std::vector<mvccpb::Event>& events, int64_t revision)>;
  // History was lost (compacted): events up to `revision` were not delivered.
  using OnRestart = std::function<void(int64_t revision)>;

  // The stream runs as a service of `pool`, which must outlive the watch.
  static std::unique_ptr<WatchStream> Start(common::ThreadPool& pool,
                                            std::shared_ptr<Client> client, WatchOptions options,
                                            OnEvents on_events, OnRestart on_restart = nullptr);
  ~WatchStream();
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // Stops the watch: no callback runs after it returns.
  void cancel();
  // True once the stream has been created on some member (the first time).
  bool started() const;

 private:
  WatchStream(std::shared_ptr<Client> client, WatchOptions options, OnEvents on_events,
              OnRestart on_restart);
  void run();
  // One stream on one member; returns when it breaks or the watch is cancelled.
  void stream_once();

  std::shared_ptr<Client> client_;
  WatchOptions options_;
  OnEvents on_events_;
  OnRestart on_restart_;
  int64_t next_revision_;  // the first revision not delivered yet (0: from now)
  mutable std::mutex mu_;
  bool stopping_ = false;
  bool started_ = false;
  void* context_ = nullptr;  // the grpc::ClientContext of the open stream, to cancel it
  common::Service stream_;   // the loop of run()
};

}  // namespace strata::storage::etcd
