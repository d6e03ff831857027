// VALIDATE reports and carets for the shell (shell_report.hpp).
#include "cli/shell_report.hpp"

#include "cli/shell_format.hpp"
#include "cli/shell_text.hpp"

namespace strata::cli {
namespace {

const char* const kPass = "✓";
const char* const kWarn = "!";
const char* const kFail = "✗";

struct PhaseRow {
  const char* key;
  const char* name;
};
const PhaseRow kPhases[] = {{"syntaxPhase", "syntax"},
                            {"semanticPhase", "semantic"},
                            {"constraintPhase", "constraint"},
                            {"performancePhase", "performance"},
                            {"reversibilityPhase", "reversibility"}};

size_t count(const Json& phase, const char* key) {
  auto it = phase.find(key);
  return it != phase.end() && it->is_array() ? it->size() : 0;
}

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The non-empty entries of a data impact, one per line.
std::string data_impact(const Json& impact) {
  std::string out;
  if (!impact.is_object()) return out;
  for (const auto& [key, value] : impact.items()) {
    const bool empty = value.is_null() || (value.is_array() && value.empty()) ||
                       (value.is_object() && value.empty()) ||
                       (value.is_number() && value == 0) ||
                       (value.is_string() && value.get<std::string>().empty());
    if (!empty) out += "  " + key + ": " + cell(value) + "\n";
  }
  return out.empty() ? out : "Data impact:\n" + out;
}

std::string validation_report(const Json& report, bool color) {
  std::vector<std::vector<std::string>> rows;
  for (const PhaseRow& p : kPhases) {
    const Json phase = report.value(p.key, Json::object());
    if (!phase.is_object()) continue;
    const size_t errors = count(phase, "errors"), warnings = count(phase, "warnings");
    const bool passed = phase.value("passed", errors == 0);
    const char* mark = errors > 0 ? kFail : (warnings > 0 || !passed) ? kWarn : kPass;
    std::string details;
    if (phase.contains("estimatedDuration")) {
      details = "estimated " + cell(phase["estimatedDuration"]);
      if (phase.contains("commandCount")) {
        details += ", " + plural(phase.value("commandCount", size_t{0}), "command");
      }
    }
    if (phase.contains("downCommandsGenerated")) {
      details = phase.value("downCommandsGenerated", false) ? "DOWN commands ready"
                                                            : "no DOWN commands generated";
    }
    rows.push_back({mark, p.name, std::to_string(errors), std::to_string(warnings), details});
  }
  std::string out = render_table({" ", "Phase", "Errors", "Warnings", "Details"}, rows);
  const Json diagnostics = report.value("diagnostics", Json::array());
  if (diagnostics.is_array() && !diagnostics.empty()) {
    out += "Diagnostics:\n";
    for (const Json& d : diagnostics) {
      if (!d.is_object()) continue;
      const bool error = d.value("severity", "") == "error";
      std::string where = d.value("phase", "");
      if (d.contains("command") && d["command"].is_number()) {
        where += ", command " + cell(d["command"]);
      }
      if (d.contains("line") && d["line"].is_number() && d.contains("column")) {
        where += " at " + cell(d["line"]) + ":" + cell(d["column"]);
      }
      out += "  " + paint(color, error ? ansi::kRed : ansi::kYellow, error ? kFail : kWarn) + " " +
             where + ": " + d.value("message", "") +
             (d.contains("didYouMean") && d["didYouMean"].is_string()
                  ? " — did you mean " + d["didYouMean"].dump() + "?"
                  : "") +
             "\n";
    }
  }
  out += data_impact(report.value("dataImpact", Json()));
  const std::string result = report.value("overallResult", "");
  std::string verdict;
  const char* paint_with = ansi::kRed;
  if (result == "PASS") {
    verdict = "PASS: can apply";
    paint_with = ansi::kGreen;
  } else if (result == "PASS_WITH_WARNINGS") {
    verdict = "PASS_WITH_WARNINGS: apply needs FORCE";
    paint_with = ansi::kYellow;
  } else {
    verdict = (result.empty() ? std::string("no result") : result) + ": cannot apply";
  }
  return out + "Result: " + paint(color, paint_with, verdict) + "\n";
}

std::string rollback_report(const Json& report, bool color) {
  const Json versions = report.value("migrationsToReverse", Json::array());
  std::string reversed;
  for (const Json& v : versions) reversed += (reversed.empty() ? "" : ", ") + cell(v);
  std::string out = "From version " + cell(report.value("currentVersion", Json())) +
                    " to version " + cell(report.value("targetVersion", Json())) +
                    (versions.empty() ? std::string(", reversing nothing")
                                      : (versions.size() == 1 ? ", reversing migration "
                                                              : ", reversing migrations ") +
                                            reversed) +
                    "\n";
  const Json down = report.value("downCommands", Json::object());
  if (down.is_object() && !down.empty()) {
    out += "DOWN commands:\n";
    for (const Json& version : report.value("migrationsToReverse", Json::array())) {
      const std::string key = version.is_string() ? version.get<std::string>() : version.dump();
      const Json commands = down.value(key, Json::array());
      std::string label = "  v" + key + ": ";
      for (const Json& c : commands) {
        out += label + (c.is_string() ? c.get<std::string>() : c.dump()) + "\n";
        label = std::string(label.size(), ' ');
      }
    }
  }
  out += data_impact(report.value("dataImpact", Json()));
  const Json warnings = report.value("warnings", Json::array());
  const Json errors = report.value("errors", Json::array());
  if (!warnings.empty() || !errors.empty()) out += "Warnings and errors:\n";
  for (const Json& w : warnings) {
    out += "  " + paint(color, ansi::kYellow, kWarn) + " " + cell(w) + "\n";
  }
  for (const Json& e : errors) {
    out += "  " + paint(color, ansi::kRed, kFail) + " " +
           (e.is_string() ? e.get<std::string>() : e.dump()) + "\n";
  }
  const bool can = report.value("canRollback", false);
  const bool warned = !warnings.empty();
  const char* paint_with = !can ? ansi::kRed : warned ? ansi::kYellow : ansi::kGreen;
  return out + "Result: " +
         paint(color, paint_with, can ? "can roll back" : "CANNOT roll back") + "\n";
}

}  // namespace

std::string render_report(const Json& report, bool color) {
  if (report.contains("canRollback")) return rollback_report(report, color);
  return validation_report(report, color);
}

std::string render_caret(std::string_view statement, uint32_t line, uint32_t column) {
  if (line == 0 || column == 0) return "";
  std::string_view text = statement.substr(first_token_offset(statement));
  for (uint32_t l = 1; l < line; ++l) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return "";
    text.remove_prefix(nl + 1);
  }
  std::string shown(text.substr(0, text.find('\n')));
  for (char& c : shown) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  const std::string prefix = "LINE " + std::to_string(line) + ": ";
  // The caret sits under the column's character: count display columns of the bytes before.
  size_t before = 0;
  for (size_t i = 0; i + 1 < column && i < shown.size(); ++i) {
    before += (static_cast<unsigned char>(shown[i]) & 0xc0) != 0x80;
  }
  if (column > shown.size() + 1) before += column - 1 - shown.size();
  return prefix + shown + "\n" + std::string(prefix.size() + before, ' ') + "^\n";
}

}  // namespace strata::cli
