// The shell's pure parts, on responses shaped as the server sends them (SPEC §4.4, §4.8,
// §5.1): VALIDATE phase tables and colors, carets, SELECT field order, \help lookups, Tab
// completion rules over known names, and "did you mean" suggestions.
#include <catch2/catch.hpp>

#include "cli/shell_complete.hpp"
#include "cli/shell_format.hpp"
#include "cli/shell_help.hpp"
#include "cli/shell_report.hpp"
#include "cli/shell_text.hpp"
#include "common/suggest.hpp"

using namespace strata;
using namespace strata::cli;

namespace {

const char* const kFailReport = R"({"status":"success","success":true,
  "message":"Migration version 2 validation complete","report":{
  "canApply":false,"canApplyWithForce":false,"constraintPhase":{"errors":[],"passed":true},
  "diagnostics":[{"column":3,"command":1,"line":2,"message":"Bundle 'Nope' does not exist",
                  "phase":"semantic","severity":"error"}],
  "migrationVersion":2,"overallResult":"FAIL",
  "performancePhase":{"commandCount":1,"estimatedDuration":"0.000s","passed":true,"warnings":[]},
  "reversibilityPhase":{"downCommandsGenerated":true,"passed":true,"warnings":[]},
  "semanticPhase":{"errors":["Bundle 'Nope' does not exist"],"passed":false},
  "syntaxPhase":{"errors":[],"passed":true}}})";

std::string one_line(const char* json) { return Json::parse(json).dump(); }

}  // namespace

TEST_CASE("shell render: a FAIL report is a phase table, red, with no OK") {
  const std::string out = format_response(one_line(kFailReport), {true, false});
  INFO(out);
  CHECK(out.find("✓ | syntax") != std::string::npos);
  CHECK(out.find("✗ | semantic") != std::string::npos);
  CHECK(out.find("semantic, command 1 at 2:3: Bundle 'Nope' does not exist") != std::string::npos);
  CHECK(out.find("Result: \x1b[31mFAIL: cannot apply") != std::string::npos);
  CHECK(out.find("OK") == std::string::npos);
  CHECK(out.find("\x1b[32m") == std::string::npos);

  Json warned = Json::parse(kFailReport);
  warned["report"]["overallResult"] = "PASS_WITH_WARNINGS";
  warned["report"]["semanticPhase"] = {{"errors", Json::array()}, {"passed", true}};
  warned["report"]["reversibilityPhase"]["warnings"] = {"irreversible"};
  warned["report"]["diagnostics"][0]["severity"] = "warning";
  const std::string w = format_response(warned.dump(), {true, false});
  CHECK(w.find("! | reversibility") != std::string::npos);
  CHECK(w.find("Result: \x1b[33mPASS_WITH_WARNINGS") != std::string::npos);
  CHECK(format_response(warned.dump(), {false, false}).find("\x1b[") == std::string::npos);
}

TEST_CASE("shell render: an APPLY refused for validation shows the error and the report") {
  Json refused = Json::parse(kFailReport);
  refused["status"] = "error";
  refused["success"] = false;
  refused["message"] = "validation failed";
  refused["error"] = {{"code", "VALIDATION_FAILED"}, {"message", "validation failed"}};
  const std::string out = format_response(refused.dump(), {false, false});
  CHECK(out.rfind("ERROR VALIDATION_FAILED: validation failed\n", 0) == 0);
  CHECK(out.find("✗ | semantic") != std::string::npos);
}

