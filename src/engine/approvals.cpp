// SPEC §4.13 approvals: tokens issued by APPROVE, checked and spent by APPLY (approvals.hpp).
#include "engine/approvals.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <chrono>
#include <ctime>
#include <mutex>

#include "common/clock.hpp"
#include "common/sha256.hpp"
#include "common/status_details.hpp"
#include "engine/exec_migration.hpp"
#include "storage/ledger_keys.hpp"

namespace strata::engine {

namespace {

constexpr std::string_view kSecretKey = "approval/secret";

Status invalid(const std::string& why) { return Status(Code::kApprovalInvalid, why); }

std::string hex(const unsigned char* p, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[p[i] >> 4]);
    out.push_back(digits[p[i] & 15]);
  }
  return out;
}

// The server secret: 32 random bytes, created at the first use and kept in the store.
// Creating it is a create-if-absent: the read and the put are one Txn, and its commit fails
// when the global domain changed since the Txn's snapshot (etcd compares the domain's publish
// revision; store.hpp "Domains"). So when two servers of a cluster create it at once, one
// commit wins and the other reads the winner's secret on its next attempt: every server signs
// and checks with the same secret. The mutex orders this process's sessions (on RocksDB, the
// only writer of its store, that alone makes the creation atomic).
Result<std::string> server_secret(storage::Store& store) {
  auto stored = store.get(storage::Space::kSystem, kSecretKey);
  if (!stored.ok()) return stored.status();
  if (stored->has_value() && (*stored)->size() == 32) return **stored;
  static std::mutex creating;
  std::lock_guard lock(creating);
  constexpr int kAttempts = 8;  // another commit to the global domain makes ours fail: retry
  Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto txn = store.begin();
    auto current = txn->get(storage::Space::kSystem, kSecretKey);
    if (!current.ok()) return current.status();
    if (current->has_value() && (*current)->size() == 32) return **current;
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
      return Status(Code::kInternal, "cannot create the approval secret: no randomness");
    }
    std::string secret(reinterpret_cast<const char*>(bytes), sizeof bytes);
    txn->put(storage::Space::kSystem, kSecretKey, secret);
    last = store.commit(*txn, /*sync=*/true);
    if (last.ok()) return secret;
    if (last.code() == Code::kStoreUnavailable) return last;
  }
  return last;
}

std::string mac(const std::string& secret, std::string_view payload) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), out, &len);
  return hex(out, len);
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> unbase64(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --len;  // padding
  out.resize(len);
  return out;
}

// The APPLY statement a token is for ("APPLY MIGRATIONS UP TO VERSION 3 FORCE"); its APPROVE
// is the same words after APPROVE.
std::string describe(const std::string& action, uint64_t version, bool force) {
  const char* head = action == "ROLLBACK"     ? "APPLY ROLLBACK TO VERSION "
                     : action == "MIGRATIONS" ? "APPLY MIGRATIONS UP TO VERSION "
                                              : "APPLY MIGRATION WITH VERSION ";
  return head + std::to_string(version) + (force ? " FORCE" : "");
}

// Signs a token for `target` and `plan` in database `schema`, issued by `s`.
Status issue(Engine& e, Session& s, const DatabaseSchema& schema, const ApprovalTarget& target,
             const std::string& plan, Json* out) {
  auto secret = server_secret(e.store());
  if (!secret.ok()) return secret.status();
  unsigned char nonce[16];
  if (RAND_bytes(nonce, sizeof nonce) != 1) {
    return Status(Code::kInternal, "cannot issue an approval: no randomness");
  }
  const SettingValues settings = settings_of(e, schema);
  // Saturating (ApprovalExpirySeconds is at most a year, settings.hpp; this guards the sum).
  const int64_t now = unix_ms();
  const int64_t expires = settings.approval_expiry_seconds > (INT64_MAX - now) / 1000
                              ? INT64_MAX
                              : now + settings.approval_expiry_seconds * 1000;
  Json payload = {{"db", schema.name},     {"dbId", schema.id},
                  {"action", target.action}, {"target", target.version},
                  {"force", target.force}, {"plan", plan},
                  {"by", s.user},          {"exp", expires},
                  {"nonce", hex(nonce, sizeof nonce)}};
  const std::string body = base64(payload.dump());
  (*out)["message"] = "Approval issued for " +
                      describe(target.action, target.version, target.force) + " by " + s.user;
  (*out)["approval"] = {{"token", body + "." + mac(*secret, body)},
                        {"action", target.action},
                        {"target", target.version},
                        {"force", target.force},
                        {"planChecksum", plan},
                        {"approvedBy", s.user},
                        {"expiresAt", utc_time(expires)}};
  return Status::Ok();
}

