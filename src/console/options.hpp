#pragma once
// ConsoleOptions: every knob of the HTTP console (SPEC §12), with its default in one place
// (STYLE §11). `strata serve` fills it from --http-port, --http-host and --auth.
// Thread-safety: a plain value, copied into the console at construction.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace strata::console {

struct ConsoleOptions {
  std::string host = "127.0.0.1";  // --http-host: loopback unless told otherwise
  uint16_t port = 0;               // --http-port: 0 picks an ephemeral port (tests)
  bool auth = true;                // false (--auth off): no login; everyone is admin
  unsigned threads = 4;            // request threads (a request holds one while it runs)
  std::chrono::seconds session_idle{30 * 60};       // a login ends after this without use
  std::chrono::seconds session_lifetime{12 * 3600};  // … and this long after it began
  size_t max_sessions = 10000;
  size_t max_request_bytes = 64 * 1024;  // a login form is far smaller
};

}  // namespace strata::console
