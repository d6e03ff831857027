#include "engine/settings.hpp"

#include <strings.h>

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

Result<Json> validate_setting(const std::string& name, const Json& v) {
  auto bad = [&](const char* what) {
    return Status(Code::kInvalidSetting,
                  "Invalid value " + v.dump() + " for setting " + name + ": expected " + what);
  };
  if (name == "MaxMigrationCommands" || name == "MigrationTimeoutSeconds") {
    if (!v.is_number_integer() || v.get<int64_t>() < 1) return bad("a positive integer");
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
    else if (setting_value(server, name) != setting_value(builtin, name))
      source = "server";
    out[name] = {{"value", setting_value(effective, name)}, {"source", source}};
  }
  return out;
}

}  // namespace strata::engine
