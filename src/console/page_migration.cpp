// One migration: what it is and did (facts, FAILED reason), its commands and DOWN list, its
// checksums, its last validation report as a phase table with the diagnostics, and its events.
#include <set>

#include "console/pages.hpp"
#include "console/read_session.hpp"

namespace strata::console {

namespace {

// The phases of a validation report (SPEC §4.4), in order.
constexpr std::pair<const char*, const char*> kPhases[] = {
    {"syntaxPhase", "Syntax"},
    {"semanticPhase", "Semantic"},
    {"constraintPhase", "Constraints"},
    {"performancePhase", "Performance"},
    {"reversibilityPhase", "Reversibility"},
};

std::string by_at(const Json& m, const char* by_key, const char* at_key) {
  auto at = m.find(at_key);
  if (at == m.end() || at->is_null()) return "<span class=\"muted\">—</span>";
  std::string out = time_tag(*at);
  auto by = m.find(by_key);
  if (by != m.end() && by->is_string()) out = "<b>" + escape(by->get<std::string>()) + "</b> · " + out;
  return out;
}

std::string phase_row(const char* label, const Json& phase) {
  if (!phase.is_object()) {
    return "<tr><td>" + std::string(label) + "</td><td class=\"muted\">not run</td><td></td>"
           "<td></td></tr>";
  }
  const bool passed = phase.value("passed", false);
  const Json errors = phase.value("errors", Json::array());
  const Json warnings = phase.value("warnings", Json::array());
  std::string result = !passed ? "<span class=\"bad\">✗ failed</span>"
                       : !warnings.empty() ? "<span class=\"warn\">! warnings</span>"
                                           : "<span class=\"ok\">✓ passed</span>";
  std::string details;
  for (const auto& [key, value] : phase.items()) {
    if (key == "passed" || key == "errors" || key == "warnings" || key == "estimate") continue;
    details += "<div><span class=\"muted\">" + escape(key) + ":</span> " + escape(text_of(value)) +
               "</div>";
  }
  const std::string notes = list_items(errors) + list_items(warnings);
  return "<tr><td>" + std::string(label) + "</td><td>" + result + "</td><td>" + notes +
         "</td><td>" + details + "</td></tr>";
}

std::string validation_section(const Json& report) {
  if (!report.is_object() || report.empty()) {
    return section("Last validation",
                   "<p class=\"empty\">Never validated. VALIDATE MIGRATION records its report "
                   "here.</p>");
  }
  std::string html = facts({
      {"Result", result_badge(report.value("overallResult", std::string("?")))},
      {"Can apply", report.value("canApply", false) ? "yes" : "no"},
      {"Can apply with FORCE", report.value("canApplyWithForce", false) ? "yes" : "no"},
      {"Validated", by_at(report, "validatedBy", "validatedAt")},
  });
  html += "<table style=\"margin-top:14px\"><tr><th>Phase</th><th>Result</th><th>Errors and "
          "warnings</th><th>Details</th></tr>";
  for (const auto& [key, label] : kPhases) {
    auto it = report.find(key);
    html += phase_row(label, it == report.end() ? Json() : *it);
  }
  html += "</table>";
  const Json diagnostics = report.value("diagnostics", Json::array());
  if (diagnostics.is_array() && !diagnostics.empty()) {
    html += "<h2 style=\"margin-top:18px\">Diagnostics</h2><table><tr><th>Severity</th>"
            "<th>Phase</th><th>Command</th><th>Where</th><th>Message</th></tr>";
    for (const Json& d : diagnostics) {
      const std::string severity = d.value("severity", std::string());
      const char* cls = severity == "error" ? "bad" : severity == "warning" ? "warn" : "muted";
      std::string where;
      if (d.contains("line")) where = text_of(d["line"]) + ":" + text_of(d.value("column", Json()));
      html += "<tr><td class=\"" + std::string(cls) + "\">" + escape(severity) + "</td><td>" +
              escape(d.value("phase", std::string())) + "</td><td class=\"num\">" +
              escape(d.contains("command") ? text_of(d["command"]) : "") + "</td><td>" +
              escape(where) + "</td><td>" + escape(d.value("message", std::string())) +
              "</td></tr>";
    }
    html += "</table>";
  }
  return section("Last validation", html);
}

std::string events_section(const Json& events) {
  if (!events.is_array() || events.empty()) {
    return section("Events", "<p class=\"empty\">No events recorded.</p>");
  }
  std::string html = "<table><tr><th>When</th><th>Who</th><th>Change</th><th>Statement</th></tr>";
  for (const Json& e : events) {
    std::string change;
    auto from = e.find("From");
    if (from != e.end() && from->is_string()) change = state_badge(from->get<std::string>()) + " → ";
    change += state_badge(e.value("To", std::string("?")));
    std::string statement = "<code>" + escape(e.value("Statement", std::string())) + "</code>";
    for (const auto& [key, value] : e.items()) {  // anything else an event records
      if (key == "At" || key == "By" || key == "From" || key == "To" || key == "Statement") continue;
      statement += "<div class=\"muted\">" + escape(key) + ": " + escape(text_of(value)) + "</div>";
    }
    html += "<tr><td>" + time_tag(e.value("At", Json())) + "</td><td>" +
            escape(e.value("By", std::string())) + "</td><td>" + change + "</td><td>" +
            statement + "</td></tr>";
  }
  return section("Events", html + "</table>");
}

}  // namespace

PageResult migration_page(engine::Engine& engine, const Identity& who, const std::string& db,
                          uint64_t version) {
  const std::string title = "v" + std::to_string(version);
  const std::vector<Crumb> crumbs = {{"Databases", "/"}, {db, database_href(db)}, {title, ""}};
  ReadSession reader(engine, who.user, who.role);
  const Json used = reader.use(db);
  if (!engine::is_success(used)) return engine_error_page(who, crumbs, title, used);
  const Json answer = reader.show_migration(version);
  if (!engine::is_success(answer)) return engine_error_page(who, crumbs, title, answer);
  const Json& m = answer["migration"];
  const std::string state = m.value("Status", std::string("?"));

  std::string body = "<h1>" + escape(title);
  if (m.contains("Description") && m["Description"].is_string()) {
    body += " · " + escape(m["Description"].get<std::string>());
  }
  body += " " + state_badge(state) + "</h1>";
  body += "<p class=\"lead\">Migration " + std::to_string(version) + " of database " +
          escape(db) + ".</p>";
  if (auto reason = m.find("FailureReason"); reason != m.end() && reason->is_string()) {
    body += callout("error", "<b>Failed:</b> " + escape(reason->get<std::string>()));
  }
  std::vector<std::pair<std::string, std::string>> rows = {
      {"State", state_badge(state)},
      {"Created", by_at(m, "CreatedBy", "CreatedAt")},
      {"Applied", by_at(m, "AppliedBy", "AppliedAt")},
      {"Rolled back", by_at(m, "RolledBackBy", "RolledBackAt")},
      {"Commands", escape(text_of(m.value("CommandCount", Json())))},
      {"Execution time", m.value("ExecutionTimeMs", Json()).is_null()
                             ? "<span class=\"muted\">—</span>"
                             : escape(text_of(m["ExecutionTimeMs"])) + " ms"},
  };
  static const std::set<std::string> kShown = {
      "Version", "Status", "Description", "CreatedAt", "CreatedBy", "AppliedAt", "AppliedBy",
      "RolledBackAt", "RolledBackBy", "CommandCount", "ExecutionTimeMs", "FailureReason",
      "Commands", "DownCommands", "DownCommandsExplicit", "Checksum", "ChainChecksum",
      "LastValidation", "Events"};
  for (const auto& [key, value] : m.items()) {  // Name, Batch and whatever comes later
    if (!kShown.count(key)) rows.emplace_back(key, escape(text_of(value)));
  }
  body += section("Summary", facts(rows));
  if (state == "APPLIED" || state == "ROLLED_BACK") {
    body += "<p class=\"muted\"><a href=\"" + escape(schema_href(db, version)) +
            "\">The schema at v" + std::to_string(version) + "</a> · <a href=\"" +
            escape(diff_href(db, version - 1, version)) + "\">what it changed (diff with v" +
            std::to_string(version - 1) + ")</a></p>";
  }
  body += section("Commands", code_list(m.value("Commands", Json::array()), "No commands."));
  const bool explicit_down = m.value("DownCommandsExplicit", false);
  std::string down = "<p class=\"muted\">" +
                     std::string(explicit_down ? "Written in the migration's DOWN section."
                                               : "Generated by Strata from the commands.") +
                     " Run in this order by a rollback.</p>";
  down += code_list(m.value("DownCommands", Json::array()),
                    "No DOWN commands: a rollback past this version is refused.");
  body += section("DOWN commands", down);
  body += section("Checksums",
                  facts({{"Migration", "<code>" + escape(text_of(m.value("Checksum", Json()))) +
                                           "</code>"},
                         {"Chain", "<code>" + escape(text_of(m.value("ChainChecksum", Json()))) +
                                       "</code>"}}));
  body += validation_section(m.value("LastValidation", Json()));
  body += events_section(m.value("Events", Json::array()));
  return {200, page(title + " · " + db, who.viewer, crumbs, body)};
}

}  // namespace strata::console
