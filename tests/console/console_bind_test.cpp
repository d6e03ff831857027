// SPEC §12: `strata serve --http-port P` serves the console on P. A second console on the same
// port must fail to start (as a second TCP server does), not share the port with the first
// (SO_REUSEPORT) and get every other request.
#include <catch2/catch.hpp>

#include "common/auth_throttle.hpp"
#include "console/console.hpp"
#include "engine/engine.hpp"
#include "storage/temp_dir.hpp"

TEST_CASE("a second console cannot bind a port a console listens on", "[console]") {
  strata::storage::testing::TempDir dir;
  strata::engine::EngineOptions options;
  options.data_dir = dir.sub("data");
  auto engine = strata::engine::Engine::Open(options);
  REQUIRE(engine.ok());
  strata::AuthThrottle throttle;
  strata::console::Console first({}, **engine, throttle);
  REQUIRE(first.start().ok());
  strata::console::ConsoleOptions same;
  same.port = first.port();
  strata::console::Console second(same, **engine, throttle);
  const strata::Status st = second.start();
  CHECK(st.code() == strata::Code::kInvalidValue);
  CHECK(st.message().find("address in use") != std::string::npos);
  first.stop();
  // The port is free again once the first stops (SO_REUSEADDR: no wait for TIME_WAIT).
  strata::console::Console third(same, **engine, throttle);
  CHECK(third.start().ok());
}
