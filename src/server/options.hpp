#pragma once
// ServerOptions: every knob of the TCP server (SPEC §6), with its default in one place
// (STYLE §11). `strata serve` fills it from its flags and --config file (the store's own
// options, --data and --init-db, go to the engine); nothing in the server reads flags or the
// environment.
// Thread-safety: a plain value, copied into the server at start.

#include <cstddef>
#include <cstdint>
#include <string>

namespace strata::server {

struct ServerOptions {
  std::string host = "127.0.0.1";  // --host: bind address
  uint16_t port = 1776;            // --port: 0 picks an ephemeral port (tests)
  bool auth = true;                // --auth on|off; off is refused unless host is loopback
  unsigned threads = 0;            // --threads: I/O threads; 0 = cores
  unsigned workers = 0;            // statement workers; 0 = max(4, 2 × I/O threads), so a few
                                   // slow statements never occupy every worker (`strata serve
                                   // --store etcd://…` sets 64: its statements wait on etcd)
  std::string tls_cert;            // --tls-cert: PEM certificate chain; with tls_key, TLS on
  std::string tls_key;             // --tls-key: PEM private key
  size_t max_statement_bytes = size_t{256} << 20;  // --max-statement-bytes
  size_t max_connections = 1024;                   // --max-connections
  double idle_timeout_s = 600;    // --idle-timeout: seconds without traffic before close
  double shutdown_grace_s = 30;   // --shutdown-grace: how long running statements may finish
  double slow_statement_s = 1.0;  // statements slower than this are logged
  bool handle_signals = true;     // SIGINT/SIGTERM stop the server (off in in-process tests)

  // Per-connection buffering: reading pauses while this many bytes of received statements
  // wait for execution, so a client that stops reading cannot make the server buffer without
  // bound (its own answers are written before more of its input is read).
  size_t max_pending_bytes = size_t{4} << 20;
  size_t max_pending_statements = 4096;

  bool tls() const { return !tls_cert.empty() || !tls_key.empty(); }
};

// True for 127.0.0.0/8, ::1 and "localhost": where --auth off is allowed.
bool is_loopback_host(const std::string& host);

}  // namespace strata::server
