// A deterministic mutation fuzzer over the whole front end: splitter -> parse -> (when ok)
// canonical round trip -> syntax_check. Seeds are the example scripts and the statement corpus;
// mutations flip, insert, delete and duplicate bytes and spans, and splice corpus pieces. A
// fixed-seed PRNG makes every run test the same 200,000+ inputs; they are spread over several
// TEST_CASEs so that each stays short. A failure prints the input that caused it.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <random>
#include <string>
#include <vector>

#include "parser/canonical.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"
#include "parser/statement_corpus.hpp"
#include "parser/syntax_check.hpp"

namespace strata::parser {
namespace {

constexpr int kChunks = 8;
constexpr int kInputsPerChunk = 50'000;  // 8 x 50,000 = 400,000 inputs

// A seeded standard generator (its sequence is fixed by the C++ standard): every run uses
// the same inputs.
struct Rng {
  explicit Rng(uint64_t seed) : engine(seed) {}
  std::mt19937_64 engine;
  uint64_t below(uint64_t n) { return n == 0 ? 0 : engine() % n; }
};

// Bytes that matter to the lexer and grammar, more likely than uniform random bytes.
const std::string kInteresting = std::string("\";\\(){}[],:=<>!-/*\n\t .0123456789eE+\x04", 37) +
                                 std::string("\0\xff\x80\xc3", 4) + "STARTMIGRATIONCOMMITDOWN";
const std::vector<std::string> kTokens = {
    "START MIGRATION ",
    " COMMIT",
    " DOWN ",
    ";",
    "\"",
    "--",
    "/*",
    "*/",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    " AND ",
    " OR ",
    " NOT ",
    "WHERE ",
    "1e999",
    "-0",
    "1.0",
    "9223372036854775808",
    "\\u00",
    "\\\"",
    "null",
    "true",
    "\x04",
    "((((((((((",
    "{\"a\":{\"b\":[[[[",
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> out = testing::statement_corpus();
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(STRATA_SOURCE_DIR "/examples")) {
      if (e.path().extension() == ".sql") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) out.push_back(read_file(f));
    return out;
  }();
  return all;
}

void mutate(std::string& s, Rng& rng) {
  const size_t size = s.size();
  const size_t at = rng.below(size + 1);
  switch (rng.below(8)) {
    case 0:  // flip bits of a byte
      if (size > 0) s[rng.below(size)] ^= static_cast<char>(1u << rng.below(8));
      break;
    case 1:  // replace a byte with an interesting one
      if (size > 0) s[rng.below(size)] = kInteresting[rng.below(kInteresting.size())];
      break;
    case 2:  // insert an interesting or random byte
      s.insert(at, 1,
               rng.below(2) ? kInteresting[rng.below(kInteresting.size())]
                            : static_cast<char>(rng.below(256)));
      break;
    case 3:  // delete a byte
      if (size > 0) s.erase(rng.below(size), 1);
      break;
    case 4: {  // delete a span
      if (size > 0) s.erase(rng.below(size), 1 + rng.below(32));
      break;
    }
    case 5: {  // duplicate a span
      if (size > 0) {
        const size_t from = rng.below(size);
        const std::string span = s.substr(from, 1 + rng.below(64));
        s.insert(at, span);
      }
      break;
    }
    case 6:  // insert a token
      s.insert(at, kTokens[rng.below(kTokens.size())]);
      break;
    default: {  // splice a piece of another seed
      const std::string& other = seeds()[rng.below(seeds().size())];
      const size_t from = rng.below(other.size());
      s.insert(at, other.substr(from, 1 + rng.below(80)));
      break;
    }
  }
}

// The splitter's statements for `input` fed in pieces of random sizes (0: all at once), with a
// small limit so that oversize reports are exercised too.
std::vector<SplitStatement> split(const std::string& input, Rng* rng, size_t max) {
  StatementSplitter splitter(max);
  std::vector<SplitStatement> out;
  for (size_t at = 0; at < input.size();) {
    const size_t n = rng == nullptr ? input.size() : 1 + rng->below(16);
    splitter.feed(std::string_view(input).substr(at, n));
    at += n;
    while (auto s = splitter.next()) out.push_back(std::move(*s));
  }
  splitter.finish();
  while (auto s = splitter.next()) out.push_back(std::move(*s));
  return out;
}

