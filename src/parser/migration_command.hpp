#pragma once
// How a command parsed inside START MIGRATION becomes an ast::MigrationCommand (ast.hpp): its
// canonical text, its position, its phase-1 findings and — except for an UP ADD DOCUMENT —
// its AST. The parser calls this once per command, as soon as the command is parsed, so a
// migration's memory is its canonical text plus a few words per command, not its tree.
// Thread-safety: pure functions over the migration passed in.

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <variant>
#include <vector>

#include "common/thread_pool.hpp"
#include "parser/ast.hpp"

namespace strata::parser {

// Appends `command` to `migration`'s UP section (`down` false) or DOWN section (`down` true).
// REQUIRES: every UP command is added before the first DOWN command (the text buffer holds
// UP commands first).
void add_command(ast::StartMigration* migration, ast::Statement command, bool down);
// add_command for an UP section ADD DOCUMENT the parser read straight into canonical text
// (fast_add_document.hpp scan_add_document_text): `values` is parser::json of its document.
void add_document_text(ast::StartMigration* migration, std::string_view bundle,
                       std::string_view values, ast::Pos pos);

// Calls add_command for the commands the parser hands it, in order — on the engine's thread
// pool when given one, so that printing the canonical text of a large migration (a 17 MB
// START of 100,000 documents) and freeing its trees overlap with the parse. Commands wait in
// batches, at most kBatchesAhead of them, assembled in order by one drainer at a time: a pool
// task, or — when no task has started draining and the queue is full, or at finish() — the
// parsing thread itself, so the parse never waits for a free worker (thread_pool.hpp, rule 2).
// finish() waits until every command is in the migration.
// Thread-safety: add() and finish() are called by the parsing thread only; between them the
// migration's sections, text, bundles and issues belong to the assembler.
class CommandAssembler {
 public:
  static constexpr size_t kBatch = 256;
  static constexpr size_t kBatchesAhead = 16;

  // `pool` null: every command is assembled at once, on the parsing thread.
  explicit CommandAssembler(common::ThreadPool* pool = nullptr) : pool_(pool), tasks_(pool) {}
  ~CommandAssembler();
  CommandAssembler(const CommandAssembler&) = delete;
  CommandAssembler& operator=(const CommandAssembler&) = delete;

  // add_command(migration, command, down), now or later. Every call until finish() names the
  // same migration.
  void add(ast::StartMigration* migration, ast::Statement command, bool down);
  // add_document_text(migration, bundle, values, pos), now or later, in the same order.
  void add_text(ast::StartMigration* migration, std::string bundle, std::string values,
                ast::Pos pos);
  // Returns once every command added is in its migration; rethrows what add_command threw
  // on a worker.
  void finish();

 private:
  struct DocumentText {
    std::string bundle;
    std::string values;
    ast::Pos pos;
  };
  struct Command {
    std::variant<ast::Statement, DocumentText> command;
    bool down;
  };
  void queue(ast::StartMigration* migration, Command command);
  static void run(ast::StartMigration* migration, Command& command);
  using Batch = std::vector<Command>;
  void hand_over();  // queues batch_
  // Assembles the queued batches in order until the queue is empty. REQUIRES: `lock` holds
  // mu_ and nobody drains (draining_ false).
  // `idle`: a pool task, which then also waits for more batches until finish() or the end.
  void drain(std::unique_lock<std::mutex>& lock, bool idle = false);
  void drain_task();  // a pool task: drain() unless another drainer is at it

  common::ThreadPool* pool_;
  ast::StartMigration* migration_ = nullptr;
  Batch batch_;
  std::mutex mu_;
  std::condition_variable drained_;  // a batch was assembled, or draining stopped
  std::condition_variable queued_;   // a batch was queued, or finish() or the end came
  std::deque<Batch> queue_;
  bool draining_ = false;       // a drainer holds the queue
  bool task_queued_ = false;    // a drain task is queued and has not started
  bool stop_ = false;           // the assembler is going away: drop what is queued
  bool finishing_ = false;      // finish() waits: a draining task returns once it is idle
  std::exception_ptr failure_;  // what add_command threw while draining
  common::TaskGroup tasks_;     // last member: joined first, while the rest still lives
};

}  // namespace strata::parser
