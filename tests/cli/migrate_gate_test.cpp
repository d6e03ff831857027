// `strata migrate validate` as the CI gate SPEC §7 makes it, on the real binary with an
// embedded store: it refuses what `apply` would refuse — a file that does not validate
// against the database, an empty skeleton, a gap in the numbering, a ledger version whose
// file is missing — and leaves the ledger as it found it; after a rollback, validate and
// `apply --dry-run` judge what apply would do (reset the rolled-back versions, then apply).
// Also: a negative --to, the data impact of a rollback plan, the wording of status for a
// PENDING version whose file changed, and a migration file saved with a byte order mark.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>

#include "cli/shell_fixture.hpp"

using namespace strata::cli::testing;

namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool has_row(const std::string& text, const std::string& pattern) {
  return std::regex_search(text, std::regex(pattern));
}

// A folder and an embedded store with the database "app".
struct Repo {
  strata::server::testing::TempDir scratch;
  std::string root = scratch.path(), dir = root + "/migrations", data = root + "/data";

  Repo() {
    std::filesystem::create_directories(dir);
    const Ran created =
        run_strata(root, {"exec", "--data", data, "-"}, "CREATE DATABASE \"app\";\n");
    REQUIRE(created.code == 0);
  }
  Ran migrate(std::vector<std::string> args) {
    args.insert(args.begin(), "migrate");
    args.insert(args.end(), {"--dir", dir, "--data", data, "--db", "app"});
    Ran r = run_strata(root, args);
    INFO("strata migrate " << args[1] << "\nstdout:\n" << r.out << "stderr:\n" << r.err);
    return r;
  }
  void file(const std::string& name, const std::string& text) {
    write_text(dir + "/" + name, text);
  }
  // 001_a and 002_b applied, then 002_b rolled back.
  void apply_then_roll_back_to_1();
  // SHOW MIGRATIONS' answer.
  std::string ledger() {
    return run_strata(root, {"exec", "--data", data, "-"}, "USE \"app\";\nSHOW MIGRATIONS;\n").out;
  }
};

const char* const kBundleA = "CREATE BUNDLE \"A\" WITH FIELDS ({\"a\", INT, false, false});\n";
const char* const kBundleB = "CREATE BUNDLE \"B\" WITH FIELDS ({\"b\", INT, false, false});\n";
// Needs the bundle B of 002_b.
const char* const kFieldOnB = "UPDATE BUNDLE \"B\" ADD FIELD {\"c\", INT, false, false};\n";
const char* const kNope = "UPDATE BUNDLE \"Nope\" ADD FIELD {\"x\", INT, false, false};\n";

void Repo::apply_then_roll_back_to_1() {
  file("001_a.sql", kBundleA);
  file("002_b.sql", kBundleB);
  REQUIRE(migrate({"apply"}).code == 0);
  REQUIRE(migrate({"rollback", "--to", "1", "--yes"}).code == 0);
}

}  // namespace

TEST_CASE("cli: migrate validate refuses what apply refuses, and leaves the ledger as it was") {
  Repo r;
  // A new file that does not validate against the database: FAIL where it is, exit 1.
  r.file("001_bad.sql", kNope);
  const std::string before = r.ledger();
  Ran validate = r.migrate({"validate"});
  CHECK(validate.code == 1);
  CHECK(has(validate.out,
            "001_bad: FAIL\n  " + r.dir + "/001_bad.sql:1:1: error: Bundle 'Nope' does not exist"));
  CHECK(r.ledger() == before);  // started, validated and dropped again
  CHECK(has_row(r.migrate({"status"}).out, "1 +001_bad +not started +not yet started"));
  CHECK(r.migrate({"apply"}).code == 1);
  REQUIRE(run_strata(r.root, {"exec", "--data", r.data, "-"},
                     "USE \"app\";\nDROP MIGRATION WITH VERSION 1;\n")
              .code == 0);
  std::filesystem::remove(r.dir + "/001_bad.sql");

  // A good new file passes, and is not started either.
  r.file("001_a.sql", kBundleA);
  validate = r.migrate({"validate"});
  CHECK(validate.code == 0);
  CHECK(has(validate.out, "001_a: PASS"));
  CHECK(has_row(r.migrate({"status"}).out, "1 +001_a +not started +not yet started"));
  REQUIRE(r.migrate({"apply"}).code == 0);

  // The skeleton `migrate new` writes has no command: START would refuse it.
  REQUIRE(run_strata(r.root, {"migrate", "new", "x", "--dir", r.dir}).code == 0);
  validate = r.migrate({"validate"});
  CHECK(validate.code == 1);
  CHECK(has(validate.err, r.dir + "/002_x.sql:2:1: error: migration must contain at least one "
                                  "command"));
  Ran apply = r.migrate({"apply"});
  CHECK(apply.code == 1);
  CHECK(has(apply.err, "002_x.sql:2:1: error: migration must contain at least one command"));
  std::filesystem::remove(r.dir + "/002_x.sql");

  // A gap in the numbering: version 2 is nowhere, 003 cannot be started.
  r.file("003_b.sql", kBundleB);
  validate = r.migrate({"validate"});
  CHECK(validate.code == 1);
  CHECK(has(validate.err, r.dir + "/003_b.sql: version 3, but the next version is 2"));
  apply = r.migrate({"apply"});
  CHECK(apply.code == 1);
  CHECK(has(apply.err, "the next version is 2"));
  CHECK(!has(apply.out, "started"));
  std::filesystem::rename(r.dir + "/003_b.sql", r.dir + "/002_b.sql");
  CHECK(r.migrate({"validate"}).code == 0);
}

