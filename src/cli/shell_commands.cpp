// The shell's backslash commands (SPEC §7): \d [bundle], \l, \i FILE, \timing, \json,
// \pager [on|off], \help [statement], \q. Each is a line of its own, typed when no statement
// is open.
#include <cctype>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/shell.hpp"
#include "cli/shell_help.hpp"
#include "cli/shell_text.hpp"

namespace strata::cli {
namespace {

constexpr int kMaxIncludeDepth = 16;

std::string trim(std::string_view s) {
  const size_t start = s.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return "";
  const size_t end = s.find_last_not_of(" \t\r;");
  return end == std::string_view::npos || end < start ? "" : std::string(s.substr(start, end + 1 - start));
}

// "on" / "off" / "" (toggle) applied to `flag`; false for any other argument.
bool set_switch(const std::string& argument, bool* flag) {
  if (argument.empty()) {
    *flag = !*flag;
  } else if (argument == "on") {
    *flag = true;
  } else if (argument == "off") {
    *flag = false;
  } else {
    return false;
  }
  return true;
}

// Says how a command is used; the command failed.
bool usage(const char* text) {
  std::cout << "usage: " << text << "\n";
  return false;
}

// A name given to \d: quoted (with escapes) or bare.
std::string name_argument(const std::string& argument) {
  if (!argument.empty() && argument[0] == '"') {
    std::vector<std::string> names = quoted_names(argument);
    if (!names.empty()) return names.front();
  }
  return argument;
}

}  // namespace

std::optional<bool> Shell::command(std::string_view raw) {
  const std::string line = trim(raw);
  if (line.empty()) return true;  // a blank line
  const size_t space = line.find_first_of(" \t");
  const std::string word = line.substr(0, space);
  const std::string argument = space == std::string::npos ? "" : trim(line.substr(space));
  if (word == "\\q" || word == "\\quit" || word == "quit" || word == "exit") {
    quit_ = true;
  } else if (word == "\\timing") {
    if (!set_switch(argument, &timing_)) return usage("\\timing [on|off]");
    std::cout << "Timing is " << (timing_ ? "on" : "off") << ".\n";
  } else if (word == "\\json") {
    if (!set_switch(argument, &format_.json)) return usage("\\json [on|off]");
    std::cout << "JSON output is " << (format_.json ? "on" : "off") << ".\n";
  } else if (word == "\\pager") {
    bool on = pager_.enabled();
    if (!set_switch(argument, &on)) return usage("\\pager [on|off]");
    pager_.set_enabled(on);
    std::cout << "Pager is " << (on ? "on" : "off")
              << (on && pager_.command().empty() ? " (but no pager: set $PAGER)" : "") << ".\n";
  } else if (word == "\\help" || word == "\\?" || word == "\\h" || word == "help") {
    show(statement_help(argument));
  } else if (word == "\\l") {
    return execute({"SHOW DATABASES", 1, 1, false}).value_or(Outcome::kFailed) == Outcome::kOk;
  } else if (word == "\\d") {
    const std::string statement =
        argument.empty() ? "SHOW BUNDLES" : "DESCRIBE BUNDLE " + quote_name(name_argument(argument));
    return execute({statement, 1, 1, false}).value_or(Outcome::kFailed) == Outcome::kOk;
  } else if (word == "\\i") {
    if (argument.empty()) return usage("\\i FILE");
    if (include_depth_ >= kMaxIncludeDepth) {
      std::cout << "\\i: files include each other more than " << kMaxIncludeDepth
                << " deep; stopped\n";
      return false;
    }
    std::ifstream in(argument, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
      std::cout << "\\i: cannot read " << argument << "\n";
      return false;
    }
    ++include_depth_;
    const bool ok = run_text(text.str(), argument);
    --include_depth_;
    return ok;
  } else if (word[0] == '\\') {
    std::cout << "unknown command " << word << "; \\help lists them\n";
    return false;
  } else {
    return std::nullopt;
  }
  return true;
}

}  // namespace strata::cli
