#include "engine/settings.hpp"

#include <strings.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace strata::engine {

Result<std::string> canonical_setting_name(std::string_view name) {
  for (const char* n : kSettingNames) {
    std::string_view c(n);
    if (c.size() == name.size() && strncasecmp(c.data(), name.data(), c.size()) == 0)
      return std::string(c);
  }
  return Status(Code::kInvalidSetting, "Unknown setting '" + std::string(name) + "'");
}

Result<Json> validate_setting(const std::string& name, const Json& v, std::string_view written) {
  auto bad = [&](const std::string& what) {
    return Status(Code::kInvalidSetting, "Invalid value " +
                                             (written.empty() ? v.dump() : std::string(written)) +
                                             " for setting " + name + ": expected " + what);
  };
  // A uint64 above INT64_MAX is no int64: get<int64_t>() would wrap it.
  const bool int64 = v.is_number_integer() &&
                     !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX));
  if (name == "MaxMigrationCommands") {
    if (!int64 || v.get<int64_t>() < 1) return bad("a positive integer");
    return v;
  }
  if (name == "MigrationTimeoutSeconds" || name == "ApprovalExpirySeconds") {
    if (!int64 || v.get<int64_t>() < 1 || v.get<int64_t>() > kMaxSettingSeconds) {
      return bad("an integer from 1 to " + std::to_string(kMaxSettingSeconds) +
                 " (seconds, at most 365 days)");
    }
    return v;
  }
  if (name == "MigrationPerformanceThreshold") {
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() <= 0)
      return bad("a positive number of seconds");
    return Json(v.get<double>());
  }
  if (!v.is_boolean()) return bad("true or false");
  return v;
}

Json setting_value(const SettingValues& s, const std::string& name) {
  if (name == "MaxMigrationCommands") return s.max_migration_commands;
  if (name == "MigrationPerformanceThreshold") return s.migration_performance_threshold;
  if (name == "MigrationTimeoutSeconds") return s.migration_timeout_seconds;
  if (name == "RequireExplicitDownCommands") return s.require_explicit_down_commands;
  if (name == "RequireApproval") return s.require_approval;
  if (name == "ApprovalSelfAllowed") return s.approval_self_allowed;
  if (name == "ApprovalExpirySeconds") return s.approval_expiry_seconds;
  return s.allow_direct_schema_changes;
}

void apply_setting(SettingValues* s, const std::string& name, const Json& v) {
  if (name == "MaxMigrationCommands")
    s->max_migration_commands = v.get<int64_t>();
  else if (name == "MigrationPerformanceThreshold")
    s->migration_performance_threshold = v.get<double>();
  else if (name == "MigrationTimeoutSeconds")
    s->migration_timeout_seconds = v.get<int64_t>();
  else if (name == "RequireExplicitDownCommands")
    s->require_explicit_down_commands = v.get<bool>();
  else if (name == "AllowDirectSchemaChanges")
    s->allow_direct_schema_changes = v.get<bool>();
  else if (name == "RequireApproval")
    s->require_approval = v.get<bool>();
  else if (name == "ApprovalSelfAllowed")
    s->approval_self_allowed = v.get<bool>();
  else if (name == "ApprovalExpirySeconds")
    s->approval_expiry_seconds = v.get<int64_t>();
}

Status set_server_setting(SettingValues* values, std::string_view name, std::string_view text) {
  auto canonical = canonical_setting_name(name);
  if (!canonical.ok()) return canonical.status();
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Json value = Json::parse(lower, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !(value.is_boolean() || value.is_number())) {
    value = std::string(text);  // validate_setting names the expected kind
  }
  auto checked = validate_setting(*canonical, value, text);
  if (!checked.ok()) return checked.status();
  apply_setting(values, *canonical, *checked);
  auto& names = values->set_by_server;
  if (std::find(names.begin(), names.end(), *canonical) == names.end())
    names.push_back(*canonical);
  return Status::Ok();
}

SettingValues effective_settings(const SettingValues& server, const Json& overrides) {
  SettingValues out = server;
  if (!overrides.is_object()) return out;
  for (auto& [k, v] : overrides.items()) {
    auto checked = validate_setting(k, v);
    if (checked.ok()) apply_setting(&out, k, *checked);
  }
  return out;
}

Json describe_settings(const SettingValues& server, const Json& overrides) {
  const SettingValues builtin;
  SettingValues effective = effective_settings(server, overrides);
  Json out = Json::object();
  for (const char* n : kSettingNames) {
    std::string name(n);
    const char* source = "default";
    if (overrides.is_object() && overrides.contains(name))
      source = "database";
    else if (std::find(server.set_by_server.begin(), server.set_by_server.end(), name) !=
                 server.set_by_server.end() ||
             setting_value(server, name) != setting_value(builtin, name))
      source = "server";
    out[name] = {{"value", setting_value(effective, name)}, {"source", source}};
  }
  return out;
}

}  // namespace strata::engine
