// `strata migrate` (SPEC §7, §4.14) on the real binary, as a team keeps migrations in its
// repository: new, status, apply, apply again (a no-op), a reformatted file (no change), an
// edited applied file (exit 1 naming it and both checksums), validate failing (exit 1), a
// rollback and the re-apply of the rolled-back files; embedded (--data) and against a server,
// where --batch applies everything or nothing.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <regex>

#include "cli/shell_fixture.hpp"

using namespace strata::cli::testing;

namespace {

const char* const kUsers =
    "-- 001_create_users\n"
    "START MIGRATION VERSION 1 NAME \"001_create_users\"\n"
    "  CREATE BUNDLE \"Users\" WITH FIELDS ({\"email\", STRING, true, true},"
    " {\"name\", STRING, false, false});\n"
    "COMMIT\n";
// A file holding only the commands: the body of its migration.
const char* const kPhone = "UPDATE BUNDLE \"Users\" ADD FIELD {\"phone\", STRING, false, false};\n";
const char* const kSeed =
    "START MIGRATION VERSION 3 NAME \"003_seed\"\n"
    "  ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"email\": \"ada@x\", \"phone\": \"1\"});\n"
    "COMMIT\n";
const char* const kBad =
    "UPDATE BUNDLE \"Nope\" ADD FIELD {\"x\", STRING, false, false};\n";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A row of `strata migrate status`: the cells in order, separated by column padding.
bool has_row(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern));
}

size_t hex64_count(const std::string& text) {
  static const std::regex hex("[0-9a-f]{64}");
  return std::distance(std::sregex_iterator(text.begin(), text.end(), hex),
                       std::sregex_iterator());
}

}  // namespace

