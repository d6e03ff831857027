// The statement table's derived lists (statement_traits.hpp).
#include "parser/statement_traits.hpp"

#include <algorithm>
#include <cstring>

namespace strata::parser {
namespace {

template <typename... Ts>
std::vector<const char*> distinct_names(const std::variant<Ts...>*) {
  std::vector<const char*> out;
  for (const char* name : {StatementTraits<Ts>::info.name...}) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [name](const char* n) { return std::strcmp(n, name) == 0; });
    if (!seen) out.push_back(name);
  }
  return out;
}

}  // namespace

const std::vector<const char*>& statement_names() {
  static const std::vector<const char*> names =
      distinct_names(static_cast<const ast::Statement*>(nullptr));
  return names;
}

}  // namespace strata::parser