TEST_CASE("cli: migrate apply and validate exit 1 when a version's file is missing") {
  Repo r;
  r.file("001_a.sql", kBundleA);
  r.file("002_b.sql", kBundleB);
  REQUIRE(r.migrate({"apply"}).code == 0);
  std::filesystem::rename(r.dir + "/002_b.sql", r.root + "/002_b.sql");
  for (const char* command : {"apply", "validate"}) {
    INFO(command);
    const Ran ran = r.migrate({command});
    CHECK(ran.code == 1);
    CHECK(has(ran.err, "002_b is APPLIED in the ledger, but its file is missing from " + r.dir));
  }
  CHECK(r.migrate({"status"}).code == 1);
  std::filesystem::rename(r.root + "/002_b.sql", r.dir + "/002_b.sql");

  // A PENDING version (started by a dry run) whose file is gone.
  r.file("003_c.sql", kFieldOnB);
  REQUIRE(r.migrate({"apply", "--dry-run"}).code == 0);
  std::filesystem::remove(r.dir + "/003_c.sql");
  for (const char* command : {"apply", "validate"}) {
    INFO(command);
    const Ran ran = r.migrate({command});
    CHECK(ran.code == 1);
    CHECK(has(ran.err, "003_c is PENDING in the ledger, but its file is missing"));
  }
}

TEST_CASE("cli: after a rollback, validate and apply --dry-run judge what apply would do") {
  Repo r;
  r.apply_then_roll_back_to_1();
  // 003 needs what 002 (rolled back, reset again by apply) creates.
  r.file("003_c.sql", kFieldOnB);
  const std::string before = r.ledger();
  Ran validate = r.migrate({"validate"});
  CHECK(validate.code == 0);
  CHECK(has(validate.out, "002_b: PASS"));
  CHECK(has(validate.out, "003_c: PASS"));
  CHECK(!has(validate.out + validate.err, "ROLLED_BACK"));
  CHECK(r.ledger() == before);
  Ran status = r.migrate({"status"});
  CHECK(has_row(status.out, "2 +002_b +rolled back"));
  CHECK(has_row(status.out, "3 +003_c +not started +not yet started"));

  // A file that does fail is shown where it is, under its own name.
  r.file("003_c.sql", kNope);
  validate = r.migrate({"validate"});
  CHECK(validate.code == 1);
  CHECK(has(validate.out, "002_b: PASS"));
  CHECK(has(validate.out,
            "003_c: FAIL\n  " + r.dir + "/003_c.sql:1:1: error: Bundle 'Nope' does not exist"));
  CHECK(r.ledger() == before);
  r.file("003_c.sql", kFieldOnB);

  Ran dry = r.migrate({"apply", "--dry-run"});
  CHECK(dry.code == 0);
  CHECK(has(dry.out, "002_b: rolled back, reset to PENDING"));
  CHECK(has(dry.out, "003_c: PASS"));
  Ran apply = r.migrate({"apply"});
  CHECK(apply.code == 0);
  CHECK(has(apply.out, "003_c: applied"));
}

TEST_CASE("cli: a PENDING version above a rolled-back one: validate says why it cannot judge") {
  Repo r;
  r.apply_then_roll_back_to_1();
  // Version 3 started by hand while 2 is ROLLED_BACK.
  r.file("003_c.sql",
         "START MIGRATION VERSION 3 NAME \"003_c\"\n  " + std::string(kFieldOnB) + "COMMIT\n");
  REQUIRE(run_strata(r.root, {"exec", "--data", r.data, "-"},
                     "USE \"app\";\n" + read_text(r.dir + "/003_c.sql"))
              .code == 0);
  Ran validate = r.migrate({"validate"});
  CHECK(validate.code == 1);
  CHECK(has(validate.err, "003_c is PENDING above 002_b, which is ROLLED_BACK"));
  // apply --dry-run resets 2, as apply would, and judges 3 after it.
  Ran dry = r.migrate({"apply", "--dry-run"});
  CHECK(dry.code == 0);
  CHECK(has(dry.out, "003_c: PASS"));
}

