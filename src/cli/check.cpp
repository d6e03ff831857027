// strata check FILE... | - (SPEC §7): each file goes through the statement splitter, each
// statement through parser::parse and the syntax phase (syntax_check); every problem is printed
// as a compiler-style diagnostic to stdout at its file position (the statement's start in the
// file + the position inside the statement, parser::position_in_stream). An unterminated
// string or comment, a COMMIT without START and a misspelt START block are problems too.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "cli/diagnostics.hpp"
#include "parser/parser.hpp"
#include "parser/splitter.hpp"
#include "parser/statement_stream.hpp"
#include "parser/syntax_check.hpp"

namespace strata::cli {
namespace {

// The splitter is fed in chunks of this size and drained after each, so only the statement
// being checked exists twice in memory.
constexpr size_t kChunk = size_t{1} << 20;

// Reads a whole file ("-": standard input) into `out`; false with `error` set on failure.
bool read_all(const std::string& path, std::string* out, std::string* error) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  std::error_code ec;
  if (path != "-") {
    if (std::filesystem::is_directory(path, ec)) {
      std::fclose(f);
      *error = "is a directory";
      return false;
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec) out->reserve(size);
  }
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out->append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  if (failed) *error = std::strerror(errno);
  if (f != stdin) std::fclose(f);
  return !failed;
}

class FileChecker {
 public:
  FileChecker(const CheckOptions& options, std::string name, std::string_view source)
      : options_(options), source_(source), printer_(std::move(name), source) {}

  // Returns the number of problems found.
  size_t run() {
    parser::StatementSplitter splitter(options_.max_statement_bytes);
    for (size_t at = 0; at < source_.size(); at += kChunk) {
      splitter.feed(source_.substr(at, kChunk));
      drain(splitter);
    }
    splitter.finish();
    drain(splitter);
    if (errors_ > options_.max_errors_per_file) {
      std::cout << (errors_ - options_.max_errors_per_file) << " more errors not shown\n";
    }
    return errors_;
  }

 private:
  // Reports a problem at `line`:`column` inside statement `s`.
  void report(const parser::SplitStatement& s, uint32_t line, uint32_t column,
              std::string_view message) {
    if (++errors_ <= options_.max_errors_per_file) {
      const parser::StreamPosition at = parser::position_in_stream(s, line, column);
      printer_.error(std::cout, at.line, at.column, message);
    }
  }

  void drain(parser::StatementSplitter& splitter) {
    while (std::optional<parser::SplitStatement> s = splitter.next()) check(*s);
  }

  void check(const parser::SplitStatement& s) {
    if (s.oversized) {
      report(s, 1, 1, parser::oversized_status(options_.max_statement_bytes).message());
      return;
    }
    const parser::ParseResult result = parser::parse(s.text);
    if (!result.ok()) {
      report(s, result.error().line, result.error().column, result.error().message);
      return;
    }
    for (const ast::Statement& statement : result.script()) {
      for (const parser::SyntaxIssue& issue : parser::syntax_check(statement)) {
        std::string message = issue.message;
        if (issue.command > 0) message += " (command " + std::to_string(issue.command) + ")";
        report(s, issue.pos.line, issue.pos.column, message);
      }
    }
  }

  const CheckOptions& options_;
  std::string_view source_;
  DiagnosticPrinter printer_;
  size_t errors_ = 0;
};

}  // namespace

CLI::App* add_check_command(CLI::App& app, CheckOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "check", "Parse scripts offline and run the syntax phase; exit 0 only if all are clean");
  cmd->add_option("files", o.files, "Script files, or - for standard input")->required();
  cmd->add_option("--max-statement-bytes", o.max_statement_bytes, "Largest statement accepted")
      ->capture_default_str();
  cmd->add_option("--max-errors", o.max_errors_per_file, "Errors printed per file")
      ->capture_default_str();
  return cmd;
}

int run_check(const CheckOptions& options) {
  bool unreadable = false;
  size_t problems = 0;
  for (const std::string& path : options.files) {
    std::string source;
    std::string error;
    if (!read_all(path, &source, &error)) {
      std::cerr << "strata check: cannot read " << path << ": " << error << '\n';
      unreadable = true;
      continue;
    }
    problems += FileChecker(options, path == "-" ? "<stdin>" : path, source).run();
  }
  std::cout.flush();
  if (unreadable) return kExitUsage;
  return problems == 0 ? kExitOk : kExitProblems;
}

}  // namespace strata::cli
