// Approvals in cluster mode (SPEC §4.13, §11): the HMAC secret that signs approval tokens is
// created in the store at its first use. Two servers minting their first tokens at the same
// moment must end up with one secret, so that a token approved through one server is accepted
// by an APPLY through the other. Each round starts both servers over a fresh (empty) store on
// the same etcd members and races two APPROVEs, one through each server.
#include <catch2/catch.hpp>
#include <string>

#include "server/cluster_servers.hpp"

using namespace strata::server::testing;

namespace {

std::string create_bundle(int version) {
  const std::string v = std::to_string(version);
  return "START MIGRATION WITH DESCRIPTION \"v" + v + "\" CREATE BUNDLE \"B" + v +
         "\" WITH FIELDS ({\"n\", INT, false, false}) COMMIT";
}

}  // namespace

TEST_CASE("cluster approvals: the first tokens minted at once on two servers are accepted by both") {
  const int rounds = std::getenv("STRATA_CLUSTER_FULL") ? 10 : 4;
  TwoServers s;
  for (int round = 0; round < rounds; ++round) {
    INFO("round " << round);
    if (round > 0) s.fresh_store();
    auto a = s.connect(0);
    REQUIRE(succeeded(ask(*a, "CREATE DATABASE \"ap\"")));
    REQUIRE(succeeded(ask(*a, "USE \"ap\"")));
    REQUIRE(succeeded(ask(*a, "SET RequireApproval = true")));
    REQUIRE(succeeded(ask(*a, "SET ApprovalSelfAllowed = true")));
    REQUIRE(succeeded(ask(*a, create_bundle(1))));
    REQUIRE(succeeded(ask(*a, create_bundle(2))));
    auto b = s.connect(1, "ap");
    // The race: no approval secret exists yet; each server creates it for its first token.
    const auto approved = ask_at_once(
        {a.get(), b.get()},
        {"APPROVE MIGRATION WITH VERSION 1 FORCE", "APPROVE MIGRATION WITH VERSION 2 FORCE"});
    INFO("A approved: " << approved[0].dump() << "\nB approved: " << approved[1].dump());
    REQUIRE(succeeded(approved[0]));
    REQUIRE(succeeded(approved[1]));
    const std::string token_a = approved[0]["approval"].value("token", "");
    const std::string token_b = approved[1]["approval"].value("token", "");
    // Each token is accepted by an APPLY through the other server.
    json applied_on_b =
        ask(*b, "APPLY MIGRATION WITH VERSION 1 FORCE WITH APPROVAL " + quoted(token_a));
    INFO("B applied A's token: " << applied_on_b.dump());
    CHECK(succeeded(applied_on_b));
    json applied_on_a =
        ask(*a, "APPLY MIGRATION WITH VERSION 2 FORCE WITH APPROVAL " + quoted(token_b));
    INFO("A applied B's token: " << applied_on_a.dump());
    CHECK(succeeded(applied_on_a));
  }
}
