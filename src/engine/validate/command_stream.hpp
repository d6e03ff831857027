#pragma once
// CommandStream: the stored commands of a migration, parsed (phase 1, check_syntax) ahead of
// the phases that execute them. A large migration is parsed in chunks by a second thread, a
// bounded number of chunks ahead of the consumer, so parsing overlaps with execution on
// another core while memory stays bounded (at most kChunksAhead chunks of ASTs wait). When
// the consumer catches up with the worker (VALIDATE executes less than it parses), it parses
// the next unclaimed chunk itself instead of waiting: both cores parse. A small migration is
// parsed inline: starting a thread would cost more than it saves.
//
// Thread-safety: one consumer thread calls next(); the worker only parses (parser::parse and
// syntax_check are pure functions). The destructor stops and joins the worker, so the stream
// may be dropped before the last command (an APPLY that fails half-way).

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/validate/phases.hpp"
#include "parser/ast.hpp"

namespace strata::engine::validate {

// One command after phase 1: its findings, and its statement when it parsed cleanly enough.
struct ParsedCommand {
  std::vector<Finding> syntax;
  std::optional<ast::Statement> statement;
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

 private:
  using Chunk = std::vector<ParsedCommand>;
  Chunk parse_chunk(size_t chunk) const;
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
  Chunk current_;                    // the chunk being handed out
  size_t current_chunk_ = SIZE_MAX;
  std::thread worker_;
};

}  // namespace strata::engine::validate
