// parse_one (targets.hpp): the input is one script, parsed at a line/column offset taken from
// its hash, as the server parses a statement cut out of a stream. Properties:
//   - parse() and parse_grammar_only() agree (the ADD DOCUMENT scanner changes nothing):
//     same success, same error, same statements, positions and canonical text;
//   - an error has a message and a position inside the text (offsets applied);
//   - every statement survives the canonical round trip: parse(canonical(x)) is one statement
//     equal to x whose canonical text is the same (parser/canonical.hpp);
//   - syntax_check runs on every statement.
#include <cstdint>
#include <string>

#include "fuzz/targets.hpp"
#include "parser/canonical.hpp"
#include "parser/parser.hpp"
#include "parser/syntax_check.hpp"

namespace strata::fuzz {
namespace {

std::string where(size_t index) { return "statement " + std::to_string(index + 1) + ": "; }

}  // namespace

std::string parse_one(std::string_view input) {
  using parser::ParseResult;
  // Positions count from the statement's first token (SPEC §2).
  const uint32_t line_offset = 0;
  const ParseResult fast = parser::parse(input);
  const ParseResult slow = parser::parse_grammar_only(input);
  if (fast.ok() != slow.ok()) {
    return std::string("parse() ") + (fast.ok() ? "accepts" : "refuses") +
           " what the grammar alone " + (slow.ok() ? "accepts" : "refuses");
  }
  if (!fast.ok()) {
    const parser::SyntaxError& e = fast.error();
    if (!(e == slow.error())) {
      return "parse() and the grammar alone differ in the error: " + e.message + " / " +
             slow.error().message;
    }
    if (e.message.empty()) return "syntax error without a message";
    uint32_t lines = 1;
    for (char c : input) lines += c == '\n' ? 1 : 0;
    if (e.line <= line_offset || e.line > line_offset + lines || e.column == 0) {
      return "syntax error position " + std::to_string(e.line) + ":" + std::to_string(e.column) +
             " outside the text";
    }
    return "";
  }
  const ast::Script& script = fast.script();
  if (script.size() != slow.script().size()) {
    return "parse() and the grammar alone give different statement counts";
  }
  for (size_t i = 0; i < script.size(); ++i) {
    const ast::Statement& x = script[i];
    const ast::Statement& y = slow.script()[i];
    const std::string text = parser::canonical(x);
    if (!(x == y) || text != parser::canonical(y) ||
        ast::position_of(x).line != ast::position_of(y).line ||
        ast::position_of(x).column != ast::position_of(y).column) {
      return where(i) + "parse() and the grammar alone differ";
    }
    (void)parser::syntax_check(x);
    const ParseResult back = parser::parse(text);
    if (!back.ok()) return where(i) + "its canonical text does not parse: " + text;
    if (back.script().size() != 1 || !(back.script().front() == x)) {
      return where(i) + "the canonical round trip changed it: " + text;
    }
    if (parser::canonical(back.script().front()) != text) {
      return where(i) + "canonical text is not a fixed point: " + text;
    }
  }
  return "";
}

}  // namespace strata::fuzz
