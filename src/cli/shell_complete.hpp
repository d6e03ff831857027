#pragma once
// Names the shell knows about the server, and Tab completion over them (SPEC §7): keywords,
// and the names of databases, bundles and fields, fetched from the server (SHOW DATABASES,
// SHOW BUNDLES) on first need and cached per database until a statement that may change them
// runs. The same cache gives a bundle's field order, so SELECT columns follow it.
// Thread-safety: one per shell, on its thread.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::cli {

class NameCache {
 public:
  // Sends one statement on the shell's connection and returns its response (nullopt: none).
  using Ask = std::function<std::optional<Json>(const std::string& statement)>;

  struct Bundle {
    std::string name;
    std::vector<std::string> fields;  // in the bundle's order
  };

  explicit NameCache(Ask ask) : ask_(std::move(ask)) {}

  // The session's database ("" for none): bundles are those of this one.
  void set_database(const std::string& database) { database_ = database; }
  // Forgets what a statement may have changed; `words` are its leading words (shell_text).
  void changed_by(const std::vector<std::string>& words);

  const std::vector<std::string>& databases();
  const std::vector<Bundle>& bundles();
  // One bundle of the current database (the list is fetched again once when it is not in
  // it); null when the server does not know it.
  const Bundle* bundle(const std::string& name);

 private:
  Ask ask_;
  std::string database_;
  std::optional<std::vector<std::string>> databases_;
  std::map<std::string, std::vector<Bundle>> bundles_;  // per database
};

// Completions of `word` (the text being completed; it may start with '"') at the end of
// `before` (the line up to it): quoted database names after USE / DATABASE / FOR, bundle
// names after BUNDLE / FROM, field names after FIELD and in WHERE / ORDER BY, keywords
// otherwise (in the case the word was typed in).
std::vector<std::string> completions(NameCache& names, std::string_view before,
                                     std::string_view word);

}  // namespace strata::cli