TEST_CASE("shell render: a rollback plan lists DOWN commands and says whether it can run") {
  const std::string plan = one_line(R"({"status":"success","success":true,
    "message":"Rollback to version 0 validation complete","targetVersion":0,"report":{
    "canRollback":false,"currentVersion":1,"targetVersion":0,"migrationsToReverse":[1],
    "downCommands":{"1":["DROP INDEX \"I\"","DROP BUNDLE \"B\""]},
    "dataImpact":{"bundlesDropped":["B"],"documentsDeleted":4,"fieldsRemoved":[]},
    "warnings":[],"errors":["Migration version 1 is missing DOWN commands"]}})");
  const std::string out = format_response(plan, {true, false});
  INFO(out);
  CHECK(out.find("  v1: DROP INDEX \"I\"\n      DROP BUNDLE \"B\"\n") != std::string::npos);
  CHECK(out.find("documentsDeleted: 4") != std::string::npos);
  CHECK(out.find("fieldsRemoved") == std::string::npos);  // empty entries are left out
  CHECK(out.find("Migration version 1 is missing DOWN commands") != std::string::npos);
  CHECK(out.find("Result: \x1b[31mCANNOT roll back") != std::string::npos);
}

TEST_CASE("shell render: carets count from the statement's first token") {
  CHECK(render_caret("SELEC x", 1, 1) == "LINE 1: SELEC x\n        ^\n");
  CHECK(render_caret("-- note\n  SELECT *\n\tFROMM \"x\"", 2, 2) ==
        "LINE 2:  FROMM \"x\"\n         ^\n");
  CHECK(render_caret("SELECT \"é\" oops", 1, 12) == "LINE 1: SELECT \"é\" oops\n" +
                                                        std::string(18, ' ') + "^\n");
  CHECK(render_caret("PING", 3, 1).empty());
  const std::string error = one_line(R"({"status":"error","success":false,
    "message":"syntax error at line 1, column 7","line":1,"column":7,"expected":"x","found":"'y'",
    "error":{"code":"SYNTAX_ERROR","message":"m"}})");
  const std::string out = format_response(error, {false, false}, {"  SELECT !", nullptr});
  CHECK(out == "ERROR SYNTAX_ERROR: syntax error at line 1, column 7\nLINE 1: SELECT !\n" +
                   std::string(14, ' ') + "^\n");
}

TEST_CASE("shell render: SELECT columns follow the field order given, DocumentID first") {
  const std::string rows = one_line(R"({"status":"success","success":true,"ResultCount":1,
    "ExecutionTimeMS":0.1,"Result":[{"DocumentID":"1","alpha":1,"mid":true,"zeta":"z"}]})");
  const std::vector<std::string> order = {"zeta", "alpha", "mid", "unset"};
  const std::string out = format_response(rows, {false, false}, {"", &order});
  CHECK(out.rfind(" DocumentID | zeta | alpha | mid  | unset\n", 0) == 0);
  CHECK(format_response(rows, {false, false}).rfind(" DocumentID | alpha | mid  | zeta\n", 0) == 0);
}

TEST_CASE("shell render: a name not found says which existing one was probably meant") {
  const std::string typo = one_line(R"({"status":"error","success":false,
    "message":"Bundle 'users' does not exist","didYouMean":"Users",
    "error":{"code":"BUNDLE_NOT_FOUND","type":"SCHEMA","message":"Bundle 'users' does not exist"}})");
  CHECK(format_response(typo, {false, false}) ==
        "ERROR BUNDLE_NOT_FOUND: Bundle 'users' does not exist\ndid you mean \"Users\"?\n");
}

TEST_CASE("shell render: SHOW LOCKS is a table; an empty result is its footer alone") {
  const std::string locks = one_line(R"({"status":"success","success":true,"locks":[
    {"lock":"db/3","database":"shop","server":"h pid 812","session":"7",
     "statement":"APPLY MIGRATION","since":"2026-12-06T08:00:00Z","ttlSeconds":9,"token":4711}]})");
  const std::string out = format_response(locks, {false, false});
  CHECK(out.rfind(" lock | database | server    | session | statement       | since", 0) == 0);
  CHECK(out.find(" db/3 | shop     | h pid 812 | 7       | APPLY MIGRATION |") !=
        std::string::npos);
  CHECK(out.find("(1 row)") != std::string::npos);
  CHECK(format_response(R"({"status":"success","success":true,"locks":[]})", {false, false}) ==
        "no locks held\n");
  // No columns to show: no empty header line, only the count.
  CHECK(format_response(R"({"status":"success","success":true,"ResultCount":0,"Result":[]})",
                        {false, false}) == "(0 rows)\n");
}

