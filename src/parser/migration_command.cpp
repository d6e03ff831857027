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
  // One statement is far below 4 GiB (the splitter's statement limit).
  c.text_size = static_cast<uint32_t>(
      std::min<size_t>(m->text.size() - c.text_begin, std::numeric_limits<uint32_t>::max()));
  m->text += '\n';
  const auto* add = std::get_if<ast::AddDocument>(&command);
  if (add != nullptr && !down) {
    c.bundle = intern(&m->bundles, add->bundle);
  } else {
    c.statement = std::make_shared<const ast::Statement>(std::move(command));
  }
  list.push_back(std::move(c));
}

}  // namespace strata::parser
