#pragma once
// Lexical rules of Strata's statement language: the lexical half of grammar/strata.peg
// (SPEC §2), mirrored rule by rule as PEGTL structs.
//
// Conventions shared by every grammar header: a token rule swallows the whitespace and
// comments after it (`skip`), so every rule starts on a token; `kw<...>` is a
// case-insensitive keyword (the word must not run on into identifier characters); `tok<c>` is
// one punctuation character. Rules that build the AST carry actions (actions.hpp); the
// messages of `must<>` failures live in errors.hpp. Thread-safety: types only.

#include <cstddef>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace strata::parser::grammar {

using namespace tao::pegtl;  // NOLINT: PEGTL grammars are written in its vocabulary

// line_comment <- '--' (!eol .)* eol?
struct line_comment : seq<two<'-'>, until<eolf>> {};

// block_comment_end <- (!'*/' .)* '*/'
struct block_comment_end : until<string<'*', '/'>> {};

// block_comment <- '/*' block_comment_end
struct block_comment : if_must<string<'/', '*'>, block_comment_end> {};

// whitespace <- [ \t\r\n\v\f]+
//   Hand-written for speed (it runs after every token): one scan, then one bump.
struct whitespace {
  using rule_t = whitespace;
  using subs_t = empty_list;
  static constexpr bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
  }
  template <typename Input>
  static bool match(Input& in) {
    const char* begin = in.current();
    const char* p = begin;
    const char* end = in.end();
    while (p != end && is_space(*p)) ++p;
    if (p == begin) return false;
    in.bump(static_cast<std::size_t>(p - begin));
    return true;
  }
};

// skip <- (whitespace / line_comment / block_comment)*
//   Hand-written for speed (it runs after every token): whitespace is scanned in place, one
//   bump per line; the comment rules run (under the parse's control) only when the next two
//   bytes are '--' or '/*', so an unterminated comment fails exactly as the PEG rule does.
struct skip {
  using rule_t = skip;
  using subs_t = type_list<whitespace, line_comment, block_comment>;
  static constexpr bool is_token_start(char c) { return c > ' ' && c != '-' && c != '/'; }
  // Inlined into every token: most tokens are followed directly by another, or by one space.
  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename Input, typename... States>
  [[gnu::always_inline]] static bool match(Input& in, States&&... st) {
    const char* p = in.current();
    const char* const end = in.end();
    if (p == end || is_token_start(*p)) return true;
    if (*p == ' ' && end - p >= 2 && is_token_start(p[1])) {
      in.bump_in_this_line(1);
      return true;
    }
    return skip_blanks<A, Action, Control>(in, st...);
  }
  template <apply_mode A, template <typename...> class Action, template <typename...> class Control,
            typename Input, typename... States>
  [[gnu::noinline]] static bool skip_blanks(Input& in, States&&... st) {
    for (;;) {
      const char* p = in.current();
      const char* const end = in.end();
      const char* line = p;  // the first byte after the last line break bumped
      while (p != end && whitespace::is_space(*p)) {
        if (*p++ == '\n') {
          in.bump_to_next_line(static_cast<std::size_t>(p - line));
          line = p;
        }
      }
      if (p != line) in.bump_in_this_line(static_cast<std::size_t>(p - line));
      if (end - p < 2) return true;
      if (p[0] == '-' && p[1] == '-') {
        (void)Control<line_comment>::template match<A, rewind_mode::required, Action, Control>(
            in, st...);
      } else if (p[0] == '/' && p[1] == '*') {
        (void)Control<block_comment>::template match<A, rewind_mode::required, Action, Control>(
            in, st...);
      } else {
        return true;
      }
    }
  }
};

// A case-insensitive keyword such as CREATE: the word, not followed by an identifier
// character, then whitespace and comments. `Str` is TAO_PEGTL_ISTRING("...").
template <typename Str>
struct kw : seq<Str, not_at<identifier_other>, skip> {};

// One punctuation character, then whitespace and comments.
template <char C>
struct tok : seq<one<C>, skip> {};

// bare_word <- [a-zA-Z_] [a-zA-Z0-9_]*
struct bare_word : identifier {};

