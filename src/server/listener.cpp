#include "server/listener.hpp"

#include <spdlog/spdlog.h>

#include <asio/experimental/as_tuple.hpp>

#include "server/session_registry.hpp"

namespace strata::server {
namespace {
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
}  // namespace

Listener::Listener(asio::io_context& io, ServerContext& context, asio::ssl::context* tls)
    : io_(io), context_(context), tls_(tls), acceptor_(io) {}

Status Listener::open(const std::string& host, uint16_t port) {
  std::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec || endpoints.empty()) {
    return Status(Code::kInvalidValue, "cannot resolve host " + host + ": " + ec.message());
  }
  const asio::ip::tcp::endpoint endpoint = endpoints.begin()->endpoint();
  const std::string where = host + ":" + std::to_string(port);
  if (acceptor_.open(endpoint.protocol(), ec); ec) {
    return Status(Code::kInternal, where + ": " + ec.message());
  }
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (acceptor_.bind(endpoint, ec); ec) return Status(Code::kInternal, where + ": " + ec.message());
  if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return Status(Code::kInternal, where + ": " + ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  return Status::Ok();
}

void Listener::start() { asio::co_spawn(io_, accept_loop(), asio::detached); }

void Listener::stop() {
  asio::post(io_, [this] {
    std::error_code ignored;
    acceptor_.close(ignored);
  });
}

asio::awaitable<void> Listener::accept_loop() {
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
      spdlog::warn("accept failed: {}", ec.message());
      // Out of file descriptors and the like: pause instead of spinning.
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      co_await pause.async_wait(kTuple);
      continue;
    }
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    Peer peer;
    peer.connection_id = ++next_id_;
    peer.address = socket.remote_endpoint(ignored).address().to_string();
    auto session = std::make_shared<Session>(
        context_, tls_ ? Transport(std::move(socket), *tls_) : Transport(std::move(socket)),
        std::move(peer));
    if (context_.registry.add(session)) {
      session->start();
    } else if (context_.registry.stopping()) {
      session->start(Status(Code::kPermissionDenied, "the server is shutting down"));
    } else {
      session->start(Status(
          Code::kPermissionDenied,
          "too many connections (limit " + std::to_string(context_.options.max_connections) + ")"));
    }
  }
}

}  // namespace strata::server
