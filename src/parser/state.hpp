#pragma once
// The parse state the PEGTL actions build the AST into (STYLE §6, like PEGTL's
// json_build.cpp): value stacks for strings, JSON values and conditions, scratch slots for the
// statement being parsed, and the sink the finished statement goes to (the script, or the UP
// or DOWN section of the START MIGRATION being parsed, in compact form).
//
// Leaf actions push (a decoded string, a JSON value, a comparison); the action of the rule
// that owns them pops exactly what it needs, so the stacks are empty between statements, and
// emit() hands the statement to the sink and clears every per-statement slot. Nothing here
// allocates per matched rule except the strings and values the AST keeps.
//
// Errors found by actions (a refused command, an out-of-range number) are thrown as
// ActionError and turned into a SyntaxError by parse(). Thread-safety: one state per parse.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tao/pegtl/nothing.hpp>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "parser/ast.hpp"
#include "parser/migration_command.hpp"
#include "parser/parser.hpp"

namespace strata::parser {

// The primary action template: no action; actions*.hpp specialize it per rule.
template <typename Rule>
struct action : tao::pegtl::nothing<Rule> {};

// Where in the text something starts (0-based byte offset, 1-based line and column).
struct TextPos {
  size_t byte = 0;
  size_t line = 1;
  size_t column = 1;
};

// Thrown by the bracket actions when ( [ { nest deeper than kMaxNesting: parse() then reports
// the nesting error (check_nesting in parser.cpp finds the bracket).
struct NestingTooDeep {};

// A syntax error detected by an action rather than by a failed rule.
struct ActionError {
  TextPos at;
  std::string expected;
  std::string message;  // the full message; "found" is still computed from `at`
};

// Decodes the body of a double-quoted string (JSON escapes) into `out`.
void decode_string(std::string_view raw, std::string& out);
// The name of the statement a refused command starts with, e.g. "CREATE DATABASE", read from
// the text at `begin` (at most the first two words).
std::string refused_statement_name(const char* begin, const char* end);

// The position of `p` counted from `origin` (line 1, column 1 = origin), SPEC §2: what every
// position of a statement and of its errors is reported as. A position before `origin` (which
// only a malformed text can produce) is returned as it is.
ast::Pos relative_to(const TextPos& origin, size_t line, size_t column);

class ParseState {
 public:
  // `assembler_pool`: a large text's migration commands are turned into their compact form on
  // this pool while the parse goes on (CommandAssembler); null: on the parsing thread.
  explicit ParseState(common::ThreadPool* assembler_pool = nullptr) : assembler_(assembler_pool) {}

  template <typename Input>
  static TextPos text_pos(const Input& in) {
    const auto& it = in.iterator();
    return TextPos{it.byte, it.line, it.column};
  }
  // A position of the text, as reported: counted from the start of its statement.
  ast::Pos pos(const TextPos& p) const { return relative_to(origin_, p.line, p.column); }
  template <typename Input>
  ast::Pos pos_of(const Input& in) const {
    return pos(text_pos(in));
  }
  ast::Pos statement_pos() const { return pos(statement_at_); }

  std::string pop_string() {
    if (strings_.empty()) return std::string();
    std::string s = std::move(strings_.back());
    strings_.pop_back();
    return s;
  }
  std::optional<std::string> pop_optional_string() {
    if (strings_.empty()) return std::nullopt;
    return pop_string();
  }
  Json pop_value() {
    if (values_.empty()) return Json();
    Json v = std::move(values_.back());
    values_.pop_back();
    return v;
  }
  // Moves the string on top of strings_ onto values_ as a JSON string.
  void string_to_value() {
    if (strings_.empty()) {
      values_.emplace_back(std::string());
      return;
    }
    values_.emplace_back(std::move(strings_.back()));
    strings_.pop_back();
  }
  // Pops the key on top of strings_ and sets object[key] = value (a repeated key keeps its last
  // value; a null `object` becomes an object), moving key and value into place.
  void set_member(Json& object, Json&& value) {
    if (object.is_null()) object = Json::object();
    auto& members = object.get_ref<Json::object_t&>();
    if (strings_.empty()) {
      members.insert_or_assign(std::string(), std::move(value));
      return;
    }
    members.insert_or_assign(std::move(strings_.back()), std::move(value));
    strings_.pop_back();
  }
  ast::Condition pop_condition() {
    if (conditions_.empty()) return ast::Condition();
    ast::Condition c = std::move(conditions_.back());
    conditions_.pop_back();
    condition_depths_.pop_back();
    return c;
  }

