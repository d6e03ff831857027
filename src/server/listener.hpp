#pragma once
// Listener: the accepting socket (asio's server, STYLE §15). Binds --host:--port, accepts
// connections each onto its own strand, wraps them in TLS when configured, registers a
// Session for each, and turns clients away with an error line when --max-connections are
// open. Stopping closes the acceptor; open sessions are the registry's business.
// Thread-safety: open() before the io_context runs; start() once; stop() from any thread.

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <cstdint>
#include <string>

#include "common/status.hpp"
#include "server/session.hpp"

namespace strata::server {

class Listener {
 public:
  Listener(asio::io_context& io, ServerContext& context, asio::ssl::context* tls);

  // Binds and listens. Errors: kInvalidValue for an unresolvable host, kInternal when the
  // address cannot be bound (e.g. "127.0.0.1:1776: Address already in use").
  Status open(const std::string& host, uint16_t port);
  // The bound port (the ephemeral one when opened with port 0).
  uint16_t port() const { return port_; }
  void start();
  void stop();

 private:
  asio::awaitable<void> accept_loop();

  asio::io_context& io_;
  ServerContext& context_;
  asio::ssl::context* tls_;
  asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::atomic<uint64_t> next_id_{0};
};

}  // namespace strata::server