TEST_CASE("cli: strata migrate embedded: new, status, apply twice, edits, validate, rollback") {
  strata::server::testing::TempDir scratch;
  const std::string root = scratch.path(), dir = root + "/migrations", data = root + "/data";
  REQUIRE(run_strata(root, {"exec", "--data", data, "-"}, "CREATE DATABASE \"app\";\n").code == 0);
  const std::vector<std::string> conn = {"--dir", dir, "--data", data, "--db", "app"};
  auto migrate = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "migrate");
    args.insert(args.end(), conn.begin(), conn.end());
    Ran r = run_strata(root, args);
    INFO("strata migrate " << args[1] << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
  };

  for (const char* name : {"create_users", "add_phone", "seed"}) {
    const Ran made = run_strata(root, {"migrate", "new", name, "--dir", dir});
    REQUIRE(made.code == 0);
  }
  REQUIRE(std::filesystem::exists(dir + "/002_add_phone.sql"));
  CHECK(has(read_text(dir + "/002_add_phone.sql"),
            "START MIGRATION VERSION 2 NAME \"002_add_phone\""));
  write_text(dir + "/001_create_users.sql", kUsers);
  write_text(dir + "/002_add_phone.sql", kPhone);
  write_text(dir + "/003_seed.sql", kSeed);

  Ran status = migrate({"status"});
  CHECK(status.code == 0);
  CHECK(has_row(status.out, "3 +003_seed +not started +not yet started"));

  Ran apply = migrate({"apply"});
  REQUIRE(apply.code == 0);
  CHECK(has(apply.out, "001_create_users: applied"));
  CHECK(has(apply.out, "003_seed: applied"));
  Ran again = migrate({"apply"});
  CHECK(again.code == 0);
  CHECK(has(again.out, "nothing to apply: the database is at version 3"));
  CHECK(!has(again.out, "started"));

  // Formatting and comments are not changes.
  write_text(dir + "/002_add_phone.sql",
             "-- reformatted\nUPDATE BUNDLE \"Users\"\n   ADD FIELD {\"phone\",STRING,false,false}\n");
  CHECK(migrate({"status"}).code == 0);
  CHECK(migrate({"apply"}).code == 0);

  // An edit of an applied file stops everything.
  write_text(dir + "/002_add_phone.sql",
             "UPDATE BUNDLE \"Users\" ADD FIELD {\"phone\", STRING, false, true};\n");
  write_text(dir + "/004_more.sql",
             "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"email\": \"bob@x\"});\n");
  Ran edited = migrate({"apply"});
  CHECK(edited.code == 1);
  CHECK(has(edited.err, dir + "/002_add_phone.sql: changed after apply"));
  CHECK(hex64_count(edited.err) == 2);
  status = migrate({"status"});
  CHECK(status.code == 1);
  CHECK(has(status.out, "changed after apply"));
  CHECK(has_row(status.out, "4 +004_more +not started +not yet started"));
  write_text(dir + "/002_add_phone.sql", kPhone);
  std::filesystem::remove(dir + "/004_more.sql");

  // A file that fails validation: apply refuses it (it stays PENDING), validate exits 1.
  write_text(dir + "/004_bad.sql", kBad);
  Ran refused = migrate({"apply"});
  CHECK(refused.code == 1);
  CHECK(has(refused.err, "004_bad: VALIDATION_FAILED"));
  // Every error at its place in the file (a commands-only file: command 1 is on line 1).
  CHECK(has(refused.err, dir + "/004_bad.sql:1:1: error: Bundle 'Nope' does not exist "
                               "(semantic phase)"));
  Ran validate = migrate({"validate"});
  CHECK(validate.code == 1);
  CHECK(has(validate.out, "004_bad: FAIL\n"));
  CHECK(has(validate.out, dir + "/004_bad.sql:1:1: error: Bundle 'Nope' does not exist"));
  REQUIRE(run_strata(root, {"exec", "--data", data, "-"},
                     "USE \"app\";\nDROP MIGRATION WITH VERSION 4;\n").code == 0);
  std::filesystem::remove(dir + "/004_bad.sql");
  CHECK(migrate({"validate"}).code == 0);

  // Rollback, then apply brings the rolled-back files back, in order.
  Ran rollback = migrate({"rollback", "--to", "1", "--yes"});
  CHECK(rollback.code == 0);
  CHECK(has(rollback.out, "reverses versions 3 2"));
  CHECK(has(rollback.out, "REMOVE FIELD \"phone\""));
  status = migrate({"status"});
  CHECK(status.code == 0);
  CHECK(has_row(status.out, "2 +002_add_phone +rolled back"));
  Ran reapply = migrate({"apply"});
  CHECK(reapply.code == 0);
  CHECK(has(reapply.out, "002_add_phone: rolled back, reset to PENDING"));
  CHECK(has(reapply.out, "003_seed: applied"));
  status = migrate({"status", "--json"});
  CHECK(status.code == 0);
  size_t applied = 0;
  std::istringstream lines(status.out);
  for (std::string line; std::getline(lines, line);) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j["file"] == "ok");
    if (j["state"] == "applied") ++applied;
  }
  CHECK(applied == 3);
  const Ran rows = run_strata(root, {"exec", "--data", data, "-"},
                              "USE \"app\";\nSELECT COUNT FROM \"Users\";\n");
  CHECK(has(rows.out, "\"ResultCount\":1"));

  // Warnings: validate passes and shows them where they are; apply refuses, showing them and
  // how to go on; --force applies.
  write_text(dir + "/004_index.sql",
             "-- an index over the existing users\n"
             "START MIGRATION VERSION 4 NAME \"004_index\"\n"
             "  CREATE INDEX \"by_name\" BTREE ON BUNDLE \"Users\" WITH FIELDS (\"name\");\n"
             "COMMIT\n");
  const std::string warning = dir + "/004_index.sql:3:3: warning: Index rebuild required: "
                              "index 'by_name' is built over 1 existing document "
                              "(performance phase)";
  Ran warned = migrate({"apply"});
  CHECK(warned.code == 1);
  CHECK(has(warned.err, "004_index: WARNINGS_REQUIRE_FORCE"));
  CHECK(has(warned.err, warning));
  CHECK(has(warned.err, "run it again with --force"));
  validate = migrate({"validate"});
  CHECK(validate.code == 0);
  CHECK(has(validate.out, "004_index: PASS_WITH_WARNINGS (apply needs --force)\n  " + warning));
  CHECK(migrate({"apply", "--force"}).code == 0);
  CHECK(has_row(migrate({"status"}).out, "4 +004_index +applied"));

  // A rollback target at or above the current version says where the database is.
  Ran above = migrate({"rollback", "--to", "4", "--yes"});
  CHECK(above.code == 1);
  CHECK(has(above.err, "INVALID_TARGET_VERSION"));
  CHECK(has(above.err, "the database is at version 4; --to must be lower"));

  // Usage errors exit 2.
  CHECK(run_strata(root, {"migrate", "status", "--dir", dir, "--data", data}).code == 2);
  // A --data typo makes no empty store; an unknown --db says how to create it.
  const Ran typo_data =
      run_strata(root, {"migrate", "apply", "--dir", dir, "--data", root + "/dta", "--db", "app"});
  CHECK(typo_data.code == 2);
  CHECK(has(typo_data.err, "no store there"));
  CHECK(has(typo_data.err, "create it first, e.g. strata exec --data " + root + "/dta"));
  CHECK(!std::filesystem::exists(root + "/dta"));
  const Ran no_db =
      run_strata(root, {"migrate", "status", "--dir", dir, "--data", data, "--db", "ap"});
  CHECK(no_db.code == 2);
  CHECK(has(no_db.err, "DATABASE_NOT_FOUND"));
  CHECK(has(no_db.err, "create it first, e.g. strata exec --data " + data +
                           " - <<< 'CREATE DATABASE \"ap\";'"));
  const Ran typo = run_strata(root, {"migrate", "aply"});
  CHECK(typo.code == 2);
  CHECK(has(typo.err, "strata migrate: unknown command 'aply'; did you mean apply?"));
  const Ran flag = run_strata(root, {"migrate", "apply", "--dry-rn"});
  CHECK(flag.code == 2);
  CHECK(has(flag.err, "strata migrate apply: unknown option '--dry-rn'; did you mean --dry-run?"));
  write_text(dir + "/5-bad-name.sql", "PING");
  CHECK(migrate({"status"}).code == 2);
}