  // Hands a finished statement to the current sink and clears the per-statement slots: the
  // script, or — inside START MIGRATION — the migration's UP or DOWN section, where it is kept
  // in compact form (migration_command.hpp) and its tree freed at once.
  void emit(ast::Statement statement) {
    if (in_migration_) {
      assembler_.add(&migration_, std::move(statement), in_down_);
    } else {
      script_.push_back(std::move(statement));
    }
    reset_statement();
  }
  // emit() for an UP section ADD DOCUMENT read straight into canonical text (the fast path of
  // grammar::fast_add_document).
  void emit_document_text(std::string bundle, std::string values) {
    assembler_.add_text(&migration_, std::move(bundle), std::move(values), statement_pos());
    reset_statement();
  }
  void reset_statement();

  // Where the top-level statement being parsed starts (its first token): every position is
  // reported counted from here. Set by statement_start.
  TextPos origin_;
  // Where the statement or migration command being parsed starts (its `pos`).
  TextPos statement_at_;

  // Whether the fast path of ADD DOCUMENT (fast_add_document.hpp) may run; false only for
  // parse_grammar_only(), which tests compare parse() with.
  bool fast_paths_ = true;

  // Output: the script, and the migration being parsed with the section commands go to.
  ast::Script script_;
  ast::StartMigration migration_;
  CommandAssembler assembler_;  // builds migration_'s sections; finish() before reading them
  bool in_migration_ = false;
  bool in_down_ = false;

  // How many ( [ { are open at the current position. The grammar never backtracks out of an
  // open bracket (each opener commits, by must<>, up to its closer), so this is the text's
  // nesting depth there, exactly as check_nesting counts it.
  int bracket_depth_ = 0;

  // Value stacks.
  std::vector<std::string> strings_;
  std::vector<Json> values_;
  std::vector<size_t> array_marks_;  // where in values_ each open array is
  std::vector<ast::Condition> conditions_;
  std::vector<uint32_t> condition_depths_;  // the tree depth of each entry of conditions_
  std::vector<size_t> condition_marks_;
  std::vector<uint32_t> not_counts_;

  // Per-statement slots.
  ast::CompareOp op_ = ast::CompareOp::kEq;
  uint64_t number_ = 0;
  std::string_view number_text_;  // the last JSON number as written (SET quotes it back)
  std::optional<uint32_t> field_position_;  // ADD FIELD ... AT POSITION n
  bool force_ = false;
  ast::FieldDef field_;
  std::vector<ast::FieldDef> fields_;
  std::vector<ast::BundleChange> changes_;
  ast::RelationshipDef relationship_;
  char syndr_kind_ = 'A';  // 'A'dd, 'M'odify, 'R'emove
  bool index_unique_ = false;
  bool entry_unique_ = false;
  ast::IndexKind index_kind_ = ast::IndexKind::kHash;
  std::optional<std::string> index_name_;
  std::vector<std::string> index_fields_;
  Json document_;  // null until the first member (set_member makes it an object)
  std::vector<ast::Assignment> assignments_;
  std::optional<ast::Condition> where_;
  bool descending_ = false;
  std::optional<ast::OrderBy> order_by_;
  std::optional<uint64_t> limit_;
  std::optional<ast::Role> role_;
  std::vector<ast::MigrationFilter> filters_;
  std::optional<uint64_t> version_;          // SHOW SCHEMA AT VERSION n
  std::optional<std::string> approval_;      // WITH APPROVAL "token"
  bool negative_ = false;                    // TO VERSION -n of a rollback
};

}  // namespace strata::parser