TEST_CASE("cli: a finding about the whole migration points at the file's START") {
  Repo r;
  REQUIRE(run_strata(r.root, {"exec", "--data", r.data, "-"},
                     "USE \"app\";\nSET RequireExplicitDownCommands = true;\n")
              .code == 0);
  r.file("001_a.sql", "-- a\n\nSTART MIGRATION VERSION 1 NAME \"001_a\"\n  " +
                          std::string(kBundleA) + "COMMIT\n");
  Ran validate = r.migrate({"validate"});
  CHECK(has(validate.out, r.dir + "/001_a.sql:3:1: warning: RequireExplicitDownCommands is true"));
  CHECK(!has(validate.out, "version 1:"));
}

TEST_CASE("cli: a negative --to is a usage error") {
  Repo r;
  r.file("001_a.sql", kBundleA);
  Ran apply = r.migrate({"apply", "--to", "-1"});
  CHECK(apply.code == 2);
  CHECK(has(apply.err, "--to: a version is a number, 0 or higher (got -1)"));
  CHECK(has_row(r.migrate({"status"}).out, "1 +001_a +not started"));
  REQUIRE(r.migrate({"apply"}).code == 0);
  Ran rollback = r.migrate({"rollback", "--to=-1", "--yes"});
  CHECK(rollback.code == 2);
  CHECK(has(rollback.err, "--to: a version is a number, 0 or higher (got -1)"));
  CHECK(has_row(r.migrate({"status"}).out, "1 +001_a +applied"));
}

TEST_CASE("cli: migrate rollback shows the data impact of its plan") {
  Repo r;
  r.file("001_users.sql",
         "CREATE BUNDLE \"Users\" WITH FIELDS ({\"email\", STRING, true, true});\n");
  r.file("002_phone.sql", "UPDATE BUNDLE \"Users\" ADD FIELD {\"phone\", STRING, false, false};\n");
  r.file(
      "003_seed.sql",
      "ADD DOCUMENT TO BUNDLE \"Users\" WITH VALUES ({\"email\": \"a@x\", \"phone\": \"1\"});\n");
  r.file("004_temp.sql", "CREATE BUNDLE \"Temp\" WITH FIELDS ({\"t\", INT, false, false});\n");
  REQUIRE(r.migrate({"apply"}).code == 0);
  Ran plan = r.migrate({"rollback", "--to", "1", "--dry-run"});
  CHECK(plan.code == 0);
  CHECK(has(plan.out, "\nData impact:\n"));
  CHECK(has(plan.out, "\n  bundles dropped: Temp\n"));
  CHECK(has(plan.out, "\n  fields removed: Users.phone\n"));
  CHECK(has(plan.out, "\n  documents deleted: 1\n"));
  CHECK(has(plan.out, "\n  values removed: "));
  CHECK(has(plan.out, "\n  estimated data loss: "));
}

TEST_CASE("cli: migrate status says a PENDING version's file changed after it was started") {
  Repo r;
  r.file("001_a.sql", kBundleA);
  REQUIRE(r.migrate({"apply", "--dry-run"}).code == 0);  // started: PENDING
  r.file("001_a.sql", kBundleB);
  Ran status = r.migrate({"status"});
  CHECK(status.code == 1);
  CHECK(has_row(status.out, "1 +001_a +pending .*changed after it was started"));
  CHECK(!has(status.out, "changed after apply"));
  CHECK(has(r.migrate({"apply"}).err, "001_a.sql: changed after it was started"));
}

TEST_CASE("cli: a migration file saved with a byte order mark") {
  Repo r;
  r.file("001_a.sql", "\xEF\xBB\xBF" + std::string(kBundleA));
  r.file("002_b.sql", "\xEF\xBB\xBF-- b\nSTART MIGRATION VERSION 2 NAME \"002_b\"\n" +
                          std::string(kBundleB) + "COMMIT\n");
  CHECK(r.migrate({"status"}).code == 0);
  CHECK(r.migrate({"validate"}).code == 0);
  Ran apply = r.migrate({"apply"});
  CHECK(apply.code == 0);
  CHECK(has(apply.out, "002_b: applied"));
  // Positions count from the byte after the mark.
  r.file("003_c.sql", "\xEF\xBB\xBF" + std::string(kNope));
  CHECK(has(r.migrate({"validate"}).out, r.dir + "/003_c.sql:1:1: error: Bundle 'Nope'"));
}
