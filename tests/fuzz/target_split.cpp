// split_one (targets.hpp): the input is one connection's byte stream. It goes through the
// server's Framer in chunks of varying sizes and through a bare StatementSplitter in one piece,
// with a statement limit chosen from the input's hash (so oversized statements happen), and
// must give the same statements either way (splitter.hpp: "Feeding the same bytes in any
// chunking yields the same statements"). Every statement must be the stream's own bytes at
// its reported line and column, trimmed, no longer than the limit; a handshake frame may only
// come first (PROTOCOL_VERSION frames aside); handshake and PROTOCOL_VERSION frames are then
// parsed as the session would.
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/targets.hpp"
#include "parser/splitter.hpp"
#include "server/framer.hpp"
#include "server/handshake.hpp"

namespace strata::fuzz {
namespace {

uint64_t hash(std::string_view s) {  // FNV-1a
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string where(size_t index) { return "statement " + std::to_string(index + 1) + ": "; }

}  // namespace

std::string split_one(std::string_view input) {
  uint64_t h = hash(input);
  static constexpr size_t kLimits[] = {1u << 16, 64, 7};
  const size_t max = kLimits[h % 3];

  std::vector<parser::SplitStatement> whole;
  {
    parser::StatementSplitter splitter(max);
    splitter.feed(input);
    splitter.finish();
    while (auto s = splitter.next()) whole.push_back(std::move(*s));
    if (splitter.has_partial()) return "has_partial() after finish()";
  }

  std::vector<server::Frame> frames;
  server::Framer framer(max);
  for (size_t at = 0; at < input.size();) {
    h = h * 6364136223846793005ull + 1442695040888963407ull;  // LCG: the next chunk's size
    const size_t n = (h >> 33) % 17;                          // 0 to 16 bytes
    framer.feed(input.substr(at, n));
    at += n;
    while (auto f = framer.next()) frames.push_back(std::move(*f));
  }
  framer.finish();
  while (auto f = framer.next()) frames.push_back(std::move(*f));

  if (frames.size() != whole.size()) {
    return "chunked feeding gave " + std::to_string(frames.size()) + " statements, whole " +
           std::to_string(whole.size());
  }
  std::vector<size_t> line_starts{0};
  for (size_t i = 0; i < input.size(); ++i) {
    if (input[i] == '\n') line_starts.push_back(i + 1);
  }
  bool seen_statement = false;
  for (size_t i = 0; i < frames.size(); ++i) {
    const server::Frame& f = frames[i];
    const parser::SplitStatement& w = whole[i];
    const bool oversized = f.kind == server::Frame::Kind::kOversized;
    if (oversized != w.oversized || f.text != w.text || f.line != w.line || f.column != w.column) {
      return where(i) + "chunked feeding changed it";
    }
    if (f.line == 0 || f.line > line_starts.size() || f.column == 0) {
      return where(i) + "position out of the stream";
    }
    const size_t offset = line_starts[f.line - 1] + f.column - 1;
    if (offset > input.size()) return where(i) + "column past the end of its line";
    if (oversized) {
      if (!f.text.empty()) return where(i) + "oversized with text";
    } else {
      if (f.text.empty()) return where(i) + "empty statement";
      if (f.text.size() > max) return where(i) + "longer than the limit";
      if (space(f.text.front()) || space(f.text.back())) return where(i) + "not trimmed";
      if (input.substr(offset, f.text.size()) != f.text) {
        return where(i) + "text is not the stream's bytes at its position";
      }
      if (f.text.find('\x04') != std::string::npos) return where(i) + "holds EOT";
    }
    switch (f.kind) {
      case server::Frame::Kind::kHandshake:
        if (seen_statement) return where(i) + "handshake after the first frame";
        (void)server::parse_handshake(f.text);
        break;
      case server::Frame::Kind::kProtocolVersion: {
        const std::optional<int> version = server::parse_protocol_version(f.text);
        if (!version) return where(i) + "PROTOCOL_VERSION frame that does not parse as one";
        (void)server::protocol_version_reply(*version);
        break;
      }
      default:
        break;
    }
    if (f.kind != server::Frame::Kind::kProtocolVersion) seen_statement = true;
  }
  return "";
}

}  // namespace strata::fuzz
