// Judging responses for exit codes and stderr lines (outcome.hpp).
#include "cli/outcome.hpp"

namespace strata::cli {
namespace {

// The report of a VALIDATE response, or null.
const Json* report_of(const Json& response) {
  auto it = response.find("report");
  return it != response.end() && it->is_object() ? &*it : nullptr;
}

bool report_failed(const Json& report) {
  auto result = report.find("overallResult");
  if (result != report.end() && result->is_string() && *result == "FAIL") return true;
  auto can = report.find("canRollback");
  return can != report.end() && can->is_boolean() && !can->get<bool>();
}

// The first error a report names: a diagnostic of severity error, else a rollback error.
std::string first_error(const Json& report) {
  for (const Json& d : report.value("diagnostics", Json::array())) {
    if (!d.is_object() || d.value("severity", "") != "error") continue;
    std::string where;
    if (d.contains("command") && d["command"].is_number()) {
      where = "command " + d["command"].dump() + ": ";
    }
    return where + d.value("message", "");
  }
  for (const Json& e : report.value("errors", Json::array())) {
    if (e.is_string()) return e.get<std::string>();
  }
  return "";
}

}  // namespace

Outcome outcome_of(const Json& response) {
  if (!response.is_object() || !response.value("success", false)) return Outcome::kFailed;
  const Json* report = report_of(response);
  if (report && report_failed(*report)) return Outcome::kValidateFailed;
  if (response.value("overallResult", "") == "FAIL") return Outcome::kValidateFailed;
  return Outcome::kOk;
}

std::string failure_summary(const Json& response) {
  switch (outcome_of(response)) {
    case Outcome::kOk:
      return "";
    case Outcome::kValidateFailed: {
      const Json* report = report_of(response);
      const std::string error = report ? first_error(*report) : "";
      return "VALIDATE reported FAIL" + (error.empty() ? "" : ": " + error);
    }
    case Outcome::kFailed:
      break;
  }
  if (!response.is_object()) return "ERROR: unreadable response";
  std::string code = error_code(response);
  if (code.empty()) code = "ERROR";
  std::string summary = code + ": " + response.value("message", "");
  if (response.contains("didYouMean") && response["didYouMean"].is_string())
    summary += " (did you mean " + response["didYouMean"].dump() + "?)";
  return summary;
}

std::string error_code(const Json& response) {
  if (!response.is_object()) return "";
  auto it = response.find("error");
  return it != response.end() && it->is_object() ? it->value("code", "") : "";
}

bool needs_authentication(const Json& response) {
  if (!response.is_object() || response.value("success", true)) return false;
  const Json error = response.value("error", Json::object());
  return error.is_object() && error.value("code", "") == "PERMISSION_DENIED" &&
         response.value("message", "") == "authentication required";
}

}  // namespace strata::cli
