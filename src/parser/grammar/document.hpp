#pragma once
// Document statements and WHERE conditions (grammar/document.peg, SPEC §3.3), mirrored rule
// by rule: ADD DOCUMENT (seed `WITH VALUES ({"f": v})` and SyndrQL `WITH ({"f" = v}, ...)`),
// SELECT DOCUMENTS / SELECT * / SELECT COUNT, UPDATE DOCUMENTS, DELETE DOCUMENTS, and the
// DOWN-only RESTORE DOCUMENTS. Conditions: NOT binds tighter than AND, AND than OR.
// Thread-safety: types only.

#include "parser/grammar/lexical.hpp"

namespace strata::parser::grammar {

using kw_asc = kw<TAO_PEGTL_ISTRING("ASC")>;
using kw_count = kw<TAO_PEGTL_ISTRING("COUNT")>;
using kw_delete = kw<TAO_PEGTL_ISTRING("DELETE")>;
using kw_desc = kw<TAO_PEGTL_ISTRING("DESC")>;
using kw_document = kw<TAO_PEGTL_ISTRING("DOCUMENT")>;
using kw_in = kw<TAO_PEGTL_ISTRING("IN")>;
using kw_limit = kw<TAO_PEGTL_ISTRING("LIMIT")>;
using kw_not = kw<TAO_PEGTL_ISTRING("NOT")>;
using kw_or = kw<TAO_PEGTL_ISTRING("OR")>;
using kw_order = kw<TAO_PEGTL_ISTRING("ORDER")>;
using kw_restore = kw<TAO_PEGTL_ISTRING("RESTORE")>;
using kw_select = kw<TAO_PEGTL_ISTRING("SELECT")>;
using kw_values = kw<TAO_PEGTL_ISTRING("VALUES")>;

// ---- conditions

struct or_condition;

// comparison <- field_ref compare_op literal
struct comparison : if_must<field_ref, compare_op, literal> {};
// group_close <- ')'
struct group_close : tok<')'> {};
// primary_condition <- '(' or_condition group_close / comparison
struct primary_condition : sor<if_must<tok<'('>, or_condition, group_close>, comparison> {};
// not_mark <- ''          (remembers how many NOTs precede the primary condition)
struct not_mark : success {};
// not_keyword <- NOT
struct not_keyword : seq<kw_not> {};
// not_condition <- not_mark not_keyword* primary_condition
struct not_condition : seq<not_mark, star<not_keyword>, primary_condition> {};
// and_mark <- ''
struct and_mark : success {};
// and_condition <- and_mark not_condition (AND not_condition)*
struct and_condition : seq<and_mark, not_condition, star<if_must<kw_and, not_condition>>> {};
// or_mark <- ''
struct or_mark : success {};
// or_condition <- or_mark and_condition (OR and_condition)*
struct or_condition : seq<or_mark, and_condition, star<if_must<kw_or, and_condition>>> {};
// condition <- or_condition
struct condition : seq<or_condition> {};
// where_clause <- WHERE condition
struct where_clause : if_must<kw_where, condition> {};

// ---- ADD DOCUMENT

// member_separator <- ':' / '='
struct member_separator : sor<tok<':'>, tok<'='>> {};
// document_member <- object_key member_separator member_value
struct document_member : if_must<object_key, member_separator, member_value> {};
// document_object <- '{' (document_member (',' document_member)*)? object_close
struct document_object
    : if_must<tok<'{'>, opt<document_member, star<tok<','>, must<document_member>>>, object_close> {
};
// document_values_close <- ')'
struct document_values_close : tok<')'> {};
// document_values <- '(' document_object (',' document_object)* document_values_close
struct document_values : if_must<tok<'('>, document_object, star<tok<','>, must<document_object>>,
                                 document_values_close> {};
// add_document <- ADD DOCUMENT TO BUNDLE bundle_name WITH VALUES? document_values
struct add_document : if_must<kw_add, kw_document, kw_to, kw_bundle, bundle_name, kw_with,
                              opt<kw_values>, document_values> {};

// Not a rule of the language (it has no line in document.peg): an implementation detail that
// matches a subset of add_document faster. Placed before add_document, it either matches
// exactly what add_document would (the scanner of parser/fast_add_document.hpp, then skip)
// or consumes nothing, so the language and its errors are add_document's.
//   Its action supplies the scanner (`scan`, which may decline: see ParseState) and, when
//   actions are on, takes the result (`emit`) in place of add_document's actions. Brackets
//   are not counted: they are balanced within the match and nest far less than kMaxNesting.
struct fast_add_document {
  using rule_t = fast_add_document;
  using subs_t = type_list<skip>;
  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename Input, typename... States>
  static bool match(Input& in, States&&... st) {
    auto doc = Action<fast_add_document>::scan(in.current(), in.end(), st...);
    if (!doc) return false;
    in.bump(doc->size);  // counts the line breaks in the span, as skip would have
    (void)Control<skip>::template match<A, M, Action, Control>(in, st...);
    if constexpr (A == apply_mode::action) Action<fast_add_document>::emit(std::move(*doc), st...);
    return true;
  }
};

// ---- SELECT

// order_direction <- ASC / DESC
struct order_direction : sor<kw_asc, kw_desc> {};
// order_by <- ORDER BY field_ref order_direction?
struct order_by : if_must<kw_order, kw_by, field_ref, opt<order_direction>> {};
// limit_count <- unsigned_integer
struct limit_count : seq<unsigned_integer> {};
// limit_clause <- LIMIT limit_count
struct limit_clause : if_must<kw_limit, limit_count> {};
// source_bundle <- BUNDLE? bundle_name
struct source_bundle : seq<opt<kw_bundle>, must<bundle_name>> {};
// select_documents <- (DOCUMENTS / '*') FROM source_bundle where_clause? order_by? limit_clause?
struct select_documents : if_must<sor<kw_documents, tok<'*'>>, kw_from, source_bundle,
                                  opt<where_clause>, opt<order_by>, opt<limit_clause>> {};
// select_count <- COUNT FROM source_bundle where_clause?
struct select_count : if_must<kw_count, kw_from, source_bundle, opt<where_clause>> {};
// select_target <- select_count / select_documents
struct select_target : sor<select_count, select_documents> {};
// select_statement <- SELECT select_target
struct select_statement : if_must<kw_select, select_target> {};

// ---- UPDATE / DELETE / RESTORE DOCUMENTS

// assignment <- field_name '=' member_value
struct assignment : if_must<field_name, tok<'='>, member_value> {};
// assignments_close <- ')'
struct assignments_close : tok<')'> {};
// update_documents <- DOCUMENTS IN BUNDLE bundle_name '(' assignment (',' assignment)*
//                     assignments_close where_clause                         (after UPDATE)
struct update_documents
    : if_must<kw_documents, kw_in, kw_bundle, bundle_name, tok<'('>, assignment,
              star<tok<','>, must<assignment>>, assignments_close, where_clause> {};

// delete_documents <- DELETE DOCUMENTS FROM source_bundle where_clause?
struct delete_documents
    : if_must<kw_delete, kw_documents, kw_from, source_bundle, opt<where_clause>> {};

// restore_version <- unsigned_integer
struct restore_version : seq<unsigned_integer> {};
// restore_documents <- RESTORE DOCUMENTS TO BUNDLE bundle_name FROM MIGRATION restore_version
//   only in the DOWN section of a migration (SPEC §4.7)
struct restore_documents : if_must<seq<kw_restore, kw_documents>, kw_to, kw_bundle, bundle_name,
                                   kw_from, kw_migration, restore_version> {};

}  // namespace strata::parser::grammar

// PEGTL's analyze() sees fast_add_document as a rule that consumes input when it matches.
template <typename Name>
struct tao::pegtl::analyze_traits<Name, strata::parser::grammar::fast_add_document>
    : tao::pegtl::analyze_any_traits<> {};