// escape_code <- ["\\/bfnrt] / 'u' [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F]
struct escape_code
    : sor<one<'"', '\\', '/', 'b', 'f', 'n', 'r', 't'>, seq<one<'u'>, rep<4, xdigit>>> {};

// escape <- '\\' escape_code
struct escape : if_must<one<'\\'>, escape_code> {};

// plain_chars <- [^"\\\x00-\x1f\x80-\xff]+
//   Hand-written for speed: one scan, then one bump (no line break can occur in the run).
struct plain_chars {
  using rule_t = plain_chars;
  using subs_t = empty_list;
  static constexpr bool is_plain(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x80 && c != '"' && c != '\\';
  }
  template <typename Input>
  static bool match(Input& in) {
    const char* begin = in.current();
    const char* p = begin;
    const char* end = in.end();
    while (p != end && is_plain(*p)) ++p;
    if (p == begin) return false;
    in.bump_in_this_line(static_cast<std::size_t>(p - begin));
    return true;
  }
};

// utf8_char <- <a well-formed UTF-8 sequence of a code point from U+0080 to U+10FFFF>
struct utf8_char : utf8::range<0x80, 0x10FFFF> {};

// string_body <- (plain_chars / escape / utf8_char)*
struct string_body : star<sor<plain_chars, escape, utf8_char>> {};

// closing_quote <- '"'
struct closing_quote : one<'"'> {};

// quoted <- '"' string_body closing_quote skip
struct quoted : seq<one<'"'>, string_body, must<closing_quote>, skip> {};

// Names of objects, and other double-quoted strings of the language, by role (for messages).
// database_name <- quoted
struct database_name : seq<quoted> {};
// bundle_name <- quoted
struct bundle_name : seq<quoted> {};
// field_name <- quoted
struct field_name : seq<quoted> {};
// index_name <- quoted
struct index_name : seq<quoted> {};
// relationship_name <- quoted
struct relationship_name : seq<quoted> {};
// user_name <- quoted
struct user_name : seq<quoted> {};
// password <- quoted
struct password : seq<quoted> {};
// file_name <- quoted
struct file_name : seq<quoted> {};

// digits <- [0-9]+
struct digits : plus<digit> {};

// unsigned_integer <- digits skip
struct unsigned_integer : seq<digits, skip> {};

// fraction <- '.' digits
struct fraction : if_must<one<'.'>, digits> {};

// exponent <- [eE] [+-]? digits
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, must<digits>> {};

// number_text <- '-'? ('0' / [1-9] [0-9]*) fraction? exponent?
struct number_text : seq<opt<one<'-'>>, sor<one<'0'>, seq<range<'1', '9'>, star<digit>>>,
                         opt<fraction>, opt<exponent>> {};

// number <- number_text skip
struct number : seq<number_text, skip> {};

// true_literal <- TRUE
struct true_literal : kw<TAO_PEGTL_ISTRING("TRUE")> {};
// false_literal <- FALSE
struct false_literal : kw<TAO_PEGTL_ISTRING("FALSE")> {};
// null_literal <- NULL
struct null_literal : kw<TAO_PEGTL_ISTRING("NULL")> {};

// boolean <- true_literal / false_literal
struct boolean : sor<true_literal, false_literal> {};

// json_string <- quoted
struct json_string : seq<quoted> {};

struct value;

// array_open <- '[' skip
struct array_open : tok<'['> {};
// array_element <- value
struct array_element : seq<value> {};
// array_close <- ']' skip
struct array_close : tok<']'> {};
// array <- array_open (array_element (',' array_element)*)? array_close
struct array
    : if_must<array_open, opt<array_element, star<tok<','>, must<array_element>>>, array_close> {};

// object_open <- '{' skip
struct object_open : tok<'{'> {};
// object_key <- quoted
struct object_key : seq<quoted> {};
// member_value <- value
struct member_value : seq<value> {};
// object_member <- object_key ':' member_value
struct object_member : if_must<object_key, tok<':'>, member_value> {};
// object_close <- '}' skip
struct object_close : tok<'}'> {};
// object <- object_open (object_member (',' object_member)*)? object_close
struct object
    : if_must<object_open, opt<object_member, star<tok<','>, must<object_member>>>, object_close> {
};

