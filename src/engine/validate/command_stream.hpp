#pragma once
// CommandStream: the stored commands of a migration, parsed (phase 1, check_syntax) ahead of
// the phases that execute them. A large migration is parsed in chunks by a second thread, a
// bounded number of chunks ahead of the consumer, so parsing overlaps with execution on
// another core while memory stays bounded (at most kChunksAhead chunks of ASTs wait). When
// the consumer catches up with the worker (VALIDATE executes less than it parses), it parses
// the next unclaimed chunk itself instead of waiting: both cores parse. A small migration is
// parsed inline: starting a thread would cost more than it saves.
//
// The workers also prepare each ADD DOCUMENT's document (prepare_for_insert: checked,
// completed, serialized) against the schema the consumer last published, so the consumer
// only stages it. A schema moves on as commands run; the consumer uses a prepared document
// only if it was made against the publication that is still current and the schema has not
// changed since (validator.cpp), and otherwise prepares it itself.
//
// Thread-safety: one consumer thread calls next() and publish(); the worker only parses and
// prepares (parser::parse, syntax_check and prepare_for_insert are pure functions over the
// command and an immutable published schema). The destructor stops and joins the worker, so
// the stream may be dropped before the last command (an APPLY that fails half-way).

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/documents.hpp"
#include "engine/validate/phases.hpp"
#include "parser/ast.hpp"

namespace strata::engine::validate {

// An ADD DOCUMENT's document, prepared against publication `publication` of the schema.
struct PreparedAdd {
  uint64_t publication;
  uint32_t bundle_id;
  PreparedDocument document;
};

// One command after phase 1: its findings, and its statement when it parsed cleanly enough;
// for an ADD DOCUMENT the stream could prepare, the prepared document — which took the values
// out of the statement (a consumer that cannot use it parses the command again).
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

  // `commands` must outlive the stream.
  explicit CommandStream(const std::vector<std::string_view>& commands);
  ~CommandStream();
  CommandStream(const CommandStream&) = delete;
  CommandStream& operator=(const CommandStream&) = delete;

  // Command `index` (1-based), which must be the one after the previous call's.
  ParsedCommand next(size_t index);

  // True when a worker parses ahead (a large migration): only then does publish() pay off.
  bool threaded() const { return worker_.joinable(); }
  // Chunks started from now on prepare their ADD DOCUMENTs against `schema`. Returns the
  // publication's number (PreparedAdd::publication), larger than every earlier one.
  uint64_t publish(std::shared_ptr<const DatabaseSchema> schema);

 private:
  using Chunk = std::vector<ParsedCommand>;
  struct Publication {
    std::shared_ptr<const DatabaseSchema> schema;  // null: nothing to prepare against
    uint64_t number = 0;
  };
  Chunk parse_chunk(size_t chunk, const Publication& schema) const;
  // A flat ADD DOCUMENT (command `i`, 0-based) parsed and prepared from its text alone, with
  // no tree built (engine::prepare_flat); false, `c` untouched, for any other command.
  bool prepare_flat(const DatabaseSchema& schema, size_t i, ParsedCommand* c) const;
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
  std::thread worker_;
};

}  // namespace strata::engine::validate