TEST_CASE("cli: strata migrate against a server: a failing batch applies nothing, --batch") {
  ShellFixture f;
  const std::string dir = f.dir() + "/migrations";
  std::filesystem::create_directories(dir);
  const std::vector<std::string> conn = {"--dir", dir, "--port", f.port(), "--password-env",
                                         "TEST_PW", "--db", "main"};
  auto migrate = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "migrate");
    args.insert(args.end(), conn.begin(), conn.end());
    Ran r = run_strata(f.dir(), args, "", {"TEST_PW=admin-pw"});
    INFO("strata migrate " << args[1] << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
  };
  write_text(dir + "/001_create_users.sql", kUsers);
  write_text(dir + "/002_add_phone.sql", kPhone);
  write_text(dir + "/003_bad.sql", kBad);

  Ran dry = migrate({"apply", "--dry-run"});
  CHECK(dry.code == 1);
  CHECK(has(dry.out, "001_create_users: PASS"));
  const std::string error = dir + "/003_bad.sql:1:1: error: Bundle 'Nope' does not exist";
  CHECK(has(dry.out, "003_bad: FAIL\n  " + error));

  Ran batch = migrate({"apply", "--batch"});
  CHECK(batch.code == 1);
  CHECK(has(batch.err, "batch not applied: migration version 3"));
  CHECK(has(batch.err, error));
  Ran shown = f.run("SHOW MIGRATIONS WHERE Status == \"APPLIED\";\nSHOW BUNDLES;\n");
  CHECK(has(shown.out, "\"currentVersion\":0"));
  CHECK(has(shown.out, "\"ResultCount\":0"));

  f.play("DROP MIGRATION WITH VERSION 3;\n");
  write_text(dir + "/003_seed.sql", kSeed);
  std::filesystem::remove(dir + "/003_bad.sql");
  batch = migrate({"apply", "--batch"});
  CHECK(batch.code == 0);
  CHECK(has(batch.out, "versions 1..3: applied as one batch"));
  Ran status = migrate({"status"});
  CHECK(status.code == 0);
  CHECK(has(status.out, "BATCH"));
  shown = f.run("SHOW MIGRATIONS WHERE Batch == 1;\n");
  CHECK(has(shown.out, "\"currentVersion\":3"));
  CHECK(has(shown.out, "\"Status\":\"APPLIED\",\"Version\":3"));
  CHECK(migrate({"apply"}).code == 0);

  CHECK(migrate({"rollback", "--to", "0", "--yes"}).code == 0);
  Ran reapply = migrate({"apply", "--json"});
  CHECK(reapply.code == 0);
  size_t steps = 0;
  std::istringstream lines(reapply.out);
  for (std::string line; std::getline(lines, line); ++steps) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j["response"]["success"] == true);
  }
  CHECK(steps == 6);  // three RESETs, three APPLYs
  shown = f.run("SELECT COUNT FROM \"Users\";\n");
  CHECK(has(shown.out, "\"ResultCount\":1"));
}

TEST_CASE("cli: the README's strata migrate example works as printed") {
  const std::string readme = read_text(std::string(STRATA_SOURCE_DIR) + "/README.md");
  const size_t marker = readme.find("<!-- migrate-example");
  REQUIRE(marker != std::string::npos);
  const size_t script_at = readme.find("```sh\n", marker) + 6;
  const std::string script = readme.substr(script_at, readme.find("```\n", script_at) - script_at);
  const size_t printed_at = readme.find("```\n", readme.find("What it prints", marker)) + 4;
  const std::string printed =
      readme.substr(printed_at, readme.find("```\n", printed_at) - printed_at);

  strata::server::testing::TempDir scratch;
  write_text(scratch.path() + "/example.sh", script);
  const std::string bin = std::filesystem::path(STRATA_BINARY).parent_path().string();
  const std::string command = "cd " + scratch.path() + " && PATH=" + bin +
                              ":$PATH bash -e example.sh > out.txt 2>&1";
  const int status = std::system(command.c_str());
  const std::string out = read_text(scratch.path() + "/out.txt");
  INFO(out);
  CHECK(status == 0);
  std::istringstream lines(printed);
  size_t checked = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("…") != std::string::npos || line.find("T10:") != std::string::npos) {
      // shortened checksums and times: the stable part must be there
      const std::string head = line.substr(0, line.find_first_of("…0123456789", 20));
      CHECK(out.find(head.substr(0, 40)) != std::string::npos);
      continue;
    }
    CHECK(out.find(line) != std::string::npos);
    ++checked;
  }
  CHECK(checked > 20);
}
