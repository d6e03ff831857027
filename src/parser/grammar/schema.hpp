#pragma once
// Schema statements (grammar/schema.peg, SPEC §3.2), mirrored rule by rule: CREATE BUNDLE,
// UPDATE BUNDLE (seed form and SyndrQL SET / ADD RELATIONSHIP lists), DROP BUNDLE,
// CREATE INDEX (seed, short and SyndrQL forms), DROP INDEX. Rules named create_* / drop_* /
// update_* start after the dispatching CREATE / DROP / UPDATE keyword. Thread-safety: types.

#include "parser/grammar/lexical.hpp"

namespace strata::parser::grammar {

using kw_b_index = kw<TAO_PEGTL_ISTRING("B-INDEX")>;
using kw_b_tree = kw<TAO_PEGTL_ISTRING("B-TREE")>;
using kw_btree = kw<TAO_PEGTL_ISTRING("BTREE")>;
using kw_cardinality = kw<TAO_PEGTL_ISTRING("CARDINALITY")>;
using kw_h_index = kw<TAO_PEGTL_ISTRING("H-INDEX")>;
using kw_hash = kw<TAO_PEGTL_ISTRING("HASH")>;
using kw_name = kw<TAO_PEGTL_ISTRING("NAME")>;
using kw_rename = kw<TAO_PEGTL_ISTRING("RENAME")>;
using kw_unique = kw<TAO_PEGTL_ISTRING("UNIQUE")>;

// field_type <- quoted / bare_word skip        (stored upper-cased, not resolved)
struct field_type : sor<quoted, seq<bare_word, skip>> {};
// field_required <- boolean
struct field_required : seq<boolean> {};
// field_unique <- boolean
struct field_unique : seq<boolean> {};
// field_default <- value
struct field_default : seq<value> {};
// field_def_close <- '}'
struct field_def_close : tok<'}'> {};
// field_def <- '{' field_name ',' field_type ',' field_required ',' field_unique
//              (',' field_default)? field_def_close
struct field_def
    : if_must<tok<'{'>, field_name, tok<','>, field_type, tok<','>, field_required, tok<','>,
              field_unique, opt<tok<','>, must<field_default>>, field_def_close> {};
// field_list_close <- ')'
struct field_list_close : tok<')'> {};
// field_list <- '(' field_def (',' field_def)* field_list_close
struct field_list
    : if_must<tok<'('>, field_def, star<tok<','>, must<field_def>>, field_list_close> {};

// create_bundle <- BUNDLE bundle_name WITH FIELDS field_list            (after CREATE)
struct create_bundle : if_must<kw_bundle, bundle_name, kw_with, kw_fields, field_list> {};

// set_bundle_name <- NAME '=' bundle_name
struct set_bundle_name : if_must<kw_name, tok<'='>, bundle_name> {};

// syndr_change_kind <- ADD / MODIFY / REMOVE
struct syndr_change_kind : sor<kw_add, kw_modify, kw_remove> {};
// syndr_new_name <- field_name
struct syndr_new_name : seq<field_name> {};
// syndr_change <- '{' syndr_change_kind field_name '=' syndr_new_name ',' field_type ','
//                 field_required ',' field_unique (',' field_default)? field_def_close
//   SyndrQL: {ADD "f" = "f", "TYPE", req, uniq, default}, {MODIFY "old" = "new", ...},
//   {REMOVE "f" = "", "", FALSE, FALSE, NULL}
struct syndr_change : if_must<tok<'{'>, syndr_change_kind, field_name, tok<'='>, syndr_new_name,
                              tok<','>, field_type, tok<','>, field_required, tok<','>,
                              field_unique, opt<tok<','>, must<field_default>>, field_def_close> {};
// syndr_changes <- '(' syndr_change (',' syndr_change)* field_list_close
struct syndr_changes
    : if_must<tok<'('>, syndr_change, star<tok<','>, must<syndr_change>>, field_list_close> {};

// set_target <- set_bundle_name / syndr_changes
struct set_target : sor<set_bundle_name, syndr_changes> {};
// set_change <- SET set_target
struct set_change : if_must<kw_set, set_target> {};

// field_place <- unsigned_integer
struct field_place : seq<unsigned_integer> {};
// field_position <- AT POSITION field_place
struct field_position : if_must<kw_at, kw_position, field_place> {};
// add_field <- FIELD field_def field_position?
struct add_field : if_must<kw_field, field_def, opt<field_position>> {};

// rel_from_bundle <- bundle_name
struct rel_from_bundle : seq<bundle_name> {};
// rel_to_bundle <- bundle_name
struct rel_to_bundle : seq<bundle_name> {};
// rel_from_field <- field_name
struct rel_from_field : seq<field_name> {};
// rel_to_field <- field_name
struct rel_to_field : seq<field_name> {};
// rel_cardinality <- quoted           ("1to1", "1toMany", "ManyToMany" or "")
struct rel_cardinality : seq<quoted> {};

// relationship_seed <- relationship_name FROM BUNDLE rel_from_bundle (FIELD rel_from_field)?
//                      TO BUNDLE rel_to_bundle (FIELD rel_to_field)?
//                      (CARDINALITY rel_cardinality)?
struct relationship_seed
    : if_must<relationship_name, kw_from, kw_bundle, rel_from_bundle,
              opt<if_must<kw_field, rel_from_field>>, kw_to, kw_bundle, rel_to_bundle,
              opt<if_must<kw_field, rel_to_field>>, opt<if_must<kw_cardinality, rel_cardinality>>> {
};
// relationship_entry <- relationship_name '{' rel_cardinality ',' rel_from_bundle ','
//                       rel_from_field ',' rel_to_bundle ',' rel_to_field '}'
struct relationship_entry
    : if_must<relationship_name, tok<'{'>, rel_cardinality, tok<','>, rel_from_bundle, tok<','>,
              rel_from_field, tok<','>, rel_to_bundle, tok<','>, rel_to_field, tok<'}'>> {};
// relationship_list <- '(' relationship_entry (',' relationship_entry)* field_list_close
struct relationship_list : if_must<tok<'('>, relationship_entry,
                                   star<tok<','>, must<relationship_entry>>, field_list_close> {};
// relationship_def <- relationship_list / relationship_seed
struct relationship_def : sor<relationship_list, relationship_seed> {};
// add_relationship <- RELATIONSHIP relationship_def
struct add_relationship : if_must<kw_relationship, relationship_def> {};

// add_target <- add_field / add_relationship
struct add_target : sor<add_field, add_relationship> {};
// add_change <- ADD add_target
struct add_change : if_must<kw_add, add_target> {};

// remove_field <- FIELD field_name
struct remove_field : if_must<kw_field, field_name> {};
// remove_relationship <- RELATIONSHIP relationship_name
struct remove_relationship : if_must<kw_relationship, relationship_name> {};
// remove_target <- remove_field / remove_relationship
struct remove_target : sor<remove_field, remove_relationship> {};
// remove_change <- REMOVE remove_target
struct remove_change : if_must<kw_remove, remove_target> {};

// rename_field <- RENAME FIELD field_name TO field_name
struct rename_field : if_must<kw_rename, kw_field, field_name, kw_to, field_name> {};

// modify_field <- MODIFY FIELD field_def
struct modify_field : if_must<kw_modify, kw_field, field_def> {};

// bundle_change <- set_change / add_change / remove_change / rename_field / modify_field
struct bundle_change : sor<set_change, add_change, remove_change, rename_field, modify_field> {};

// update_bundle <- BUNDLE bundle_name bundle_change (',' bundle_change)*     (after UPDATE)
//   seed-form extension: several changes, comma-separated, in one statement
struct update_bundle
    : if_must<kw_bundle, bundle_name, bundle_change, star<tok<','>, must<bundle_change>>> {};

// drop_force <- WITH FORCE
struct drop_force : if_must<kw_with, kw_force> {};
// drop_bundle <- BUNDLE bundle_name drop_force?                              (after DROP)
struct drop_bundle : if_must<kw_bundle, bundle_name, opt<drop_force>> {};

// index_unique <- UNIQUE
struct index_unique : seq<kw_unique> {};
// index_kind <- HASH / BTREE / B-TREE
struct index_kind : sor<kw_hash, kw_btree, kw_b_tree> {};
// syndr_index_kind <- index_kind INDEX / B-INDEX / H-INDEX
struct syndr_index_kind : sor<seq<index_kind, must<kw_index>>, kw_b_index, kw_h_index> {};
// index_field <- field_name
struct index_field : seq<field_name> {};
// index_flag <- boolean
struct index_flag : seq<boolean> {};
// index_entry_close <- '}'
struct index_entry_close : tok<'}'> {};
// index_entry <- index_field / '{' index_field ',' index_flag (',' index_flag)?
//                index_entry_close
//   {"f", unique} or {"f", required, unique}: the last flag says unique
struct index_entry : sor<index_field, if_must<tok<'{'>, index_field, tok<','>, index_flag,
                                              opt<tok<','>, must<index_flag>>, index_entry_close>> {
};
// index_entries_close <- ')'
struct index_entries_close : tok<')'> {};
// index_entries <- FIELDS '(' index_entry (',' index_entry)* index_entries_close
//                / FIELD index_entry
struct index_entries : sor<if_must<kw_fields, tok<'('>, index_entry,
                                   star<tok<','>, must<index_entry>>, index_entries_close>,
                           if_must<kw_field, index_entry>> {};
// index_target <- ON BUNDLE bundle_name WITH index_entries
struct index_target : if_must<kw_on, kw_bundle, bundle_name, kw_with, index_entries> {};
// index_short <- index_kind index_target          (name generated: "B_f_hash" / "B_f_btree")
struct index_short : if_must<index_kind, index_target> {};
// index_named <- index_name index_kind index_target
struct index_named : if_must<index_name, index_kind, index_target> {};
// index_definition <- index_short / index_named
struct index_definition : sor<index_short, index_named> {};
// index_seed <- INDEX index_definition
struct index_seed : if_must<kw_index, index_definition> {};
// index_syndr <- syndr_index_kind index_name index_target
struct index_syndr : if_must<syndr_index_kind, index_name, index_target> {};
// create_index <- index_unique? (index_seed / index_syndr)                   (after CREATE)
struct create_index : seq<opt<index_unique>, sor<index_seed, index_syndr>> {};

// drop_index <- INDEX index_name                                             (after DROP)
struct drop_index : if_must<kw_index, index_name> {};

}  // namespace strata::parser::grammar
