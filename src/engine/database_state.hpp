#pragma once
// The engine's in-memory state of one open database (internal to the engine's .cpp files).
//
// Locking: `writer` serializes every change of the database (WriteContext lifetime, commit,
// publish). `publish` pairs a schema with a snapshot: readers take it shared while they grab
// both; a writer whose statement changed the schema holds it exclusively across commit and
// publish, so no reader sees new data with an old schema or the reverse. Data-only commits
// do not take it, so reads never wait for them.

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "engine/answer_cache.hpp"
#include "engine/catalog.hpp"
#include "engine/engine.hpp"

namespace strata::engine {

struct Engine::DatabaseState {
  uint32_t id = 0;
  std::string name;
  std::mutex writer;
  mutable std::shared_mutex publish;
  std::shared_ptr<const DatabaseSchema> schema;  // guarded by publish
  uint64_t next_doc_seq = 1;                     // guarded by writer
  uint64_t next_stamp = 1;                       // guarded by writer: the next write stamp
  bool dropped = false;                          // guarded by writer
  // Snapshot::version of the database's domain that `schema` and the counters were read at
  // (cluster mode: another server's commit changes it; always 0 on RocksDB). Guarded by publish.
  uint64_t version = 0;
  AnswerCache answers;  // serialized answers; every commit is a CommitScope on it
};

}  // namespace strata::engine
