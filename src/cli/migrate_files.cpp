// The migration folder of `strata migrate` (migrate.hpp): files NNN_name.sql, each parsed
// into the START MIGRATION VERSION NNN NAME "NNN_name" it stands for, with the checksum the
// ledger stores for it (engine::encode_commands over the canonical commands, the description
// and the name: SPEC §4.6, §4.14), so reformatting a file or editing its comments changes
// nothing. Also the ledger side: SHOW MIGRATIONS by version, and the comparison of the two.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>

#include "cli/migrate.hpp"
#include "cli/outcome.hpp"
#include "engine/ledger.hpp"
#include "parser/canonical.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"
#include "parser/statement_stream.hpp"

namespace strata::cli {

namespace fs = std::filesystem;

namespace {

bool opens_with_start(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
    } else if (text.substr(i, 2) == "--") {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (text.substr(i, 2) == "/*") {
      size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])))
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i++]))));
  return word == "START";
}

// Parses one file; prints its problems and answers false when it has any.
bool parse_file(MigrationFile* f, std::string_view content, const char* who) {
  // A byte order mark opens the file, not the wrapped text (the splitter skips one only at
  // the start of its stream).
  if (content.starts_with(parser::kUtf8Bom)) content.remove_prefix(parser::kUtf8Bom.size());
  // A file of commands only is the body of a migration: wrapped, its lines move down by one.
  const bool whole = opens_with_start(content);
  const std::string text =
      whole ? std::string(content) : "START MIGRATION\n" + std::string(content) + "\nCOMMIT";
  const uint32_t shift = whole ? 0 : 1;
  parser::StatementSplitter splitter;
  splitter.feed(text);
  splitter.finish();
  std::vector<parser::SplitStatement> pieces;
  while (auto s = splitter.next()) pieces.push_back(std::move(*s));
  auto fail = [&](uint32_t line, uint32_t column, const std::string& message) {
    std::cerr << who << ": " << f->path << ":" << (line > shift ? line - shift : 1) << ":"
              << column << ": error: " << message << "\n";
    return false;
  };
  if (pieces.size() != 1) {
    return fail(pieces.size() > 1 ? pieces[1].line : 1, 1,
                "a migration file holds exactly one START MIGRATION … COMMIT (or only the "
                "commands between them)");
  }
  const parser::SplitStatement& piece = pieces.front();
  parser::ParseResult parsed = parser::parse(piece.text);
  if (!parsed.ok()) {
    const auto at = parser::position_in_stream(piece, parsed.error().line, parsed.error().column);
    return fail(at.line, at.column, parsed.error().message);
  }
  if (parsed.script().size() != 1 ||
      !std::holds_alternative<ast::StartMigration>(parsed.script().front())) {
    return fail(piece.line, piece.column, "expected START MIGRATION … COMMIT");
  }
  f->start = std::move(std::get<ast::StartMigration>(parsed.script().front()));
  if (!f->start.issues.empty()) {
    const ast::SyntaxIssue& issue = f->start.issues.front();
    const auto at = parser::position_in_stream(piece, issue.pos.line, issue.pos.column);
    return fail(at.line, at.column, issue.message);
  }
  if (f->start.version && *f->start.version != f->version) {
    return fail(piece.line, piece.column,
                "VERSION " + std::to_string(*f->start.version) +
                    " does not match the file's number " + std::to_string(f->version));
  }
  if (f->start.name && *f->start.name != f->name) {
    return fail(piece.line, piece.column,
                "NAME \"" + *f->start.name + "\" does not match the file name " + f->name);
  }
  f->start_at = whole ? ast::Pos{piece.line, piece.column} : ast::Pos{1, 1};
  f->start.version = f->version;
  f->start.name = f->name;
  f->statement = parser::canonical(ast::Statement(f->start));
  f->checksum = engine::encode_commands(f->start).checksum;
  for (const auto* section : {&f->start.up, &f->start.down}) {
    for (const ast::MigrationCommand& c : *section) {
      const auto at = parser::position_in_stream(piece, c.pos.line, c.pos.column);
      f->command_at.push_back(ast::Pos{at.line > shift ? at.line - shift : 1, at.column});
    }
  }
  return true;
}

}  // namespace

