#pragma once
// Approvals (SPEC §4.13): APPROVE MIGRATION WITH VERSION n FORCE, APPROVE MIGRATIONS UP TO
// VERSION n FORCE (or APPROVE PENDING MIGRATIONS FORCE) and APPROVE ROLLBACK TO VERSION t
// [FORCE] issue a token; with RequireApproval = true, APPLY MIGRATION … FORCE, APPLY
// MIGRATIONS … FORCE / APPLY PENDING MIGRATIONS FORCE and APPLY ROLLBACK … must carry one
// (`WITH APPROVAL "token"`). A batch needs ONE token, for the batch (action MIGRATIONS, its
// highest member, the plan: every member and its checksum), not one per member.
// A token given where none is needed is never ignored: it is checked all the same (so a
// token on an APPLY that RequireApproval does not ask to approve is still spent), and one on
// an APPLY MIGRATION(S) without FORCE, which nothing approves, is refused.
//
// A token is `<payload>.<mac>`: the payload (base64 of compact JSON) names the database (name
// and id), the action (MIGRATION / ROLLBACK), the version, FORCE, the checksum of the exact
// plan approved, the approver, the expiry and a random nonce; the mac is HMAC-SHA256 of the
// payload under a server secret that is created once in the store (Space::kSystem) and never
// shown. An APPLY checks a token in two steps: `ApprovalCheck::begin` before any work (the
// mac, database, action, version, FORCE, expiry, the nonce not yet spent, four eyes), then
// `match_plan` once the plan is known (a migration's checksum; for a rollback the DOWN lists
// and conflicts, as VALIDATE ROLLBACK shows them). `spend` records the nonce in the ledger in
// the APPLY's own write, so a token is used at most once and only by an APPLY that committed.
// Errors: APPROVAL_REQUIRED (needed, none given), APPROVAL_INVALID (saying which check failed).
// Thread-safety: as Engine::execute. The secret's creation is serialized by a mutex in a
// process and is a create-if-absent commit across the servers of a cluster (one secret wins).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "engine/engine.hpp"
#include "engine/write_context.hpp"

namespace strata::engine {

// APPROVE MIGRATION WITH VERSION n FORCE: {"approval":{token, action, target, force,
// planChecksum, approvedBy, expiresAt}}. The migration must exist and be PENDING.
Status exec_approve_migration(Engine& e, Session& s, const ast::ApproveMigration& x, Json* out);
// APPROVE MIGRATIONS UP TO VERSION n FORCE / APPROVE PENDING MIGRATIONS FORCE: the members
// are those APPLY would apply now (at least one); "target" is the highest of them.
Status exec_approve_migrations(Engine& e, Session& s, const ast::ApproveMigrations& x,
                               Json* out);
// APPROVE ROLLBACK TO VERSION t [FORCE]: the plan is VALIDATE ROLLBACK's; one that cannot run
// (errors, or conflicts FORCE does not cover) is refused with the code APPLY would answer.
Status exec_approve_rollback(Engine& e, Session& s, const ast::ApproveRollback& x, Json* out);

// The checksum of a rollback's plan: its DOWN lists ({"<version>":[…]}) and its conflicts
// (conflicts_json) — the same for VALIDATE ROLLBACK's report and for APPLY ROLLBACK's run.
std::string rollback_plan_checksum(const Json& down_commands, const Json& conflicts);

// The checksum of a batch's plan: its members' versions and migration checksums, in order.
std::string batch_plan_checksum(const std::vector<std::pair<uint64_t, std::string>>& members);

// What an APPLY asks a token for.
struct ApprovalTarget {
  const char* action = "MIGRATION";  // "MIGRATION", "MIGRATIONS" (a batch) or "ROLLBACK"
  uint64_t version = 0;  // the migration applied, the batch's highest, the rollback's target
  bool force = false;
};

class ApprovalCheck {
 public:
  // Step 1, on the APPLY's WriteContext before any work. Not needed and no token given
  // (RequireApproval false, or an APPLY MIGRATION without FORCE): an ApprovalCheck that
  // passes everything.
  static Result<ApprovalCheck> begin(Engine& e, WriteContext& ctx,
                                     const std::optional<std::string>& token,
                                     const ApprovalTarget& target);
  // Step 2: APPROVAL_INVALID "approval no longer matches the plan" unless the token approved
  // `plan_checksum`.
  Status match_plan(const std::string& plan_checksum) const;
  // Records the token spent in ctx's transaction and names the approver in `event` (the
  // migration's event of this APPLY, whose "By" is the applier). Nothing when no approval
  // was needed.
  void spend(WriteContext& ctx, Json* event) const;

 private:
  bool needed_ = false;
  Json payload_;
};

}  // namespace strata::engine
