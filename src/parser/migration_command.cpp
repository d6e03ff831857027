// START MIGRATION's commands in compact form (migration_command.hpp).
#include "parser/migration_command.hpp"

#include <algorithm>
#include <limits>
#include <system_error>
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
  if (!worker_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  queued_.notify_all();
  drained_.notify_all();
  worker_.join();
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
  if (!threaded_) {
    run(migration, command);
    return;
  }
  if (migration != migration_) {
    finish();  // the worker is idle: it may be pointed elsewhere
    migration_ = migration;
  }
  batch_.push_back(std::move(command));
  if (batch_.size() >= kBatch) hand_over();
}

void CommandAssembler::hand_over() {
  if (!worker_.joinable()) {
    try {
      worker_ = std::thread([this] { work(); });
    } catch (const std::system_error&) {
      // No second thread to be had: this batch, and every later one, is assembled here.
      threaded_ = false;
      for (Command& c : batch_) run(migration_, c);
      batch_.clear();
      return;
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  drained_.wait(lock, [this] { return queue_.size() < kBatchesAhead; });
  queue_.push_back(std::move(batch_));
  batch_ = Batch();
  batch_.reserve(kBatch);
  lock.unlock();
  queued_.notify_one();
}

void CommandAssembler::finish() {
  if (!batch_.empty()) hand_over();
  if (!worker_.joinable()) return;
  std::unique_lock<std::mutex> lock(mu_);
  drained_.wait(lock, [this] { return queue_.empty() && !busy_; });
  if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
}

void CommandAssembler::work() {
  for (;;) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      busy_ = false;
      drained_.notify_all();
      queued_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    try {
      for (Command& c : batch) run(migration_, c);
    } catch (...) {  // out of memory: finish() rethrows it to the parse, which reports it
      std::lock_guard<std::mutex> lock(mu_);
      if (!failure_) failure_ = std::current_exception();
    }
  }
}

}  // namespace strata::parser
