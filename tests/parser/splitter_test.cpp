// The statement splitter (src/parser/splitter.hpp): a table of streams and the statements they
// split into, and chunking invariance (one byte at a time == the whole buffer) for every
// example script and for adversarial inputs.
#include "parser/splitter.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace strata::parser {
namespace {

struct Piece {
  std::string text;
  uint32_t line;
  uint32_t column;
  bool oversized;
  bool operator==(const Piece&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Piece& p) {
  return os << "{\"" << p.text << "\" " << p.line << ":" << p.column
            << (p.oversized ? " oversized}" : "}");
}

std::vector<Piece> drain(StatementSplitter& s) {
  std::vector<Piece> out;
  while (auto st = s.next()) out.push_back({st->text, st->line, st->column, st->oversized});
  return out;
}

std::vector<Piece> split_whole(std::string_view bytes, size_t max = 1 << 20) {
  StatementSplitter s(max);
  s.feed(bytes);
  s.finish();
  return drain(s);
}

// One byte at a time, draining after every byte, as a server reading a slow socket would.
std::vector<Piece> split_bytewise(std::string_view bytes, size_t max = 1 << 20) {
  StatementSplitter s(max);
  std::vector<Piece> out;
  for (char c : bytes) {
    s.feed(std::string_view(&c, 1));
    for (Piece& p : drain(s)) out.push_back(std::move(p));
  }
  s.finish();
  for (Piece& p : drain(s)) out.push_back(std::move(p));
  return out;
}

std::vector<Piece> split_chunks(std::string_view bytes, size_t chunk, size_t max = 1 << 20) {
  StatementSplitter s(max);
  for (size_t at = 0; at < bytes.size(); at += chunk) s.feed(bytes.substr(at, chunk));
  s.finish();
  return drain(s);
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::filesystem::path> example_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(STRATA_SOURCE_DIR "/examples")) {
    if (e.path().extension() == ".sql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

const std::string kEot(1, '\x04');

}  // namespace

TEST_CASE("splitter: table of streams and statements", "[splitter]") {
  struct Row {
    std::string stream;
    std::vector<Piece> expected;
  };
  const std::vector<Row> rows = {
      {"", {}},
      {"   \n\t ", {}},
      {";;;", {}},
      {"PING", {{"PING", 1, 1, false}}},
      {"PING;", {{"PING", 1, 1, false}}},
      {"  PING ;  SHOW DATABASES\n", {{"PING", 1, 3, false}, {"SHOW DATABASES", 1, 11, false}}},
      {"USE \"a;b\"; PING", {{"USE \"a;b\"", 1, 1, false}, {"PING", 1, 12, false}}},
      {"USE \"a\\\";b\"; PING", {{"USE \"a\\\";b\"", 1, 1, false}, {"PING", 1, 14, false}}},
      {"USE \"a\\\\\"; PING", {{"USE \"a\\\\\"", 1, 1, false}, {"PING", 1, 12, false}}},
      {"-- a; comment\nPING", {{"PING", 2, 1, false}}},
      {"-- lead\n  /* more; */ PING -- tail\n;", {{"PING -- tail", 2, 15, false}}},
      {"  -- c\n-x; /y", {{"-x", 2, 1, false}, {"/y", 2, 5, false}}},
      {"/* unterminated; PING", {{"/*", 1, 1, false}}},
      {"PING; /* open\x04PING", {{"PING", 1, 1, false}, {"/*", 1, 7, false}, {"PING", 1, 15, false}}},
      {"PING /* open", {{"PING /* open", 1, 1, false}}},
      {"USE \"\\\";x\"; PING", {{"USE \"\\\";x\"", 1, 1, false}, {"PING", 1, 13, false}}},
      {"USE \"\\\\\"; PING", {{"USE \"\\\\\"", 1, 1, false}, {"PING", 1, 11, false}}},
      {"-- only a comment; here\n", {}},
      {"/* a; b */", {}},
      {"PING /* ; */ ; PING", {{"PING /* ; */", 1, 1, false}, {"PING", 1, 16, false}}},
      {"PING /* ** ; **/;x", {{"PING /* ** ; **/", 1, 1, false}, {"x", 1, 18, false}}},
      {"SELECT COUNT FROM \"B\" WHERE a > -3; x",
       {{"SELECT COUNT FROM \"B\" WHERE a > -3", 1, 1, false}, {"x", 1, 37, false}}},
      {"a - b; c / d", {{"a - b", 1, 1, false}, {"c / d", 1, 8, false}}},
      {"-", {{"-", 1, 1, false}}},
      {"/", {{"/", 1, 1, false}}},
      {"PING\x04PING", {{"PING", 1, 1, false}, {"PING", 1, 6, false}}},
      {"\x04 \x04\n\x04", {}},
      {"USE \"unterminated\x04PING", {{"USE \"unterminated", 1, 1, false}, {"PING", 1, 19, false}}},
      {"PING -\x04", {{"PING -", 1, 1, false}}},
      {"\n\n   PING", {{"PING", 3, 4, false}}},
      {"START MIGRATION\n  CREATE BUNDLE \"A\" WITH FIELDS ({\"x\", INT, true, false});\n"
       "  DROP INDEX \"i\";\nCOMMIT; PING",
       {{"START MIGRATION\n  CREATE BUNDLE \"A\" WITH FIELDS ({\"x\", INT, true, false});\n"
         "  DROP INDEX \"i\";\nCOMMIT",
         1, 1, false},
        {"PING", 4, 9, false}}},
      {"start migration with description \"x; COMMIT\" DROP INDEX \"i\"; commit\nPING",
       {{"start migration with description \"x; COMMIT\" DROP INDEX \"i\"; commit", 1, 1, false},
        {"PING", 2, 1, false}}},
      {"START MIGRATION DROP INDEX \"i\"; DOWN CREATE INDEX \"i\" HASH ON BUNDLE \"B\" WITH "
       "FIELDS (\"f\"); COMMIT\n\nVALIDATE MIGRATION WITH VERSION 1",
       {{"START MIGRATION DROP INDEX \"i\"; DOWN CREATE INDEX \"i\" HASH ON BUNDLE \"B\" WITH "
         "FIELDS (\"f\"); COMMIT",
         1, 1, false},
        {"VALIDATE MIGRATION WITH VERSION 1", 3, 1, false}}},
      {"START MIGRATION COMMIT", {{"START MIGRATION COMMIT", 1, 1, false}}},
      {"START MIGRATION COMMIT-- done\nPING",
       {{"START MIGRATION COMMIT", 1, 1, false}, {"PING", 2, 1, false}}},
      {"START MIGRATION -- COMMIT;\n DROP INDEX \"i\"; COMMITTED; COMMIT;",
       {{"START MIGRATION -- COMMIT;\n DROP INDEX \"i\"; COMMITTED; COMMIT", 1, 1, false}}},
      {"START /* x */ MIGRATION DROP INDEX \"i\"; COMMIT\x04PING",
       {{"START /* x */ MIGRATION DROP INDEX \"i\"; COMMIT", 1, 1, false}, {"PING", 1, 48, false}}},
      {"START MIGRATION DROP INDEX \"i\";\x04PING",
       {{"START MIGRATION DROP INDEX \"i\";", 1, 1, false}, {"PING", 1, 33, false}}},
      {"START X MIGRATION; PING", {{"START X MIGRATION; PING", 1, 1, false}}},
      {"START MIGRATON\n DROP INDEX \"i\"; COMMIT; PING",
       {{"START MIGRATON\n DROP INDEX \"i\"; COMMIT", 1, 1, false}, {"PING", 2, 26, false}}},
      {"start; drop index \"i\"; commit", {{"start; drop index \"i\"; commit", 1, 1, false}}},
      {"PING START; COMMIT", {{"PING START", 1, 1, false}, {"COMMIT", 1, 13, false}}},
      {"(START; x); y", {{"(START", 1, 1, false}, {"x)", 1, 9, false}, {"y", 1, 13, false}}},
      {"COMMIT; PING", {{"COMMIT", 1, 1, false}, {"PING", 1, 9, false}}},
      {"syndrdb://127.0.0.1:1776:main:admin:p\"a--s/*s;PING",
       {{"syndrdb://127.0.0.1:1776:main:admin:p\"a--s/*s", 1, 1, false}, {"PING", 1, 47, false}}},
      {"  SyndrDB://h:1:db:u:pw\x04PROTOCOL_VERSION 2\x04",
       {{"SyndrDB://h:1:db:u:pw", 1, 3, false}, {"PROTOCOL_VERSION 2", 1, 25, false}}},
      {"syndrdb://h:1:db:u:a\nb", {{"syndrdb://h:1:db:u:a\nb", 1, 1, false}}},
      {"syndrdb \"x;\"; x:\"y;\"", {{"syndrdb \"x;\"", 1, 1, false}, {"x:\"y;\"", 1, 15, false}}},
      {"SELECT * FROM \"B\" WHERE s == \"it's\" -- c\n;",
       {{"SELECT * FROM \"B\" WHERE s == \"it's\" -- c", 1, 1, false}}},
  };
  for (const Row& row : rows) {
    INFO("stream: " << row.stream);
    CHECK(split_whole(row.stream) == row.expected);
    CHECK(split_bytewise(row.stream) == row.expected);
  }
}

TEST_CASE("splitter: COMMIT ends a block only where a command can end", "[splitter]") {
  // A field named commit (bare, in WHERE) is an operand, not the end of the block.
  const std::string block =
      "START MIGRATION\n"
      "  UPDATE DOCUMENTS IN BUNDLE \"B\" (\"x\" = 1) WHERE commit == 1 AND (commit > 2 OR NOT "
      "commit = 3);\n"
      "  DELETE DOCUMENTS FROM BUNDLE \"B\" WHERE x == 1 OR commit != 4\n"
      "  CREATE BUNDLE \"C\" WITH FIELDS ({\"f\", commit, true, false})\n"
      "COMMIT";
  const std::string stream = block + " PING";
  const std::vector<Piece> expected = {{block, 1, 1, false}, {"PING", 5, 8, false}};
  CHECK(split_whole(stream) == expected);
  CHECK(split_bytewise(stream) == expected);
  CHECK(split_chunks(stream, 3) == expected);
  // After a value or a command, COMMIT ends the block, with or without ';'.
  CHECK(split_whole("START MIGRATION DELETE DOCUMENTS FROM BUNDLE \"B\" WHERE a == true COMMIT")
            .size() == 1);
  CHECK(split_whole("START MIGRATION DROP INDEX \"i\" COMMIT PING").size() == 2);
}

TEST_CASE("splitter: oversize is reported once and never buffered", "[splitter]") {
  const std::string big = "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ({\"x\": \"" +
                          std::string(1000, 'a') + ";\"});\n PING";
  for (const auto& pieces :
       {split_whole(big, 100), split_bytewise(big, 100), split_chunks(big, 7, 100)}) {
    REQUIRE(pieces.size() == 2);
    CHECK(pieces[0] == Piece{"", 1, 1, true});
    CHECK(pieces[1] == Piece{"PING", 2, 2, false});
  }
  // The report is available as soon as the limit is passed, before the statement ends.
  StatementSplitter s(10);
  s.feed("PING 12345678901234567890");
  auto first = s.next();
  REQUIRE(first.has_value());
  CHECK(first->oversized);
  CHECK(first->text.empty());
  CHECK(s.has_partial());
  CHECK_FALSE(s.next().has_value());
  s.feed(";PING");
  s.finish();
  auto second = s.next();
  REQUIRE(second.has_value());
  CHECK(second->text == "PING");
  CHECK_FALSE(second->oversized);
  // Exactly at the limit is fine.
  CHECK(split_whole("PING", 4) == std::vector<Piece>{{"PING", 1, 1, false}});
}

TEST_CASE("splitter: has_partial", "[splitter]") {
  StatementSplitter s;
  CHECK_FALSE(s.has_partial());
  s.feed("  \n -- note\n");
  CHECK_FALSE(s.has_partial());
  s.feed("SHOW");
  CHECK(s.has_partial());
  s.feed(" DATABASES;");
  CHECK_FALSE(s.has_partial());
  s.feed("/* open");
  CHECK(s.has_partial());
  s.feed(" */ USE \"x");
  CHECK(s.has_partial());
  s.feed("\";");
  CHECK_FALSE(s.has_partial());
  s.feed("START MIGRATION DROP INDEX \"i\";");
  CHECK(s.has_partial());
  s.feed(" COMMIT\n");
  CHECK_FALSE(s.has_partial());
  CHECK(drain(s).size() == 3);
}

TEST_CASE("splitter: one byte at a time equals the whole buffer for every example", "[splitter]") {
  const auto files = example_files();
  REQUIRE(files.size() >= 10);
  for (const auto& path : files) {
    INFO(path.string());
    const std::string text = read_file(path);
    const auto whole = split_whole(text);
    CHECK_FALSE(whole.empty());
    CHECK(split_bytewise(text) == whole);
    CHECK(split_chunks(text, 3) == whole);
    CHECK(split_chunks(text, 4096) == whole);
    // Appending EOT after every statement, as a driver does, changes nothing.
    std::string framed;
    for (const Piece& p : whole) framed += p.text + kEot;
    std::vector<Piece> reframed = split_bytewise(framed);
    REQUIRE(reframed.size() == whole.size());
    for (size_t i = 0; i < whole.size(); ++i) CHECK(reframed[i].text == whole[i].text);
  }
}

TEST_CASE("splitter: adversarial streams split the same in any chunking", "[splitter]") {
  const std::vector<std::string> streams = {
      "USE \"a\\\"; -- not a comment\"; PING -- c;\n/* x; \"y;\" */ PING",
      "START MIGRATION WITH DESCRIPTION \"COMMIT; DOWN\" DROP INDEX \"a\"; DOWN CREATE INDEX "
      "\"a\" HASH ON BUNDLE \"B\" WITH FIELDS (\"f\"); COMMIT;PING",
      "start migration\x04 drop index \"x\"; commit",
      "\"unterminated; string\nPING; PING",
      "/* unterminated comment; PING",
      "  -- c\n-",
      "PING; /",
      "START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"B\" (\"x\"=1) WHERE(commit==1)COMMIT;x",
      "START MIGRATON x; COMMIT; /* open\x04-",
      "-- comment then EOT\x04PING\x04\x04",
      "START MIGRATION /* COMMIT */ -- COMMIT\n DROP INDEX \"COMMIT\"; COMMIT",
      "x-y/z*w--;\n;a/*/;*/;b",
      "syndrdb://h:1:d:u:p--;\n/*;*/syndrdb:\"\x04syndrdb\n:x;y",
      std::string("\0\x01\x02;\xff\xfe;\"\x80\";", 11),
  };
  for (const std::string& s : streams) {
    INFO(s);
    const auto whole = split_whole(s);
    CHECK(split_bytewise(s) == whole);
    for (size_t chunk : {2, 3, 5, 11}) CHECK(split_chunks(s, chunk) == whole);
    CHECK(split_bytewise(s, 8) == split_whole(s, 8));
    CHECK(split_chunks(s, 3, 5) == split_whole(s, 5));
  }
}

}  // namespace strata::parser
