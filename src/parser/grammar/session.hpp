#pragma once
// Session and database statements (grammar/session.peg, SPEC §3.1, §6), mirrored rule by rule:
// databases, AUTH, PING, CANCEL SESSION, PROTOCOL_VERSION and the SyndrDB driver's connection
// string. Each rule starts after the statement's dispatching keyword where strata.peg groups
// several statements under one keyword (CREATE, DROP, SHOW). Thread-safety: types only.

#include "parser/grammar/lexical.hpp"

namespace strata::parser::grammar {

using kw_auth = kw<TAO_PEGTL_ISTRING("AUTH")>;
using kw_cancel = kw<TAO_PEGTL_ISTRING("CANCEL")>;
using kw_databases = kw<TAO_PEGTL_ISTRING("DATABASES")>;
using kw_ping = kw<TAO_PEGTL_ISTRING("PING")>;
using kw_protocol_version = kw<TAO_PEGTL_ISTRING("PROTOCOL_VERSION")>;
using kw_session = kw<TAO_PEGTL_ISTRING("SESSION")>;
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

// session_id <- unsigned_integer
struct session_id : seq<unsigned_integer> {};
// cancel_key <- quoted
struct cancel_key : seq<quoted> {};
// cancel_session <- CANCEL SESSION session_id cancel_key
struct cancel_session : if_must<kw_cancel, kw_session, session_id, cancel_key> {};

// protocol_number <- unsigned_integer
struct protocol_number : seq<unsigned_integer> {};
// protocol_version <- PROTOCOL_VERSION protocol_number
struct protocol_version : if_must<kw_protocol_version, protocol_number> {};

// ---- the connection string: raw text, no skip inside

// connection_scheme <- [sS] [yY] [nN] [dD] [rR] [dD] [bB] '://'
struct connection_scheme : seq<TAO_PEGTL_ISTRING("syndrdb"), string<':', '/', '/'>> {};
// connection_host <- (![:;] .)*
struct connection_host : star<not_one<':', ';'>> {};
// connection_port <- (![:;] .)*
struct connection_port : star<not_one<':', ';'>> {};
// connection_database <- (![:;] .)+
struct connection_database : plus<not_one<':', ';'>> {};
// connection_user <- (![:;] .)+
struct connection_user : plus<not_one<':', ';'>> {};
// connection_password <- (!';' .)*
struct connection_password : star<not_one<';'>> {};
// connection_parts <- connection_host ':' connection_port ':' connection_database ':'
//                     connection_user ':' connection_password
struct connection_parts
    : seq<connection_host, one<':'>, connection_port, one<':'>, connection_database, one<':'>,
          connection_user, one<':'>, connection_password> {};
// connect <- connection_scheme connection_parts
struct connect : if_must<connection_scheme, connection_parts> {};

}  // namespace strata::parser::grammar
