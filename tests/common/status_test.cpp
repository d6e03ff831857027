#include "common/status.hpp"

#include <catch2/catch.hpp>

using strata::Code;
using strata::Status;

TEST_CASE("status codes have stable wire names", "[common]") {
  CHECK(strata::code_name(Code::kSyntaxError) == "SYNTAX_ERROR");
  CHECK(strata::code_name(Code::kNoActiveDatabase) == "NO_ACTIVE_DATABASE");
  CHECK(strata::code_name(Code::kWarningsRequireForce) == "WARNINGS_REQUIRE_FORCE");
  CHECK(strata::code_type(Code::kNoActiveDatabase) == "SESSION");
}

TEST_CASE("status and result carry errors", "[common]") {
  Status ok;
  CHECK(ok.ok());
  Status bad(Code::kBundleNotFound, "Bundle 'Users' does not exist");
  CHECK(!bad.ok());
  CHECK(bad.ToString() == "BUNDLE_NOT_FOUND: Bundle 'Users' does not exist");
  strata::Result<int> r = 3;
  CHECK(r.ok());
  CHECK(*r == 3);
  strata::Result<int> e = bad;
  CHECK(!e.ok());
  CHECK(e.status().code() == Code::kBundleNotFound);
}
