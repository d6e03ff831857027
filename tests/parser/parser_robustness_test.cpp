// parse() never crashes, hangs or throws, whatever the bytes (parser.hpp): binary garbage,
// mutated statements, nesting far beyond kMaxNesting, long NOT chains, and tens of
// megabytes of input in linear time. Every error it reports comes from the message table.

#include <pthread.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "parser/parser.hpp"

namespace {

using strata::parser::kMaxNesting;
using strata::parser::parse;

void check_error_is_well_formed(const strata::parser::ParseResult& r) {
  if (r.ok()) return;
  CHECK_FALSE(r.error().expected.empty());
  CHECK_FALSE(r.error().found.empty());
  CHECK_FALSE(r.error().message.empty());
  CHECK(r.error().expected.find("valid syntax") == std::string::npos);
  CHECK(r.error().line >= 1);
  CHECK(r.error().column >= 1);
}

const std::vector<std::string> kSeeds = {
    R"(START MIGRATION WITH DESCRIPTION "x" CREATE BUNDLE "Users" WITH FIELDS ({"id", STRING, true, true}, {"age", INT, false, false, 3}); UPDATE BUNDLE "A" ADD RELATIONSHIP "r" FROM BUNDLE "A" FIELD "id" TO BUNDLE "B" FIELD "a" CARDINALITY "1toMany", SET NAME = "C"; CREATE UNIQUE INDEX "i" HASH ON BUNDLE "B" WITH FIELDS ("a", {"b", true, false}); ADD DOCUMENT TO BUNDLE "B" WITH VALUES ({"a": [1, {"b": null}], "c": -2.5e3}) DOWN RESTORE DOCUMENTS TO BUNDLE "B" FROM MIGRATION 3; DROP BUNDLE "Users" COMMIT)",
    R"(SELECT * FROM "O" WHERE (a <= 1 OR "b" > 2) AND NOT DocumentID == "d1" ORDER BY x DESC LIMIT 5; UPDATE DOCUMENTS IN BUNDLE "U" ("a" = 1) WHERE b != "x"; SHOW MIGRATIONS FOR "p" WHERE Status == "PENDING" AND Version > 2)",
    R"(UPDATE BUNDLE "Users" SET ({ADD "phone" = "phone", "STRING", FALSE, FALSE, NULL}, {MODIFY "age" = "years", "INT", TRUE, FALSE, 0}); UPDATE BUNDLE "A" ADD RELATIONSHIP ( "r" {"1toMany", "A", "id", "B", "a_id"} ); CREATE B-INDEX "n" ON BUNDLE "B" WITH FIELDS ({"f", true, false}); ADD DOCUMENT TO BUNDLE "R" WITH ({"id" = "admin"}, {"n" = -3}))",
    "CREATE USER \"bob\" WITH PASSWORD \"pw\" ROLE migrator; ALTER USER \"bob\" SET ROLE reader; "
    "SET X = {\"a\": [1,2]}; BACKUP DATABASE \"p\" TO \"f.sdb\"; RESTORE DATABASE FROM \"f\" AS "
    "\"g\"; AUTH \"a\" \"b\"; /* c */ -- d\nAPPLY MIGRATION WITH VERSION 4 FORCE",
};

std::string nested(int depth, char open, char close, const std::string& inner) {
  return std::string(static_cast<size_t>(depth), open) + inner +
         std::string(static_cast<size_t>(depth), close);
}

}  // namespace

TEST_CASE("robustness: random bytes never crash and give well-formed errors", "[parser][robust]") {
  std::mt19937_64 rng(20261121);
  for (int i = 0; i < 20000; ++i) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng() % 256);
    check_error_is_well_formed(parse(s));
  }
}

TEST_CASE("robustness: mutated statements never crash; errors come from the table",
          "[parser][robust]") {
  std::mt19937_64 rng(42);
  const std::string alphabet = "(){}[],;:=\"\\ -/*\nNOTANDOR0123456789e.\xff";
  size_t ok = 0;
  for (int i = 0; i < 30000; ++i) {
    std::string s = kSeeds[rng() % kSeeds.size()];
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations && !s.empty(); ++m) {
      const size_t p = rng() % s.size();
      switch (rng() % 4) {
        case 0:
          s.erase(p, 1 + rng() % 8);
          break;
        case 1:
          s.insert(p, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          s[p] = static_cast<char>(rng() % 256);
          break;
        default:
          s.insert(p, s.substr(rng() % s.size(), rng() % 30));
          break;
      }
    }
    const auto r = parse(s);
    if (r.ok()) ++ok;
    check_error_is_well_formed(r);
  }
  CHECK(ok > 0);
  for (const std::string& seed : kSeeds) CHECK(parse(seed).ok());
}

