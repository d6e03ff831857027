// The first page: every database with its current version, its migrations by state and drift.
#include <cctype>
#include <map>

#include "console/pages.hpp"
#include "console/read_session.hpp"

namespace strata::console {

namespace {

// The latest time any migration of `migrations` was created or applied ("" when none).
std::string last_change(const Json& migrations) {
  std::string latest;
  for (const Json& m : migrations) {
    for (const char* key : {"CreatedAt", "AppliedAt", "RolledBackAt"}) {
      auto it = m.find(key);
      if (it != m.end() && it->is_string() && it->get<std::string>() > latest) {
        latest = it->get<std::string>();
      }
    }
  }
  return latest;
}

// "4 applied", colored like the state.
std::string count_badge(const std::string& state, int n) {
  std::string label = state;
  for (char& c : label) c = c == '_' ? ' ' : static_cast<char>(std::tolower(c));
  return state_badge(state, std::to_string(n) + " " + label);
}

std::string database_card(const std::string& name, const Json& answer) {
  std::string card = "<a class=\"card\" href=\"" + escape(database_href(name)) + "\">";
  card += "<div class=\"name\">" + escape(name) + "</div>";
  if (!engine::is_success(answer)) {
    card += "<div class=\"meta\">" + escape(answer.value("message", std::string("unreadable"))) +
            "</div></a>";
    return card;
  }
  const Json& migrations = answer["migrations"];
  const uint64_t current = answer.value("currentVersion", uint64_t{0});
  card += "<div class=\"meta\">version <b>" + std::to_string(current) + "</b> · " +
          std::to_string(migrations.size()) +
          (migrations.size() == 1 ? " migration" : " migrations");
  const std::string latest = last_change(migrations);
  if (!latest.empty()) card += " · last change " + time_tag(latest);
  card += "</div><div class=\"counts\">";
  std::map<std::string, int> by_state;
  for (const Json& m : migrations) ++by_state[m.value("Status", std::string("?"))];
  for (const char* state : {"APPLIED", "PENDING", "FAILED", "ROLLED_BACK"}) {
    auto it = by_state.find(state);
    if (it == by_state.end()) continue;
    card += count_badge(state, it->second);
    by_state.erase(it);
  }
  for (const auto& [state, n] : by_state) card += count_badge(state, n);
  if (answer.value("schemaDrift", false)) {
    card += "<span class=\"mark mark-drift\">schema drift</span>";
  }
  card += "</div></a>";
  return card;
}

}  // namespace

PageResult databases_page(engine::Engine& engine, const Identity& who) {
  ReadSession reader(engine, who.user, who.role);
  const Json databases = reader.show_databases();
  if (!engine::is_success(databases)) {
    return engine_error_page(who, {{"Databases", ""}}, "Databases", databases);
  }
  std::string body = "<h1>Databases</h1>";
  body += "<p class=\"lead\">Each database's migration ledger: what was applied, by whom and "
          "when, and whether the live schema still matches it.</p>";
  const Json& names = databases["Result"];
  if (names.empty()) {
    body += callout("info", "No databases yet. <code>CREATE DATABASE \"name\";</code> makes one.");
  } else {
    body += "<div class=\"grid\">";
    for (const Json& name : names) {
      const std::string db = name.get<std::string>();
      body += database_card(db, reader.show_migrations(db));
    }
    body += "</div>";
  }
  return {200, page("Databases", who.viewer, {{"Databases", ""}}, body)};
}

}  // namespace strata::console
