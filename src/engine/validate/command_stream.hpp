#pragma once
// CommandStream: the stored commands of a migration, parsed (phase 1, check_syntax) ahead of
// the phases that execute them. A large migration is parsed in chunks by a task on the
// engine's thread pool, a bounded number of chunks ahead of the consumer, so parsing overlaps
// with execution on another core while memory stays bounded (at most kChunksAhead chunks of
// ASTs wait). When the consumer catches up with the worker (executing a command costs less
// than parsing and preparing it, or every worker is busy and the task has not started), it
// parses the next unclaimed chunk itself instead of waiting — the one it needs if nobody has
// started it, else one ahead of the worker — so both cores parse and it never waits for a free
// worker (thread_pool.hpp, rule 2). A small migration, or one without a pool, is parsed
// inline: a task would cost more than it saves.
//
// The workers also bind each ADD DOCUMENT (binder.hpp: the bundle resolved, the document
// prepared — checked, completed, serialized, its index keys made) against the schema the
// consumer last published, so the consumer only stages it. A flat document that needs no
// completing (most of a large migration) is bound straight from its text, neither parsed by
// the grammar nor built as a JSON tree (bind_flat_add_document). A schema moves on as commands run;
// the consumer uses a bound document only if it was made against the publication that is
// still current and the schema has not changed since (validator.cpp), and otherwise binds the
// command itself.
//
// Thread-safety: one consumer thread calls next() and publish(); the worker only parses and
// binds (parser::parse, syntax_check and bind_add_document are pure functions over the
// command and an immutable published schema). The destructor stops and joins the task, so
// the stream may be dropped before the last command (an APPLY that fails half-way).

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/thread_pool.hpp"
#include "engine/binder.hpp"
#include "engine/validate/phases.hpp"
#include "parser/ast.hpp"

namespace strata::engine::validate {

// An ADD DOCUMENT bound against publication `publication` of the schema.
struct PreparedAdd {
  uint64_t publication;
  bound::AddDocument add;
};

// One command after phase 1: its findings, and its statement when it parsed cleanly enough;
// for an ADD DOCUMENT the stream could bind, the bound document — which took the values out
// of the statement (a consumer that cannot use it parses the command again).
struct ParsedCommand {
  std::vector<Finding> syntax;
  std::optional<ast::Statement> statement;
  std::optional<PreparedAdd> prepared;
};

class CommandStream {
 public:
  static constexpr size_t kChunk = 256;        // commands parsed per hand-over
  static constexpr size_t kChunksAhead = 8;    // the worker stays at most this far ahead
  static constexpr size_t kThreadFrom = 2048;  // fewer commands: parse inline

  // `commands` and `pool` must outlive the stream; `pool` null: parse inline.
  CommandStream(const std::vector<std::string_view>& commands, common::ThreadPool* pool);
  ~CommandStream();
  CommandStream(const CommandStream&) = delete;
  CommandStream& operator=(const CommandStream&) = delete;

  // Command `index` (1-based), which must be the one after the previous call's.
  ParsedCommand next(size_t index);

  // True when a worker parses ahead (a large migration): only then does publish() pay off.
  bool threaded() const { return threaded_; }
  // Chunks started from now on prepare their ADD DOCUMENTs against `schema`. Nothing is
  // parsed before the first next(), so a publish() right after construction covers every
  // chunk. Returns the publication's number (PreparedAdd::publication), larger than every
  // earlier one.
  uint64_t publish(std::shared_ptr<const DatabaseSchema> schema);

 private:
  using Chunk = std::vector<ParsedCommand>;
  struct Publication {
    std::shared_ptr<const DatabaseSchema> schema;  // null: nothing to prepare against
    uint64_t number = 0;
  };
  Chunk parse_chunk(size_t chunk, const Publication& schema) const;
  void work();

  const std::vector<std::string_view>& commands_;
  const size_t chunk_count_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::vector<Chunk> parsed_;        // by chunk number, filled by whoever parsed it
  std::vector<char> done_;           // by chunk number: parsed_ holds it
  size_t next_claim_ = 0;            // the first chunk nobody has started
  size_t consumed_ = 0;              // chunks the consumer has taken
  bool stop_ = false;
  Publication published_;
  Chunk current_;                    // the chunk being handed out
  size_t current_chunk_ = SIZE_MAX;
  bool threaded_ = false;
  bool started_ = false;             // the worker task was queued (at the first next())
  common::TaskGroup worker_;  // last member: joined first, while the rest still lives
};

}  // namespace strata::engine::validate
