#include "engine/engine.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "engine/database_state.hpp"
#include "engine/engine_metrics.hpp"
#include "engine/exec_migration.hpp"
#include "engine/response.hpp"
#include "engine/schema_checksum.hpp"
#include "engine/script_runner.hpp"
#include "parser/parser.hpp"
#include "parser/statement_traits.hpp"
#include "parser/syntax_check.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

bool valid_database_name(std::string_view name) {
  size_t code_points = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return false;
    if ((c & 0xc0) != 0x80) ++code_points;
  }
  return code_points >= 1 && code_points <= 128;
}

Engine::Engine(const EngineOptions& options) : options_(options) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const EngineOptions& options) {
  std::unique_ptr<Engine> engine(new Engine(options));
  engine->pool_ = std::make_unique<common::ThreadPool>(options.threads);
  // RocksDB, or etcd in cluster mode (cluster_sync.cpp).
  auto store = open_store(options, engine->pool_.get());
  if (!store.ok()) return store.status();
  engine->store_ = std::move(*store);
  engine->users_ = std::make_unique<UserStore>(
      *engine->store_, [e = engine.get()](std::string_view statement) {
        return e->take_lock("users", 0, statement);
      });
  Engine* e = engine.get();
  engine->failed_marks_ = std::make_unique<FailedMarks>(
      [e](const FailedMarks::Mark& mark) { return write_failed_mark(*e, mark); }, *engine->pool_);
  STRATA_RETURN_IF_ERROR(engine->load());
  check_ledgers_at_open(*engine);  // SPEC §4.10 (migration work)
  return engine;
}

Status Engine::load() {
  auto next = store_->get(storage::Space::kMeta, keys::kNextDbIdKey);
  if (!next.ok()) return next.status();
  if (next->has_value() && (*next)->size() == 4) next_db_id_ = keys::get_u32(**next);
  auto it = store_->scan(storage::Space::kCatalog, "", "");
  std::map<uint32_t, Counters> counters;
  std::map<uint32_t, CatalogRecords> catalogs;
  for (; it->valid(); it->next()) {
    std::string_view k = it->key();
    if (k.size() < 5) continue;
    uint32_t id = keys::get_u32(k);
    if (k == keys::doc_counter_key(id)) {
      if (auto c = decode_counters(it->value())) counters[id] = *c;
    }
    Status st = catalogs[id].add(k.substr(4), it->value());
    if (!st.ok()) {
      return Status(Code::kStorageError, "store at " + options_.data_dir +
                                             " is corrupted: " + st.message());
    }
  }
  STRATA_RETURN_IF_ERROR(it->status());
  it.reset();
  for (auto& [id, records] : catalogs) {
    if (!records.has_header()) continue;  // only a counter: not a database
    auto schema = std::move(records).build();
    if (!schema.ok()) return schema.status();
    auto state = std::make_shared<DatabaseState>();
    state->id = id;
    state->name = schema->name;
    state->schema = sealed_schema(std::move(*schema));
    dbs_[state->name] = state;
    if (id >= next_db_id_) next_db_id_ = id + 1;
  }
  for (auto& [name, state] : dbs_) {
    auto c = counters.find(state->id);
    if (c == counters.end()) continue;
    state->next_doc_seq = c->second.next_doc_seq;
    state->next_stamp = c->second.next_stamp;
  }
  return Status::Ok();
}

std::string Engine::backup_dir() const {
  if (!options_.backup_dir.empty()) return options_.backup_dir;
  return (std::filesystem::path(options_.data_dir) / "backups").string();
}

std::shared_ptr<Engine::DatabaseState> Engine::find(const std::string& name) const {
  {
    std::lock_guard lock(dbs_mu_);
    auto it = dbs_.find(name);
    if (it != dbs_.end() || options_.store.empty()) return it == dbs_.end() ? nullptr : it->second;
  }
  // Cluster mode: maybe created through another server.
  if (!const_cast<Engine*>(this)->sync_databases().ok()) return nullptr;
  std::lock_guard lock(dbs_mu_);
  auto it = dbs_.find(name);
  return it == dbs_.end() ? nullptr : it->second;
}

