// The statement syntax table behind \help (shell_help.hpp). The syntax is SPEC §3's, in the
// seed form with the SyndrQL spellings noted where they differ.
#include "cli/shell_help.hpp"

#include <cctype>
#include <sstream>
#include <vector>

namespace strata::cli {
namespace {

struct StatementHelp {
  const char* family;
  const char* name;     // the leading words that name it, upper case
  const char* summary;  // one line
  const char* syntax;   // one or more lines
};

const StatementHelp kStatements[] = {
    {"Sessions and databases", "CREATE DATABASE", "create a database",
     "CREATE DATABASE \"name\";"},
    {"Sessions and databases", "DROP DATABASE", "drop a database (admin; not while in use)",
     "DROP DATABASE \"name\";"},
    {"Sessions and databases", "USE", "make a database the session's", "USE \"name\";"},
    {"Sessions and databases", "SHOW DATABASES", "list the databases", "SHOW DATABASES;"},
    {"Sessions and databases", "AUTH", "log in on this connection",
     "AUTH \"user\" \"password\";"},
    {"Sessions and databases", "PING", "check the connection (also STATUS)", "PING;"},
    {"Sessions and databases", "CANCEL SESSION",
     "stop another session's running statement",
     "CANCEL SESSION n \"cancelKey\";"},

    {"Schema (inside migrations)", "CREATE BUNDLE", "create a bundle and its fields",
     "CREATE BUNDLE \"B\" WITH FIELDS ( field, field, ... );\n"
     "   field := { \"name\", TYPE, required, unique [, default] }\n"
     "   TYPE  := STRING | TEXT | INT | FLOAT | BOOLEAN | DATETIME | JSON\n"
     "   -- SyndrQL: {\"name\", \"TYPE\", TRUE, FALSE, NULL}"},
    {"Schema (inside migrations)", "UPDATE BUNDLE",
     "rename a bundle; change its fields and relationships",
     "UPDATE BUNDLE \"B\" SET NAME = \"NewName\";\n"
     "UPDATE BUNDLE \"B\" ADD FIELD { \"name\", TYPE, required, unique [, default] };\n"
     "UPDATE BUNDLE \"B\" REMOVE FIELD \"name\";\n"
     "UPDATE BUNDLE \"B\" RENAME FIELD \"old\" TO \"new\";\n"
     "UPDATE BUNDLE \"B\" MODIFY FIELD { \"name\", TYPE, required, unique [, default] };\n"
     "UPDATE BUNDLE \"A\" ADD RELATIONSHIP \"r\" FROM BUNDLE \"A\" [FIELD \"id\"]\n"
     "    TO BUNDLE \"B\" [FIELD \"a_id\"];\n"
     "UPDATE BUNDLE \"A\" REMOVE RELATIONSHIP \"r\";\n"
     "   -- SyndrQL: UPDATE BUNDLE \"B\" SET ( {ADD \"f\" = \"f\", \"TYPE\", req, uniq, default}, ... );\n"
     "   --          UPDATE BUNDLE \"A\" ADD RELATIONSHIP ( \"r\" {\"1toMany\", \"A\", \"id\", \"B\", "
     "\"a_id\"} );"},
    {"Schema (inside migrations)", "DROP BUNDLE",
     "drop a bundle (WITH FORCE: its relationships too)",
     "DROP BUNDLE \"B\" [WITH FORCE];"},
    {"Schema (inside migrations)", "CREATE INDEX", "create a hash or B-tree index",
     "CREATE INDEX HASH ON BUNDLE \"B\" WITH FIELD \"f\";      -- named \"B_f_hash\"\n"
     "CREATE INDEX BTREE ON BUNDLE \"B\" WITH FIELD \"f\";     -- named \"B_f_btree\"\n"
     "CREATE [UNIQUE] INDEX \"name\" HASH|BTREE ON BUNDLE \"B\" WITH FIELDS (\"f\" [, \"g\"]);\n"
     "   -- SyndrQL: CREATE HASH INDEX \"n\" ... / CREATE B-INDEX \"n\" ... / CREATE H-INDEX "
     "\"n\" ..."},
    {"Schema (inside migrations)", "DROP INDEX", "drop an index", "DROP INDEX \"name\";"},

    {"Documents", "ADD DOCUMENT", "add a document; answers its DocumentID",
     "ADD DOCUMENT TO BUNDLE \"B\" WITH VALUES ( { \"f\": value, ... } );\n"
     "   -- SyndrQL: ADD DOCUMENT TO BUNDLE \"B\" WITH ( {\"f\" = value}, {\"g\" = value} );"},
    {"Documents", "SELECT DOCUMENTS", "read documents (also SELECT *)",
     "SELECT DOCUMENTS FROM \"B\" [WHERE cond] [ORDER BY f [ASC|DESC]] [LIMIT n];\n"
     "SELECT * FROM \"B\" [WHERE cond] [ORDER BY f [ASC|DESC]] [LIMIT n];\n"
     "   cond := field op literal | cond AND cond | cond OR cond | NOT cond | ( cond )\n"
     "   op   := == != < <= > >= (also = for ==); field may be DocumentID"},
    {"Documents", "SELECT COUNT", "count documents", "SELECT COUNT FROM \"B\" [WHERE cond];"},
    {"Documents", "UPDATE DOCUMENTS", "change fields of the documents a condition selects",
     "UPDATE DOCUMENTS IN BUNDLE \"B\" ( \"f\" = value, ... ) WHERE cond;"},
    {"Documents", "DELETE DOCUMENTS", "delete documents",
     "DELETE DOCUMENTS FROM BUNDLE \"B\" [WHERE cond];"},

    {"Introspection and administration", "SHOW BUNDLES",
     "bundles with their fields, indexes and documents",
     "SHOW BUNDLES [FOR \"db\"];"},
    {"Introspection and administration", "DESCRIBE BUNDLE",
     "one bundle: fields, relationships, indexes, document count", "DESCRIBE BUNDLE \"B\";"},
    {"Introspection and administration", "SHOW INDEXES", "list indexes",
     "SHOW INDEXES [ON BUNDLE \"B\"];"},
    {"Introspection and administration", "SHOW SETTINGS", "the database's settings",
     "SHOW SETTINGS;"},
    {"Introspection and administration", "SET", "change a setting of the database (admin)",
     "SET Setting = value;"},
    {"Introspection and administration", "BACKUP DATABASE",
     "write a database to a file in the backup directory", "BACKUP DATABASE \"db\" TO \"file.sdb\";"},
    {"Introspection and administration", "RESTORE DATABASE", "restore a backup as a new database",
     "RESTORE DATABASE FROM \"file.sdb\" AS \"newdb\";"},
    {"Introspection and administration", "CREATE USER", "create a user",
     "CREATE USER \"u\" WITH PASSWORD \"p\" [ROLE admin|migrator|reader];"},
    {"Introspection and administration", "ALTER USER", "change a user's password or role",
     "ALTER USER \"u\" SET PASSWORD \"p\";\nALTER USER \"u\" SET ROLE admin|migrator|reader;"},
    {"Introspection and administration", "DROP USER", "drop a user", "DROP USER \"u\";"},
    {"Introspection and administration", "SHOW USERS", "list users", "SHOW USERS;"},

    {"Migrations", "START MIGRATION", "record a PENDING migration: UP commands, optional DOWN",
     "START MIGRATION [VERSION n] [NAME \"003_add_phone\"] [WITH DESCRIPTION \"text\"]\n"
     "    command; command; ...\n"
     "  [ DOWN\n"
     "    command; command; ... ]\n"
     "COMMIT"},
    {"Migrations", "SHOW MIGRATIONS", "the ledger, optionally filtered",
     "SHOW MIGRATIONS [FOR \"db\"] [WHERE field op value [AND ...]];\n"
     "   -- fields: Status, Version, Description, CreatedBy, Name, Batch"},
    {"Migrations", "SHOW MIGRATION", "one migration in full", "SHOW MIGRATION n;"},
    {"Migrations", "SHOW SCHEMA", "the schema now or as of a version",
     "SHOW SCHEMA [AT VERSION n];"},
    {"Migrations", "VALIDATE MIGRATION", "run the five validation phases on a PENDING migration",
     "VALIDATE MIGRATION WITH VERSION n;"},
    {"Migrations", "VALIDATE MIGRATIONS UP TO", "validate every pending migration up to n",
     "VALIDATE MIGRATIONS UP TO VERSION n;"},
    {"Migrations", "VALIDATE ROLLBACK", "plan a rollback: DOWN commands and exact data impact",
     "VALIDATE ROLLBACK TO VERSION n;"},
    {"Migrations", "APPLY MIGRATION", "validate and apply one migration atomically",
     "APPLY MIGRATION WITH VERSION n [FORCE] [WITH APPROVAL \"token\"];"},
    {"Migrations", "APPLY MIGRATIONS UP TO", "apply pending migrations up to n as one batch",
     "APPLY MIGRATIONS UP TO VERSION n [FORCE] [WITH APPROVAL \"token\"];"},
    {"Migrations", "APPLY PENDING MIGRATIONS", "apply every pending migration as one batch",
     "APPLY PENDING MIGRATIONS [FORCE] [WITH APPROVAL \"token\"];"},
    {"Migrations", "APPLY ROLLBACK", "roll back to version n in one atomic write",
     "APPLY ROLLBACK TO VERSION n [FORCE] [WITH APPROVAL \"token\"];"},
    {"Migrations", "RESET MIGRATION", "make a FAILED or ROLLED_BACK migration PENDING again",
     "RESET MIGRATION WITH VERSION n;"},
    {"Migrations", "DROP MIGRATION", "drop the highest version if it is not APPLIED",
     "DROP MIGRATION WITH VERSION n;"},
    {"Migrations", "VERIFY MIGRATIONS", "check the checksum chain and schema drift",
     "VERIFY MIGRATIONS;"},
    {"Migrations", "APPROVE MIGRATION", "issue an approval token for a forced apply (admin)",
     "APPROVE MIGRATION WITH VERSION n FORCE;"},
    {"Migrations", "APPROVE ROLLBACK", "issue an approval token for a rollback (admin)",
     "APPROVE ROLLBACK TO VERSION n [FORCE];"},
    {"Migrations", "APPROVE MIGRATIONS UP TO", "issue one approval token for a forced batch (admin)",
     "APPROVE MIGRATIONS UP TO VERSION n FORCE;"},
    {"Migrations", "APPROVE PENDING MIGRATIONS",
     "issue one approval token for a forced batch of every pending migration (admin)",
     "APPROVE PENDING MIGRATIONS FORCE;"},
};

constexpr const char* kShellCommands =
    "Shell commands:\n"
    "  \\d [bundle]      list bundles, or describe one\n"
    "  \\l               list databases\n"
    "  \\i FILE          run the statements of a file\n"
    "  \\timing          toggle showing how long each statement took\n"
    "  \\json            toggle raw JSON responses\n"
    "  \\pager [on|off]  page results longer than the screen ($PAGER, default less -FRX)\n"
    "  \\help [stmt]     this list, or the syntax of a statement (\\help APPLY ROLLBACK)\n"
    "  \\q               quit (or Ctrl-D on an empty line)\n"
    "Statements end with ';' and may span lines. Ctrl-C clears the input, or cancels the\n"
    "running statement. Tab completes keywords and names.\n";

// Upper case, runs of blanks made one space, trimmed; a trailing ';' dropped.
std::string normalize(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ';') continue;
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
    } else {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// True when `name` starts with the words of `topic` (the last one may be a prefix).
bool matches(std::string_view name, std::string_view topic) {
  return name.substr(0, topic.size()) == topic;
}

}  // namespace

std::string statement_help(std::string_view raw_topic) {
  const std::string topic = normalize(raw_topic);
  std::ostringstream out;
  if (topic.empty()) {
    std::string family;
    for (const StatementHelp& s : kStatements) {
      if (s.family != family) {
        family = s.family;
        out << (out.tellp() > 0 ? "\n" : "") << family << ":\n";
      }
      std::string name = s.name;
      out << "  " << name << std::string(name.size() < 26 ? 26 - name.size() : 1, ' ')
          << s.summary << "\n";
    }
    out << "\n\\help STATEMENT shows its syntax (e.g. \\help APPLY ROLLBACK).\n\n"
        << kShellCommands;
    return out.str();
  }
  size_t found = 0;
  for (const StatementHelp& s : kStatements) {
    if (!matches(s.name, topic)) continue;
    out << (found++ ? "\n" : "") << s.name << ": " << s.summary << "\n" << s.syntax << "\n";
  }
  if (found == 0) {
    out << "no statement starts with '" << std::string(raw_topic) << "'; \\help lists them\n";
  }
  return out.str();
}

}  // namespace strata::cli
