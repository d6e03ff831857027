#pragma once
// Introspection and administration statements (grammar/admin.peg, SPEC §3.4), mirrored rule
// by rule. Rules named show_* / create_* / drop_* / restore_* start after the dispatching
// keyword (SHOW, CREATE, DROP, RESTORE); the others start with their own keyword.
// Thread-safety: types only.

#include "parser/grammar/lexical.hpp"

namespace strata::parser::grammar {

using kw_admin = kw<TAO_PEGTL_ISTRING("ADMIN")>;
using kw_alter = kw<TAO_PEGTL_ISTRING("ALTER")>;
using kw_backup = kw<TAO_PEGTL_ISTRING("BACKUP")>;
using kw_bundles = kw<TAO_PEGTL_ISTRING("BUNDLES")>;
using kw_describe = kw<TAO_PEGTL_ISTRING("DESCRIBE")>;
using kw_indexes = kw<TAO_PEGTL_ISTRING("INDEXES")>;
using kw_locks = kw<TAO_PEGTL_ISTRING("LOCKS")>;
using kw_migrator = kw<TAO_PEGTL_ISTRING("MIGRATOR")>;
using kw_reader = kw<TAO_PEGTL_ISTRING("READER")>;
using kw_settings = kw<TAO_PEGTL_ISTRING("SETTINGS")>;
using kw_users = kw<TAO_PEGTL_ISTRING("USERS")>;

// show_bundles <- BUNDLES (FOR database_name)?                             (after SHOW)
struct show_bundles : if_must<kw_bundles, opt<if_must<kw_for, database_name>>> {};

// describe_bundle <- DESCRIBE BUNDLE bundle_name
struct describe_bundle : if_must<kw_describe, kw_bundle, bundle_name> {};

// show_indexes <- INDEXES (ON BUNDLE bundle_name)?                         (after SHOW)
struct show_indexes : if_must<kw_indexes, opt<if_must<kw_on, kw_bundle, bundle_name>>> {};

// show_settings <- SETTINGS                                                (after SHOW)
struct show_settings : seq<kw_settings> {};

// show_locks <- LOCKS                                                      (after SHOW)
struct show_locks : seq<kw_locks> {};

// setting_name <- quoted / bare_word skip
struct setting_name : sor<quoted, seq<bare_word, skip>> {};
// set_setting <- SET setting_name '=' literal
struct set_setting : if_must<kw_set, setting_name, tok<'='>, literal> {};

// backup_database <- BACKUP DATABASE database_name TO file_name
struct backup_database : if_must<kw_backup, kw_database, database_name, kw_to, file_name> {};

// restore_database <- DATABASE FROM file_name AS database_name             (after RESTORE)
struct restore_database : if_must<kw_database, kw_from, file_name, kw_as, database_name> {};

// role_name <- ADMIN / MIGRATOR / READER
struct role_name : sor<kw_admin, kw_migrator, kw_reader> {};

// user_role <- ROLE role_name
struct user_role : if_must<kw_role, role_name> {};

// create_user <- USER user_name WITH PASSWORD password user_role?          (after CREATE)
struct create_user : if_must<kw_user, user_name, kw_with, kw_password, password, opt<user_role>> {};

// alter_password <- PASSWORD password
struct alter_password : if_must<kw_password, password> {};
// alter_target <- alter_password / user_role
struct alter_target : sor<alter_password, user_role> {};
// alter_user <- ALTER USER user_name SET alter_target
struct alter_user : if_must<kw_alter, kw_user, user_name, kw_set, alter_target> {};

// drop_user <- USER user_name                                              (after DROP)
struct drop_user : if_must<kw_user, user_name> {};

// show_users <- USERS                                                      (after SHOW)
struct show_users : seq<kw_users> {};

}  // namespace strata::parser::grammar