// value <- object / array / json_string / number / true_literal / false_literal / null_literal
struct value : sor<object, array, json_string, number, true_literal, false_literal, null_literal> {
};

// literal <- value
struct literal : seq<value> {};

// statement_start <- ''        (remembers where a statement begins)
struct statement_start : success {};

// separators <- (';' skip)*
struct separators : star<tok<';'>> {};

// Keywords used by more than one statement family.
using kw_add = kw<TAO_PEGTL_ISTRING("ADD")>;
using kw_and = kw<TAO_PEGTL_ISTRING("AND")>;
using kw_as = kw<TAO_PEGTL_ISTRING("AS")>;
using kw_at = kw<TAO_PEGTL_ISTRING("AT")>;
using kw_bundle = kw<TAO_PEGTL_ISTRING("BUNDLE")>;
using kw_by = kw<TAO_PEGTL_ISTRING("BY")>;
using kw_database = kw<TAO_PEGTL_ISTRING("DATABASE")>;
using kw_documents = kw<TAO_PEGTL_ISTRING("DOCUMENTS")>;
using kw_field = kw<TAO_PEGTL_ISTRING("FIELD")>;
using kw_fields = kw<TAO_PEGTL_ISTRING("FIELDS")>;
using kw_for = kw<TAO_PEGTL_ISTRING("FOR")>;
using kw_force = kw<TAO_PEGTL_ISTRING("FORCE")>;
using kw_from = kw<TAO_PEGTL_ISTRING("FROM")>;
using kw_index = kw<TAO_PEGTL_ISTRING("INDEX")>;
using kw_migration = kw<TAO_PEGTL_ISTRING("MIGRATION")>;
using kw_modify = kw<TAO_PEGTL_ISTRING("MODIFY")>;
using kw_on = kw<TAO_PEGTL_ISTRING("ON")>;
using kw_password = kw<TAO_PEGTL_ISTRING("PASSWORD")>;
using kw_position = kw<TAO_PEGTL_ISTRING("POSITION")>;
using kw_relationship = kw<TAO_PEGTL_ISTRING("RELATIONSHIP")>;
using kw_remove = kw<TAO_PEGTL_ISTRING("REMOVE")>;
using kw_role = kw<TAO_PEGTL_ISTRING("ROLE")>;
using kw_rollback = kw<TAO_PEGTL_ISTRING("ROLLBACK")>;
using kw_set = kw<TAO_PEGTL_ISTRING("SET")>;
using kw_to = kw<TAO_PEGTL_ISTRING("TO")>;
using kw_user = kw<TAO_PEGTL_ISTRING("USER")>;
using kw_version = kw<TAO_PEGTL_ISTRING("VERSION")>;
using kw_where = kw<TAO_PEGTL_ISTRING("WHERE")>;
using kw_with = kw<TAO_PEGTL_ISTRING("WITH")>;

// compare_op <- ('==' / '!=' / '<=' / '>=' / '<' / '>' / '=') skip
struct compare_op : seq<sor<two<'='>, string<'!', '='>, string<'<', '='>, string<'>', '='>,
                            one<'<'>, one<'>'>, one<'='>>,
                        skip> {};

// field_ref <- quoted / bare_word skip      (a field in WHERE / ORDER BY: "f" or f)
struct field_ref : sor<quoted, seq<bare_word, skip>> {};

}  // namespace strata::parser::grammar

// PEGTL's analyze() sees whitespace and plain_chars as rules that consume input when they match,
// and skip as the optional repetition it replaces.
template <typename Name>
struct tao::pegtl::analyze_traits<Name, strata::parser::grammar::whitespace>
    : tao::pegtl::analyze_any_traits<> {};
template <typename Name>
struct tao::pegtl::analyze_traits<Name, strata::parser::grammar::plain_chars>
    : tao::pegtl::analyze_any_traits<> {};
template <typename Name>
struct tao::pegtl::analyze_traits<Name, strata::parser::grammar::skip>
    : tao::pegtl::analyze_opt_traits<strata::parser::grammar::whitespace,
                                     strata::parser::grammar::line_comment,
                                     strata::parser::grammar::block_comment> {};
