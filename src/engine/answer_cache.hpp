#pragma once
// AnswerCache: the serialized answers of read statements whose response depends only on one
// database's committed state (SHOW MIGRATIONS: its ledger and its schema), kept per database
// and valid for one commit generation. A hit hands out the same immutable text to every
// reader, so an answer is built and serialized once per state instead of once per request.
//
// Validity (a seqlock on commits): every commit of the database is bracketed by a
// CommitScope, which makes the generation odd before the commit and even again after it
// (and after the schema copy is published). A reader reads generation() BEFORE it takes the
// snapshot it builds an answer from, and install() keeps the answer only if the generation
// is still that same even value when it is stored. So an installed answer contains every
// commit up to its generation, and find() serves it only while no commit has begun since:
// once a write has answered its client, no reader anywhere is served an answer from before
// it; while a commit is in flight, readers build their own answers.
//
// Every commit of a database's ledger or schema must run inside a CommitScope on that
// database's cache (Engine::write does it for every write; a store commit that bypasses
// Engine::write must do it too).
//
// Thread-safety: safe for concurrent use. CommitScopes of one cache must not overlap (commits
// of one database are serialized by its writer mutex).

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.hpp"

namespace strata::engine {

class AnswerCache {
 public:
  using Text = std::shared_ptr<const std::string>;

  // The current commit generation (odd while a commit is in flight). Read it before taking the
  // snapshot an answer will be built from, and pass it to install().
  uint64_t generation() const { return generation_.load(); }

  // The answer stored under `key` if it is still valid, else null.
  Text find(std::string_view key) const;

  // The valid answer under `key`, or else the one `build` makes (installed when still valid;
  // `build` must take its snapshot after it is called). Builds of one cache run one at a
  // time, so the readers that miss together after a change wait for one build and share it.
  // Errors: build's (nothing is stored).
  Result<Text> get_or_build(std::string key, const std::function<Result<Text>()>& build);

  // Stores `text` under `key` if no commit has begun since generation() returned
  // `generation` (and none was in flight then); otherwise does nothing. Drops the answers of
  // older generations.
  void install(std::string key, uint64_t generation, Text text);

  // Brackets one commit of the database (see the file comment).
  class CommitScope {
   public:
    explicit CommitScope(AnswerCache& cache) : cache_(cache) { cache_.generation_.fetch_add(1); }
    ~CommitScope() { cache_.generation_.fetch_add(1); }
    CommitScope(const CommitScope&) = delete;
    CommitScope& operator=(const CommitScope&) = delete;

   private:
    AnswerCache& cache_;
  };

 private:
  static constexpr size_t kMaxEntries = 64;  // distinct statements kept per generation

  struct Entry {
    uint64_t generation = 0;
    Text text;
  };

  std::atomic<uint64_t> generation_{0};
  std::mutex build_mu_;                                // held by get_or_build's builds
  mutable std::mutex mu_;                              // guards entries_
  std::map<std::string, Entry, std::less<>> entries_;  // statement key -> answer
};

}  // namespace strata::engine
