// SPEC §3.1: CREATE DATABASE, DROP DATABASE (refused while another session USEs it), USE,
// SHOW DATABASES. Engine members: they change the engine's set of databases.
#include "engine/database_state.hpp"
#include "engine/engine.hpp"
#include "engine/response.hpp"
#include "engine/schema_checksum.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {
Status not_found(const std::string& name) {
  return Status(Code::kDatabaseNotFound, "Database '" + name + "' does not exist");
}
}  // namespace

Status Engine::create_database_from(std::string name,
                                    const std::function<Status(storage::Txn&, uint32_t)>& fill,
                                    uint32_t* new_id) {
  if (!valid_database_name(name)) {
    return Status(Code::kInvalidValue,
                  "invalid database name: 1 to 128 characters, no control characters");
  }
  // Cluster mode: one server at a time creates databases, knowing every one created so far.
  std::unique_ptr<storage::Lock> creating_lock;
  if (!options_.store.empty()) {
    auto taken = take_lock("databases", 0, "CREATE DATABASE");
    if (!taken.ok()) return taken.status();
    creating_lock = std::move(*taken);
    STRATA_RETURN_IF_ERROR(sync_databases());
    // A database of that name known here may have been dropped through another server.
    if (auto known = find(name)) {
      auto current = sync_database(*known, store_->snapshot());
      if (!current.ok() && current.status().code() != Code::kDatabaseNotFound) {
        return current.status();
      }
    }
  }
  // Reserve the name and an id; build the batch without holding dbs_mu_ (a RESTORE reads a
  // whole backup file); then commit and publish under it.
  uint32_t id = 0;
  {
    std::lock_guard lock(dbs_mu_);
    if (dbs_.count(name) || creating_.count(name))
      return Status(Code::kDatabaseExists, "Database '" + name + "' already exists");
    id = next_db_id_++;
    creating_.insert(name);
  }
  auto release = [&] {
    std::lock_guard lock(dbs_mu_);
    creating_.erase(name);
  };
  auto txn = store_->begin();
  DatabaseSchema schema;
  schema.id = id;
  schema.name = name;
  stage_catalog(*txn, nullptr, schema);
  txn->put(storage::Space::kCatalog, keys::doc_counter_key(id), encode_counters(Counters{}));
  Status st = fill ? fill(*txn, id) : Status::Ok();
  // `fill` may have replaced the catalog records and counter (RESTORE): read them back.
  auto counter = txn->get(storage::Space::kCatalog, keys::doc_counter_key(id));
  Result<DatabaseSchema> parsed = Status(Code::kInternal, "catalog record missing");
  if (st.ok() && !counter.ok()) st = counter.status();
  if (st.ok()) {
    const std::string prefix = keys::database_prefix(id);
    CatalogRecords records;
    auto it = txn->scan_prefix(storage::Space::kCatalog, prefix);
    for (; st.ok() && it->valid(); it->next())
      st = records.add(it->key().substr(prefix.size()), it->value());
    if (st.ok()) st = it->status();
    if (st.ok()) parsed = std::move(records).build();
  }
  if (st.ok() && !parsed.ok()) st = parsed.status();
  if (!st.ok()) {
    release();
    return st;
  }
  auto state = std::make_shared<DatabaseState>();
  state->id = id;
  state->name = name;
  state->schema = sealed_schema(std::move(*parsed));
  if (counter->has_value()) {
    if (auto c = decode_counters(**counter)) {
      state->next_doc_seq = c->next_doc_seq;
      state->next_stamp = c->next_stamp;
    }
  }
  std::lock_guard lock(dbs_mu_);
  creating_.erase(name);
  // Written under the lock, so the stored counter is always the latest in-memory one.
  txn->put(storage::Space::kMeta, keys::kNextDbIdKey, keys::u32_value(next_db_id_));
  STRATA_RETURN_IF_ERROR(store_->commit(*txn, /*sync=*/true, creating_lock.get()));
  dbs_[name] = state;
  if (new_id) *new_id = id;
  return Status::Ok();
}

Status Engine::exec_create_database(Session&, const ast::CreateDatabase& st, Json* response) {
  STRATA_RETURN_IF_ERROR(create_database_from(st.name, nullptr, nullptr));
  (*response)["message"] = "Database '" + st.name + "' created";
  return Status::Ok();
}

Status Engine::exec_drop_database(Session& s, const ast::DropDatabase& st, Json* response) {
  std::shared_ptr<DatabaseState> state;
  {
    std::lock_guard lock(dbs_mu_);
    auto it = dbs_.find(st.name);
    if (it == dbs_.end()) return not_found(st.name);
    state = it->second;
    for (const auto& [session_id, db] : session_db_) {
      if (db == st.name && session_id != s.id) {
        return Status(Code::kDatabaseInUse,
                      "Database '" + st.name + "' is in use by another session");
      }
    }
    dbs_.erase(it);  // no new session can USE it from now on
  }
  std::lock_guard writer(state->writer);
  auto db_lock = lock_database(s, state->id);
  Status st_del = db_lock.status();
  auto txn = store_->begin();
  for (storage::Space space : keys::kDatabaseSpaces) {
    auto it = store_->scan_prefix(space, keys::database_prefix(state->id));
    for (; it->valid(); it->next()) txn->del(space, it->key());
    if (!it->status().ok()) st_del = it->status();
  }
  if (st_del.ok()) st_del = store_->commit(*txn, /*sync=*/true, db_lock->get());
  if (!st_del.ok()) {
    std::lock_guard lock(dbs_mu_);
    dbs_[st.name] = state;  // nothing was deleted: the database stays
    return st_del;
  }
  state->dropped = true;
  {
    std::lock_guard lock(dbs_mu_);
    session_db_.erase(s.id);
  }
  if (s.database == st.name) s.database.clear();
  (*response)["message"] = "Database '" + st.name + "' dropped";
  return Status::Ok();
}

Status Engine::exec_use_database(Session& s, const ast::UseDatabase& st, Json* response) {
  if (!options_.store.empty()) (void)find(st.name);  // cluster mode: maybe created elsewhere
  std::lock_guard lock(dbs_mu_);
  if (!dbs_.count(st.name)) {
    std::vector<std::string> names;
    for (const auto& [name, state] : dbs_) names.push_back(name);
    return with_suggestion(not_found(st.name), st.name, names);
  }
  session_db_[s.id] = st.name;
  s.database = st.name;
  (*response)["message"] = "Now using database '" + st.name + "'";
  (*response)["database"] = st.name;
  return Status::Ok();
}

Status Engine::exec_show_databases(Json* response) {
  const auto started = std::chrono::steady_clock::now();
  if (!options_.store.empty()) STRATA_RETURN_IF_ERROR(sync_databases());  // cluster mode
  Json names = Json::array();
  {
    std::lock_guard lock(dbs_mu_);
    for (const auto& [name, state] : dbs_) names.push_back(name);
  }
  (*response)["ResultCount"] = names.size();
  (*response)["Result"] = std::move(names);
  (*response)["ExecutionTimeMS"] = elapsed_ms(started);
  return Status::Ok();
}

}  // namespace strata::engine
