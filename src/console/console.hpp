#pragma once
// Console: the HTTP side of `strata serve --http-port` (SPEC §12), on its own threads beside
// the TCP server (cpp-httplib from Debian, a thread pool of ConsoleOptions::threads):
//
//   GET  /healthz                      200 when the store answers a read, else 503 (no login)
//   GET  /metrics                      Prometheus text format; HTTP Basic auth as a Strata user
//   GET  /login, POST /login           the login form; user + password checked by the engine's
//                                      UserStore; failures throttled per address (the
//                                      AuthThrottle the TCP server's AUTH uses)
//   POST /logout                       ends the session
//   GET  /, /db, /migration, /rollback the audit console pages (pages.hpp); need a login
//
// Everything but /healthz needs a login (pages: a redirect to /login; /metrics: 401). The
// console never changes anything: its pages run read statements through the engine's gate
// as the logged-in user (read_session.hpp). With ConsoleOptions::auth false there is no login
// and every request reads as admin.
//
// Thread-safety: start() and stop() from the owning thread; requests are served concurrently.

#include <memory>

#include "common/auth_throttle.hpp"
#include "common/status.hpp"
#include "console/options.hpp"
#include "engine/engine.hpp"

namespace strata::console {

class Console {
 public:
  Console(ConsoleOptions options, engine::Engine& engine, AuthThrottle& throttle);
  ~Console();  // stops
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Binds and starts serving; returns once requests can come. Errors: kInvalidValue
  // (cannot bind: address in use, unknown host).
  Status start();
  // The port it listens on (the ephemeral one when options.port was 0); 0 before start().
  uint16_t port() const;
  // Stops accepting, lets running requests finish, joins the threads. Later calls do nothing.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::console
