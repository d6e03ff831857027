#pragma once
// CommandStream: the stored commands of a migration, parsed (phase 1, check_syntax) ahead of
// the phases that execute them. A large migration is parsed on a second thread, a bounded
// number of chunks ahead of the consumer, so parsing overlaps with execution on another core
// while memory stays bounded (at most kChunksAhead chunks of ASTs exist at once). A small one
// is parsed inline: starting a thread would cost more than it saves.
//
// Thread-safety: one consumer thread calls next(); the worker only parses (parser::parse and
// syntax_check are pure functions). The destructor stops and joins the worker, so the stream
// may be dropped before the last command (an APPLY that fails half-way).

#include <condition_variable>
#include <cstddef>
#include <deque>
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
  static constexpr size_t kChunksAhead = 8;    // at most this many chunks wait for the consumer
  static constexpr size_t kThreadFrom = 2048;  // fewer commands: parse inline

  // `commands` must outlive the stream.
  explicit CommandStream(const std::vector<std::string_view>& commands);
  ~CommandStream();
  CommandStream(const CommandStream&) = delete;
  CommandStream& operator=(const CommandStream&) = delete;

  // Command `index` (1-based), which must be the one after the previous call's.
  ParsedCommand next(size_t index);

 private:
  void work();

  const std::vector<std::string_view>& commands_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<ParsedCommand>> chunks_;  // parsed, not yet handed out
  std::vector<ParsedCommand> current_;             // the chunk being handed out
  size_t current_pos_ = 0;
  bool stop_ = false;
  std::thread worker_;
};

}  // namespace strata::engine::validate