// The payload of `token` when its mac is right; APPROVAL_INVALID otherwise.
Result<Json> open_token(Engine& e, const std::string& token) {
  const auto dot = token.find('.');
  const Status forged = invalid("approval token is not valid: not issued by this server");
  if (dot == std::string::npos) return forged;
  auto secret = server_secret(e.store());
  if (!secret.ok()) return secret.status();
  const std::string body = token.substr(0, dot);
  if (mac(*secret, body) != token.substr(dot + 1)) return forged;
  auto text = unbase64(body);
  if (!text) return forged;
  Json payload = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || !payload["nonce"].is_string() || !payload["exp"].is_number() ||
      !payload["plan"].is_string() || !payload["by"].is_string()) {
    return forged;
  }
  return payload;
}

}  // namespace

std::string rollback_plan_checksum(const Json& down_commands, const Json& conflicts) {
  return sha256_hex(Json{{"down", down_commands}, {"conflicts", conflicts}}.dump());
}

std::string batch_plan_checksum(const std::vector<std::pair<uint64_t, std::string>>& members) {
  Json plan = Json::array();
  for (const auto& [version, checksum] : members) plan.push_back({version, checksum});
  return sha256_hex(plan.dump());
}

Status exec_approve_migration(Engine& e, Session& s, const ast::ApproveMigration& x, Json* out) {
  auto view = e.read(s.database);
  if (!view.ok()) return view.status();
  auto rec = load_record(*view->reader, view->schema->id, x.version);
  if (!rec.ok()) return rec.status();
  if (!*rec) return migration_not_found();
  if ((*rec)->status != kPending) return migration_not_pending();
  return issue(e, s, *view->schema, {"MIGRATION", x.version, true}, (*rec)->checksum, out);
}

Status exec_approve_migrations(Engine& e, Session& s, const ast::ApproveMigrations& x,
                               Json* out) {
  auto view = e.read(s.database);
  if (!view.ok()) return view.status();
  auto members = batch_members(*view->reader, view->schema->id, x.up_to);
  if (!members.ok()) return members.status();
  if (members->empty()) {
    return Status(Code::kMigrationNotPending,
                  "migration not in PENDING state: no pending migration to approve" +
                      (x.up_to ? " up to version " + std::to_string(*x.up_to) : std::string()));
  }
  STRATA_RETURN_IF_ERROR(issue(e, s, *view->schema, {"MIGRATIONS", members->back().first, true},
                               batch_plan_checksum(*members), out));
  Json versions = Json::array();
  for (const auto& m : *members) versions.push_back(m.first);
  (*out)["approval"]["versions"] = std::move(versions);
  return Status::Ok();
}

Status exec_approve_rollback(Engine& e, Session& s, const ast::ApproveRollback& x, Json* out) {
  Json validated = Json::object();
  STRATA_RETURN_IF_ERROR(exec_validate_rollback(e, s, ast::ValidateRollback{x.version, x.pos},
                                                &validated));
  const Json& report = validated["report"];
  const std::string what = "cannot approve the rollback to version " + std::to_string(x.version);
  if (!report["errors"].empty()) {
    return with_details(
        Status(Code::kRollbackFailed, what + ": " + report["errors"][0].get<std::string>()),
        Json{{"report", report}});
  }
  if (!report["canRollback"].get<bool>() && !(x.force && report["canRollbackWithForce"].get<bool>())) {
    return with_details(
        Status(Code::kRollbackConflict,
               what + ": it conflicts with later writes" +
                   (report["canRollbackWithForce"].get<bool>() ? " (approve it with FORCE)" : "")),
        Json{{"conflicts", report["conflicts"]}});
  }
  auto view = e.read(s.database);
  if (!view.ok()) return view.status();
  STRATA_RETURN_IF_ERROR(issue(e, s, *view->schema, {"ROLLBACK", x.version, x.force},
                               rollback_plan_checksum(report["downCommands"], report["conflicts"]),
                               out));
  (*out)["approval"]["migrationsToReverse"] = report["migrationsToReverse"];
  return Status::Ok();
}

