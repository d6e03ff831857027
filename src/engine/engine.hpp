#pragma once
// Engine: the data layer every statement and migration runs on (SPEC §1, §3, §8).
//
// Engine::execute() is THE single gate (STYLE §14): it checks the session's role, the active
// database, the phase-1 syntax checks that need no database and AllowDirectSchemaChanges,
// once, then dispatches with std::visit to one executor family (executors.hpp). Every
// statement answers one JSON object (response.hpp, SPEC §5).
//
// Writes: Engine::write() runs a function on a fresh WriteContext under the database's writer
// mutex, commits its txn ONCE (atomically; with sync for schema, settings, database and
// restore changes, and for data statements when EngineOptions::sync_data_writes) and
// publishes the schema copy after the commit succeeded. The migration work runs N commands
// through one write() call. Reads (Engine::read) take a storage snapshot together with the
// schema published with it and never wait for writers of data.
//
// Thread-safety: Engine is safe for concurrent use by many sessions; a Session is used by one
// thread at a time. Changes to one database are serialized; different databases proceed in
// parallel.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "common/thread_pool.hpp"
#include "engine/answer_cache.hpp"
#include "engine/catalog.hpp"
#include "engine/executors.hpp"
#include "engine/failed_marks.hpp"
#include "engine/interrupt.hpp"
#include "engine/query.hpp"
#include "engine/reader.hpp"
#include "engine/response.hpp"
#include "engine/sessions.hpp"
#include "engine/settings.hpp"
#include "engine/users.hpp"
#include "engine/write_context.hpp"
#include "parser/ast.hpp"
#include "storage/store.hpp"

namespace strata::engine {

struct EngineOptions {
  std::string data_dir = "./data";
  bool create_if_missing = true;  // false: a data_dir without a store is an error, none is made
  std::string backup_dir;         // empty: <data_dir>/backups
  SettingValues settings;         // server-wide setting defaults (SPEC §4.11)
  bool sync_data_writes = false;  // fsync data statements too (schema changes always are)
  QueryOptions query;             // use_indexes = false forces scans (benchmarks)
  size_t block_cache_bytes = 64u << 20;
  // Cluster mode (SPEC §11, docs/CLUSTER.md): "etcd://h1:2379,h2:2379,..." keeps the state in
  // an etcd cluster instead of RocksDB in data_dir ("" : RocksDB).
  std::string store;
  std::string store_prefix = "/strata";
  int64_t lock_ttl_s = 10;  // the lease of this server's locks
  std::string etcd_ca, etcd_cert, etcd_key;  // TLS to etcd (all empty: plaintext)
  std::string server_name;  // in lock owners; empty: "<host>:<pid>"
  // Workers of the engine's thread pool (common/thread_pool.hpp), which every layer below the
  // server uses for parallel work and service loops; 0: one per core.
  size_t threads = 0;
};

// The wire protocol version this server speaks (SPEC §6: PROTOCOL_VERSION n).
inline constexpr int kProtocolVersion = 2;

struct Session {
  uint64_t id = 0;          // 0: not registered (open_session registers)
  std::string cancel_key;   // 32 hex digits: CANCEL SESSION id "key" (SPEC §6)
  // Stops the running statement: CANCEL, the connection gone, the migration timeout.
  std::shared_ptr<Interrupt> interrupt = std::make_shared<Interrupt>();
  std::string user = "local";
  ast::Role role = ast::Role::kAdmin;
  // False for a server connection that has not authenticated yet: the gate then answers
  // every statement but AUTH and PING with PERMISSION_DENIED (SPEC §6).
  bool authenticated = true;
  // False for a server connection opened with authentication off (every connection an
  // admin): the driver handshake's credentials are then not checked (AUTH's still are).
  bool credentials_checked = true;
  std::string database;  // the active database; "" when none
  std::string_view statement;  // the name of the statement running (lock owners, SHOW LOCKS)
  // Cluster mode (docs/CLUSTER.md "Optimistic writes"): the statement's first write may
  // commit without taking its database's lock first (set by Engine::answer, consumed by
  // Engine::write). `write_lost`: that commit lost its race and wrote nothing; the gate runs
  // the statement again, under the lock.
  bool write_optimistic = false;
  bool write_lost = false;
};

// What a read sees: a snapshot and the schema published with it.
struct ReadView {
  std::shared_ptr<const DatabaseSchema> schema;
  std::unique_ptr<SnapshotReader> reader;
};

class Engine {
 public:
  // Opens the store in options.data_dir and loads every database's catalog. Errors: the
  // store's (kStorageError: corrupted, newer format, not a Strata store).
  static Result<std::unique_ptr<Engine>> Open(const EngineOptions& options);
  ~Engine();

  // A new session (ids are unique per Engine, with a random cancel key). close_session
  // releases its USE and forgets it.
  Session open_session(std::string user, ast::Role role);
  // An embedded session: admin, user $USER (or "local").
  Session open_embedded_session();
  void close_session(Session& session);
  // CANCEL SESSION id "key" (SPEC §6): stops that session's running statement at its next
  // check (it answers CANCELLED and changes nothing). PERMISSION_DENIED "no session <id> with
  // that cancel key" for an unknown session and a wrong key alike.
  Status cancel_session(uint64_t id, std::string_view key);
  // {"id":n,"cancelKey":"…"}: what AUTH and the handshake answer carry.
  static Json session_json(const Session& session);

