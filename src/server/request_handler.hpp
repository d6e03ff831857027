#pragma once
// RequestHandler: what the server asks of the layer below it (asio's request_handler, STYLE
// §15). The server knows bytes, frames and sockets; the handler knows statements and sessions
// and never sees a socket. The production handler (engine_handler.hpp) drives the Engine;
// tests plug in small handlers to exercise framing, ordering and limits on their own.
//
// Calls for one connection are never concurrent: the server runs them one after another, in
// statement order, on worker threads (never on the I/O threads). Calls for different connections
// run in parallel, so an implementation must be safe for concurrent use across
// HandlerSessions.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace strata::server {

// Who is on the other end of a connection.
struct Peer {
  uint64_t connection_id = 0;
  std::string address;  // the remote IP address, e.g. "127.0.0.1"
};

// The handler's per-connection state (its engine session, authentication).
class HandlerSession {
 public:
  virtual ~HandlerSession() = default;
};

// The answer to one statement or handshake.
struct Reply {
  enum class Auth { kNone, kSucceeded, kFailed };
  Reply() = default;
  explicit Reply(std::string lines, bool close = false, Auth auth = Auth::kNone)
      : lines(std::move(lines)), close(close), auth(auth) {}

  std::string lines;        // one or more complete lines, each ending in '\n'
  // One more response line written after `lines` (followed by '\n'), shared with the
  // engine's cache of serialized answers instead of copied; null when none.
  std::shared_ptr<const std::string> shared_line;
  bool close = false;       // close the connection once `lines` are written
  Auth auth = Auth::kNone;  // the statement was an authentication attempt, and its outcome
  std::string auth_user;    // for authentication attempts: the user name (logged; never the
                            // password)
  // The (last) statement answered, for the latency metric (statement_metrics.hpp): its index
  // in ast::Statement and its name; -1 and null for replies that answer no statement.
  int statement_index = -1;
  const char* statement_name = nullptr;

  // Appends the reply's bytes to `out`.
  void append_to(std::string* out) const {
    out->append(lines);
    if (shared_line) {
      out->append(*shared_line);
      out->push_back('\n');
    }
  }
};

// The parts of `syndrdb://HOST:PORT:DATABASE:USER:PASSWORD;` (handshake.hpp parses it).
struct HandshakeRequest {
  std::string host;
  std::string port;
  std::string database;
  std::string user;
  std::string password;
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // A new connection. Called once per connection before any other call for it.
  virtual std::unique_ptr<HandlerSession> open_session(const Peer& peer) = 0;

  // Executes one statement (text without its terminator; line/column where it starts in the
  // connection's stream) and returns its response line.
  virtual Reply execute(HandlerSession& session, std::string_view text, uint32_t line,
                        uint32_t column) = 0;

  // The SyndrDB driver handshake, sent as a connection's first statement. On success: a line
  // holding S0001, then the success JSON; on failure one error line and close = true.
  virtual Reply handshake(HandlerSession& session, const HandshakeRequest& request) = 0;

  // A `PROTOCOL_VERSION n` frame (`version` -1 when n is no number): "PROTOCOL_OK n" for the
  // version the server speaks, else an error line. Default: protocol_version_reply().
  virtual Reply protocol_version(HandlerSession& session, int version);

  // The connection went away (reset, failed write): the statement running for it stops at
  // its next check and every later one is refused. Called on the I/O thread, possibly while a
  // worker runs execute() for the same session, so it must only signal. Default: nothing.
  virtual void abandon(HandlerSession& session) { (void)session; }
};

}  // namespace strata::server
