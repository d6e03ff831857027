// etcd::WatchStream: the watch loop, its reconnection and cancellation (watch.hpp).

#include "storage/etcd/watch.hpp"

#include <grpcpp/grpcpp.h>

#include <chrono>

namespace strata::storage::etcd {

std::unique_ptr<WatchStream> WatchStream::Start(common::ThreadPool& pool,
                                                std::shared_ptr<Client> client,
                                                WatchOptions options, OnEvents on_events,
                                                OnRestart on_restart) {
  std::unique_ptr<WatchStream> w(new WatchStream(std::move(client), std::move(options),
                                                 std::move(on_events), std::move(on_restart)));
  w->stream_ = pool.spawn_service("etcd-watch", [p = w.get()](std::stop_token) { p->run(); });
  return w;
}

WatchStream::WatchStream(std::shared_ptr<Client> client, WatchOptions options,
                         OnEvents on_events, OnRestart on_restart)
    : client_(std::move(client)),
      options_(std::move(options)),
      on_events_(std::move(on_events)),
      on_restart_(std::move(on_restart)),
      next_revision_(options_.start_revision) {}

WatchStream::~WatchStream() { cancel(); }

void WatchStream::cancel() {
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    if (context_ != nullptr) static_cast<grpc::ClientContext*>(context_)->TryCancel();
  }
  stream_.join();
}

bool WatchStream::started() const {
  std::lock_guard lk(mu_);
  return started_;
}

void WatchStream::run() {
  for (;;) {
    {
      std::lock_guard lk(mu_);
      if (stopping_) return;
    }
    stream_once();
    // Broken: wait a little (unless cancelled), then reopen on another member.
    for (int i = 0; i < 4; ++i) {
      {
        std::lock_guard lk(mu_);
        if (stopping_) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

void WatchStream::stream_once() {
  size_t endpoint = 0;
  etcdserverpb::Watch::Stub& stub = client_->watch_stub(&endpoint);
  grpc::ClientContext context;
  {
    std::lock_guard lk(mu_);
    if (stopping_) return;
    context_ = &context;
  }
  auto stream = stub.Watch(&context);
  etcdserverpb::WatchRequest request;
  auto* create = request.mutable_create_request();
  create->set_key(options_.key);
  create->set_range_end(options_.range_end);
  create->set_start_revision(next_revision_);
  create->set_prev_kv(options_.prev_kv);
  bool healthy = stream->Write(request);
  etcdserverpb::WatchResponse response;
  std::vector<mvccpb::Event> events;
  while (healthy && stream->Read(&response)) {
    if (response.created()) {
      // Watching "from now": now is this revision, so a reopened stream misses nothing.
      if (next_revision_ == 0) next_revision_ = response.header().revision() + 1;
      std::lock_guard lk(mu_);
      started_ = true;
    }
    if (response.compact_revision() > 0) {
      // The revision we asked for is gone: go on from now and say so.
      next_revision_ = 0;
      if (on_restart_) on_restart_(response.compact_revision());
      break;
    }
    if (response.canceled()) break;
    if (response.events_size() == 0) continue;
    // Deliver revision by revision (one response may hold several).
    events.clear();
    int64_t revision = response.events(0).kv().mod_revision();
    for (const mvccpb::Event& e : response.events()) {
      if (e.kv().mod_revision() != revision) {
        on_events_(events, revision);
        next_revision_ = revision + 1;
        events.clear();
        revision = e.kv().mod_revision();
      }
      events.push_back(e);
    }
    on_events_(events, revision);
    next_revision_ = revision + 1;
  }
  {
    std::lock_guard lk(mu_);
    context_ = nullptr;
  }
  context.TryCancel();
  (void)stream->Finish();
  client_->fail_over(endpoint);
}

}  // namespace strata::storage::etcd