Folder load_folder(const std::string& dir, const char* who) {
  Folder out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    std::cerr << who << ": " << dir << " is not a directory (create it, or name another with "
              << "--dir)\n";
    out.exit_code = kExitUsage;
    return out;
  }
  static const std::regex pattern(R"(^([0-9]+)_([A-Za-z0-9_.-]+)\.sql$)");
  std::map<uint64_t, std::string> seen;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const std::string file = entry.path().filename().string();
    if (file.size() < 4 || file.substr(file.size() - 4) != ".sql") continue;
    std::smatch m;
    if (!std::regex_match(file, m, pattern) || m[1].length() > 18) {
      std::cerr << who << ": " << entry.path().string()
                << ": a migration file is named NNN_name.sql (digits, '_', a name)\n";
      out.exit_code = kExitUsage;
      continue;
    }
    MigrationFile f;
    f.version = std::stoull(m[1].str());
    f.name = file.substr(0, file.size() - 4);
    f.path = entry.path().string();
    if (f.version == 0) {
      std::cerr << who << ": " << f.path << ": versions start at 1\n";
      out.exit_code = kExitUsage;
      continue;
    }
    if (auto dup = seen.find(f.version); dup != seen.end()) {
      std::cerr << who << ": " << f.path << " and " << dup->second << " both have version "
                << f.version << "\n";
      out.exit_code = kExitUsage;
      continue;
    }
    seen[f.version] = f.path;
    out.files.push_back(std::move(f));
  }
  if (ec) {
    std::cerr << who << ": cannot read " << dir << ": " << ec.message() << "\n";
    out.exit_code = kExitUsage;
  }
  if (out.exit_code != kExitOk) return out;
  std::sort(out.files.begin(), out.files.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
  for (auto& f : out.files) {
    std::ifstream in(f.path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) {
      std::cerr << who << ": cannot read " << f.path << "\n";
      out.exit_code = kExitUsage;
      continue;
    }
    if (!parse_file(&f, content.str(), who) && out.exit_code == kExitOk) {
      out.exit_code = kExitProblems;
    }
  }
  return out;
}

std::optional<Ledger> load_ledger(MigrateTarget& target, const char* who) {
  Json r = target.ask("SHOW MIGRATIONS");
  if (!r.is_object() || !r.value("success", false)) {
    std::cerr << who << ": SHOW MIGRATIONS: " << response_problem(r) << "\n";
    return std::nullopt;
  }
  Ledger ledger;
  ledger.current = r.value("currentVersion", uint64_t{0});
  for (const Json& m : r.value("migrations", Json::array())) {
    LedgerEntry e;
    e.version = m.value("Version", uint64_t{0});
    e.status = m.value("Status", "");
    if (m.contains("Name") && m["Name"].is_string()) e.name = m["Name"];
    if (m.contains("Checksum") && m["Checksum"].is_string()) e.checksum = m["Checksum"];
    if (m.contains("AppliedAt") && m["AppliedAt"].is_string()) e.applied_at = m["AppliedAt"];
    if (m.contains("AppliedBy") && m["AppliedBy"].is_string()) e.applied_by = m["AppliedBy"];
    e.batch = m.value("Batch", Json());
    ledger.highest = std::max(ledger.highest, e.version);
    ledger.entries[e.version] = std::move(e);
  }
  return ledger;
}

std::string changed_since(const LedgerEntry& entry) {
  return entry.status == "PENDING" ? "changed after it was started" : "changed after apply";
}

bool report_changed(const std::vector<MigrationFile>& files, const Ledger& ledger,
                    const char* who) {
  bool changed = false;
  for (const auto& f : files) {
    auto it = ledger.entries.find(f.version);
    if (it == ledger.entries.end() || it->second.checksum == f.checksum) continue;
    std::cerr << who << ": " << f.path << ": " << changed_since(it->second)
              << ": the ledger has checksum " << it->second.checksum << ", the file has checksum "
              << f.checksum << "\n";
    changed = true;
  }
  return changed;
}

std::optional<Workspace> open_workspace(const MigrateOptions& o, const char* who,
                                        int* exit_code) {
  Workspace w;
  w.folder = load_folder(o.dir, who);
  *exit_code = w.folder.exit_code;
  if (*exit_code != kExitOk) return std::nullopt;
  w.target = open_target(o, who);
  *exit_code = kExitUsage;
  if (!w.target) return std::nullopt;
  auto ledger = load_ledger(*w.target, who);
  *exit_code = kExitProblems;
  if (!ledger) return std::nullopt;
  w.ledger = std::move(*ledger);
  *exit_code = kExitOk;
  return w;
}

void print_step(const MigrateOptions& options, const Json& step, const std::string& text) {
  if (options.json) {
    std::cout << step.dump(-1, ' ', false, Json::error_handler_t::replace) << "\n";
  } else if (!text.empty()) {
    std::cout << text << "\n";
  }
  std::cout.flush();
}

std::string first_report_error(const Json& report) {
  for (const Json& d : report.value("diagnostics", Json::array())) {
    if (!d.is_object() || d.value("severity", "") != "error") continue;
    const std::string where = d.contains("command") && d["command"].is_number()
                                  ? "command " + d["command"].dump() + ": "
                                  : "";
    return where + d.value("message", "");
  }
  return "";
}

std::string response_problem(const Json& response) {
  std::string summary = failure_summary(response);
  if (summary.empty()) return "unexpected answer";
  if (response.is_object() && !response.value("success", false) && response.contains("report") &&
      response["report"].is_object()) {
    const std::string first = first_report_error(response["report"]);
    if (!first.empty()) summary += ": " + first;
  }
  return summary;
}

}  // namespace strata::cli
