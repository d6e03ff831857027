#include "cli/shell_format.hpp"

#include <algorithm>

#include "common/status.hpp"

namespace strata::cli {
namespace {

constexpr size_t kMaxCell = 60;
const char* const kGreen = "\x1b[32m";
const char* const kRed = "\x1b[31m";
const char* const kBold = "\x1b[1m";
const char* const kReset = "\x1b[0m";

// Display width in code points (good enough for a terminal table).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

std::string cell(const Json& value) {
  std::string text;
  if (value.is_null()) return "";
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_array() &&
             std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_string(); })) {
    for (const Json& v : value) text += (text.empty() ? "" : ", ") + v.get<std::string>();
  } else {
    text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (width(text) > kMaxCell) {
    size_t bytes = 0, seen = 0;
    while (bytes < text.size() && seen < kMaxCell - 1) {
      ++bytes;
      while (bytes < text.size() && (static_cast<unsigned char>(text[bytes]) & 0xc0) == 0x80)
        ++bytes;
      ++seen;
    }
    text = text.substr(0, bytes) + "…";
  }
  return text;
}

// Columns: `preferred` first (those present), then every other key in first-seen order.
std::vector<std::string> columns_of(const Json& rows, std::vector<std::string> preferred) {
  std::vector<std::string> columns;
  for (const std::string& p : preferred) {
    for (const Json& row : rows) {
      if (row.is_object() && row.contains(p)) {
        columns.push_back(p);
        break;
      }
    }
  }
  for (const Json& row : rows) {
    if (!row.is_object()) continue;
    for (const auto& [key, value] : row.items()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  return columns;
}

std::string object_table(const Json& rows, const std::vector<std::string>& preferred) {
  std::vector<std::string> columns = columns_of(rows, preferred);
  std::vector<std::vector<std::string>> cells;
  for (const Json& row : rows) {
    std::vector<std::string> r;
    for (const std::string& c : columns)
      r.push_back(row.is_object() && row.contains(c) ? cell(row[c]) : "");
    cells.push_back(std::move(r));
  }
  return render_table(columns, cells);
}

// SHOW BUNDLES / DESCRIBE-like rows: one line per bundle with its field names.
std::string bundle_table(const Json& bundles) {
  std::vector<std::vector<std::string>> cells;
  for (const Json& b : bundles) {
    std::string fields, indexes;
    for (const Json& f : b.value("Fields", Json::array())) {
      fields += (fields.empty() ? "" : ", ") + f.value("Name", "") + " " + f.value("Type", "");
    }
    for (const Json& i : b.value("Indexes", Json::array())) {
      indexes += (indexes.empty() ? "" : ", ") + i.value("Name", "");
    }
    cells.push_back({b.value("Name", ""), cell(Json(fields)), cell(Json(indexes)),
                     std::to_string(b.value("Relationships", Json::array()).size()),
                     cell(b.value("DocumentCount", Json()))});
  }
  return render_table({"Name", "Fields", "Indexes", "Relationships", "Documents"}, cells);
}

std::string rows_footer(size_t n, const Json& response) {
  std::string footer = "(" + std::to_string(n) + (n == 1 ? " row" : " rows");
  if (response.contains("ExecutionTimeMS")) {
    footer += ", " + response["ExecutionTimeMS"].dump() + " ms";
  }
  return footer + ")\n";
}

std::string paint(const ShellFormat& format, const char* color, const std::string& text) {
  return format.color ? std::string(color) + text + kReset : text;
}

// Fields besides the ones already shown, as indented JSON.
std::string rest(Json response, std::initializer_list<const char*> shown) {
  for (const char* key : {"status", "success", "message", "error"}) response.erase(key);
  for (const char* key : shown) response.erase(key);
  if (response.empty()) return "";
  std::string out;
  for (const auto& [key, value] : response.items()) {
    if (value.is_primitive()) {
      out += key + ": " + cell(value) + "\n";
    } else {
      out += key + ": " + value.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
    }
  }
  return out;
}

}  // namespace

std::string render_table(const std::vector<std::string>& columns,
                         const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const std::string& c : columns) widths.push_back(width(c));
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], width(row[i]));
    }
  }
  auto line = [&](const std::vector<std::string>& values) {
    std::string out;
    for (size_t i = 0; i < columns.size(); ++i) {
      const std::string& v = i < values.size() ? values[i] : std::string();
      out += (i ? " | " : " ") + v;
      if (i + 1 < columns.size()) out += std::string(widths[i] - width(v), ' ');
    }
    return out + "\n";
  };
  std::string out = line(columns);
  for (size_t i = 0; i < columns.size(); ++i) {
    out += (i ? "-+-" : "-") + std::string(widths[i], '-');
  }
  out += "-\n";
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string format_response(const std::string& line, const ShellFormat& format) {
  if (format.json) return line + "\n";
  Json response = Json::parse(line, nullptr, false);
  if (!response.is_object()) return line + "\n";  // S0001, PROTOCOL_OK, ...
  const std::string message = response.value("message", "");
  if (response.value("status", "") != "success") {
    std::string code = "ERROR";
    if (response.contains("error") && response["error"].is_object()) {
      code = response["error"].value("code", code);
    }
    std::string out = paint(format, kRed, "ERROR") + " " + code + ": " + message + "\n";
    return out + rest(response, {});
  }
  std::string out;
  if (response.contains("migrations") && response["migrations"].is_array()) {
    const Json& migrations = response["migrations"];
    out += paint(format, kBold, "database " + response.value("database", "")) +
           "  currentVersion " + cell(response.value("currentVersion", Json())) + "  schemaDrift " +
           cell(response.value("schemaDrift", Json())) + "\n";
    out += object_table(migrations, {"Version", "Status", "Description", "CreatedAt", "AppliedAt",
                                     "CommandCount", "CreatedBy"});
    return out + rows_footer(migrations.size(), response);
  }
  if (response.contains("Result") && response["Result"].is_array()) {
    const Json& result = response["Result"];
    const bool bundles = !result.empty() && result[0].is_object() && result[0].contains("Fields");
    if (bundles) {
      out += bundle_table(result);
    } else if (!result.empty() && !result[0].is_object()) {
      Json rows = Json::array();
      for (const Json& v : result) rows.push_back({{"Name", v}});
      out += object_table(rows, {"Name"});
    } else {
      out += object_table(result, {"DocumentID", "Name"});
    }
    return out + rows_footer(result.size(), response) +
           rest(response, {"Result", "ResultCount", "ExecutionTimeMS", "database"});
  }
  out += paint(format, kGreen, "OK") + (message.empty() ? "" : " " + message) + "\n";
  return out + rest(response, {});
}

}  // namespace strata::cli