TEST_CASE("shell render: \\help lists statements and finds one by its leading words") {
  const std::string all = statement_help("");
  CHECK(all.find("START MIGRATION") != std::string::npos);
  CHECK(all.find("CANCEL SESSION") != std::string::npos);
  CHECK(all.find("\\pager") != std::string::npos);
  const std::string one = statement_help("apply  rollback;");
  CHECK(one.rfind("APPLY ROLLBACK: ", 0) == 0);
  CHECK(one.find("APPLY ROLLBACK TO VERSION n [FORCE]") != std::string::npos);
  CHECK(one.find("APPLY MIGRATION") == std::string::npos);
  CHECK(statement_help("select").find("SELECT COUNT FROM") != std::string::npos);
  CHECK(statement_help("frobnicate").rfind("no statement starts with", 0) == 0);
}

TEST_CASE("shell text: leading words and quoted names skip comments and strings") {
  CHECK(leading_words("-- note\n /* x */ use \"db\";", 2) == std::vector<std::string>{"USE"});
  CHECK(leading_words("UPDATE bundle \"B\" ADD", 3) ==
        std::vector<std::string>{"UPDATE", "BUNDLE"});
  CHECK(quoted_names("SELECT * FROM \"A\\\"b\" -- \"not\"\nWHERE x == \"v\"") ==
        std::vector<std::string>{"A\"b", "v"});
  CHECK(first_token_offset("  -- c\n\tPING") == 8);
  CHECK(quote_name("a\"b") == "\"a\\\"b\"");
}

TEST_CASE("shell complete: keywords, then names by what comes before") {
  int asked = 0;
  NameCache names([&](const std::string& statement) -> std::optional<Json> {
    ++asked;
    if (statement == "SHOW DATABASES") return Json::parse(R"({"Result":["main","other"]})");
    if (statement == "SHOW BUNDLES FOR \"main\"") {
      return Json::parse(R"({"Result":[
        {"Name":"People","Fields":[{"Name":"zeta"},{"Name":"alpha"}]},
        {"Name":"Places","Fields":[{"Name":"city"}]}]})");
    }
    return std::nullopt;
  });
  names.set_database("main");
  using V = std::vector<std::string>;
  CHECK(completions(names, "", "SEL") == V{"SELECT"});
  CHECK(completions(names, "", "sh") == V{"show"});
  CHECK(completions(names, "USE ", "\"m") == V{"\"main\""});
  CHECK(completions(names, "SELECT * FROM ", "\"P") == V{"\"People\"", "\"Places\""});
  CHECK(completions(names, "DESCRIBE BUNDLE ", "") == V{"\"People\"", "\"Places\""});
  CHECK(completions(names, "SELECT * FROM \"Places\" WHERE ", "c") == V{"city"});
  CHECK(completions(names, "UPDATE BUNDLE \"People\" REMOVE FIELD ", "\"a") == V{"\"alpha\""});
  const int before = asked;
  completions(names, "SELECT * FROM ", "\"P");
  CHECK(asked == before);  // cached
  names.changed_by({"APPLY", "MIGRATION"});
  completions(names, "SELECT * FROM ", "\"P");
  CHECK(asked > before);  // a schema change forgets the names
  REQUIRE(names.bundle("People") != nullptr);
  CHECK(names.bundle("People")->fields == V{"zeta", "alpha"});
}

TEST_CASE("cli suggest: the nearest candidate, only when near enough") {
  const std::vector<std::string> commands = {"serve", "shell", "run", "exec", "check", "help"};
  CHECK(nearest("shel", commands) == "shell");
  CHECK(nearest("sevre", commands) == "serve");
  CHECK(nearest("CHECK", commands) == "check");
  CHECK(nearest("xyzzy", commands) == std::nullopt);
  CHECK(nearest("--prot", {"--port", "--host", "--db"}) == "--port");
}
