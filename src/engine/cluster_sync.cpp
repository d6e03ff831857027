// The engine over a shared store (SPEC §11, docs/CLUSTER.md "How the engine plugs in"): the
// choice of the store, the per-database lock every write takes, SHOW LOCKS, and keeping this
// server's cached schemas, counters and database list in step with commits made through other
// servers.
//
// Staleness is checked synchronously, per statement: a snapshot's version of a database's
// domain (Snapshot::version, the revision of its last commit) differs from the one its cached
// schema was read at → the schema and counters are read again from that snapshot and the
// answer cache is invalidated. So a change made through server A is seen by the very next
// statement on server B. RocksDB reports version 0 (one process sees its own commits): every
// check here is then a no-op.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/clock.hpp"
#include "engine/database_state.hpp"
#include "engine/engine.hpp"
#include "engine/schema_checksum.hpp"
#include "storage/etcd/etcd_store.hpp"
#include "storage/keys.hpp"

namespace strata::engine {

namespace keys = storage::keys;

namespace {

// "<host> pid <pid>": who holds a lock, when the options name no server.
const std::string& default_server_name() {
  static const std::string name = [] {
    char host[256] = {0};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::string(host[0] ? host : "localhost") + " pid " + std::to_string(::getpid());
  }();
  return name;
}

storage::Domain domain_of_database(uint32_t id) {
  return storage::Domain::Of(keys::database_prefix(id));
}


// One database's schema and counters as `snapshot` has them; nullopt schema when the database
// is not there (dropped, or never created).
struct Loaded {
  std::optional<DatabaseSchema> schema;
  std::optional<Counters> counters;
};

Result<Loaded> load_database(const storage::Store& store, uint32_t id,
                             const storage::Snapshot* snapshot) {
  const std::string prefix = keys::database_prefix(id);
  const std::string counter_key = keys::doc_counter_key(id);
  CatalogRecords records;
  Loaded out;
  auto it = store.scan_prefix(storage::Space::kCatalog, prefix, snapshot);
  for (; it->valid(); it->next()) {
    if (it->key() == counter_key) out.counters = decode_counters(it->value());
    STRATA_RETURN_IF_ERROR(records.add(it->key().substr(prefix.size()), it->value()));
  }
  STRATA_RETURN_IF_ERROR(it->status());
  if (!records.has_header()) return out;
  auto schema = std::move(records).build();
  if (!schema.ok()) return schema.status();
  out.schema = std::move(*schema);
  return out;
}

}  // namespace

Result<std::unique_ptr<storage::Store>> Engine::open_store(const EngineOptions& options,
                                                           common::ThreadPool* pool) {
  if (options.store.empty()) {
    storage::Options so;
    so.path = options.data_dir;
    so.create_if_missing = options.create_if_missing;
    so.pool = pool;
    so.block_cache_bytes = options.block_cache_bytes;
    return storage::Store::Open(so);
  }
  auto endpoints = storage::etcd::parse_endpoints(options.store);
  if (!endpoints.ok()) return endpoints.status();
  if (options.lock_ttl_s < 2 || options.lock_ttl_s > 3600) {
    return Status(Code::kInvalidValue, "--lock-ttl must be between 2 and 3600 seconds");
  }
  storage::etcd::EtcdStoreOptions eo;
  eo.client.endpoints = std::move(*endpoints);
  eo.client.ca_file = options.etcd_ca;
  eo.client.cert_file = options.etcd_cert;
  eo.client.key_file = options.etcd_key;
  eo.prefix = options.store_prefix;
  eo.lock_ttl_s = options.lock_ttl_s;
  eo.pool = pool;
  eo.server = options.server_name.empty() ? default_server_name() : options.server_name;
  auto store = storage::etcd::EtcdStore::Open(eo);
  if (!store.ok()) return store.status();
  return std::unique_ptr<storage::Store>(std::move(*store));
}

Result<std::shared_ptr<const DatabaseSchema>> Engine::sync_database(
    DatabaseState& state, const std::shared_ptr<const storage::Snapshot>& snapshot) {
  const uint64_t version = snapshot->version(domain_of_database(state.id));
  {
    std::shared_lock lock(state.publish);
    if (version == 0 || version == state.version) return state.schema;
  }
  // Another server committed to this database since its schema was read here.
  auto loaded = load_database(*store_, state.id, snapshot.get());
  if (!loaded.ok()) return loaded.status();
  if (!loaded->schema) {
    std::lock_guard lock(dbs_mu_);
    auto it = dbs_.find(state.name);
    if (it != dbs_.end() && it->second.get() == &state) dbs_.erase(it);
    return Status(Code::kDatabaseNotFound, "Database '" + state.name + "' does not exist");
  }
  auto schema = sealed_schema(std::move(*loaded->schema));
  std::unique_lock lock(state.publish);
  if (version > state.version) {
    AnswerCache::CommitScope invalidate(state.answers);  // answers of older states go
    state.schema = schema;
    state.version = version;
    if (loaded->counters) {
      // Read by writers, who hold the writer mutex and sync before they read the counters.
      state.next_doc_seq = loaded->counters->next_doc_seq;
      state.next_stamp = loaded->counters->next_stamp;
    }
  }
  return schema;
}

Status Engine::sync_databases() {
  auto snapshot = store_->snapshot();
  const uint64_t version = snapshot->version(storage::Domain::Global());
  {
    std::lock_guard lock(dbs_mu_);
    if (version == 0 || version == databases_version_) return Status::Ok();
  }
  auto next = store_->get(storage::Space::kMeta, keys::kNextDbIdKey, snapshot.get());
  if (!next.ok()) return next.status();
  uint32_t stored_next = 1;
  if (next->has_value() && (*next)->size() == 4) stored_next = keys::get_u32(**next);
  std::map<std::string, std::shared_ptr<DatabaseState>> found;
  for (uint32_t id = 1; id < stored_next; ++id) {
    {
      std::lock_guard lock(dbs_mu_);
      bool known = false;
      for (const auto& [name, s] : dbs_) known = known || s->id == id;
      if (known) continue;
    }
    auto loaded = load_database(*store_, id, snapshot.get());
    if (!loaded.ok()) return loaded.status();
    if (!loaded->schema) continue;  // dropped
    auto state = std::make_shared<DatabaseState>();
    state->id = id;
    state->name = loaded->schema->name;
    state->schema = sealed_schema(std::move(*loaded->schema));
    state->version = snapshot->version(domain_of_database(id));
    if (loaded->counters) {
      state->next_doc_seq = loaded->counters->next_doc_seq;
      state->next_stamp = loaded->counters->next_stamp;
    }
    found[state->name] = std::move(state);
  }
  std::lock_guard lock(dbs_mu_);
  for (auto& [name, state] : found) {
    if (!dbs_.count(name) && !creating_.count(name)) dbs_[name] = std::move(state);
  }
  if (stored_next > next_db_id_) next_db_id_ = stored_next;
  if (version > databases_version_) databases_version_ = version;
  return Status::Ok();
}

std::string Engine::database_lock_name(uint32_t id) { return "db/" + std::to_string(id); }

Result<std::unique_ptr<storage::Lock>> Engine::lock_database(const Session& s, uint32_t id) {
  return take_lock(database_lock_name(id), s.id, s.statement);
}

storage::LockOwner Engine::lock_owner(uint64_t session, std::string_view statement) const {
  storage::LockOwner owner;
  owner.server = options_.server_name.empty() ? default_server_name() : options_.server_name;
  owner.session = std::to_string(session);
  owner.statement = std::string(statement);
  return owner;
}

std::chrono::milliseconds Engine::lock_wait() const {
  // Long enough for a dead holder's lease to expire; a live holder past it is named.
  return std::chrono::seconds(2 * options_.lock_ttl_s + 5);
}

Result<std::unique_ptr<storage::Lock>> Engine::take_lock(const std::string& name,
                                                         uint64_t session,
                                                         std::string_view statement) {
  return store_->lock(name, lock_owner(session, statement), lock_wait());
}

Status Engine::exec_show_locks(Json* response) {
  auto locks = store_->locks();
  if (!locks.ok()) return locks.status();
  std::map<uint32_t, std::string> names;
  {
    std::lock_guard lock(dbs_mu_);
    for (const auto& [name, state] : dbs_) names[state->id] = name;
  }
  Json rows = Json::array();
  for (const storage::LockInfo& l : *locks) {
    Json row{{"lock", l.name},
             {"server", l.owner.server},
             {"session", l.owner.session},
             {"statement", l.owner.statement},
             {"since", utc_time_ms(l.since_ms)},
             {"token", l.token}};
    if (l.name.rfind("db/", 0) == 0) {
      auto it = names.find(static_cast<uint32_t>(std::strtoul(l.name.c_str() + 3, nullptr, 10)));
      row["database"] = it == names.end() ? Json() : Json(it->second);
    }
    row["ttlSeconds"] = l.ttl_s < 0 ? Json() : Json(l.ttl_s);
    rows.push_back(std::move(row));
  }
  (*response)["locks"] = std::move(rows);
  return Status::Ok();
}

}  // namespace strata::engine
