// The ADD DOCUMENT fast path (parser/fast_add_document.hpp) changes nothing observable:
// thousands of generated ADD DOCUMENT statements — valid ones of every shape, inside and
// outside the scanner's subset, and broken ones — parse with parse() exactly as with
// parse_grammar_only(), alone and inside START MIGRATION (result, error, positions, AST,
// canonical text, compact migration commands). Plus the scanner's subset itself, and the
// positions of errors after a fast-parsed command.

#include "parser/fast_add_document.hpp"

#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <string>
#include <variant>

#include "parser/canonical.hpp"
#include "parser/parser.hpp"

namespace strata::parser {
namespace {

// Generates ADD DOCUMENT statements from a seeded std::mt19937_64 (its sequence is fixed by
// the C++ standard): every run tests the same texts. A statement is either tame (valid, and
// mostly inside the scanner's subset: whitespace, ASCII strings and escapes, modest nesting)
// or wild (comments, UTF-8, second objects, deep nesting, broken strings, numbers and
// brackets, and random mutations).
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  uint64_t below(uint64_t n) { return rng_() % n; }
  bool chance(uint64_t percent) { return below(100) < percent; }
  // `percent` in a wild statement, never in a tame one.
  bool wild(uint64_t percent) { return wild_ && chance(percent); }
  template <size_t N>
  const char* pick(const char* const (&options)[N]) {
    return options[below(N)];
  }
  // An entry of `tame`, or in a wild statement of `tame` and `wild` together.
  template <size_t N, size_t M>
  const char* pick(const char* const (&tame)[N], const char* const (&wild)[M]) {
    const uint64_t i = below(wild_ ? N + M : N);
    return i < N ? tame[i] : wild[i - N];
  }

  // A keyword in a random mix of cases.
  std::string keyword(const char* word) {
    std::string out = word;
    const uint64_t style = below(4);
    for (char& c : out) {
      if (style == 1 || (style == 2 && chance(50))) c = static_cast<char>(c | 0x20);
    }
    return out;
  }

  // What separates two tokens: mostly one space, sometimes other whitespace; in a wild
  // statement also comments or nothing at all.
  std::string blank() {
    if (chance(80)) return " ";
    static const char* const kTame[] = {"  ", "\n", "\t", "\r\n", " \n\t ", "\f\v", "\n\n  "};
    static const char* const kWild[] = {"", "/* c */", " -- c\n"};
    return pick(kTame, kWild);
  }

  std::string quoted() {
    static const char* const kPlain[] = {
        "a",     "Ada Allen", "user0000000@example.com", "",        "x y",
        "~\x7f", "{[(,:=)]}", "-- not a comment",        "/* no */"};
    static const char* const kEscapes[] = {"\\\"",    "\\\\",    "\\/",     "\\n\\t\\r\\b\\f",
                                           "\\u00e9", "\\u0041", "\\udc00", "\\ud83d\\ude00"};
    static const char* const kWild[] = {"\xc3\xa9", "\xe2\x82\xac", "\\x",  "\\u12", "\x01",
                                        "\n",       "\xc3",         "\xff", "\\"};
    std::string out = "\"";
    const uint64_t n = below(4);
    for (uint64_t i = 0; i < n; ++i) out += chance(30) ? pick(kEscapes) : pick(kPlain, kWild);
    if (!wild(3)) out += '"';
    return out;
  }

  std::string number() {
    static const char* const kTame[] = {"0",    "7",    "18",   "-1",   "-0",    "123456789",
                                        "3.25", "-0.5", "1e10", "2E+3", "-4e-2", "0.0"};
    static const char* const kLimits[] = {"1.5e300", "18446744073709551615", "18446744073709551616",
                                          "-9223372036854775808", "-9223372036854775809"};
    static const char* const kWild[] = {"1e400", "01", "1.",   "1e",  "-",   ".5",
                                        "1.e5",  "+1", "0x10", "1e+", "--1", "1.2.3"};
    if (chance(30)) return std::to_string(static_cast<int64_t>(rng_() >> 40) - (1 << 23));
    if (chance(15)) return pick(kLimits);
    return pick(kTame, kWild);
  }

  std::string key() {
    std::string out = "\"";
    static const char* const kTame[] = {"id", "name", "age", "a", ""};
    static const char* const kWild[] = {"\xc3\xa9"};
    out += pick(kTame, kWild);
    out += '"';
    return out;
  }

