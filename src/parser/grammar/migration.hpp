#pragma once
// Migration statements (grammar/migration.peg, SPEC §3.5, §4.13, §4.14), mirrored rule by rule:
// START MIGRATION [VERSION n] [NAME "n"] ... [DOWN ...] COMMIT with its restricted command set,
// and the ledger statements (SHOW MIGRATIONS / MIGRATION / SCHEMA, VALIDATE / APPLY / APPROVE /
// RESET / DROP MIGRATION(S), rollbacks, VERIFY).
// Inside a migration only schema commands and ADD / UPDATE / DELETE DOCUMENTS are accepted
// (RESTORE DOCUMENTS only after DOWN); `refused_command` recognises any other statement and
// its action raises "<STATEMENT> is not allowed inside a migration". Thread-safety: types.

#include "parser/grammar/document.hpp"
#include "parser/grammar/lexical.hpp"
#include "parser/grammar/schema.hpp"

namespace strata::parser::grammar {

using kw_apply = kw<TAO_PEGTL_ISTRING("APPLY")>;
using kw_approval = kw<TAO_PEGTL_ISTRING("APPROVAL")>;
using kw_approve = kw<TAO_PEGTL_ISTRING("APPROVE")>;
using kw_at = kw<TAO_PEGTL_ISTRING("AT")>;
using kw_commit = kw<TAO_PEGTL_ISTRING("COMMIT")>;
using kw_create = kw<TAO_PEGTL_ISTRING("CREATE")>;
using kw_description = kw<TAO_PEGTL_ISTRING("DESCRIPTION")>;
using kw_down = kw<TAO_PEGTL_ISTRING("DOWN")>;
using kw_drop = kw<TAO_PEGTL_ISTRING("DROP")>;
using kw_migrations = kw<TAO_PEGTL_ISTRING("MIGRATIONS")>;
using kw_name = kw<TAO_PEGTL_ISTRING("NAME")>;
using kw_pending = kw<TAO_PEGTL_ISTRING("PENDING")>;
using kw_reset = kw<TAO_PEGTL_ISTRING("RESET")>;
using kw_schema = kw<TAO_PEGTL_ISTRING("SCHEMA")>;
using kw_start = kw<TAO_PEGTL_ISTRING("START")>;
using kw_up = kw<TAO_PEGTL_ISTRING("UP")>;
using kw_update = kw<TAO_PEGTL_ISTRING("UPDATE")>;
using kw_validate = kw<TAO_PEGTL_ISTRING("VALIDATE")>;
using kw_verify = kw<TAO_PEGTL_ISTRING("VERIFY")>;

// ---- ledger statements

// migration_number <- unsigned_integer
struct migration_number : seq<unsigned_integer> {};
// with_version <- WITH VERSION migration_number
struct with_version : if_must<kw_with, kw_version, migration_number> {};
// to_version <- TO VERSION migration_number
struct to_version : if_must<kw_to, kw_version, migration_number> {};
// up_to_version <- UP to_version
struct up_to_version : if_must<kw_up, to_version> {};
// target_minus <- '-'
struct target_minus : one<'-'> {};
// rollback_version <- target_minus? migration_number
struct rollback_version : seq<opt<target_minus>, migration_number> {};
// rollback_to <- TO VERSION rollback_version
struct rollback_to : if_must<kw_to, kw_version, rollback_version> {};

// migration_filter <- field_ref compare_op literal
//   (Status, Version, Name, Description, CreatedBy, Batch)
struct migration_filter : if_must<field_ref, compare_op, literal> {};
// migration_filters <- WHERE migration_filter (AND migration_filter)*
struct migration_filters
    : if_must<kw_where, migration_filter, star<if_must<kw_and, migration_filter>>> {};
// show_migrations <- MIGRATIONS (FOR database_name)? migration_filters?       (after SHOW)
struct show_migrations
    : seq<kw_migrations, opt<if_must<kw_for, database_name>>, opt<migration_filters>> {};
// show_migration <- MIGRATION migration_number                              (after SHOW)
struct show_migration : if_must<kw_migration, migration_number> {};
// schema_version <- AT VERSION migration_number
struct schema_version : if_must<kw_at, kw_version, migration_number> {};
// show_schema <- SCHEMA schema_version?                                     (after SHOW)
struct show_schema : seq<kw_schema, opt<schema_version>> {};

// apply_force <- FORCE
struct apply_force : seq<kw_force> {};
// approval_token <- quoted
struct approval_token : seq<quoted> {};
// approval <- WITH APPROVAL approval_token
struct approval : if_must<kw_with, kw_approval, approval_token> {};

// validate_migration <- MIGRATION with_version                          (after VALIDATE)
struct validate_migration : if_must<kw_migration, with_version> {};
// validate_migrations <- MIGRATIONS up_to_version                       (after VALIDATE)
struct validate_migrations : if_must<kw_migrations, up_to_version> {};
// apply_migration <- MIGRATION with_version apply_force? approval?          (after APPLY)
struct apply_migration
    : seq<kw_migration, must<with_version>, opt<apply_force>, opt<approval>> {};
// apply_migrations <- MIGRATIONS up_to_version apply_force? approval?       (after APPLY)
struct apply_migrations
    : seq<kw_migrations, must<up_to_version>, opt<apply_force>, opt<approval>> {};
// apply_pending <- PENDING MIGRATIONS apply_force? approval?                (after APPLY)
struct apply_pending : if_must<kw_pending, kw_migrations, opt<apply_force>, opt<approval>> {};
// validate_rollback <- ROLLBACK rollback_to                             (after VALIDATE)
struct validate_rollback : if_must<kw_rollback, rollback_to> {};
// apply_rollback <- ROLLBACK rollback_to apply_force? approval?             (after APPLY)
struct apply_rollback : if_must<kw_rollback, rollback_to, opt<apply_force>, opt<approval>> {};
// approve_force <- FORCE
struct approve_force : seq<kw_force> {};
// approve_migration <- MIGRATION with_version approve_force               (after APPROVE)
struct approve_migration : if_must<kw_migration, with_version, approve_force> {};
// approve_migrations <- MIGRATIONS up_to_version approve_force            (after APPROVE)
struct approve_migrations : seq<kw_migrations, must<up_to_version, approve_force>> {};
// approve_pending <- PENDING MIGRATIONS approve_force                      (after APPROVE)
struct approve_pending : if_must<kw_pending, kw_migrations, approve_force> {};
// approve_rollback <- ROLLBACK rollback_to apply_force?                   (after APPROVE)
struct approve_rollback : if_must<kw_rollback, rollback_to, opt<apply_force>> {};
// reset_migration <- RESET MIGRATION with_version
struct reset_migration : if_must<kw_reset, kw_migration, with_version> {};
// drop_migration <- MIGRATION with_version                                  (after DROP)
struct drop_migration : if_must<kw_migration, with_version> {};
// verify_migrations <- VERIFY MIGRATIONS
struct verify_migrations : if_must<kw_verify, kw_migrations> {};

// ---- START MIGRATION ... COMMIT

// refused_head <- USE / SELECT / SHOW / AUTH / PING / STATUS / DESCRIBE / SET / BACKUP / ALTER
//               / START / VALIDATE / APPLY / APPROVE / RESET / VERIFY / CANCEL / PROTOCOL_VERSION
//               / CREATE (DATABASE / USER) / DROP (DATABASE / USER / MIGRATION)
//               / RESTORE (DATABASE / DOCUMENTS)
struct refused_head
    : sor<kw<TAO_PEGTL_ISTRING("USE")>, kw<TAO_PEGTL_ISTRING("SELECT")>,
          kw<TAO_PEGTL_ISTRING("SHOW")>, kw<TAO_PEGTL_ISTRING("AUTH")>,
          kw<TAO_PEGTL_ISTRING("PING")>, kw<TAO_PEGTL_ISTRING("STATUS")>,
          kw<TAO_PEGTL_ISTRING("DESCRIBE")>, kw_set, kw<TAO_PEGTL_ISTRING("BACKUP")>,
          kw<TAO_PEGTL_ISTRING("ALTER")>, kw_start, kw_validate, kw_apply, kw_approve, kw_reset,
          kw_verify, kw<TAO_PEGTL_ISTRING("CANCEL")>, kw<TAO_PEGTL_ISTRING("PROTOCOL_VERSION")>,
          seq<kw_create, sor<kw_database, kw_user>>,
          seq<kw_drop, sor<kw_database, kw_user, kw_migration>>,
          seq<kw_restore, sor<kw_database, kw_documents>>> {};
// refused_command <- refused_head      (its action raises the "not allowed" error)
struct refused_command : seq<refused_head> {};

// migration_create <- CREATE (create_bundle / create_index)
struct migration_create : seq<kw_create, sor<create_bundle, create_index>> {};
// migration_update <- UPDATE (update_bundle / update_documents)
struct migration_update : seq<kw_update, sor<update_bundle, update_documents>> {};
// migration_drop <- DROP (drop_bundle / drop_index)
struct migration_drop : seq<kw_drop, sor<drop_bundle, drop_index>> {};

// command_start <- ''        (remembers where a command begins)
struct command_start : success {};

// up_command <- command_start (migration_create / migration_update / migration_drop
//               / add_document / delete_documents / refused_command)
//   fast_add_document (document.hpp) comes first: an implementation detail, not an alternative
//   of the language.
struct up_command
    : seq<command_start, sor<fast_add_document, migration_create, migration_update,
                               migration_drop, add_document, delete_documents, refused_command>> {};
// down_command <- command_start (migration_create / migration_update / migration_drop
//                 / add_document / delete_documents / restore_documents / refused_command)
//   fast_add_document first, as in up_command.
struct down_command : seq<command_start,
                          sor<fast_add_document, migration_create, migration_update, migration_drop,
                              add_document, delete_documents, restore_documents, refused_command>> {
};

// command_end <- ';' skip separators / &DOWN / &COMMIT
struct command_end : sor<seq<tok<';'>, separators>, at<kw_down>, at<kw_commit>> {};
// up_section <- (!DOWN !COMMIT up_command command_end)*
struct up_section : star<not_at<kw_down>, not_at<kw_commit>, must<up_command>, must<command_end>> {
};
// down_keyword <- DOWN
struct down_keyword : seq<kw_down> {};
// down_section <- down_keyword separators (!COMMIT down_command command_end)*
struct down_section : seq<down_keyword, separators,
                          star<not_at<kw_commit>, must<down_command>, must<command_end>>> {};
// description <- quoted
struct description : seq<quoted> {};
// migration_description <- WITH DESCRIPTION description
struct migration_description : if_must<kw_with, kw_description, description> {};
// migration_name_text <- quoted
struct migration_name_text : seq<quoted> {};
// migration_name <- NAME migration_name_text
struct migration_name : if_must<kw_name, migration_name_text> {};
// migration_version <- VERSION migration_number
struct migration_version : if_must<kw_version, migration_number> {};
// migration_begin <- ''
struct migration_begin : success {};
// start_migration <- START MIGRATION migration_begin migration_version? migration_name?
//                    migration_description? separators up_section down_section? COMMIT
//   `START MIGRATION COMMIT` (no command) parses; the engine reports EMPTY_MIGRATION.
struct start_migration
    : seq<kw_start, must<kw_migration>, migration_begin, opt<migration_version>,
          opt<migration_name>, opt<migration_description>, separators, up_section,
          opt<down_section>, must<kw_commit>> {};

}  // namespace strata::parser::grammar
