// Validation phase 1 (SPEC §4.4): every stored command re-parses to exactly one command that
// a migration allows; type names are known, no duplicate fields, values well-formed
// (parser/syntax_check.hpp); the stored checksum matches the stored text (SPEC §4.6).
#include "engine/validate/phases.hpp"
#include "parser/parser.hpp"
#include "parser/syntax_check.hpp"

namespace strata::engine::validate {

std::vector<Finding> check_syntax(std::string_view text, size_t command,
                                  std::optional<ast::Statement>* parsed) {
  std::vector<Finding> out;
  auto result = parser::parse(text);
  if (!result.ok()) {
    out.push_back({"stored command does not parse: " + result.error().message, command});
    return out;
  }
  if (result.script().size() != 1) {
    out.push_back({"stored command holds " + std::to_string(result.script().size()) +
                       " statements, expected one",
                   command});
    return out;
  }
  ast::Statement& st = result.script().front();
  if (!ast::allowed_in_migration(st, /*in_down=*/false)) {
    out.push_back({std::string(ast::statement_name(st)) + " is not allowed inside a migration",
                   command});
    return out;
  }
  for (const auto& issue : parser::syntax_check(st)) out.push_back({issue.message, command});
  *parsed = std::move(st);
  return out;
}

std::vector<Finding> check_checksum(const std::string& stored, const std::string& recomputed) {
  if (stored == recomputed) return {};
  return {{"checksum mismatch: the stored commands no longer match checksum " + stored, 0}};
}

}  // namespace strata::engine::validate
