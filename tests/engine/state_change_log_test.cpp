// SPEC §6 Logs: one line per migration state change (START, APPLY, batches, ROLLBACK, RESET,
// DROP, FAILED), logged once its write committed, with the duration of APPLY and ROLLBACK.
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <regex>
#include <sstream>

#include "engine/exec_migration.hpp"
#include "engine/migration_harness.hpp"

using strata::engine::testing::MigrationHarness;

namespace {

// Points spdlog's default logger at a string while alive.
class CapturedLog {
 public:
  CapturedLog()
      : previous_(spdlog::default_logger()),
        sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)) {
    auto logger = std::make_shared<spdlog::logger>("captured", sink_);
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~CapturedLog() { spdlog::set_default_logger(previous_); }
  // The state-change lines logged since the last call.
  std::vector<std::string> take() {
    std::vector<std::string> out;
    std::istringstream in(text_.str());
    for (std::string line; std::getline(in, line);)
      if (line.find("migration state change") != std::string::npos) out.push_back(line);
    text_.str("");
    return out;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
};

const char* kBundle =
    "START MIGRATION CREATE BUNDLE \"B%\" WITH FIELDS ({\"a\", STRING, false, false}) COMMIT";

std::string start(int n) {
  std::string s = kBundle;
  return s.replace(s.find('%'), 1, std::to_string(n));
}

bool matches(const std::string& line, const std::string& pattern) {
  return std::regex_match(line, std::regex(pattern));
}

}  // namespace

TEST_CASE("migration state changes are logged once committed (SPEC 6 Logs)", "[engine]") {
  MigrationHarness h;
  CapturedLog log;
  const std::string head = "info migration state change: database 'prod' ";

  h.ok(start(1));
  CHECK(log.take() == std::vector<std::string>{head + "version 1 (new) -> PENDING by admin"});

  h.ok("APPLY MIGRATION WITH VERSION 1");
  auto lines = log.take();
  REQUIRE(lines.size() == 1);
  CHECK(matches(lines[0], head + "version 1 PENDING -> APPLIED by admin in \\d+ ms"));

  h.ok(start(2));
  h.ok(start(3));
  log.take();
  h.ok("APPLY PENDING MIGRATIONS");  // a batch: one line for its members
  lines = log.take();
  REQUIRE(lines.size() == 1);
  CHECK(matches(lines[0], head + "versions 2, 3 PENDING -> APPLIED by admin in \\d+ ms"));

  h.ok("APPLY ROLLBACK TO VERSION 1");
  lines = log.take();
  REQUIRE(lines.size() == 1);
  CHECK(matches(lines[0], head + "versions 3, 2 APPLIED -> ROLLED_BACK by admin in \\d+ ms"));

  h.ok("RESET MIGRATION WITH VERSION 3");
  CHECK(log.take() == std::vector<std::string>{head + "version 3 ROLLED_BACK -> PENDING by admin"});

  // A refused statement changes nothing and logs nothing.
  h.fail("APPLY MIGRATION WITH VERSION 3", "OUT_OF_ORDER");
  h.fail("DROP MIGRATION WITH VERSION 2", "OUT_OF_ORDER");
  CHECK(log.take().empty());

  h.ok("DROP MIGRATION WITH VERSION 3");
  CHECK(log.take() == std::vector<std::string>{head + "version 3 PENDING -> DROPPED by admin"});

  // FAILED, with the reason (the mark an APPLY that timed out or failed writes).
  h.ok("RESET MIGRATION WITH VERSION 2");
  log.take();
  strata::engine::FailedMarks::Mark mark{"prod", 2, "bob", "APPLY MIGRATION WITH VERSION 2",
                                         "migration timed out after 1s at command 1 of 1"};
  REQUIRE(strata::engine::write_failed_mark(h.engine(), mark).ok());
  CHECK(log.take() ==
        std::vector<std::string>{head + "version 2 PENDING -> FAILED by bob: migration timed "
                                        "out after 1s at command 1 of 1"});
}
