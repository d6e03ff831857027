#include "server/handshake.hpp"

#include <cctype>
#include <charconv>

#include "server/responses.hpp"

namespace strata::server {
namespace {

std::string_view trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(s[i])) !=
        std::toupper(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

constexpr std::string_view kScheme = "syndrdb://";
constexpr std::string_view kProtocolKeyword = "PROTOCOL_VERSION";

}  // namespace

bool is_handshake(std::string_view text) { return starts_with_nocase(trim(text), kScheme); }

std::optional<HandshakeRequest> parse_handshake(std::string_view text) {
  text = trim(text);
  if (!starts_with_nocase(text, kScheme)) return std::nullopt;
  text.remove_prefix(kScheme.size());
  std::string_view parts[4];
  for (auto& part : parts) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    part = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  HandshakeRequest request{std::string(parts[0]), std::string(parts[1]), std::string(parts[2]),
                           std::string(parts[3]), std::string(text)};
  if (request.database.empty() || request.user.empty()) return std::nullopt;
  return request;
}

std::optional<int> parse_protocol_version(std::string_view text) {
  text = trim(text);
  if (!starts_with_nocase(text, kProtocolKeyword)) return std::nullopt;
  std::string_view rest = text.substr(kProtocolKeyword.size());
  if (!rest.empty() && !std::isspace(static_cast<unsigned char>(rest[0]))) return std::nullopt;
  rest = trim(rest);
  int version = 0;
  auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), version);
  if (ec != std::errc() || end != rest.data() + rest.size()) return -1;
  return version;
}

std::string protocol_version_reply(int version) {
  if (version == kProtocolVersion) return "PROTOCOL_OK " + std::to_string(kProtocolVersion) + "\n";
  return error_line(
      Status(Code::kUnsupported, "unsupported protocol version; this server speaks version " +
                                     std::to_string(kProtocolVersion)));
}

}  // namespace strata::server
