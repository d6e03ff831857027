#pragma once
// The top level of Strata's statement language (grammar/strata.peg, SPEC §2): a script of
// statements separated by ';', each statement dispatched on its first keyword to the rules of
// its family (session, schema, document, admin, migration). The ';' after COMMIT and after
// the last statement is optional; a COMMIT outside a migration block is refused.
// `grammar::script` is the rule parse() runs.
// Thread-safety: types only.

#include "parser/grammar/admin.hpp"
#include "parser/grammar/document.hpp"
#include "parser/grammar/lexical.hpp"
#include "parser/grammar/migration.hpp"
#include "parser/grammar/schema.hpp"
#include "parser/grammar/session.hpp"

namespace strata::parser::grammar {

// create_target <- create_database / create_bundle / create_index / create_user
struct create_target : sor<create_database, create_bundle, create_index, create_user> {};
// create_statement <- CREATE create_target
struct create_statement : if_must<kw_create, create_target> {};

// drop_target <- drop_database / drop_bundle / drop_index / drop_user / drop_migration
struct drop_target : sor<drop_database, drop_bundle, drop_index, drop_user, drop_migration> {};
// drop_statement <- DROP drop_target
struct drop_statement : if_must<kw_drop, drop_target> {};

// show_target <- show_databases / show_bundles / show_indexes / show_settings / show_users
//              / show_locks / show_migrations / show_migration / show_schema
struct show_target : sor<show_databases, show_bundles, show_indexes, show_settings, show_users,
                         show_locks, show_migrations, show_migration, show_schema> {};
// show_statement <- SHOW show_target
struct show_statement : if_must<kw<TAO_PEGTL_ISTRING("SHOW")>, show_target> {};

// update_target <- update_bundle / update_documents
struct update_target : sor<update_bundle, update_documents> {};
// update_statement <- UPDATE update_target
struct update_statement : if_must<kw_update, update_target> {};

// refused_restore_documents <- &DOCUMENTS     (its action raises: DOWN-only statement)
struct refused_restore_documents : at<kw_documents> {};
// restore_target <- restore_database / refused_restore_documents
struct restore_target : sor<restore_database, refused_restore_documents> {};
// restore_statement <- RESTORE restore_target
struct restore_statement : if_must<kw_restore, restore_target> {};

// validate_target <- validate_migrations / validate_migration / validate_rollback
struct validate_target : sor<validate_migrations, validate_migration, validate_rollback> {};
// validate_statement <- VALIDATE validate_target
struct validate_statement : if_must<kw_validate, validate_target> {};

// apply_target <- apply_migrations / apply_pending / apply_migration / apply_rollback
struct apply_target : sor<apply_migrations, apply_pending, apply_migration, apply_rollback> {};
// apply_statement <- APPLY apply_target
struct apply_statement : if_must<kw_apply, apply_target> {};

// approve_target <- approve_migrations / approve_pending / approve_migration / approve_rollback
struct approve_target
    : sor<approve_migrations, approve_pending, approve_migration, approve_rollback> {};
// approve_statement <- APPROVE approve_target
struct approve_statement : if_must<kw_approve, approve_target> {};

// stray_commit <- COMMIT       (its action raises "COMMIT without START MIGRATION")
struct stray_commit : seq<kw_commit> {};

// top_statement <- statement_start (create_statement / drop_statement / show_statement
//                  / update_statement / restore_statement / validate_statement
//                  / apply_statement / approve_statement / use_database / auth / ping
//                  / add_document / select_statement / delete_documents / describe_bundle
//                  / set_setting / backup_database / alter_user / reset_migration
//                  / verify_migrations / cancel_session / protocol_version / connect
//                  / stray_commit)
struct top_statement
    : seq<statement_start,
          sor<create_statement, drop_statement, show_statement, update_statement, restore_statement,
              validate_statement, apply_statement, approve_statement, use_database, auth, ping,
              add_document, select_statement, delete_documents, describe_bundle, set_setting,
              backup_database, alter_user, reset_migration, verify_migrations, cancel_session,
              protocol_version, connect, stray_commit>> {};

// migration_statement <- statement_start start_migration
struct migration_statement : seq<statement_start, start_migration> {};

// statement_end <- ';' skip / !.
struct statement_end : sor<tok<';'>, eof> {};

// script_item <- migration_statement separators / top_statement statement_end separators
struct script_item : sor<seq<migration_statement, separators>,
                         seq<top_statement, must<statement_end>, separators>> {};

// end_of_input <- !.
struct end_of_input : eof {};

// script <- skip separators script_item* end_of_input
struct script : seq<skip, separators, star<script_item>, must<end_of_input>> {};

}  // namespace strata::parser::grammar
