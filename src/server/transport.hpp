#pragma once
// Transport: one connection's byte stream, plain TCP or TLS (SPEC §6: with --tls-cert every
// connection is TLS). The session reads and writes through it without knowing which; the
// TLS handshake, and the lingering close that keeps a closing socket from resetting answers
// still in flight, live here.
// Thread-safety: like an asio socket: use from the connection's strand only; one read and
// one write may be outstanding at the same time.

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

namespace strata::server {

class Transport {
 public:
  using Socket = asio::ip::tcp::socket;
  using TlsStream = asio::ssl::stream<Socket>;

  // A plain connection.
  explicit Transport(Socket socket);
  // A TLS connection; handshake() must succeed before reads and writes.
  Transport(Socket socket, asio::ssl::context& tls);

  bool is_tls() const { return tls_ != nullptr; }
  Socket& socket();
  Socket::executor_type get_executor() { return socket().get_executor(); }

  // The server side of the TLS handshake (TLS 1.2+); immediately ok for plain connections.
  asio::awaitable<std::error_code> handshake();
  // Reads at least one byte; (error, 0) at end of stream or failure.
  asio::awaitable<std::pair<std::error_code, size_t>> read_some(asio::mutable_buffer buffer);
  // Writes all of `buffer`.
  asio::awaitable<std::error_code> write(asio::const_buffer buffer);

  // Ends our sending side (the peer sees end of stream after every byte written so far).
  void shutdown_send();
  // Closes the socket at once; outstanding operations complete with operation_aborted.
  void close();
  bool is_open();

 private:
  std::optional<Socket> plain_;
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace strata::server