Result<ApprovalCheck> ApprovalCheck::begin(Engine& e, WriteContext& ctx,
                                           const std::optional<std::string>& token,
                                           const ApprovalTarget& target) {
  ApprovalCheck check;
  const SettingValues settings = settings_of(e, ctx.schema());
  const bool wanted = std::string_view(target.action) == "ROLLBACK" || target.force;
  const std::string action = describe(target.action, target.version, target.force);
  if (!token) {
    if (!settings.require_approval || !wanted) return check;
    return Status(Code::kApprovalRequired,
                  action + " requires an approval (RequireApproval = true): an admin issues one "
                           "with APPROVE " +
                      action.substr(std::string_view("APPLY ").size()) +
                      ", then add WITH APPROVAL \"<token>\"");
  }
  if (!wanted) {  // nothing approves an APPLY without FORCE: never ignore the clause
    return invalid(action + " needs no approval (only FORCE applies and rollbacks do): remove "
                            "WITH APPROVAL");
  }
  auto payload = open_token(e, *token);
  if (!payload.ok()) return payload.status();
  const Json& p = *payload;
  if (p.value("db", "") != ctx.schema().name || p.value("dbId", uint64_t{0}) != ctx.db_id()) {
    return invalid("approval was issued for database '" + p.value("db", "") + "', not '" +
                   ctx.schema().name + "'");
  }
  const std::string approved =
      describe(p.value("action", ""), p.value("target", uint64_t{0}), p.value("force", false));
  if (approved != action) {
    return invalid("approval is for " + approved + ", not for " + action);
  }
  if (unix_ms() >= p["exp"].get<int64_t>()) {
    return with_details(Status(Code::kApprovalInvalid, "approval expired"),
                        Json{{"expiredAt", utc_time(p["exp"].get<int64_t>())}});
  }
  const std::string nonce = p["nonce"].get<std::string>();
  auto spent = ctx.reader().get(storage::Space::kLedger,
                                storage::ledger_keys::approval_spent_key(ctx.db_id(), nonce));
  if (!spent.ok()) return spent.status();
  if (spent->has_value()) {
    Json used = Json::parse(**spent, nullptr, false);
    return with_details(
        Status(Code::kApprovalInvalid, "approval was already used (a token is single-use)"),
        Json{{"usedBy", used.is_object() ? used.value("by", "") : ""},
             {"usedAt", used.is_object() ? used.value("at", "") : ""}});
  }
  if (p["by"].get<std::string>() == ctx.session().user && !settings.approval_self_allowed) {
    return with_details(Status(Code::kApprovalInvalid,
                               "the approver cannot also apply the approval (four eyes; SET "
                               "ApprovalSelfAllowed = true lifts that)"),
                        Json{{"approvedBy", p["by"]}});
  }
  check.needed_ = true;
  check.payload_ = std::move(*payload);
  return check;
}

Status ApprovalCheck::match_plan(const std::string& plan_checksum) const {
  if (!needed_ || payload_["plan"].get<std::string>() == plan_checksum) return Status::Ok();
  return with_details(Status(Code::kApprovalInvalid, "approval no longer matches the plan"),
                      Json{{"approvedPlan", payload_["plan"]}, {"currentPlan", plan_checksum}});
}

void ApprovalCheck::spend(WriteContext& ctx, Json* event) const {
  if (!needed_) return;
  const std::string at = utc_now();
  const Json used = {{"by", ctx.session().user},
                     {"at", at},
                     {"approvedBy", payload_["by"]},
                     {"action", payload_["action"]},
                     {"target", payload_["target"]}};
  ctx.txn().put(storage::Space::kLedger,
                storage::ledger_keys::approval_spent_key(ctx.db_id(),
                                                         payload_["nonce"].get<std::string>()),
                used.dump());
  if (event) {
    (*event)["ApprovedBy"] = payload_["by"];
    (*event)["ApprovalExpiresAt"] = utc_time(payload_["exp"].get<int64_t>());
  }
}

}  // namespace strata::engine