Session Engine::open_session(std::string user, ast::Role role) {
  Session s;
  SessionRegistry::Entry entry = sessions_.add(s.interrupt);
  s.id = entry.id;
  s.cancel_key = std::move(entry.cancel_key);
  s.user = std::move(user);
  s.role = role;
  return s;
}

Session Engine::open_embedded_session() {
  const char* user = std::getenv("USER");
  return open_session(user && *user ? user : "local", ast::Role::kAdmin);
}

void Engine::close_session(Session& session) {
  sessions_.remove(session.id);
  std::lock_guard lock(dbs_mu_);
  session_db_.erase(session.id);
  session.database.clear();
}

Status Engine::cancel_session(uint64_t id, std::string_view key) {
  return sessions_.cancel(id, key);
}

Json Engine::session_json(const Session& session) {
  return Json{{"id", session.id}, {"cancelKey", session.cancel_key}};
}

Status Engine::write(Session& session, const std::string& db, bool sync, UndoLog* undo,
                     const std::function<Status(WriteContext&)>& fn) {
  failed_marks_->flush();  // no write overtakes a pending FAILED mark (failed_marks.hpp)
  const auto began = std::chrono::steady_clock::now();
  StateChangeLog state_changes;  // migration state changes, logged once committed (SPEC §6)
  auto state = find(db);
  if (!state) return Status(Code::kDatabaseNotFound, "Database '" + db + "' does not exist");
  std::unique_lock writer(state->writer, std::try_to_lock);
  if (!writer.owns_lock()) {
    const auto waiting = std::chrono::steady_clock::now();
    writer.lock();
    observe_writer_lock_wait(std::chrono::steady_clock::now() - waiting);
  } else {
    observe_writer_lock_wait({});
  }
  if (state->dropped)
    return Status(Code::kDatabaseNotFound, "Database '" + db + "' does not exist");
  // The database's lock (SPEC §11: across servers on etcd; SHOW LOCKS), fencing the commit —
  // or, for a statement's first write on etcd, none: its commit applies only while the lock
  // is free (docs/CLUSTER.md "Optimistic writes"), one etcd write instead of two.
  const bool optimistic = session.write_optimistic;
  session.write_optimistic = false;
  Result<std::unique_ptr<storage::Lock>> lock = std::unique_ptr<storage::Lock>();
  if (!optimistic) lock = lock_database(session, state->id);
  if (!lock.ok()) return lock.status();
  std::unique_ptr<storage::Lock> taken_late;  // an optimistic write's, once it ran long
  auto txn = *lock ? store_->begin_under(**lock) : store_->begin();
  // Schema and counters as of the txn's snapshot (changed by another server: read again).
  auto synced = sync_database(*state, txn->snapshot());
  if (!synced.ok()) return synced.status();
  std::shared_ptr<const DatabaseSchema> base = std::move(*synced);
  WriteContext ctx(*txn, base, {state->next_doc_seq, state->next_stamp}, session,
                   options_.settings, undo);
  if (optimistic) {
    // A long one takes the lock while it runs (not waiting for it: a holder's commit makes
    // this one lose its race anyway); its commit is then fenced by it.
    ctx.take_lock_after(kLockLongWritesAfter, [&] {
      auto taken = store_->lock(database_lock_name(state->id),
                                lock_owner(session.id, session.statement),
                                std::chrono::milliseconds(0));
      if (taken.ok()) taken_late = std::move(*taken);
      return taken.ok();
    });
  }
  STRATA_RETURN_IF_ERROR(fn(ctx));
  ctx.finish();
  if (txn->empty()) return Status::Ok();
  AnswerCache::CommitScope commit(state->answers);  // answers from before it are not served
  // The commit is fenced by the lock and releases it (etcd: in the commit's own Txn), or
  // applies only while nobody holds it.
  auto commit_releasing = [&](bool durable) -> Status {
    if (optimistic) {
      auto race = store_->commit_unless_locked(*txn, database_lock_name(state->id),
                                               lock_owner(session.id, session.statement),
                                               lock_wait(), taken_late.get());
      if (!race.ok()) return race.status();
      observe_optimistic_write(*race == storage::Store::Race::kWon);
      if (*race == storage::Store::Race::kWon) return Status::Ok();
      session.write_lost = true;
      return Status(Code::kCancelled, "another writer committed first; nothing was written "
                                      "(the statement runs again under the database's lock)");
    }
    storage::Lock* fence = lock->get();
    return fence != nullptr ? store_->commit_and_release(*txn, durable, *fence)
                            : store_->commit(*txn, durable);
  };
  const storage::Domain domain = storage::Domain::Of(keys::database_prefix(state->id));
  if (auto changed = ctx.take_schema()) {
    std::unique_lock published(state->publish);
    STRATA_RETURN_IF_ERROR(commit_releasing(/*durable=*/true));
    state->schema = std::move(changed);
    state->version = txn->snapshot()->version(domain);
  } else {
    STRATA_RETURN_IF_ERROR(commit_releasing(sync));
    if (uint64_t after = txn->snapshot()->version(domain)) {
      std::unique_lock published(state->publish);  // cluster mode only (RocksDB: 0)
      if (after > state->version) state->version = after;
    }
  }
  state->next_doc_seq = ctx.next_doc_seq();
  state->next_stamp = ctx.counters_after().next_stamp;
  state_changes.write(db, std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - began));
  return Status::Ok();
}