  // A JSON value inside `depth` open brackets; objects and arrays mostly stay shallow, but
  // sometimes run past the scanner's kFastMaxNesting (and, in a wild statement, past
  // kMaxNesting).
  std::string value(int depth) {
    const bool deep = depth < (wild_ ? 210 : 24) && (depth < 4 ? chance(25) : chance(60));
    switch (below(deep ? 6 : 4)) {
      case 0:
        return quoted();
      case 1:
        return number();
      case 2:
        return keyword(pick({"TRUE", "FALSE", "NULL"})) + (wild(3) ? "x" : "");
      case 3:
        return chance(50) ? quoted() : number();
      case 4:
        return object(depth + 1, false);
      default: {
        std::string out = "[";
        out += blank();
        const uint64_t n = below(4);
        for (uint64_t i = 0; i < n; ++i) {
          if (i > 0) out += ',' + blank();
          out += value(depth + 1) + blank();
        }
        if (!wild(2)) out += "]";
        return out;
      }
    }
  }

  // An object opening bracket number `depth`; a document's members take ':' or '='.
  std::string object(int depth, bool document) {
    std::string out = "{";
    out += blank();
    const uint64_t n = below(document ? 7 : 4);
    for (uint64_t i = 0; i < n; ++i) {
      if (i > 0) out += ',' + blank();
      out += key();
      out += blank() + ((document || wild(3)) && chance(30) ? "=" : ":") + blank();
      out += value(depth) + blank();
    }
    if (!wild(2)) out += "}";
    return out;
  }

  // One ADD DOCUMENT statement, tame or wild.
  std::string add_document() {
    wild_ = chance(40);
    std::string out = keyword("ADD") + blank() + keyword("DOCUMENT") + blank() + keyword("TO") +
                      blank() + keyword("BUNDLE") + blank() + quoted() + blank() + keyword("WITH") +
                      blank();
    if (chance(80)) out += keyword("VALUES") + blank();
    out += '(' + blank() + object(2, true) + blank();
    if (wild(10)) out += ',' + blank() + object(2, true) + blank();
    if (!wild(3)) out += ")";
    if (wild(25)) mutate(out);
    return out;
  }

  // Inserts, drops or changes a byte, cuts the text short or appends garbage.
  void mutate(std::string& text) {
    static const char kBytes[] = "\"\\(){}[],:=;-/*\n .0123456789eEaZ_\x01\x80";
    const size_t at = below(text.size() + 1);
    switch (below(5)) {
      case 0:
        text.insert(at, 1, kBytes[below(sizeof(kBytes) - 1)]);
        break;
      case 1:
        if (at < text.size()) text.erase(at, 1);
        break;
      case 2:
        if (at < text.size()) text[at] = kBytes[below(sizeof(kBytes) - 1)];
        break;
      case 3:
        text.resize(at);
        break;
      default:
        text += pick({" x", " ADD", "}", ")", " 1", "\"", ";;", " -- end", " /* open"});
        break;
    }
  }

 private:
  std::mt19937_64 rng_;
  bool wild_ = false;
};

// Equal JSON values of equal types throughout (Json's == takes 1 and 1.0 for equal).
bool same_json(const Json& a, const Json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
      if (i.key() != j.key() || !same_json(i.value(), j.value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!same_json(a[i], b[i])) return false;
    }
    return true;
  }
  return a.dump() == b.dump();
}

void check_same_command(const ast::StartMigration& a, const ast::MigrationCommand& ca,
                        const ast::StartMigration& b, const ast::MigrationCommand& cb) {
  CHECK(ca.pos.line == cb.pos.line);
  CHECK(ca.pos.column == cb.pos.column);
  CHECK(a.text_of(ca) == b.text_of(cb));
  REQUIRE((ca.statement == nullptr) == (cb.statement == nullptr));
  if (ca.statement) {
    CHECK(canonical(*ca.statement) == canonical(*cb.statement));
  } else {
    CHECK(a.bundle_of(ca) == b.bundle_of(cb));
  }
}

