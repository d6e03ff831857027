#pragma once
// The two pieces of SyndrDB's wire protocol that are not statements (SPEC §6):
//   - the driver handshake `syndrdb://HOST:PORT:DATABASE:USER:PASSWORD` as a connection's
//     first statement, answered "S0001 Welcome to Strata" + a success JSON line, or one error
//     line and close;
//   - the frame `PROTOCOL_VERSION 2`, answered `PROTOCOL_OK 2`.
// Pure functions over statement text; they never see a socket or the engine. The syntax of both
// is the parser's (grammar/session.peg); these map it onto the server's requests and replies.
// Thread-safety: stateless.

#include <optional>
#include <string>
#include <string_view>

#include "engine/engine.hpp"
#include "server/request_handler.hpp"

namespace strata::server {

using engine::kProtocolVersion;
inline constexpr std::string_view kWelcomeLine = "S0001 Welcome to Strata\n";

// True when `text` (leading whitespace ignored) starts with "syndrdb://" (any case).
bool is_handshake(std::string_view text);

// The parts of `syndrdb://HOST:PORT:DATABASE:USER:PASSWORD` as the parser reads them (the
// password is everything after the fourth ':', so it may itself hold ':'). nullopt when the
// text is no such statement: a part is missing, or DATABASE or USER is empty.
std::optional<HandshakeRequest> parse_handshake(std::string_view text);

// For a `PROTOCOL_VERSION n` frame (keyword case-insensitive), n; -1 when the keyword is there
// but n is not a number; nullopt when the text is not a PROTOCOL_VERSION frame.
std::optional<int> parse_protocol_version(std::string_view text);

// The answer to PROTOCOL_VERSION n: "PROTOCOL_OK 2\n" for the version we speak, an error
// JSON line (UNSUPPORTED) otherwise.
std::string protocol_version_reply(int version);

}  // namespace strata::server
