// START MIGRATION's commands in compact form (migration_command.hpp).
#include "parser/migration_command.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "parser/canonical.hpp"
#include "parser/syntax_check.hpp"

namespace strata::parser {
namespace {

// The index of `name` in `bundles`, appended when new. Migrations add to few bundles, and
// mostly to the last one named, so the search starts from the back.
uint32_t intern(std::vector<std::string>* bundles, const std::string& name) {
  for (size_t i = bundles->size(); i-- > 0;) {
    if ((*bundles)[i] == name) return static_cast<uint32_t>(i);
  }
  bundles->push_back(name);
  return static_cast<uint32_t>(bundles->size() - 1);
}

// Ends the text of command `c`, which started at c->text_begin: its size, then its '\n'.
void end_text(ast::StartMigration* m, ast::MigrationCommand* c) {
  // One statement is far below 4 GiB (the splitter's statement limit).
  c->text_size = static_cast<uint32_t>(
      std::min<size_t>(m->text.size() - c->text_begin, std::numeric_limits<uint32_t>::max()));
  m->text += '\n';
}

}  // namespace

void add_command(ast::StartMigration* m, ast::Statement command, bool down) {
  std::vector<ast::MigrationCommand>& list = down ? m->down : m->up;
  const size_t index = m->up.size() + m->down.size() + 1;  // 1-based, DOWN continues UP
  for (ast::SyntaxIssue& issue : syntax_check(command)) {
    issue.command = index;
    m->issues.push_back(std::move(issue));
  }
  ast::MigrationCommand c;
  c.pos = ast::position_of(command);
  c.text_begin = m->text.size();
  append_canonical(m->text, command);
  end_text(m, &c);
  const auto* add = std::get_if<ast::AddDocument>(&command);
  if (add != nullptr && !down) {
    c.bundle = intern(&m->bundles, add->bundle);
  } else {
    c.statement = std::make_shared<const ast::Statement>(std::move(command));
  }
  list.push_back(std::move(c));
}

void add_document_text(ast::StartMigration* m, std::string_view bundle, std::string_view values,
                       ast::Pos pos) {
  ast::MigrationCommand c;
  c.pos = pos;
  c.text_begin = m->text.size();
  append_add_document(m->text, bundle, values);
  end_text(m, &c);
  c.bundle = intern(&m->bundles, std::string(bundle));
  m->up.push_back(std::move(c));
}

CommandAssembler::~CommandAssembler() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;  // a parse that failed: what is still queued is of no use
    queue_.clear();
  }
  queued_.notify_all();
  // A drain task still queued runs here and finds nothing. Never throws: drain() keeps what
  // add_command threw in failure_.
  tasks_.wait();
}

void CommandAssembler::add(ast::StartMigration* migration, ast::Statement command, bool down) {
  queue(migration, Command{std::move(command), down});
}

void CommandAssembler::add_text(ast::StartMigration* migration, std::string bundle,
                                std::string values, ast::Pos pos) {
  queue(migration, Command{DocumentText{std::move(bundle), std::move(values), pos}, false});
}

void CommandAssembler::run(ast::StartMigration* migration, Command& c) {
  if (auto* text = std::get_if<DocumentText>(&c.command)) {
    add_document_text(migration, text->bundle, text->values, text->pos);
  } else {
    add_command(migration, std::move(std::get<ast::Statement>(c.command)), c.down);
  }
}

void CommandAssembler::queue(ast::StartMigration* migration, Command command) {
  if (pool_ == nullptr) {
    run(migration, command);
    return;
  }
  if (migration != migration_) {
    finish();  // nothing is queued or draining: the drainers may be pointed elsewhere
    migration_ = migration;
  }
  batch_.push_back(std::move(command));
  if (batch_.size() >= kBatch) hand_over();
}

void CommandAssembler::hand_over() {
  std::unique_lock<std::mutex> lock(mu_);
  while (queue_.size() >= kBatchesAhead) {
    if (!draining_) {
      drain(lock);  // no task has started: the parse assembles what waits itself
    } else {
      drained_.wait(lock);
    }
  }
  queue_.push_back(std::move(batch_));
  batch_ = Batch();
  batch_.reserve(kBatch);
  if (draining_ || task_queued_) {  // the drainer takes it
    lock.unlock();
    queued_.notify_one();
    return;
  }
  task_queued_ = true;
  lock.unlock();
  tasks_.run([this] { drain_task(); });
}

void CommandAssembler::drain_task() {
  std::unique_lock<std::mutex> lock(mu_);
  task_queued_ = false;
  if (!draining_) drain(lock, /*idle=*/true);
}

void CommandAssembler::drain(std::unique_lock<std::mutex>& lock, bool idle) {
  draining_ = true;
  for (;;) {
    // A task stays for the next batch (as a thread of its own would) rather than end and be
    // queued again for every batch; finish() and the destructor wake it to end.
    if (idle) queued_.wait(lock, [this] { return stop_ || finishing_ || !queue_.empty(); });
    if (stop_ || queue_.empty()) break;
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      for (Command& c : batch) run(migration_, c);
    } catch (...) {  // out of memory: finish() rethrows it to the parse, which reports it
      lock.lock();
      if (!failure_) failure_ = std::current_exception();
      lock.unlock();
    }
    batch = Batch();  // the trees are freed off the parsing thread too
    lock.lock();
    drained_.notify_all();
  }
  draining_ = false;
  drained_.notify_all();
}

void CommandAssembler::finish() {
  if (pool_ == nullptr) return;
  if (!batch_.empty()) hand_over();
  {
    std::unique_lock<std::mutex> lock(mu_);
    finishing_ = true;
    queued_.notify_all();
    for (;;) {
      if (!draining_ && !queue_.empty()) drain(lock);  // no task started yet: do it here
      if (!draining_ && queue_.empty()) break;
      drained_.wait(lock);
    }
  }
  tasks_.wait();  // the tasks left find the queue empty
  {
    std::lock_guard<std::mutex> lock(mu_);
    finishing_ = false;
  }
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

}  // namespace strata::parser
