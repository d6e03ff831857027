#pragma once
// Framer: the bytes of one connection → frames (SPEC §6). It runs the parser's incremental
// StatementSplitter over the stream (';', EOT, strings, comments, START…COMMIT blocks are the
// splitter's business) and labels what comes out: an ordinary statement, the driver handshake
// (only as the connection's first frame, PROTOCOL_VERSION frames aside), a PROTOCOL_VERSION frame,
// or an oversized statement that must be answered FRAME_TOO_LARGE. Frames of only whitespace,
// comments or EOT never come out. The framer knows bytes, not sockets, sessions or the engine.
// Thread-safety: one instance per connection; not shared.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parser/splitter.hpp"

namespace strata::server {

struct Frame {
  enum class Kind { kStatement, kHandshake, kProtocolVersion, kOversized };
  Kind kind = Kind::kStatement;
  std::string text;  // the statement without its terminator (empty for kOversized)
  uint32_t line = 1;
  uint32_t column = 1;
};

class Framer {
 public:
  explicit Framer(size_t max_statement_bytes);

  // Appends received bytes; complete frames become available through next().
  void feed(std::string_view bytes) { splitter_.feed(bytes); }
  // The peer closed its side: an unterminated last statement becomes a frame.
  void finish() { splitter_.finish(); }
  // The next complete frame, if any, in stream order.
  std::optional<Frame> next();
  // True while part of a statement is buffered.
  bool has_partial() const { return splitter_.has_partial(); }

 private:
  parser::StatementSplitter splitter_;
  bool first_ = true;
};

}  // namespace strata::server
