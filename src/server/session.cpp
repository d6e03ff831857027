#include "server/session.hpp"

#include <spdlog/spdlog.h>

#include <poll.h>

#include <asio/experimental/as_tuple.hpp>
#include <cctype>

#include "common/auth_throttle.hpp"
#include "parser/statement_stream.hpp"
#include "server/handshake.hpp"
#include "server/responses.hpp"
#include "server/session_registry.hpp"
#include "server/statement_metrics.hpp"

namespace strata::server {
namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr size_t kReadBufferBytes = 64 * 1024;
constexpr size_t kMaxBatch = 256;  // frames sent to the worker pool at once
constexpr int kMaxAuthFailures = 3;
constexpr auto kLinger = std::chrono::seconds(1);
// How often a reader paused by a full queue looks whether its peer reset the connection.
constexpr auto kPeerCheck = std::chrono::milliseconds(250);

// The leading keywords of a statement, for logs: never its strings (a password may be there).
std::string summarize(std::string_view text) {
  std::string out;
  int words = 0;
  size_t i = 0;
  while (i < text.size() && words < 3) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_'))
      ++i;
    if (i == start) break;
    if (!out.empty()) out.push_back(' ');
    out.append(text.substr(start, i - start));
    ++words;
  }
  return out.empty() ? std::string("(statement)") : out;
}

void log_exception(std::exception_ptr error, uint64_t id) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("connection {}: internal error: {}", id, e.what());
  }
}

}  // namespace

Session::Session(ServerContext& context, Transport transport, Peer peer)
    : context_(context),
      transport_(std::move(transport)),
      peer_(std::move(peer)),
      framer_(context.options.max_statement_bytes),
      read_buffer_(kReadBufferBytes),
      reader_signal_(transport_.get_executor(), Clock::time_point::max()),
      processor_signal_(transport_.get_executor(), Clock::time_point::max()),
      watchdog_timer_(transport_.get_executor()) {}

Session::~Session() = default;

void Session::start(std::optional<Status> refusal) {
  registered_ = !refusal.has_value();
  opened_at_ = Clock::now();
  auto self = shared_from_this();
  asio::co_spawn(transport_.get_executor(), run(self, std::move(refusal)),
                 [id = id()](std::exception_ptr e) { log_exception(e, id); });
}

void Session::stop() {
  asio::post(transport_.get_executor(), [self = shared_from_this()] {
    if (self->stopping_ || self->closed_) return;
    self->stopping_ = true;
    notify(self->processor_signal_);
    notify(self->reader_signal_);
  });
}

asio::awaitable<void> Session::run(std::shared_ptr<Session> self, std::optional<Status> refusal) {
  touch();
  asio::co_spawn(transport_.get_executor(), watchdog(self), asio::detached);
  if (std::error_code ec = co_await transport_.handshake()) {
    spdlog::info("connection {} from {}: TLS handshake failed: {}", id(), peer_.address,
                 ec.message());
    close();
    co_return;
  }
  if (refusal) {
    spdlog::warn("connection {} from {} refused: {}", id(), peer_.address, refusal->message());
    out_ = error_line(*refusal);
    co_await transport_.write(asio::buffer(out_));
    discard_input_ = true;
    input_done_ = true;
    asio::co_spawn(transport_.get_executor(), read_loop(self), asio::detached);
    begin_linger();
    co_return;
  }
  spdlog::info("connection {} open from {}{}", id(), peer_.address,
               transport_.is_tls() ? " (TLS)" : "");
  handler_session_ = context_.handler.open_session(peer_);
  asio::co_spawn(transport_.get_executor(), read_loop(self),
                 [id = id()](std::exception_ptr e) { log_exception(e, id); });
  co_await process_loop(self);
}

