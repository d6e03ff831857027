#pragma once
// WireClient: the client end of Strata's wire protocol (SPEC §6) for `strata run` and
// `strata shell`: a blocking TCP connection, optionally TLS (OpenSSL; the server's certificate
// is verified against --tls-ca or the system's CAs, and must name the host), that sends
// statement frames (text + EOT) and reads response lines, plus the pieces both commands need: AUTH
// text with safe quoting, the password prompt without echo, and the password from an environment
// variable. Thread-safety: one per thread.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace strata::cli {

struct ClientTls {
  bool enabled = false;
  std::string ca_file;  // "": the system's trusted CAs
};

class WireClient {
 public:
  // Connects to host:port (and completes the TLS handshake when tls.enabled). Errors:
  // kInternal "cannot connect to H:P: reason", "TLS handshake with H:P failed: reason".
  static Result<std::unique_ptr<WireClient>> Connect(const std::string& host, uint16_t port,
                                                     const ClientTls& tls = {});
  ~WireClient();

  // Sends raw bytes. Errors: kInternal when the server has gone.
  Status send(std::string_view bytes);
  // One statement as its own frame: `text` + EOT (+ a newline when `newline`).
  Status send_statement(std::string_view text, bool newline = true);
  // The next response line without '\n'; nullopt when the server closed the connection.
  std::optional<std::string> read_line();
  // The same, calling `waiting` about every `interval_ms` while no line is complete and
  // whenever a signal interrupts the wait; nullopt also when `waiting` returns false.
  std::optional<std::string> read_line(const std::function<bool()>& waiting,
                                       int interval_ms = 100);
  // Sends one statement and reads its one response (nullopt: connection closed).
  std::optional<std::string> ask(std::string_view statement, bool newline = true);
  // Ends our sending side; responses can still be read.
  void shutdown_send();

 private:
  explicit WireClient(int fd) : fd_(fd) {}
  Status start_tls(const std::string& host, const ClientTls& tls);
  // One send / recv on the socket or the TLS session: bytes moved, or <= 0 on failure / end.
  long raw_send(const char* data, size_t size);
  long raw_recv(char* data, size_t size);

  int fd_;
  void* ssl_ctx_ = nullptr;  // SSL_CTX*, kept opaque so this header needs no OpenSSL
  void* ssl_ = nullptr;      // SSL*
  std::string buffer_;
};

// AUTH "user" "password" with both strings JSON-escaped.
std::string auth_statement(std::string_view user, std::string_view password);
// USE "db", escaped.
std::string use_statement(std::string_view database);

// The password for a client: $`env_var` when set; else asked on the terminal without echo
// when there is one; else nullopt (the client then does not authenticate).
std::optional<std::string> obtain_password(const std::string& env_var, const std::string& user);

}  // namespace strata::cli