TEST_CASE("robustness: nesting is refused beyond kMaxNesting, at the offending bracket",
          "[parser][robust]") {
  for (char open : {'(', '[', '{'}) {
    const auto r = parse("SELECT * FROM \"B\" WHERE\n" + std::string(100000, open));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "nesting deeper than 200 levels");
    CHECK(r.error().line == 2);
    CHECK(r.error().column == static_cast<uint32_t>(kMaxNesting) + 1);
  }
  // Brackets inside strings and comments do not count.
  CHECK(parse("USE \"" + std::string(1000, '[') + "\" -- " + std::string(1000, '(')).ok());
  // Exactly kMaxNesting levels parse: ( { plus 198 arrays.
  const std::string doc = "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"a\": " +
                          nested(kMaxNesting - 2, '[', ']', "1") + "})";
  CHECK(parse(doc).ok());
  const std::string too_deep = "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"a\": " +
                               nested(kMaxNesting - 1, '[', ']', "1") + "})";
  CHECK_FALSE(parse(too_deep).ok());
  const std::string groups = "SELECT * FROM \"B\" WHERE " + nested(kMaxNesting, '(', ')', "a == 1");
  CHECK(parse(groups).ok());
}

TEST_CASE("robustness: long NOT chains are refused, not recursed into", "[parser][robust]") {
  std::string chain = "SELECT * FROM \"B\" WHERE ";
  for (int i = 0; i < 100000; ++i) chain += "NOT ";
  chain += "a == 1";
  const auto r = parse(chain);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "nesting deeper than 200 levels");
  std::string ok_chain = "SELECT * FROM \"B\" WHERE ";
  for (int i = 0; i < 150; ++i) ok_chain += "NOT ";
  CHECK(parse(ok_chain + "a == 1").ok());
}

namespace {

struct ThreadJob {
  std::string text;
  bool ok = false;
};

void* run_parse(void* arg) {
  auto* job = static_cast<ThreadJob*>(arg);
  job->ok = parse(job->text).ok();
  return nullptr;
}

}  // namespace

TEST_CASE("robustness: the deepest accepted nesting fits a 256 KiB stack", "[parser][robust]") {
  std::string where = "SELECT * FROM \"B\" WHERE ";
  for (int i = 0; i < kMaxNesting / 2 - 1; ++i) where += "(a == 1 AND NOT ";
  where += "b == 2" + std::string(kMaxNesting / 2 - 1, ')');
  for (const std::string& text : {where, "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"a\": " +
                                             nested(kMaxNesting - 3, '[', ']', "{}") + "})"}) {
    ThreadJob job{text};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, &attr, run_parse, &job) == 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    CHECK(job.ok);
  }
}

TEST_CASE("robustness: 50 MB of migration text parses in linear time", "[parser][robust]") {
  const std::string command =
      "  ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"id\": \"u000001\", \"email\": "
      "\"someone@example.com\", \"age\": 42, \"tags\": [\"a\", \"b\"], \"active\": true});\n";
  auto build = [&](size_t bytes) {
    std::string text = "START MIGRATION WITH DESCRIPTION \"bulk\"\n";
    while (text.size() < bytes) text += command;
    return text + "COMMIT\n";
  };
  auto seconds = [](const std::string& text, size_t* commands) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = parse(text);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    REQUIRE(r.ok());
    *commands = std::get<strata::ast::StartMigration>(r.script()[0]).up.size();
    return s;
  };
  const std::string small = build(5u << 20);
  const std::string large = build(50u << 20);
  size_t small_commands = 0;
  size_t large_commands = 0;
  const double t_small = seconds(small, &small_commands);
  const double t_large = seconds(large, &large_commands);
  CHECK(large_commands > 9 * small_commands);
  CHECK(t_large < 40 * t_small + 1.0);  // linear (10x), with room for a noisy machine
  // An unterminated string at the end of 50 MB is found without quadratic rescans, and
  // reported where it opens, counted from its statement.
  const auto t0 = std::chrono::steady_clock::now();
  const auto r = parse(large + "USE \"unterminated");
  const double t_error = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().line == 1);
  CHECK(r.error().column == 5);
  CHECK(r.error().message.find("unterminated string") != std::string::npos);
  CHECK(t_error < 4 * t_large + 1.0);
}
