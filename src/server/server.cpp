#include "server/server.hpp"

#include <spdlog/spdlog.h>

#include <asio/experimental/as_tuple.hpp>
#include <csignal>
#include <cstdlib>

#include "server/tls.hpp"

namespace strata::server {
namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

unsigned thread_count(unsigned requested) {
  if (requested > 0) return requested;
  return std::max(1u, std::thread::hardware_concurrency());
}

unsigned worker_count(const ServerOptions& options) {
  if (options.workers > 0) return options.workers;
  return std::max(4u, 2 * thread_count(options.threads));
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  std::error_code ec;
  asio::ip::address address = asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

Server::Server(ServerOptions options, RequestHandler& handler)
    : options_(std::move(options)),
      handler_(handler),
      io_(static_cast<int>(thread_count(options_.threads))),
      workers_(worker_count(options_)),
      registry_(options_.max_connections),
      context_{options_, handler_, workers_, registry_, throttle_} {}

Server::~Server() {
  stop();
  wait();
}

Status Server::start() {
  if (!options_.auth && !is_loopback_host(options_.host)) {
    return Status(Code::kInvalidValue,
                  "--auth off is only allowed on a loopback address, not " + options_.host);
  }
  if (options_.tls()) {
    auto tls = make_tls_context(options_.tls_cert, options_.tls_key);
    if (!tls.ok()) return tls.status();
    tls_ = std::move(tls).value();
  }
  listener_ = std::make_unique<Listener>(io_, context_, tls_.get());
  STRATA_RETURN_IF_ERROR(listener_->open(options_.host, options_.port));
  listener_->start();
  if (options_.handle_signals) {
    signals_ = std::make_unique<asio::signal_set>(io_, SIGINT, SIGTERM);
    asio::co_spawn(io_, watch_signals(), asio::detached);
  }
  const unsigned n = thread_count(options_.threads);
  for (unsigned i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
  spdlog::info("strata listening on {}:{}{} ({} threads, auth {}, max {} connections)",
               options_.host, port(), tls_ ? " with TLS" : "", n, options_.auth ? "on" : "off",
               options_.max_connections);
  return Status::Ok();
}

void Server::stop() {
  if (stopping_.exchange(true)) return;
  if (!listener_) {
    io_.stop();
    return;
  }
  asio::co_spawn(io_, drain(), asio::detached);
}

asio::awaitable<void> Server::drain() {
  spdlog::info("strata stopping: no new connections; {} open connections finish their work",
               registry_.size());
  listener_->stop();
  registry_.stop_all();
  const auto grace = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(options_.shutdown_grace_s));
  const auto deadline = std::chrono::steady_clock::now() + grace;
  asio::steady_timer tick(io_);
  while (registry_.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    tick.expires_after(std::chrono::milliseconds(10));
    co_await tick.async_wait(kTuple);
  }
  if (registry_.size() > 0) {
    clean_ = false;
    spdlog::warn("strata: shutdown grace of {} s over with {} connections still busy",
                 options_.shutdown_grace_s, registry_.size());
  }
  io_.stop();
}

asio::awaitable<void> Server::watch_signals() {
  asio::signal_set& signals = *signals_;
  auto [ec, signal] = co_await signals.async_wait(kTuple);
  if (ec) co_return;
  spdlog::info("strata: received signal {}; shutting down (a second signal exits at once)", signal);
  stop();
  auto [ec2, signal2] = co_await signals.async_wait(kTuple);
  if (ec2) co_return;
  spdlog::warn("strata: received signal {} again; exiting now", signal2);
  spdlog::default_logger()->flush();
  std::_Exit(1);
}

bool Server::wait() {
  if (joined_) return clean_;
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  if (clean_) {
    workers_.join();
    spdlog::info("strata stopped");
  }
  joined_ = true;
  return clean_;
}

}  // namespace strata::server
