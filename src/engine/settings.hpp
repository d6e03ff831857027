#pragma once
// The database settings of SPEC §4.11 (and §4.13's approval settings): their defaults (in one place, STYLE §11), how a
// value is validated, and how the effective value and its source are resolved:
//   database override (SET)  >  server default (flags / config)  >  built-in default.
// Thread-safety: pure functions over plain values.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::engine {

// Built-in defaults. Server-wide defaults are a copy of this struct, filled by flags.
struct SettingValues {
  int64_t max_migration_commands = 1000;
  double migration_performance_threshold = 1.0;  // seconds
  int64_t migration_timeout_seconds = 300;
  bool require_explicit_down_commands = false;
  bool allow_direct_schema_changes = false;
  bool require_approval = false;          // FORCE and APPLY ROLLBACK need a token (§4.13)
  bool approval_self_allowed = false;     // the approver may apply their own approval
  int64_t approval_expiry_seconds = 3600;  // how long a token issued by APPROVE lives
  // The names the server set (--setting, [settings]): SHOW SETTINGS says "server" for them.
  std::vector<std::string> set_by_server;
};

// The canonical names, in SHOW SETTINGS order.
inline constexpr const char* kSettingNames[] = {
    "MaxMigrationCommands", "MigrationPerformanceThreshold", "MigrationTimeoutSeconds",
    "RequireExplicitDownCommands", "AllowDirectSchemaChanges", "RequireApproval",
    "ApprovalSelfAllowed", "ApprovalExpirySeconds"};

// The canonical spelling of a setting name given in any case; INVALID_SETTING when unknown.
Result<std::string> canonical_setting_name(std::string_view name);
// The largest MigrationTimeoutSeconds and ApprovalExpirySeconds: 365 days. (Deadlines and
// expiries are computed in nanoseconds and milliseconds: far larger values would overflow.)
inline constexpr int64_t kMaxSettingSeconds = 365 * 24 * 3600;

// Checks a value for a setting (canonical name): type and range. INVALID_SETTING otherwise,
// quoting the value as `written` when given (a huge integer is a double in `value`).
// Returns the value normalized (e.g. 2 -> 2.0 for the threshold).
Result<Json> validate_setting(const std::string& name, const Json& value,
                              std::string_view written = {});

// A server-wide default from its text (`strata serve --setting Name=Value`, a `[settings]`
// line of the config file): name in any case, value true/false or a number. Applies it to
// `values` and records the name in set_by_server. INVALID_SETTING naming what is wrong.
Status set_server_setting(SettingValues* values, std::string_view name, std::string_view text);

// One setting of `values` as JSON.
Json setting_value(const SettingValues& values, const std::string& name);
// `values` with `name` set to `value` (already validated).
void apply_setting(SettingValues* values, const std::string& name, const Json& value);

// The effective values: `server` overridden by the database's `overrides` object.
SettingValues effective_settings(const SettingValues& server, const Json& overrides);

// SHOW SETTINGS: {"Name":{"value":v,"source":"default"|"server"|"database"}, ...}.
Json describe_settings(const SettingValues& server, const Json& overrides);

}  // namespace strata::engine