bool same(const std::vector<SplitStatement>& a, const std::vector<SplitStatement>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || a[i].line != b[i].line || a[i].column != b[i].column ||
        a[i].oversized != b[i].oversized) {
      return false;
    }
  }
  return true;
}

struct Tally {
  size_t inputs = 0, statements = 0, parsed = 0, round_trips = 0;
};

// Runs one input through every front-end stage; returns false (with a message) on a broken
// round trip. Crashes and hangs need no check: they fail the test run.
bool exercise(const std::string& input, Tally& tally, std::string* problem) {
  StatementSplitter splitter(1 << 16);
  splitter.feed(input);
  splitter.finish();
  while (auto s = splitter.next()) {
    ++tally.statements;
    if (s->oversized) continue;
    const ParseResult r = parse(s->text);
    if (!r.ok()) {
      const SyntaxError& e = r.error();
      if (e.line < 1 || e.column < 1 || e.message.empty()) {
        *problem = "bad error position or message for: " + s->text;
        return false;
      }
      continue;
    }
    ++tally.parsed;
    for (const ast::Statement& x : r.script()) {
      (void)syntax_check(x);
      const std::string text = canonical(x);
      const ParseResult back = parse(text);
      if (!back.ok() || back.script().size() != 1 || !(back.script().front() == x) ||
          canonical(back.script().front()) != text) {
        *problem = "round trip broke for: " + s->text + "\ncanonical: " + text +
                   (back.ok() ? "" : "\nreparse error: " + back.error().message);
        return false;
      }
      ++tally.round_trips;
    }
  }
  return true;
}

void run_chunk(int chunk) {
  Rng rng{0x5EED0000u + static_cast<uint64_t>(chunk)};
  Tally tally;
  const auto start = std::chrono::steady_clock::now();
  size_t failures = 0;
  for (int i = 0; i < kInputsPerChunk; ++i) {
    std::string input = seeds()[rng.below(seeds().size())];
    const size_t mutations = 1 + rng.below(rng.below(4) == 0 ? 24 : 4);
    for (size_t m = 0; m < mutations; ++m) mutate(input, rng);
    ++tally.inputs;
    std::string problem;
    if (i % 8 == 0) {  // chunking invariance of the splitter on mutated input
      const size_t max = 1 + rng.below(512);
      if (!same(split(input, nullptr, max), split(input, &rng, max))) {
        problem = "splitter chunking changed the statements of: " + input;
      }
    }
    if (!problem.empty() || !exercise(input, tally, &problem)) {
      if (++failures <= 3) {
        INFO("chunk " << chunk << " input " << i << ": " << problem);
        CHECK(false);
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN("fuzz chunk " << chunk << ": " << tally.inputs << " inputs, " << tally.statements
                     << " statements, " << tally.parsed << " parsed, " << tally.round_trips
                     << " round trips in " << seconds << " s");
  CHECK(failures == 0);
  CHECK(tally.parsed > 0);
}

}  // namespace

TEST_CASE("fuzz: chunk 0", "[fuzz]") { run_chunk(0); }
TEST_CASE("fuzz: chunk 1", "[fuzz]") { run_chunk(1); }
TEST_CASE("fuzz: chunk 2", "[fuzz]") { run_chunk(2); }
TEST_CASE("fuzz: chunk 3", "[fuzz]") { run_chunk(3); }
TEST_CASE("fuzz: chunk 4", "[fuzz]") { run_chunk(4); }
TEST_CASE("fuzz: chunk 5", "[fuzz]") { run_chunk(5); }
TEST_CASE("fuzz: chunk 6", "[fuzz]") { run_chunk(6); }
TEST_CASE("fuzz: chunk 7", "[fuzz]") { run_chunk(7); }
static_assert(kChunks == 8, "one TEST_CASE per chunk");

}  // namespace strata::parser
