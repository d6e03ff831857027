#pragma once
// PEGTL actions for the lexical rules, JSON values and WHERE conditions (STYLE §6): leaf
// actions push decoded strings, JSON values and comparisons onto ParseState's stacks; the
// rules that own them (object members, AND / OR / NOT) pop and combine. Thread-safety: the
// actions touch only the ParseState they are given.

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

#include "common/json.hpp"
#include "parser/grammar/strata.hpp"
#include "parser/parser.hpp"
#include "parser/state.hpp"

namespace strata::parser {

namespace g = grammar;

// A top-level statement starts: positions count from here (SPEC §2).
template <>
struct action<g::statement_start> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.origin_ = st.statement_at_ = ParseState::text_pos(in);
  }
};
// A command of a migration starts: its position, counted from the START of the migration.
template <>
struct action<g::command_start> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.statement_at_ = ParseState::text_pos(in);
  }
};

// Every bracket of the language is a tok<C>, whose first rule is one<C>: these count the
// nesting depth and stop the parse past kMaxNesting (parse() reports the error).
struct bracket_open {
  static void apply0(ParseState& st) {
    if (++st.bracket_depth_ > kMaxNesting) throw NestingTooDeep{};
  }
};
struct bracket_close {
  static void apply0(ParseState& st) { --st.bracket_depth_; }
};
template <>
struct action<tao::pegtl::one<'('>> : bracket_open {};
template <>
struct action<tao::pegtl::one<'['>> : bracket_open {};
template <>
struct action<tao::pegtl::one<'{'>> : bracket_open {};
template <>
struct action<tao::pegtl::one<')'>> : bracket_close {};
template <>
struct action<tao::pegtl::one<']'>> : bracket_close {};
template <>
struct action<tao::pegtl::one<'}'>> : bracket_close {};

// The string of a `quoted`, decoded straight into its slot on the stack. (Once the body has
// matched, `quoted` either succeeds or raises, so this is as if `quoted` pushed it.)
template <>
struct action<g::string_body> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    decode_string(in.string_view(), st.strings_.emplace_back());
  }
};

template <>
struct action<g::bare_word> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.strings_.emplace_back(in.string_view());
  }
};

template <>
struct action<g::unsigned_integer> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    const auto r = std::from_chars(in.begin(), in.end(), st.number_);
    if (r.ec != std::errc()) {
      throw ActionError{ParseState::text_pos(in), "an unsigned integer below 2^64",
                        "number out of range"};
    }
  }
};

template <>
struct action<g::number_text> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::optional<Json> v = parse_number(in.string_view());
    if (!v) throw ActionError{ParseState::text_pos(in), "a finite number", "number out of range"};
    st.values_.push_back(std::move(*v));
    st.number_text_ = in.string_view();
  }
};

template <>
struct action<g::true_literal> {
  static void apply0(ParseState& st) { st.values_.emplace_back(true); }
};
template <>
struct action<g::false_literal> {
  static void apply0(ParseState& st) { st.values_.emplace_back(false); }
};
template <>
struct action<g::null_literal> {
  static void apply0(ParseState& st) { st.values_.emplace_back(nullptr); }
};
template <>
struct action<g::json_string> {
  static void apply0(ParseState& st) { st.string_to_value(); }
};

// An array's elements stay on the value stack above it until the array closes, then move
// into it at once (one allocation, not one per doubling).
template <>
struct action<g::array_open> {
  static void apply0(ParseState& st) {
    st.array_marks_.push_back(st.values_.size());
    st.values_.emplace_back(Json::array());
  }
};
template <>
struct action<g::array> {
  static void apply0(ParseState& st) {
    const size_t mark = st.array_marks_.back();
    st.array_marks_.pop_back();
    const auto first = st.values_.begin() + static_cast<std::ptrdiff_t>(mark) + 1;
    auto& elements = st.values_[mark].get_ref<Json::array_t&>();
    elements.reserve(static_cast<size_t>(st.values_.end() - first));
    std::move(first, st.values_.end(), std::back_inserter(elements));
    st.values_.erase(first, st.values_.end());
  }
};
template <>
struct action<g::object_open> {
  static void apply0(ParseState& st) { st.values_.emplace_back(Json::object()); }
};
template <>
struct action<g::object_member> {
  static void apply0(ParseState& st) {
    Json v = st.pop_value();
    st.set_member(st.values_.back(), std::move(v));
  }
};

