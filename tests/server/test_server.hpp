#pragma once
// InProcessServer: a Server on 127.0.0.1 with an ephemeral port, run in the test process with
// the handler the test gives it; stopped (gracefully) and joined on destruction.
// Thread-safety: construct and destroy on the test thread.

#include <spdlog/spdlog.h>

#include <catch2/catch.hpp>

#include "server/server.hpp"

namespace strata::server::testing {

inline ServerOptions test_options() {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.handle_signals = false;
  options.shutdown_grace_s = 5;
  options.idle_timeout_s = 60;
  return options;
}

class InProcessServer {
 public:
  InProcessServer(RequestHandler& handler, ServerOptions options = test_options())
      : server_(options, handler) {
    spdlog::set_level(spdlog::level::warn);
    Status status = server_.start();
    if (!status.ok()) FAIL("server did not start: " << status.ToString());
  }
  ~InProcessServer() {
    server_.stop();
    server_.wait();
  }
  uint16_t port() const { return server_.port(); }
  Server& server() { return server_; }

 private:
  Server server_;
};

}  // namespace strata::server::testing
