// The driver handshake and PROTOCOL_VERSION frames (handshake.hpp). Their syntax is the
// parser's (grammar/session.peg: connect, protocol_version); this file maps the parsed
// statements onto the server's requests and replies.
#include "server/handshake.hpp"

#include <limits>
#include <variant>

#include "parser/parser.hpp"
#include "parser/statement_stream.hpp"
#include "server/responses.hpp"

namespace strata::server {
namespace {

// The one statement `text` parses to, if it parses to exactly one.
std::optional<ast::Statement> single_statement(std::string_view text) {
  parser::ParseResult parsed = parser::parse(text);
  if (!parsed.ok() || parsed.script().size() != 1) return std::nullopt;
  return std::move(parsed.script().front());
}

}  // namespace

bool is_handshake(std::string_view text) { return parser::opens_with_connection_string(text); }

std::optional<HandshakeRequest> parse_handshake(std::string_view text) {
  if (!is_handshake(text)) return std::nullopt;
  std::optional<ast::Statement> statement = single_statement(text);
  const auto* connect = statement ? std::get_if<ast::Connect>(&*statement) : nullptr;
  if (connect == nullptr) return std::nullopt;
  return HandshakeRequest{connect->host, connect->port, connect->database, connect->user,
                          connect->password};
}

std::optional<int> parse_protocol_version(std::string_view text) {
  if (!parser::opens_with_protocol_version(text)) return std::nullopt;
  std::optional<ast::Statement> statement = single_statement(text);
  const auto* frame = statement ? std::get_if<ast::ProtocolVersion>(&*statement) : nullptr;
  if (frame == nullptr || frame->version > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    return -1;
  }
  return static_cast<int>(frame->version);
}

Reply RequestHandler::protocol_version(HandlerSession& session, int version) {
  (void)session;
  return Reply{protocol_version_reply(version)};
}

std::string protocol_version_reply(int version) {
  if (version == kProtocolVersion) return "PROTOCOL_OK " + std::to_string(kProtocolVersion) + "\n";
  return error_line(
      Status(Code::kUnsupported, "unsupported protocol version; this server speaks version " +
                                     std::to_string(kProtocolVersion)));
}

}  // namespace strata::server