void check_same_statement(const ast::Statement& a, const ast::Statement& b) {
  REQUIRE(a.index() == b.index());
  CHECK(ast::position_of(a).line == ast::position_of(b).line);
  CHECK(ast::position_of(a).column == ast::position_of(b).column);
  CHECK(canonical(a) == canonical(b));
  CHECK(a == b);
  if (const auto* add = std::get_if<ast::AddDocument>(&a)) {
    CHECK(add->bundle == std::get<ast::AddDocument>(b).bundle);
    CHECK(same_json(add->values, std::get<ast::AddDocument>(b).values));
  }
  if (const auto* m = std::get_if<ast::StartMigration>(&a)) {
    const auto& n = std::get<ast::StartMigration>(b);
    CHECK(m->description == n.description);
    CHECK(m->has_down == n.has_down);
    CHECK(m->text == n.text);
    CHECK(m->bundles == n.bundles);
    REQUIRE(m->up.size() == n.up.size());
    REQUIRE(m->down.size() == n.down.size());
    for (size_t i = 0; i < m->up.size(); ++i) check_same_command(*m, m->up[i], n, n.up[i]);
    for (size_t i = 0; i < m->down.size(); ++i) check_same_command(*m, m->down[i], n, n.down[i]);
    REQUIRE(m->issues.size() == n.issues.size());
    for (size_t i = 0; i < m->issues.size(); ++i) {
      CHECK(m->issues[i].code == n.issues[i].code);
      CHECK(m->issues[i].message == n.issues[i].message);
      CHECK(m->issues[i].command == n.issues[i].command);
      CHECK(m->issues[i].pos.line == n.issues[i].pos.line);
      CHECK(m->issues[i].pos.column == n.issues[i].pos.column);
    }
  }
}

// parse() and the grammar alone agree on `text` placed after `line_offset` line breaks and
// `column_offset` spaces (which no position counts); returns parse()'s ok().
bool check_same_parse(const std::string& text, uint32_t line_offset, uint32_t column_offset) {
  INFO("text: " << text << "\noffsets: " << line_offset << ", " << column_offset);
  const std::string placed =
      std::string(line_offset, '\n') + std::string(column_offset, ' ') + text;
  const ParseResult fast = parse(placed);
  const ParseResult slow = parse_grammar_only(placed);
  const ParseResult alone = parse(text);
  REQUIRE(fast.ok() == alone.ok());
  if (!fast.ok()) CHECK(fast.error() == alone.error());
  REQUIRE(fast.ok() == slow.ok());
  if (!fast.ok()) {
    CHECK(fast.error() == slow.error());
    return false;
  }
  REQUIRE(fast.script().size() == slow.script().size());
  for (size_t i = 0; i < fast.script().size(); ++i) {
    check_same_statement(fast.script()[i], slow.script()[i]);
  }
  return true;
}

// check_same_parse at offsets drawn from `gen`: none, or a line and a column further on.
bool check_same_parse(const std::string& text, Generator& gen) {
  const uint32_t line_offset = gen.chance(50) ? 0 : static_cast<uint32_t>(gen.below(100));
  const uint32_t column_offset = gen.chance(50) ? 0 : static_cast<uint32_t>(gen.below(100));
  return check_same_parse(text, line_offset, column_offset);
}

constexpr char kTypical[] =
    R"(ADD DOCUMENT TO BUNDLE "users" WITH VALUES ({"id":"u0000000","email":"user0000000@example.com","name":"Ada Allen","age":18,"created":"2026-01-01T00:00:00Z"}))";

}  // namespace

TEST_CASE("fast add document: the scanner takes the common shape and declines the rest",
          "[parser][fast_add_document]") {
  const std::string typical = kTypical;
  auto scan = [](const std::string& text) {
    return scan_add_document(text.data(), text.data() + text.size());
  };
  const auto doc = scan(typical + " \n");
  REQUIRE(doc);
  CHECK(doc->size == typical.size() + 2);
  CHECK(doc->bundle == "users");
  CHECK(
      doc->values.dump() ==
      R"({"age":18,"created":"2026-01-01T00:00:00Z","email":"user0000000@example.com","id":"u0000000","name":"Ada Allen"})");
  CHECK(scan(R"(add document to bundle "b" with ({"k" = [1, {"x": -2.5e3}], "k": "\"v\""}) ;)")
            ->values.dump() == R"({"k":"\"v\""})");

  // Outside the subset: comments, UTF-8, more than one object, deep nesting, anything broken.
  for (const std::string& text :
       {std::string(R"(ADD /* c */ DOCUMENT TO BUNDLE "b" WITH ({}))"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": 1 -- c
})"),
        std::string("ADD DOCUMENT TO BUNDLE \"b\" WITH ({\"k\": \"\xc3\xa9\"})"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({}, {}))"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": [[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]}))"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": 01}))"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": 1e400}))"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": "\x"}))"),
        std::string(R"(ADD DOCUMENTS TO BUNDLE "b" WITH ({}))"),
        std::string(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": 1})"),
        std::string(R"( ADD DOCUMENT TO BUNDLE "b" WITH ({}))")}) {
    INFO(text);
    CHECK_FALSE(scan(text).has_value());
  }
  // Fourteen brackets inside the '(' and '{' are still the scanner's.
  CHECK(scan(R"(ADD DOCUMENT TO BUNDLE "b" WITH ({"k": [[[[[[[[[[[[[[1]]]]]]]]]]]]]]}))")
            .has_value());
}