asio::awaitable<void> Session::read_loop(std::shared_ptr<Session> self) {
  const ServerOptions& options = context_.options;
  bool end_of_stream = false;
  while (!closed_) {
    const bool backed_up = pending_bytes_ >= options.max_pending_bytes ||
                           pending_.size() >= options.max_pending_statements;
    if (!lingering_ && (stopping_ || (backed_up && !discard_input_))) {
      // The processor wakes us when the queue shrinks. Not reading, we would not see a reset
      // of the connection: look for one now and then.
      const Clock::time_point until =
          stopping_ ? Clock::time_point::max() : Clock::now() + kPeerCheck;
      co_await wait(reader_signal_, until);
      if (!closed_ && !stopping_ && peer_reset()) {
        connection_lost("reset by the peer");
        break;
      }
      continue;
    }
    auto [ec, n] = co_await transport_.read_some(asio::buffer(read_buffer_));
    if (ec) {
      end_of_stream = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
      if (!end_of_stream && !closed_ && !lingering_ && !stopping_) {
        connection_lost(ec.message());  // a reset, not a half-close
      }
      break;
    }
    if (discard_input_ || lingering_ || stopping_) continue;
    touch();
    framer_.feed(std::string_view(read_buffer_.data(), n));
    if (!take_frames()) discard_input_ = true;
    notify(processor_signal_);
  }
  reader_done_ = true;
  if (end_of_stream && !discard_input_ && !stopping_ && !input_done_) {
    // The peer half-closed: a last statement without terminator still counts (SPEC §2).
    framer_.finish();
    take_frames();
  }
  input_done_ = true;
  notify(processor_signal_);
  if (lingering_) close();
}

bool Session::take_frames() {
  while (std::optional<Frame> frame = framer_.next()) {
    const bool oversized = frame->kind == Frame::Kind::kOversized;
    pending_bytes_ += frame->text.size();
    pending_.push_back(std::move(*frame));
    if (oversized) {
      input_done_ = true;
      return false;
    }
  }
  return true;
}

asio::awaitable<void> Session::process_loop(std::shared_ptr<Session> self) {
  while (!closed_) {
    if (stopping_) break;
    if (pending_.empty()) {
      if (input_done_) break;
      co_await wait(processor_signal_);
      continue;
    }
    std::vector<Reply> replies;
    {
      std::vector<Frame> batch;
      while (!pending_.empty() && batch.size() < kMaxBatch) {
        pending_bytes_ -= pending_.front().text.size();
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
      busy_ = true;
      // Named first: GCC 12 mishandles temporaries inside a co_await expression.
      auto on_worker = run_on_workers(self, batch);
      replies = co_await std::move(on_worker);
      busy_ = false;
      // Frames after one that authenticated or closes go back to the queue, in order.
      for (size_t i = batch.size(); i-- > replies.size();) {
        pending_bytes_ += batch[i].text.size();
        pending_.push_front(std::move(batch[i]));
      }
    }
    notify(reader_signal_);
    if (closed_) co_return;
    touch();

    bool close_after = false;
    out_.clear();
    for (Reply& reply : replies) {
      reply.append_to(&out_);
      close_after = close_after || reply.close;
    }
    Reply& last = replies.back();
    if (last.auth == Reply::Auth::kFailed) {
      ++auth_failures_;
      spdlog::warn("connection {} from {}: authentication failed for user '{}' ({} of {})", id(),
                   peer_.address, last.auth_user, auth_failures_, kMaxAuthFailures);
      auto delay = context_.throttle.record_failure(peer_.address);
      if (auth_failures_ >= kMaxAuthFailures) close_after = true;
      asio::steady_timer timer(transport_.get_executor(), delay);
      co_await timer.async_wait(kTuple);
      if (closed_) co_return;
    } else if (last.auth == Reply::Auth::kSucceeded) {
      context_.throttle.record_success(peer_.address);
    }
    statements_ += replies.size();
    if (std::error_code ec = co_await transport_.write(asio::buffer(out_))) {
      connection_lost(ec.message());
      co_return;
    }
    touch();
    if (close_after) break;
  }
  if (!closed_) begin_linger();
}

asio::awaitable<std::vector<Reply>> Session::run_on_workers(std::shared_ptr<Session> self,
                                                            const std::vector<Frame>& frames) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(std::vector<Reply>)>(
      [self, &frames](auto handler) {
        asio::post(self->context_.workers, [self, &frames, handler = std::move(handler)]() mutable {
          std::vector<Reply> replies = self->execute_batch(frames);
          auto executor = asio::get_associated_executor(handler, self->transport_.get_executor());
          asio::post(executor,
                     [replies = std::move(replies), handler = std::move(handler)]() mutable {
                       std::move(handler)(std::move(replies));
                     });
        });
      },
      asio::use_awaitable);
}