Result<ReadView> Engine::read(const std::string& db) const {
  auto state = find(db);
  if (!state) return Status(Code::kDatabaseNotFound, "Database '" + db + "' does not exist");
  ReadView view;
  std::shared_lock lock(state->publish);
  auto snapshot = store_->snapshot();
  const uint64_t version = snapshot->version(storage::Domain::Of(keys::database_prefix(state->id)));
  if (version == 0 || version == state->version) {
    view.schema = state->schema;
  } else {  // cluster mode: changed through another server (cluster_sync.cpp)
    lock.unlock();
    auto synced = const_cast<Engine*>(this)->sync_database(*state, snapshot);
    if (!synced.ok()) return synced.status();
    view.schema = std::move(*synced);
  }
  view.reader = std::make_unique<SnapshotReader>(*store_, std::move(snapshot));
  return view;
}

std::shared_ptr<AnswerCache> Engine::answer_cache(const std::string& db) const {
  auto state = find(db);
  if (state && !options_.store.empty()) {
    // Cluster mode: invalidates the answers another server's commit made stale; no cached
    // answer when the store cannot tell (unreachable: version 0), the build reports why.
    auto snapshot = store_->snapshot();
    if (snapshot->version(storage::Domain::Of(keys::database_prefix(state->id))) == 0) {
      return nullptr;
    }
    if (!const_cast<Engine*>(this)->sync_database(*state, snapshot).ok()) return nullptr;
  }
  return state ? std::shared_ptr<AnswerCache>(state, &state->answers) : nullptr;
}

Status Engine::run_read(Session& s, const std::string& db,
                        const std::function<Status(const ReadContext&)>& fn) {
  auto view = read(db);
  if (!view.ok()) return view.status();
  ReadContext ctx{*view->reader, *view->schema, options_.settings, options_.query};
  ctx.query.interrupt = s.interrupt.get();
  return fn(ctx);
}

Json Engine::execute_text(Session& session, std::string_view text) {
  std::optional<Answer> answer = answer_text(*this, session, text);
  return answer ? std::move(*answer).json() : Json();
}

}  // namespace strata::engine
