#pragma once
// Session: one client connection (asio's connection, in coroutine form; SPEC §6).
//
// Three coroutines share the connection's strand:
//   - the reader turns received bytes into frames (framer.hpp) and queues them; it stops
//     reading while too many received statements wait (so a client that does not read its
//     answers only ever stalls itself), and after end of stream it still lets every queued
//     statement be answered (half-close);
//   - the processor takes the queued frames in order, runs them in batches on the worker
//     pool (never on an I/O thread, so one slow statement stalls no other connection),
//     writes their answers in order, applies the per-address delay after a failed AUTH and
//     closes after the third, after a failed handshake and after FRAME_TOO_LARGE;
//   - the watchdog closes the connection after --idle-timeout without traffic (asio 1.22 has
//     no cancel_after: this is the watchdog pattern of asio's timeout example).
// A connection that goes away — reset by the peer (seen by the reader, or looked for every
// 250 ms while the reader is paused), or a failed write — drops its queued statements, and
// the statement running for it is cancelled (RequestHandler::abandon); the rest of its batch
// on the worker is skipped. End of stream is not that: after a half-close every queued
// statement is still answered.
// Closing is lingering: our side is shut down first and unread input is drained briefly, so
// answers already written are not destroyed by a TCP reset.
//
// Thread-safety: start() once, from any thread; stop() from any thread; everything else runs
// on the connection's strand.

#include <asio.hpp>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "common/status.hpp"
#include "server/framer.hpp"
#include "server/options.hpp"
#include "server/request_handler.hpp"
#include "server/transport.hpp"

namespace strata {
class AuthThrottle;
}  // namespace strata

namespace strata::server {

class SessionRegistry;

// What every session of one server shares.
struct ServerContext {
  const ServerOptions& options;
  RequestHandler& handler;
  asio::thread_pool& workers;
  SessionRegistry& registry;
  AuthThrottle& throttle;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerContext& context, Transport transport, Peer peer);
  ~Session();

  // Starts serving. With `refusal`, the connection only gets that error line and is closed
  // (used to turn clients away when the server is full).
  void start(std::optional<Status> refusal = std::nullopt);
  // Graceful stop (shutdown): the statements already running finish and are answered, then
  // the connection closes. Thread-safe.
  void stop();

  uint64_t id() const { return peer_.connection_id; }

 private:
  using Clock = std::chrono::steady_clock;

  asio::awaitable<void> run(std::shared_ptr<Session> self, std::optional<Status> refusal);
  asio::awaitable<void> read_loop(std::shared_ptr<Session> self);
  asio::awaitable<void> process_loop(std::shared_ptr<Session> self);
  asio::awaitable<void> watchdog(std::shared_ptr<Session> self);
  // Suspends until notify(signal), close(), or `until`.
  asio::awaitable<void> wait(asio::steady_timer& signal,
                             Clock::time_point until = Clock::time_point::max());
  static void notify(asio::steady_timer& signal) { signal.cancel(); }

  // Runs execute_batch(frames) on the worker pool and resumes on the strand with its replies.
  asio::awaitable<std::vector<Reply>> run_on_workers(std::shared_ptr<Session> self,
                                                     const std::vector<Frame>& frames);
  // Worker side: answers frames in order, stopping after one that closes or authenticates.
  std::vector<Reply> execute_batch(const std::vector<Frame>& frames);
  Reply answer(const Frame& frame);

  // Moves the framer's complete frames into pending_; false after an oversized one.
  bool take_frames();
  // Our side is done: shut down sending, let the reader drain, close soon.
  void begin_linger();
  void close();
  void touch();
  // True when the peer reset the connection (polled; reading would say so too).
  bool peer_reset();
  // The connection is gone: drop the queue, cancel the running statement, close.
  void connection_lost(std::string_view why);

  ServerContext& context_;
  Transport transport_;
  Peer peer_;
  Framer framer_;
  std::unique_ptr<HandlerSession> handler_session_;

  std::deque<Frame> pending_;
  size_t pending_bytes_ = 0;
  std::vector<char> read_buffer_;
  std::string out_;

  asio::steady_timer reader_signal_;
  asio::steady_timer processor_signal_;
  asio::steady_timer watchdog_timer_;
  Clock::time_point deadline_;

  bool registered_ = false;
  bool input_done_ = false;     // no more frames will come (end of stream, error, oversized)
  bool reader_done_ = false;    // the reader coroutine has finished
  bool discard_input_ = false;  // received bytes are thrown away (after FRAME_TOO_LARGE)
  bool stopping_ = false;       // stop() was called
  bool lingering_ = false;      // all answers are written; waiting for the peer to go
  bool busy_ = false;           // a batch runs on the worker pool
  std::atomic<bool> gone_{false};  // the peer went away: the worker skips the rest of a batch
  bool closed_ = false;
  int auth_failures_ = 0;
  uint64_t statements_ = 0;
  Clock::time_point opened_at_;
};

}  // namespace strata::server
