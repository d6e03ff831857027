#include "server/transport.hpp"

#include <asio/experimental/as_tuple.hpp>

namespace strata::server {
namespace {
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
}  // namespace

Transport::Transport(Socket socket) : plain_(std::move(socket)) {}

Transport::Transport(Socket socket, asio::ssl::context& tls)
    : tls_(std::make_unique<TlsStream>(std::move(socket), tls)) {}

Transport::Socket& Transport::socket() { return tls_ ? tls_->next_layer() : *plain_; }

asio::awaitable<std::error_code> Transport::handshake() {
  if (!tls_) co_return std::error_code();
  auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server, kTuple);
  co_return ec;
}

asio::awaitable<std::pair<std::error_code, size_t>> Transport::read_some(
    asio::mutable_buffer buffer) {
  if (tls_) {
    auto [ec, n] = co_await tls_->async_read_some(buffer, kTuple);
    co_return std::pair{ec, n};
  }
  auto [ec, n] = co_await plain_->async_read_some(buffer, kTuple);
  co_return std::pair{ec, n};
}

asio::awaitable<std::error_code> Transport::write(asio::const_buffer buffer) {
  if (tls_) {
    auto [ec, n] = co_await asio::async_write(*tls_, buffer, kTuple);
    co_return ec;
  }
  auto [ec, n] = co_await asio::async_write(*plain_, buffer, kTuple);
  co_return ec;
}

void Transport::shutdown_send() {
  std::error_code ignored;
  socket().shutdown(Socket::shutdown_send, ignored);
}

void Transport::close() {
  std::error_code ignored;
  socket().close(ignored);
}

bool Transport::is_open() { return socket().is_open(); }

}  // namespace strata::server