std::vector<Reply> Session::execute_batch(const std::vector<Frame>& frames) {
  std::vector<Reply> replies;
  replies.reserve(frames.size());
  const auto slow = std::chrono::duration<double>(context_.options.slow_statement_s);
  for (const Frame& frame : frames) {
    if (gone_.load(std::memory_order_acquire)) break;  // the rest of the batch is dropped
    const auto started = Clock::now();
    replies.push_back(answer(frame));
    const auto took = Clock::now() - started;
    if (const Reply& reply = replies.back(); reply.statement_name != nullptr) {
      record_latency(reply.statement_index, reply.statement_name,
                     std::chrono::duration<double>(took).count());
    }
    if (took >= slow) {
      spdlog::warn("connection {}: slow statement {} at {}:{} took {:.3f} s", id(),
                   summarize(frame.text), frame.line, frame.column,
                   std::chrono::duration<double>(took).count());
    }
    if (replies.back().close || replies.back().auth != Reply::Auth::kNone) break;
  }
  return replies;
}

Reply Session::answer(const Frame& frame) {
  try {
    switch (frame.kind) {
      case Frame::Kind::kOversized:
        spdlog::warn("connection {} from {}: statement larger than {} bytes", id(), peer_.address,
                     context_.options.max_statement_bytes);
        return Reply{error_line(parser::oversized_status(context_.options.max_statement_bytes)),
                     true};
      case Frame::Kind::kProtocolVersion:
        return context_.handler.protocol_version(*handler_session_,
                                                 parse_protocol_version(frame.text).value_or(-1));
      case Frame::Kind::kHandshake: {
        std::optional<HandshakeRequest> request = parse_handshake(frame.text);
        if (!request) {
          return Reply{error_line(Status(Code::kAuthFailed,
                                         "malformed connection string; expected "
                                         "syndrdb://HOST:PORT:DATABASE:USER:PASSWORD")),
                       true, Reply::Auth::kFailed};
        }
        Reply reply = context_.handler.handshake(*handler_session_, *request);
        if (reply.auth == Reply::Auth::kFailed) reply.close = true;
        return reply;
      }
      case Frame::Kind::kStatement:
        return context_.handler.execute(*handler_session_, frame.text, frame.line, frame.column);
    }
  } catch (const std::exception& e) {
    spdlog::error("connection {}: statement {} failed: {}", id(), summarize(frame.text), e.what());
  }
  return Reply{error_line(Status(Code::kInternal, "internal error"))};
}

asio::awaitable<void> Session::wait(asio::steady_timer& signal, Clock::time_point until) {
  signal.expires_at(until);
  co_await signal.async_wait(kTuple);
}

bool Session::peer_reset() {
  pollfd p{transport_.socket().native_handle(), 0, 0};  // POLLERR and POLLHUP always report
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

void Session::connection_lost(std::string_view why) {
  if (closed_) return;
  gone_.store(true, std::memory_order_release);
  if (handler_session_) context_.handler.abandon(*handler_session_);
  spdlog::info("connection {} from {} lost ({}): {} queued statements dropped{}", id(),
               peer_.address, why, pending_.size(),
               busy_ ? ", its running statement cancelled" : "");
  pending_.clear();
  pending_bytes_ = 0;
  close();
}

asio::awaitable<void> Session::watchdog(std::shared_ptr<Session> self) {
  while (!closed_) {
    watchdog_timer_.expires_at(deadline_);
    co_await watchdog_timer_.async_wait(kTuple);
    if (closed_) break;
    const auto now = Clock::now();
    if (now < deadline_) continue;  // there was traffic: the deadline moved
    if (busy_ && !lingering_) {     // a long statement is not idleness
      touch();
      continue;
    }
    if (!lingering_) {
      spdlog::info("connection {} from {}: idle for {} s, closing", id(), peer_.address,
                   context_.options.idle_timeout_s);
    }
    close();
  }
}

void Session::touch() {
  if (lingering_) return;
  deadline_ = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(context_.options.idle_timeout_s));
}

void Session::begin_linger() {
  if (closed_ || lingering_) return;
  lingering_ = true;
  transport_.shutdown_send();
  if (reader_done_) {
    close();
    return;
  }
  deadline_ = Clock::now() + kLinger;
  watchdog_timer_.cancel();  // re-arm at the short deadline
  notify(reader_signal_);    // the reader drains until end of stream or the deadline
}

void Session::close() {
  if (closed_) return;
  closed_ = true;
  transport_.close();
  reader_signal_.cancel();
  processor_signal_.cancel();
  watchdog_timer_.cancel();
  if (registered_) {
    context_.registry.remove(id());
    spdlog::info("connection {} from {} closed after {} statements in {:.3f} s", id(),
                 peer_.address, statements_,
                 std::chrono::duration<double>(Clock::now() - opened_at_).count());
  }
}

}  // namespace strata::server