TEST_CASE("fast add document: statements alone parse as with the grammar alone",
          "[parser][fast_add_document]") {
  Generator gen(20261121);
  int ok = 0;
  int scanned = 0;
  constexpr int kStatements = 4000;
  for (int i = 0; i < kStatements; ++i) {
    std::string text = gen.chance(20) ? gen.blank() : "";
    const std::string statement = gen.add_document();
    scanned += scan_add_document(statement.data(), statement.data() + statement.size()).has_value();
    text += statement;
    if (gen.chance(40)) text += gen.blank() + ";";
    if (gen.chance(30)) text += gen.blank();
    if (gen.chance(5)) text += "PING";
    ok += check_same_parse(text, gen);
  }
  // Both outcomes are well represented, and so are both paths.
  CHECK(ok > kStatements / 3);
  CHECK(ok < kStatements * 9 / 10);
  CHECK(scanned > kStatements / 5);
  CHECK(scanned < ok);
}

TEST_CASE("fast add document: commands inside START MIGRATION parse as with the grammar alone",
          "[parser][fast_add_document]") {
  Generator gen(42);
  int ok = 0;
  constexpr int kMigrations = 1500;
  for (int i = 0; i < kMigrations; ++i) {
    std::string text = "START MIGRATION" + gen.blank();
    if (gen.chance(30)) text += "WITH DESCRIPTION \"d\"\n";
    const uint64_t up = gen.below(4) + 1;
    for (uint64_t c = 0; c < up; ++c) {
      if (gen.chance(10)) {
        text += "CREATE BUNDLE \"B\" WITH FIELDS ({\"f\", STRING, true, false})";
      } else {
        text += gen.add_document();
      }
      text += gen.blank() + (c + 1 < up || gen.chance(50) ? ";" : "") + "\n  ";
    }
    if (gen.chance(30)) {
      text += "DOWN" + gen.blank() + gen.add_document() + gen.blank() + ";" + gen.blank();
    }
    text += gen.keyword("COMMIT");
    if (gen.chance(30)) text += "; PING";
    ok += check_same_parse(text, gen);
  }
  CHECK(ok > kMigrations / 5);
  CHECK(ok < kMigrations * 9 / 10);
}

TEST_CASE("fast add document: positions after a fast-parsed command inside START MIGRATION",
          "[parser][fast_add_document]") {
  const std::string first =
      "ADD DOCUMENT TO BUNDLE \"b\" WITH VALUES ({\"a\": 1,\n  \"b\": [1,\n2]})";
  REQUIRE(scan_add_document(first.data(), first.data() + first.size()));
  const std::string head = "START MIGRATION\n  " + first + " \n";  // the command ends on line 4

  SECTION("commands after it are where they are written") {
    const std::string text =
        head + "; \t" + std::string(kTypical) + "\n  ;DROP BUNDLE \"x\" COMMIT";
    const ParseResult r = parse(text);
    REQUIRE(r.ok());
    const auto& m = std::get<ast::StartMigration>(r.script().front());
    REQUIRE(m.up.size() == 3);
    CHECK(m.up[0].pos.line == 2);
    CHECK(m.up[0].pos.column == 3);
    CHECK(m.up[1].pos.line == 5);
    CHECK(m.up[1].pos.column == 4);
    CHECK(m.up[2].pos.line == 6);
    CHECK(m.up[2].pos.column == 4);
    check_same_parse(text, 0, 0);
  }
  SECTION("an error in the next token") {
    const ParseResult r = parse(head + "  FOO COMMIT");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().line == 5);
    CHECK(r.error().column == 3);
    CHECK(r.error().found == "'FOO'");
    CHECK(r.error().expected == "';', DOWN or COMMIT");
    check_same_parse(head + "  FOO COMMIT", 0, 0);
  }
  SECTION("an error in the next command, after blank lines") {
    const std::string text = head + ";\n  ADD DOCUMENT TO BUNDLE \"b\" WITH ({\"a\": 01}) COMMIT";
    const ParseResult r = parse(std::string(10, '\n') + std::string(20, ' ') + text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().line == 6);
    CHECK(r.error().column == 43);
    CHECK(r.error().found == "'1'");
    check_same_parse(text, 10, 20);
  }
  SECTION("a comment after the command, and an error in a later one") {
    const std::string text = head + "/* a\ncomment */ -- and another\n; DROP BUNDLE COMMIT";
    const ParseResult r = parse(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().line == 7);
    CHECK(r.error().column == 15);
    check_same_parse(text, 0, 0);
  }
}

}  // namespace strata::parser
