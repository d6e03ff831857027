// The plan of a rollback to version t, read-only: VALIDATE ROLLBACK TO VERSION t (which changes
// nothing) shown as the migrations it would reverse, their DOWN lists in order, the exact data
// impact, warnings, errors and conflicts. The console never runs APPLY ROLLBACK.
#include <set>

#include "console/pages.hpp"
#include "console/read_session.hpp"

namespace strata::console {

namespace {

constexpr std::pair<const char*, const char*> kImpact[] = {
    {"bundlesDropped", "Bundles dropped"},
    {"fieldsRemoved", "Fields removed"},
    {"relationshipsRemoved", "Relationships removed"},
    {"indexesDropped", "Indexes dropped"},
    {"documentsDeleted", "Documents deleted"},
    {"valuesRemoved", "Values removed"},
    {"documentsRestored", "Documents restored"},
    {"estimatedDataLoss", "Data loss"},
};

std::string value_html(const Json& v) {
  if (v.is_array()) {
    if (v.empty()) return "<span class=\"muted\">none</span>";
    std::string out;
    for (const Json& item : v) out += (out.empty() ? "" : ", ") + ("<code>" + escape(text_of(item)) + "</code>");
    return out;
  }
  return escape(text_of(v));
}

std::string impact_section(const Json& impact) {
  if (!impact.is_object()) return "";
  std::vector<std::pair<std::string, std::string>> rows;
  std::set<std::string> shown;
  for (const auto& [key, label] : kImpact) {
    if (!impact.contains(key)) continue;
    rows.emplace_back(label, value_html(impact[key]));
    shown.insert(key);
  }
  for (const auto& [key, value] : impact.items()) {
    if (!shown.count(key)) rows.emplace_back(key, value_html(value));
  }
  return section("Data impact (exact, counted now)", facts(rows));
}

// `conflicts` (when the report has it): strings, or objects shown as their fields.
std::string conflicts_section(const Json& conflicts) {
  if (!conflicts.is_array()) return "";
  if (conflicts.empty()) return section("Conflicts", "<p class=\"empty\">None.</p>");
  std::string html = "<ul class=\"plain\">";
  for (const Json& c : conflicts) {
    if (!c.is_object()) {
      html += "<li>" + escape(text_of(c)) + "</li>";
      continue;
    }
    html += "<li>";
    bool first = true;
    for (const auto& [key, value] : c.items()) {
      html += std::string(first ? "" : " · ") + "<span class=\"muted\">" + escape(key) +
              ":</span> " + escape(text_of(value));
      first = false;
    }
    html += "</li>";
  }
  return section("Conflicts", html + "</ul>");
}

}  // namespace

PageResult rollback_page(engine::Engine& engine, const Identity& who, const std::string& db,
                         uint64_t target) {
  const std::string title = "Rollback to v" + std::to_string(target);
  const std::vector<Crumb> crumbs = {{"Databases", "/"}, {db, database_href(db)}, {title, ""}};
  ReadSession reader(engine, who.user, who.role);
  const Json used = reader.use(db);
  if (!engine::is_success(used)) return engine_error_page(who, crumbs, title, used);
  const Json answer = reader.validate_rollback(target);
  if (!engine::is_success(answer)) return engine_error_page(who, crumbs, title, answer);
  const Json& report = answer["report"];
  const Json reverse = report.value("migrationsToReverse", Json::array());
  const Json errors = report.value("errors", Json::array());
  const Json warnings = report.value("warnings", Json::array());

  std::string body = "<h1>Plan: roll " + escape(db) + " back to version " +
                     std::to_string(target) + "</h1>";
  body += "<p class=\"lead\">What <code>APPLY ROLLBACK TO VERSION " + std::to_string(target) +
          "</code> would do now, from <code>VALIDATE ROLLBACK</code>. Nothing has been changed: "
          "the console only reads.</p>";
  std::string versions;
  for (const Json& v : reverse) {
    const uint64_t n = v.get<uint64_t>();
    versions += (versions.empty() ? "" : ", ") +
                ("<a href=\"" + escape(migration_href(db, n)) + "\">v" + std::to_string(n) + "</a>");
  }
  if (report.value("canRollback", false)) {
    body += callout("info", "<b>Can roll back.</b> Reverses " +
                                (versions.empty() ? std::string("nothing") : versions) +
                                ", in that order, in one atomic write.");
  } else {
    std::string html = "<b>Cannot roll back.</b>";
    html += list_items(errors);
    body += callout("error", html);
  }
  body += section("Summary",
                  facts({{"Current version", escape(text_of(report.value("currentVersion", Json())))},
                         {"Target version", std::to_string(target)},
                         {"Migrations to reverse", versions.empty() ? "none" : versions},
                         {"Warnings", std::to_string(warnings.size())},
                         {"Errors", std::to_string(errors.size())}}));
  body += impact_section(report.value("dataImpact", Json()));
  if (!warnings.empty()) body += section("Warnings", list_items(warnings));
  if (!errors.empty()) body += section("Errors", list_items(errors));
  if (report.contains("conflicts")) body += conflicts_section(report["conflicts"]);
  std::string down;
  const Json lists = report.value("downCommands", Json::object());
  for (const Json& v : reverse) {
    const std::string key = std::to_string(v.get<uint64_t>());
    down += "<h2 style=\"margin-top:10px\"><a href=\"" +
            escape(migration_href(db, v.get<uint64_t>())) + "\">v" + key + "</a></h2>";
    down += code_list(lists.value(key, Json::array()),
                      "No DOWN commands: this migration cannot be reversed.");
  }
  if (!down.empty()) body += section("DOWN commands, in the order they would run", down);
  return {200, page(title + " · " + db, who.viewer, crumbs, body)};
}

}  // namespace strata::console