  // The gate: one statement, one response.
  Json execute(Session& session, const ast::Statement& statement);
  // The same, for the server: answers the engine keeps serialized (SHOW MIGRATIONS) come as
  // shared text, not parsed back into JSON. execute() == answer().json().
  Answer answer(Session& session, const ast::Statement& statement);
  // Parses then executes (script_runner.hpp answer_text). A text with several statements runs
  // them in order, stopping at the first error, and answers the last response; an empty text
  // answers null. Positions in errors count from the start of their statement.
  Json execute_text(Session& session, std::string_view text);

  // Runs `fn` on a WriteContext of database `db` and commits once (see file comment).
  // `sync` is forced on when the schema changed. Errors: DATABASE_NOT_FOUND, fn's, storage's.
  Status write(Session& session, const std::string& db, bool sync, UndoLog* undo,
               const std::function<Status(WriteContext&)>& fn);
  // A consistent read view of `db` (DATABASE_NOT_FOUND).
  Result<ReadView> read(const std::string& db) const;
  // The cache of serialized answers of `db` (null when there is no such database). Every
  // write() commit is a CommitScope on it (answer_cache.hpp).
  std::shared_ptr<AnswerCache> answer_cache(const std::string& db) const;

  // Checks that every index agrees with the documents and documents with their schema.
  // Returns {"ok":bool,"documents":n,"indexEntries":m,"problems":[...]}.
  Result<Json> check_consistency(const std::string& db) const;

  // The users and their passwords (SPEC §3.4, §6), stored in Space::kSystem.
  UserStore& users() { return *users_; }
  // FAILED marks of APPLYs waiting for the store to accept writes again (exec_apply.cpp).
  FailedMarks& failed_marks() { return *failed_marks_; }

  const EngineOptions& options() const { return options_; }
  // The one thread pool (EngineOptions::threads workers), for whoever has parallel work.
  common::ThreadPool& pool() { return *pool_; }
  std::string backup_dir() const;
  storage::Store& store() { return *store_; }

 private:
  struct DatabaseState;
  explicit Engine(const EngineOptions& options);
  Status load();
  std::shared_ptr<DatabaseState> find(const std::string& name) const;

  // exec_session.cpp
  Status exec_create_database(Session& s, const ast::CreateDatabase& st, Json* response);
  Status exec_drop_database(Session& s, const ast::DropDatabase& st, Json* response);
  Status exec_use_database(Session& s, const ast::UseDatabase& st, Json* response);
  Status exec_show_databases(Json* response);
  // backup.cpp
  Status exec_backup(Session& s, const ast::BackupDatabase& st, Json* response);
  Status exec_restore(Session& s, const ast::RestoreDatabase& st, Json* response);
  Status create_database_from(std::string name,
                              const std::function<Status(storage::Txn&, uint32_t db_id)>& fill,
                              uint32_t* new_id);

  // cluster_sync.cpp: the store chosen by the options; a database's cached schema and counters
  // brought up to `snapshot` when another server changed it (Snapshot::version; a no-op on
  // RocksDB); the database list likewise; the per-database lock of a write; SHOW LOCKS.
  static Result<std::unique_ptr<storage::Store>> open_store(const EngineOptions& options,
                                                            common::ThreadPool* pool);
  Result<std::shared_ptr<const DatabaseSchema>> sync_database(
      DatabaseState& state, const std::shared_ptr<const storage::Snapshot>& snapshot);
  Status sync_databases();
  static std::string database_lock_name(uint32_t id);  // "db/<id>"
  Result<std::unique_ptr<storage::Lock>> lock_database(const Session& s, uint32_t id);
  storage::LockOwner lock_owner(uint64_t session, std::string_view statement) const;
  std::chrono::milliseconds lock_wait() const;  // how long a write waits for a held lock
  // Cluster mode: an optimistic write still running after this takes its database's lock
  // (WriteContext::checkpoint): a small statement commits in one Txn without it, a long one
  // is shown by SHOW LOCKS and cannot be made to start over (docs/CLUSTER.md).
  static constexpr std::chrono::milliseconds kLockLongWritesAfter{100};
  Result<std::unique_ptr<storage::Lock>> take_lock(const std::string& name, uint64_t session,
                                                   std::string_view statement);
  Status exec_show_locks(Json* response);

  // gate.cpp: the executor of each statement kind (exhaustive), and AUTH / the handshake
  // (`database` set: also USE it).
  Answer dispatch(Session& s, const ast::Statement& st);
  Answer authenticate(Session& s, const std::string& user, const std::string& password,
                      const std::string* database);
  Status run_read(Session& s, const std::string& db,
                  const std::function<Status(const ReadContext&)>& fn);

  EngineOptions options_;
  // First: destroyed last, after everything that queues work on it or owns a service of it.
  std::unique_ptr<common::ThreadPool> pool_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<FailedMarks> failed_marks_;  // after store_: its thread stops first
  SessionRegistry sessions_;
  mutable std::mutex dbs_mu_;  // guards dbs_, creating_, session_db_, next_db_id_
  std::map<std::string, std::shared_ptr<DatabaseState>> dbs_;
  std::set<std::string> creating_;  // names reserved by a CREATE / RESTORE in progress
  std::map<uint64_t, std::string> session_db_;
  uint32_t next_db_id_ = 1;
  uint64_t databases_version_ = 0;  // guarded by dbs_mu_: Snapshot::version of the global domain
};

// True when `name` is an acceptable database name: 1-128 characters, no control characters.
bool valid_database_name(std::string_view name);

}  // namespace strata::engine
