// Cancel and the session registry (SPEC §4.5, §6 "Cancel"): Engine::cancel_session stops
// another session's running statement at its next check — a SELECT streaming documents, an
// UPDATE, an APPLY — which then answers CANCELLED and changes nothing; a wrong key answers
// exactly like an unknown session; a cancel between statements does nothing; AUTH's answer
// carries the session's id and cancel key. And the timeout inside one command: a single UPDATE
// over 100,000+ indexed documents with MigrationTimeoutSeconds = 1 answers TIMEOUT within 2 s
// and changes nothing.

#include <catch2/catch.hpp>
#include <atomic>
#include <regex>
#include <string>
#include <thread>

#include "../../bench/cost_shapes.hpp"
#include "engine/engine_fixture.hpp"

namespace strata::engine {
namespace {

using strata::testing::must;
using strata::testing::open_engine;
using strata::testing::TempDir;

constexpr int kDocs = 60000;

// A database "d" whose bundle T holds kDocs documents (loaded by one migration).
std::unique_ptr<Engine> loaded(const TempDir& dir, Session* s) {
  auto e = open_engine(dir.sub("data"));
  *s = e->open_session("admin", ast::Role::kAdmin);
  must(*e, *s, "CREATE DATABASE \"d\"");
  must(*e, *s, "USE \"d\"");
  std::string m = "START MIGRATION CREATE BUNDLE \"T\" WITH FIELDS ({\"n\", INT, true, false}, "
                  "{\"v\", STRING, false, false});\n";
  for (int i = 0; i < kDocs; ++i) {
    m += "ADD DOCUMENT TO BUNDLE \"T\" WITH VALUES ({\"n\": " + std::to_string(i) +
         ", \"v\": \"some text to make documents less tiny\"});\n";
  }
  must(*e, *s, m + "COMMIT");
  must(*e, *s, "APPLY MIGRATION WITH VERSION 1 FORCE");
  return e;
}

// Runs `text` on `victim` in a thread while this thread cancels it over and over (a cancel
// that lands between statements does nothing, so one has to land during it). Returns the
// victim's answer.
Json cancelled_run(Engine& e, Session& victim, const std::string& text) {
  std::atomic<bool> done{false};
  Json answer;
  std::thread runner([&] {
    answer = e.execute_text(victim, text);
    done = true;
  });
  // CANCEL SESSION from a connection that never logged in: the key is the credential.
  Session canceller = e.open_session("", ast::Role::kReader);
  canceller.authenticated = false;
  const std::string cancel =
      "CANCEL SESSION " + std::to_string(victim.id) + " \"" + victim.cancel_key + "\"";
  while (!done) {
    Json sent = e.execute_text(canceller, cancel);
    REQUIRE(sent.value("message", "") == "Cancel request sent");
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  runner.join();
  return answer;
}

TEST_CASE("cancel: a running statement of another session stops with CANCELLED") {
  TempDir dir;
  Session admin;
  auto e = loaded(dir, &admin);
  Session victim = e->open_session("admin", ast::Role::kAdmin);
  must(*e, victim, "USE \"d\"");

  SECTION("a SELECT streaming documents") {
    Json r = cancelled_run(*e, victim, "SELECT * FROM \"T\"");
    INFO(r.dump().substr(0, 300));
    CHECK(r["error"]["code"] == "CANCELLED");
  }
  SECTION("an UPDATE: nothing changed") {
    Json r = cancelled_run(*e, victim, "UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = \"x\") WHERE n >= 0");
    CHECK(r["error"]["code"] == "CANCELLED");
    CHECK(must(*e, admin, "SELECT COUNT FROM \"T\" WHERE v == \"x\"")["ResultCount"] == 0);
  }
  SECTION("an APPLY: the migration stays PENDING, nothing visible") {
    std::string m = "START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"T\" (\"v\" = \"y\") WHERE n >= 0;"
                    " CREATE BUNDLE \"After\" WITH FIELDS ({\"a\", INT, false, false}) COMMIT";
    must(*e, admin, m);
    Json r = cancelled_run(*e, victim, "APPLY MIGRATION WITH VERSION 2 FORCE");
    INFO(r.dump().substr(0, 300));
    CHECK(r["error"]["code"] == "CANCELLED");
    CHECK(must(*e, admin, "SHOW MIGRATION 2")["migration"]["Status"] == "PENDING");
    CHECK(must(*e, admin, "SELECT COUNT FROM \"T\" WHERE v == \"y\"")["ResultCount"] == 0);
    CHECK(e->execute_text(admin, "SELECT * FROM \"After\"")["error"]["code"] ==
          "BUNDLE_NOT_FOUND");
    must(*e, victim, "APPLY MIGRATION WITH VERSION 2 FORCE");  // not cancelled: it runs
  }
  // The session goes on: a cancel affects only the statement it landed in.
  CHECK(must(*e, victim, "SELECT COUNT FROM \"T\"")["ResultCount"] == kDocs);
}

TEST_CASE("timeout: a single long UPDATE answers TIMEOUT within MigrationTimeoutSeconds + 1 s") {
  TempDir dir;
  auto e = open_engine(dir.sub("data"));
  Session s = e->open_session("admin", ast::Role::kAdmin);
  must(*e, s, "CREATE DATABASE \"d\"");
  must(*e, s, "USE \"d\"");
  // W1's bundle: email unique, name and age indexed; the UPDATE rewrites both indexed values
  // of every document.
  must(*e, s, strata::bench::w1_migration("W", 100000, true));
  must(*e, s, "APPLY MIGRATION WITH VERSION 1 FORCE");
  const std::string update = "START MIGRATION UPDATE DOCUMENTS IN BUNDLE \"W\" (\"name\" = "
                             "\"renamed\", \"age\" = 99) WHERE age >= 0 COMMIT";
  must(*e, s, update);
  // The UPDATE must take well over the timeout on its own (VALIDATE runs it, changing nothing):
  // on a fast machine, more documents (loaded in further migrations, up to 400,000).
  uint64_t version = 2;
  for (int documents = 100000;; documents += 100000) {
    const auto started = std::chrono::steady_clock::now();
    must(*e, s, "VALIDATE MIGRATION WITH VERSION " + std::to_string(version));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    INFO(documents << " documents: the UPDATE takes " << seconds << " s without a timeout");
    if (seconds >= 2.5 || documents >= 400000) {
      REQUIRE(seconds >= 1.5);
      break;
    }
    must(*e, s, "DROP MIGRATION WITH VERSION " + std::to_string(version));
    std::string more = "START MIGRATION\n";
    for (int i = documents; i < documents + 100000; ++i) {
      more += "ADD DOCUMENT TO BUNDLE \"W\" WITH VALUES ({\"id\":\"u" + std::to_string(i) +
              "\",\"email\":\"user" + std::to_string(i) + "@example.com\",\"name\":\"name " +
              std::to_string(i % 400) + "\",\"age\":" + std::to_string(18 + i % 70) + "});\n";
    }
    must(*e, s, more + "COMMIT");
    must(*e, s, "APPLY MIGRATION WITH VERSION " + std::to_string(version) + " FORCE");
    must(*e, s, update);
    version += 1;
  }
  const uint64_t documents =
      must(*e, s, "SELECT COUNT FROM \"W\"")["ResultCount"].get<uint64_t>();
  must(*e, s, "SET MigrationTimeoutSeconds = 1");
  const auto started = std::chrono::steady_clock::now();
  Json r =
      e->execute_text(s, "APPLY MIGRATION WITH VERSION " + std::to_string(version) + " FORCE");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(r.dump().substr(0, 300));
  WARN("TIMEOUT of one UPDATE over " << documents << " indexed documents answered after "
                                     << seconds << " s (MigrationTimeoutSeconds = 1)");
  CHECK(r["error"]["code"] == "TIMEOUT");
  CHECK(seconds < 2.0);
  // Nothing changed: the migration FAILED, no document renamed, the indexes as before.
  CHECK(must(*e, s, "SHOW MIGRATION " + std::to_string(version))["migration"]["Status"] ==
        "FAILED");
  CHECK(must(*e, s, "SELECT COUNT FROM \"W\" WHERE name == \"renamed\"")["ResultCount"] == 0);
  CHECK(must(*e, s, "SELECT COUNT FROM \"W\" WHERE age == 99")["ResultCount"] == 0);
  CHECK(must(*e, s, "SELECT COUNT FROM \"W\" WHERE age == 18")["ResultCount"] ==
        (documents + 69) / 70);
  CHECK(must(*e, s, "SELECT COUNT FROM \"W\"")["ResultCount"] == documents);
}

TEST_CASE("cancel: a wrong key answers like an unknown session; a closed session is unknown") {
  TempDir dir;
  auto e = open_engine(dir.sub("data"));
  Session s = e->open_session("admin", ast::Role::kAdmin);
  CHECK(std::regex_match(s.cancel_key, std::regex("[0-9a-f]{32}")));
  Session other = e->open_session("admin", ast::Role::kAdmin);
  CHECK(other.id != s.id);
  CHECK(other.cancel_key != s.cancel_key);

  Status wrong = e->cancel_session(s.id, other.cancel_key);
  Status unknown = e->cancel_session(s.id + 1000, s.cancel_key);
  CHECK(wrong.code() == Code::kPermissionDenied);
  CHECK(unknown.code() == Code::kPermissionDenied);
  CHECK(wrong.message() == "no session " + std::to_string(s.id) + " with that cancel key");
  CHECK(unknown.message() ==
        "no session " + std::to_string(s.id + 1000) + " with that cancel key");
  CHECK(e->cancel_session(s.id, s.cancel_key.substr(0, 31)).code() == Code::kPermissionDenied);
  Json refused = e->execute_text(other, "CANCEL SESSION " + std::to_string(s.id) + " \"" +
                                            other.cancel_key + "\"");
  CHECK(refused["error"]["code"] == "PERMISSION_DENIED");
  CHECK(refused["error"]["message"] ==
        "no session " + std::to_string(s.id) + " with that cancel key");

  // A cancel between statements does nothing to the next one.
  REQUIRE(e->cancel_session(s.id, s.cancel_key).ok());
  must(*e, s, "CREATE DATABASE \"x\"");

  e->close_session(s);
  CHECK(e->cancel_session(s.id, s.cancel_key).code() == Code::kPermissionDenied);
}

TEST_CASE("cancel: AUTH's answer carries the session's id and cancel key") {
  TempDir dir;
  auto e = open_engine(dir.sub("data"));
  REQUIRE(e->users().ensure_admin("pw-for-admin").ok());
  Session s = e->open_session("", ast::Role::kReader);
  s.authenticated = false;
  Json r = e->execute_text(s, "AUTH \"admin\" \"pw-for-admin\"");
  INFO(r.dump());
  REQUIRE(r.value("success", false));
  CHECK(r["session"]["id"] == s.id);
  CHECK(r["session"]["cancelKey"] == s.cancel_key);
  Json failed = e->execute_text(s, "AUTH \"admin\" \"wrong\"");
  CHECK_FALSE(failed.contains("session"));
}

TEST_CASE("cancel: an abandoned session's statements are refused") {
  TempDir dir;
  auto e = open_engine(dir.sub("data"));
  Session s = e->open_session("admin", ast::Role::kAdmin);
  s.interrupt->abandon();
  Json r = e->execute_text(s, "CREATE DATABASE \"x\"");
  CHECK(r["error"]["code"] == "CANCELLED");
  Session t = e->open_session("admin", ast::Role::kAdmin);
  CHECK(e->execute_text(t, "SHOW DATABASES")["Result"].empty());
}

}  // namespace
}  // namespace strata::engine
