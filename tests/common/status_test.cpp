#include "common/status.hpp"

#include "common/status_details.hpp"

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

TEST_CASE("status details travel with copies and merge by key", "[common]") {
  Status plain(Code::kOutOfOrder, "out of order");
  CHECK(strata::details_of(plain).empty());
  Status detailed = strata::with_details(plain, strata::Json{{"version", 7}, {"nextVersion", 3}});
  CHECK(strata::details_of(plain).empty());  // the original is unchanged
  Status copy = detailed;
  CHECK(strata::details_of(copy) == strata::Json{{"version", 7}, {"nextVersion", 3}});
  Status more = strata::with_details(copy, strata::Json{{"version", 8}, {"batch", {1, 2}}});
  CHECK(strata::details_of(more) ==
        strata::Json{{"version", 8}, {"nextVersion", 3}, {"batch", {1, 2}}});
  CHECK(strata::details_of(copy)["version"] == 7);
  CHECK(more.code() == Code::kOutOfOrder);
  CHECK(more.message() == "out of order");
  CHECK(strata::details_of(strata::with_details(Status::Ok(), strata::Json{{"x", 1}})).empty());
}
