#include "server/framer.hpp"

#include "server/handshake.hpp"

namespace strata::server {

Framer::Framer(size_t max_statement_bytes) : splitter_(max_statement_bytes) {}

std::optional<Frame> Framer::next() {
  std::optional<parser::SplitStatement> statement = splitter_.next();
  if (!statement) return std::nullopt;
  Frame frame;
  frame.line = statement->line;
  frame.column = statement->column;
  if (statement->oversized) {
    first_ = false;
    frame.kind = Frame::Kind::kOversized;
    return frame;
  }
  // A driver may announce its protocol version before the handshake: the handshake is the
  // first frame that is not a PROTOCOL_VERSION frame.
  if (parse_protocol_version(statement->text)) {
    frame.kind = Frame::Kind::kProtocolVersion;
  } else if (first_ && is_handshake(statement->text)) {
    frame.kind = Frame::Kind::kHandshake;
    first_ = false;
  } else {
    first_ = false;
  }
  frame.text = std::move(statement->text);
  return frame;
}

}  // namespace strata::server
