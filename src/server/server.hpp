#pragma once
// Server: the TCP server of SPEC §6 put together — an io_context on --threads I/O threads, a
// worker pool of the same size for statement execution, the listener, the session registry,
// and the shutdown sequence (SIGINT/SIGTERM when options.handle_signals):
//   first signal or stop(): stop accepting; every session finishes its running statements
//     (up to --shutdown-grace), answers them and closes; then the threads end;
//   second signal: the process exits at once (storage keeps itself consistent).
// The server never touches storage or the engine directly: it talks to a RequestHandler.
//
// Thread-safety: start() and wait() from one owning thread; stop() from any thread.

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "common/status.hpp"
#include "common/auth_throttle.hpp"
#include "server/listener.hpp"
#include "server/options.hpp"
#include "server/request_handler.hpp"
#include "server/session_registry.hpp"

namespace strata::server {

class Server {
 public:
  Server(ServerOptions options, RequestHandler& handler);
  ~Server();  // stops and joins if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads TLS material, binds, and starts the threads; returns once clients can connect.
  // Errors: kInvalidValue (bad TLS files, --auth off on a non-loopback address, unresolvable
  // host), kInternal (address in use).
  Status start();
  // The port clients connect to (the ephemeral one when options.port was 0).
  uint16_t port() const { return listener_ ? listener_->port() : 0; }
  // Begins the graceful shutdown. Thread-safe; later calls do nothing.
  void stop();
  // Blocks until the server has stopped. True when every connection closed within the grace
  // period; false when statements were still running at its end (the caller should then exit
  // without tearing down what they use).
  bool wait();
  size_t connections() const { return registry_.size(); }
  // The per-address delay after failed authentication, for others to share (the console).
  AuthThrottle& throttle() { return throttle_; }

 private:
  // Waits on signals_ (registered in start(), before the port is announced, so a SIGTERM
  // that follows the "listening" line always finds the handler).
  asio::awaitable<void> watch_signals();
  asio::awaitable<void> drain();

  ServerOptions options_;
  RequestHandler& handler_;
  asio::io_context io_;
  asio::thread_pool workers_;
  SessionRegistry registry_;
  AuthThrottle throttle_;
  ServerContext context_;
  std::unique_ptr<asio::ssl::context> tls_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<asio::signal_set> signals_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> clean_{true};
  bool joined_ = false;
};

}  // namespace strata::server
