#pragma once
// Case files (tests/cases/*.test, format in tests/cases/README.md): parsing and matching,
// shared by the embedded case runner (case_runner_test.cpp) and the server's wire replay.
//
//   - load_case_file(path): reads a file and parses it (below);
//   - parse_case_file(text): the blocks of a file: statements with their expected response,
//     and directives (`@session NAME [admin|migrator|reader]`, `@reopen`).
//   - substitute(text, captures): replaces $NAME by the value captured under NAME.
//   - match(expected, actual, captures, why): subset matching with $any / $string / $number /
//     $absent / $capture:NAME.
//   - directive_of(block): a directive's verb and arguments;
//   - run_case_statement(block, captures, execute): one statement block executed and matched.
// Thread-safety: pure functions, plus the caller's Captures map.

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace strata::testing {

using Json = nlohmann::json;
using Captures = std::map<std::string, std::string>;

struct CaseBlock {
  enum class Kind { kStatement, kDirective };
  Kind kind = Kind::kStatement;
  std::string text;      // the statement (may span lines), or the directive line without '@'
  std::string expected;  // the expected JSON text (statements only)
  int line = 0;          // 1-based line of the block's first line in the file
};

// Splits a case file into blocks. Returns false and sets *error on a malformed file.
inline bool parse_case_file(const std::string& text, std::vector<CaseBlock>* blocks,
                            std::string* error) {
  std::vector<std::string> lines;
  {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines.push_back(l);
    }
  }
  auto blank = [](const std::string& s) { return s.find_first_not_of(" \t") == std::string::npos; };
  size_t i = 0;
  while (i < lines.size()) {
    const std::string& l = lines[i];
    if (blank(l) || l[0] == '#') {
      ++i;
      continue;
    }
    CaseBlock b;
    b.line = static_cast<int>(i + 1);
    if (l[0] == '@') {
      b.kind = CaseBlock::Kind::kDirective;
      b.text = l.substr(1);
      blocks->push_back(b);
      ++i;
      continue;
    }
    while (i < lines.size() && lines[i] != "----") {
      b.text += (b.text.empty() ? "" : "\n") + lines[i];
      ++i;
    }
    if (i == lines.size()) {
      *error = "line " + std::to_string(b.line) + ": statement without a '----' line";
      return false;
    }
    ++i;  // ----
    while (i < lines.size() && !blank(lines[i])) {
      b.expected += lines[i] + "\n";
      ++i;
    }
    if (b.expected.empty()) {
      *error = "line " + std::to_string(b.line) + ": statement without an expected response";
      return false;
    }
    blocks->push_back(b);
  }
  return true;
}

// Reads and parses the case file at `path`. Returns false and sets *error when it cannot be
// read or is malformed.
inline bool load_case_file(const std::filesystem::path& path, std::vector<CaseBlock>* blocks,
                           std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot read " + path.string();
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_case_file(ss.str(), blocks, error);
}

// Replaces every $NAME (letters, digits, '_') that names a capture by its value.
inline std::string substitute(const std::string& text, const Captures& captures) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '$') {
      size_t j = i + 1;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_'))
        ++j;
      auto it = captures.find(text.substr(i + 1, j - i - 1));
      if (j > i + 1 && it != captures.end()) {
        out += it->second;
        i = j;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

// Subset match of `actual` against `expected`; on mismatch *why names the path.
inline bool match(const Json& expected, const Json& actual, Captures* captures, std::string* why,
                  const std::string& path = "$") {
  if (expected.is_string()) {
    const std::string& e = expected.get_ref<const std::string&>();
    if (e == "$any") return true;
    if (e == "$string") {
      if (actual.is_string()) return true;
      *why = path + ": expected a string, got " + actual.dump();
      return false;
    }
    if (e == "$number") {
      if (actual.is_number()) return true;
      *why = path + ": expected a number, got " + actual.dump();
      return false;
    }
    if (e.rfind("$capture:", 0) == 0) {
      (*captures)[e.substr(9)] = actual.is_string() ? actual.get<std::string>() : actual.dump();
      return true;
    }
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      *why = path + ": expected an object, got " + actual.dump();
      return false;
    }
    for (auto& [k, v] : expected.items()) {
      bool absent = v.is_string() && v.get<std::string>() == "$absent";
      if (!actual.contains(k)) {
        if (absent) continue;
        *why = path + "." + k + ": missing in " + actual.dump();
        return false;
      }
      if (absent) {
        *why = path + "." + k + ": expected absent, got " + actual[k].dump();
        return false;
      }
      if (!match(v, actual[k], captures, why, path + "." + k)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      *why = path + ": expected " + std::to_string(expected.size()) + " elements, got " +
             actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!match(expected[i], actual[i], captures, why, path + "[" + std::to_string(i) + "]"))
        return false;
    }
    return true;
  }
  if (expected != actual) {
    *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
    return false;
  }
  return true;
}

// A directive block split into its words: `@session NAME ROLE`, `@reopen`, `@consistent DB`.
struct CaseDirective {
  std::string verb, name, role;
};
inline CaseDirective directive_of(const CaseBlock& block) {
  CaseDirective d;
  std::istringstream in(block.text);
  in >> d.verb >> d.name >> d.role;
  return d;
}

// The outcome of one statement block: whether its expected text is JSON, whether the answer
// matched it, and a report naming the statement, both answers and the first mismatch.
struct CaseResult {
  bool expected_valid = false;
  bool ok = false;
  std::string report;
};

// Substitutes the captures into the block's statement, runs it with `execute(statement)`
// (which returns the answer as JSON) and matches the answer, capturing what it names.
template <typename Execute>
CaseResult run_case_statement(const CaseBlock& block, Captures* captures, Execute&& execute) {
  CaseResult r;
  const std::string statement = substitute(block.text, *captures);
  const Json actual = execute(statement);
  const Json expected = Json::parse(substitute(block.expected, *captures), nullptr, false);
  r.expected_valid = !expected.is_discarded();
  if (!r.expected_valid) {
    r.report = "expected response is not JSON: " + block.expected;
    return r;
  }
  std::string why;
  r.ok = match(expected, actual, captures, &why);
  r.report = "statement: " + statement + "\nexpected:  " + expected.dump() +
             "\nactual:    " + actual.dump() + "\nmismatch:  " + why;
  return r;
}

}  // namespace strata::testing
