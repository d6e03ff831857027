#pragma once
// Session and database statements (grammar/session.peg, SPEC §3.1), mirrored rule by rule.
// Each rule starts after the statement's dispatching keyword where strata.peg groups several
// statements under one keyword (CREATE, DROP, SHOW). Thread-safety: types only.

#include "parser/grammar/lexical.hpp"

namespace strata::parser::grammar {

using kw_auth = kw<TAO_PEGTL_ISTRING("AUTH")>;
using kw_databases = kw<TAO_PEGTL_ISTRING("DATABASES")>;
using kw_ping = kw<TAO_PEGTL_ISTRING("PING")>;
using kw_status = kw<TAO_PEGTL_ISTRING("STATUS")>;
using kw_use = kw<TAO_PEGTL_ISTRING("USE")>;

// create_database <- DATABASE database_name            (after CREATE)
struct create_database : if_must<kw_database, database_name> {};

// drop_database <- DATABASE database_name              (after DROP)
struct drop_database : if_must<kw_database, database_name> {};

// use_database <- USE database_name
struct use_database : if_must<kw_use, database_name> {};

// show_databases <- DATABASES                          (after SHOW)
struct show_databases : seq<kw_databases> {};

// auth <- AUTH user_name password
struct auth : if_must<kw_auth, user_name, password> {};

// ping <- PING / STATUS
struct ping : sor<kw_ping, kw_status> {};

}  // namespace strata::parser::grammar