template <>
struct action<g::compare_op> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    const char* p = in.begin();
    const bool eq_next = in.size() > 1 && p[1] == '=';
    switch (p[0]) {
      case '!':
        st.op_ = ast::CompareOp::kNe;
        break;
      case '<':
        st.op_ = eq_next ? ast::CompareOp::kLe : ast::CompareOp::kLt;
        break;
      case '>':
        st.op_ = eq_next ? ast::CompareOp::kGe : ast::CompareOp::kGt;
        break;
      default:
        st.op_ = ast::CompareOp::kEq;
        break;
    }
  }
};

// ---- conditions

// Refuses a condition tree deeper than kMaxNesting (long NOT chains, deeply nested groups),
// so that no later recursive walk over the AST can exhaust the stack.
inline void check_condition_depth(uint64_t depth, const TextPos& at) {
  if (depth > static_cast<uint64_t>(kMaxNesting)) {
    throw ActionError{at, "at most " + std::to_string(kMaxNesting) + " levels of nesting",
                      "nesting deeper than " + std::to_string(kMaxNesting) + " levels"};
  }
}

template <>
struct action<g::comparison> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    ast::Condition c;
    c.kind = ast::Condition::Kind::kCompare;
    c.compare.value = st.pop_value();
    c.compare.field = st.pop_string();
    c.compare.op = st.op_;
    c.compare.pos = st.pos_of(in);
    c.pos = c.compare.pos;
    st.conditions_.push_back(std::move(c));
    st.condition_depths_.push_back(1);
  }
};

template <>
struct action<g::not_mark> {
  static void apply0(ParseState& st) { st.not_counts_.push_back(0); }
};
template <>
struct action<g::not_keyword> {
  static void apply0(ParseState& st) { ++st.not_counts_.back(); }
};
template <>
struct action<g::not_condition> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    uint32_t n = st.not_counts_.back();
    st.not_counts_.pop_back();
    if (n == 0) return;
    const uint64_t depth = uint64_t{st.condition_depths_.back()} + n;
    check_condition_depth(depth, ParseState::text_pos(in));
    const ast::Pos pos = st.pos_of(in);
    ast::Condition c = st.pop_condition();
    while (n-- > 0) {
      ast::Condition wrapped;
      wrapped.kind = ast::Condition::Kind::kNot;
      wrapped.pos = pos;
      wrapped.children.push_back(std::move(c));
      c = std::move(wrapped);
    }
    st.conditions_.push_back(std::move(c));
    st.condition_depths_.push_back(static_cast<uint32_t>(depth));
  }
};

// Combines the conditions pushed since the last mark into one AND / OR node.
inline void combine_conditions(ParseState& st, ast::Condition::Kind kind) {
  const size_t mark = st.condition_marks_.back();
  st.condition_marks_.pop_back();
  if (st.conditions_.size() - mark < 2) return;
  uint32_t depth = 0;
  for (size_t i = mark; i < st.condition_depths_.size(); ++i) {
    depth = std::max(depth, st.condition_depths_[i] + 1);
  }
  ast::Condition c;
  c.kind = kind;
  c.pos = st.conditions_[mark].pos;
  c.children.assign(std::make_move_iterator(st.conditions_.begin() + mark),
                    std::make_move_iterator(st.conditions_.end()));
  st.conditions_.resize(mark);
  st.condition_depths_.resize(mark);
  st.conditions_.push_back(std::move(c));
  st.condition_depths_.push_back(depth);
}

template <>
struct action<g::and_mark> {
  static void apply0(ParseState& st) { st.condition_marks_.push_back(st.conditions_.size()); }
};
template <>
struct action<g::or_mark> {
  static void apply0(ParseState& st) { st.condition_marks_.push_back(st.conditions_.size()); }
};
template <>
struct action<g::and_condition> {
  static void apply0(ParseState& st) { combine_conditions(st, ast::Condition::Kind::kAnd); }
};
template <>
struct action<g::or_condition> {
  static void apply0(ParseState& st) { combine_conditions(st, ast::Condition::Kind::kOr); }
};
template <>
struct action<g::where_clause> {
  static void apply0(ParseState& st) { st.where_ = st.pop_condition(); }
};

}  // namespace strata::parser
