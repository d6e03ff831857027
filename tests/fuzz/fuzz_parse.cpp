// libFuzzer target for the front end (see README.md here): the input is fed to the statement
// splitter in two pieces (the split point taken from the first byte), every statement is
// parsed at its stream position, and every parsed statement must survive the canonical round
// trip and the syntax phase. Any crash, sanitizer report, hang or broken round trip is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "parser/canonical.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"
#include "parser/syntax_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata::parser;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t cut = size == 0 ? 0 : data[0] % (size + 1);
  StatementSplitter splitter(1 << 16);
  splitter.feed(input.substr(0, cut));
  splitter.feed(input.substr(cut));
  splitter.finish();
  while (auto s = splitter.next()) {
    if (s->oversized) continue;
    const ParseResult r = parse(s->text);
    if (!r.ok()) continue;
    for (const strata::ast::Statement& x : r.script()) {
      (void)syntax_check(x);
      const std::string text = canonical(x);
      const ParseResult back = parse(text);
      if (!back.ok() || back.script().size() != 1 || !(back.script().front() == x)) std::abort();
    }
  }
  return 0;
}
