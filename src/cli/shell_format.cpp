// Response rendering for the shell: tables, statuses, carets (shell_format.hpp).
#include "cli/shell_format.hpp"

#include <algorithm>

#include "cli/shell_report.hpp"
#include "cli/shell_text.hpp"

namespace strata::cli {
namespace {

constexpr size_t kMaxCell = 60;

// Display width in code points (good enough for a terminal table).
size_t width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// Which columns a table of objects shows.
enum class Columns {
  kPresent,  // `preferred` that some row has, then every other key in first-seen order
  kAll,      // all of `preferred`, then every other key
  kOnly,     // `preferred` that some row has, nothing else
};

std::vector<std::string> columns_of(const Json& rows, const std::vector<std::string>& preferred,
                                    Columns which) {
  const bool all = which == Columns::kAll;
  std::vector<std::string> columns;
  for (const std::string& p : preferred) {
    const bool present = std::any_of(rows.begin(), rows.end(), [&](const Json& row) {
      return row.is_object() && row.contains(p);
    });
    if (all || present) columns.push_back(p);
  }
  if (which == Columns::kOnly) return columns;
  for (const Json& row : rows) {
    if (!row.is_object()) continue;
    for (const auto& [key, value] : row.items()) {
      if (std::find(columns.begin(), columns.end(), key) == columns.end()) columns.push_back(key);
    }
  }
  return columns;
}

std::string object_table(const Json& rows, const std::vector<std::string>& preferred,
                         Columns which = Columns::kPresent) {
  std::vector<std::string> columns = columns_of(rows, preferred, which);
  std::vector<std::vector<std::string>> cells;
  for (const Json& row : rows) {
    std::vector<std::string> r;
    for (const std::string& c : columns)
      r.push_back(row.is_object() && row.contains(c) ? cell(row[c]) : "");
    cells.push_back(std::move(r));
  }
  return render_table(columns, cells);
}

// SHOW BUNDLES: one line per bundle with its fields and indexes.
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

// DESCRIBE BUNDLE: its fields in order, then its indexes and relationships.
std::string describe_bundle(const Json& b, const ShellFormat& format) {
  const Json count = b.value("DocumentCount", Json());
  std::string out = paint(format.color, ansi::kBold, "Bundle " + quote_name(b.value("Name", ""))) +
                    "  (" + cell(count) + (count == 1 ? " document)\n" : " documents)\n");
  out += object_table(b.value("Fields", Json::array()),
                      {"Name", "Type", "Required", "Unique", "Default"}, Columns::kAll);
  const Json indexes = b.value("Indexes", Json::array());
  if (!indexes.empty()) {
    out += "Indexes:\n" + object_table(indexes, {"Name", "Kind", "Fields", "Unique", "Implicit"},
                                        Columns::kOnly);
  }
  const Json rels = b.value("Relationships", Json::array());
  if (!rels.empty()) {
    out += "Relationships:\n" + object_table(rels, {"Name", "To", "Cardinality", "FromField",
                                                     "ToField"}, Columns::kOnly);
  }
  return out;
}

std::string rows_footer(size_t n, const Json& response) {
  std::string footer = "(" + std::to_string(n) + (n == 1 ? " row" : " rows");
  if (response.contains("ExecutionTimeMS")) {
    footer += ", " + response["ExecutionTimeMS"].dump() + " ms";
  }
  return footer + ")\n";
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

std::string format_error(const Json& response, const ShellFormat& format,
                         const ResponseContext& context) {
  std::string code = "ERROR";
  if (response.contains("error") && response["error"].is_object()) {
    code = response["error"].value("code", code);
  }
  std::string out = paint(format.color, ansi::kRed, "ERROR") + " " + code + ": " +
                    response.value("message", "") + "\n";
  const bool positioned = response.contains("line") && response["line"].is_number_unsigned() &&
                          response.contains("column") && response["column"].is_number_unsigned();
  if (positioned && !context.statement.empty()) {
    out += render_caret(context.statement, response["line"].get<uint32_t>(),
                        response["column"].get<uint32_t>());
  }
  if (response.contains("report") && response["report"].is_object()) {
    out += render_report(response["report"], format.color);
  }
  if (response.contains("didYouMean") && response["didYouMean"].is_string()) {
    out += "did you mean " + Json(response["didYouMean"]).dump() + "?\n";
  }
  if (positioned) {
    return out + rest(response, {"line", "column", "expected", "found", "report", "didYouMean"});
  }
  return out + rest(response, {"report", "didYouMean"});
}

}  // namespace

std::string paint(bool color, const char* code, const std::string& text) {
  return color ? std::string(code) + text + "\x1b[0m" : text;
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

std::string render_table(const std::vector<std::string>& columns,
                         const std::vector<std::vector<std::string>>& rows) {
  if (columns.empty()) return "";  // nothing to show (an empty result): the footer says so
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

std::string format_response(const std::string& line, const ShellFormat& format,
                            const ResponseContext& context) {
  if (format.json) return line + "\n";
  Json response = Json::parse(line, nullptr, false);
  if (!response.is_object()) return line + "\n";  // S0001, PROTOCOL_OK, ...
  if (response.value("status", "") != "success") return format_error(response, format, context);
  const std::string message = response.value("message", "");
  std::string out;
  if (response.contains("report") && response["report"].is_object()) {
    // A VALIDATE: its report says how it went; no "OK" above a FAIL.
    out += paint(format.color, ansi::kBold, message) + "\n";
    return out + render_report(response["report"], format.color) +
           rest(response, {"report", "targetVersion"});
  }
  if (response.contains("migrations") && response["migrations"].is_array()) {
    const Json& migrations = response["migrations"];
    out += paint(format.color, ansi::kBold, "database " + response.value("database", "")) +
           "  currentVersion " + cell(response.value("currentVersion", Json())) + "  schemaDrift " +
           cell(response.value("schemaDrift", Json())) + "\n";
    out += object_table(migrations, {"Version", "Name", "Status", "Description", "Batch",
                                     "CreatedAt", "AppliedAt", "CommandCount", "CreatedBy"});
    return out + rows_footer(migrations.size(), response);
  }
  if (response.contains("locks") && response["locks"].is_array()) {  // SHOW LOCKS
    const Json& locks = response["locks"];
    if (locks.empty()) return "no locks held\n";
    return object_table(locks, {"lock", "database", "server", "session", "statement", "since",
                                "ttlSeconds", "token"}) +
           rows_footer(locks.size(), response);
  }
  if (response.contains("bundle") && response["bundle"].is_object()) {
    return describe_bundle(response["bundle"], format);
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
    } else if (context.field_order) {
      std::vector<std::string> columns = {"DocumentID"};
      columns.insert(columns.end(), context.field_order->begin(), context.field_order->end());
      out += object_table(result, columns, Columns::kAll);
    } else {
      out += object_table(result, {"DocumentID", "Name"});
    }
    return out + rows_footer(result.size(), response) +
           rest(response, {"Result", "ResultCount", "ExecutionTimeMS", "database"});
  }
  out += paint(format.color, ansi::kGreen, "OK") + (message.empty() ? "" : " " + message) + "\n";
  return out + rest(response, {});
}

}  // namespace strata::cli
