// The shell's name cache and completion rules (shell_complete.hpp).
#include "cli/shell_complete.hpp"

#include <algorithm>
#include <cctype>

#include "cli/shell_text.hpp"

namespace strata::cli {
namespace {

const char* const kKeywords[] = {
    "ADD",       "ALTER",      "AND",        "APPLY",     "APPROVAL", "APPROVE",   "AS",
    "ASC",       "AUTH",       "BACKUP",     "BOOLEAN",   "BTREE",    "BUNDLE",    "BUNDLES",
    "BY",        "CANCEL",     "COMMIT",     "COUNT",     "CREATE",   "DATABASE",  "DATABASES",
    "DATETIME",  "DELETE",     "DESC",       "DESCRIBE",  "DESCRIPTION", "DOCUMENT", "DOCUMENTS",
    "DOWN",      "DROP",       "FALSE",      "FIELD",     "FIELDS",   "FLOAT",     "FOR",
    "FORCE",     "FROM",       "HASH",       "IN",        "INDEX",    "INDEXES",   "INT",
    "JSON",      "LIMIT",      "MIGRATION",  "MIGRATIONS", "MODIFY",  "NAME",      "NOT",
    "NULL",      "ON",         "OR",         "ORDER",     "PASSWORD", "PENDING",   "PING",
    "RELATIONSHIP", "REMOVE",  "RENAME",     "RESET",     "RESTORE",  "ROLE",      "ROLLBACK",
    "SCHEMA",    "SELECT",     "SESSION",    "SET",       "SETTINGS", "SHOW",      "START",
    "STRING",    "TEXT",       "TO",         "TRUE",      "UNIQUE",   "UP",        "UPDATE",
    "USE",       "USER",       "USERS",      "USING",     "VALIDATE", "VALUES",    "VERIFY",
    "VERSION",   "WHERE",      "WITH",
};

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The words of `before` (upper-cased), strings and punctuation skipped.
std::vector<std::string> words_of(std::string_view before) {
  std::vector<std::string> words;
  std::string word;
  bool in_string = false;
  for (size_t i = 0; i < before.size(); ++i) {
    const char c = before[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
      word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
      continue;
    }
    if (!word.empty()) words.push_back(std::move(word));
    word.clear();
    if (c == '"') {
      in_string = true;
      words.push_back("\"");  // a name stood here
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool contains(const std::vector<std::string>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

void add_quoted(std::vector<std::string>* out, const std::vector<std::string>& names,
                std::string_view word) {
  for (const std::string& n : names) {
    std::string quoted = quote_name(n);
    if (starts_with_nocase(quoted, word)) out->push_back(std::move(quoted));
  }
}

// The fields of the bundles `before` names, else of every bundle.
std::vector<std::string> fields_for(NameCache& names, std::string_view before) {
  std::vector<std::string> fields;
  const std::vector<std::string> named = quoted_names(before);
  for (const NameCache::Bundle& b : names.bundles()) {
    if (std::find(named.begin(), named.end(), b.name) != named.end()) {
      fields.insert(fields.end(), b.fields.begin(), b.fields.end());
    }
  }
  if (fields.empty()) {
    for (const NameCache::Bundle& b : names.bundles()) {
      fields.insert(fields.end(), b.fields.begin(), b.fields.end());
    }
  }
  std::sort(fields.begin(), fields.end());
  fields.erase(std::unique(fields.begin(), fields.end()), fields.end());
  fields.insert(fields.begin(), "DocumentID");
  return fields;
}

}  // namespace

void NameCache::changed_by(const std::vector<std::string>& words) {
  if (words.empty()) return;
  const std::string& first = words[0];
  const bool schema = first == "CREATE" || first == "DROP" || first == "APPLY" ||
                      first == "RESTORE" ||
                      (first == "UPDATE" && words.size() > 1 && words[1] == "BUNDLE");
  if (!schema) return;
  databases_.reset();
  bundles_.clear();
}

const std::vector<std::string>& NameCache::databases() {
  if (!databases_) {
    databases_.emplace();
    if (auto r = ask_("SHOW DATABASES")) {
      for (const Json& name : r->value("Result", Json::array())) {
        if (name.is_string()) databases_->push_back(name.get<std::string>());
      }
    }
  }
  return *databases_;
}

const std::vector<NameCache::Bundle>& NameCache::bundles() {
  auto it = bundles_.find(database_);
  if (it != bundles_.end()) return it->second;
  std::vector<Bundle> list;
  if (!database_.empty()) {
    if (auto r = ask_("SHOW BUNDLES FOR " + quote_name(database_))) {
      for (const Json& b : r->value("Result", Json::array())) {
        if (!b.is_object()) continue;
        Bundle bundle{b.value("Name", ""), {}};
        for (const Json& f : b.value("Fields", Json::array())) {
          if (f.is_object()) bundle.fields.push_back(f.value("Name", ""));
        }
        list.push_back(std::move(bundle));
      }
    }
  }
  return bundles_[database_] = std::move(list);
}

const NameCache::Bundle* NameCache::bundle(const std::string& name) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    for (const Bundle& b : bundles()) {
      if (b.name == name) return &b;
    }
    if (attempt == 0) bundles_.erase(database_);  // perhaps created since: ask once more
  }
  return nullptr;
}

std::vector<std::string> completions(NameCache& names, std::string_view before,
                                     std::string_view word) {
  const std::vector<std::string> words = words_of(before);
  const std::string previous = words.empty() ? "" : words.back();
  std::vector<std::string> out;
  const bool quoted = !word.empty() && word[0] == '"';
  if (previous == "USE" || previous == "DATABASE" || previous == "FOR") {
    add_quoted(&out, names.databases(), word);
    return out;
  }
  std::vector<std::string> bundle_names;
  for (const NameCache::Bundle& b : names.bundles()) bundle_names.push_back(b.name);
  if (previous == "BUNDLE" || previous == "FROM") {
    add_quoted(&out, bundle_names, word);
    return out;
  }
  const bool in_condition = contains(words, "WHERE") || contains(words, "BY");
  const bool field_expected = previous == "WHERE" || previous == "AND" || previous == "OR" ||
                              previous == "NOT" || previous == "BY";
  if (field_expected && !quoted) {
    for (const std::string& f : fields_for(names, before)) {
      if (starts_with_nocase(f, word)) out.push_back(f);
    }
  } else if (previous == "FIELD" || previous == "FIELDS" || quoted) {
    add_quoted(&out, fields_for(names, before), word);
    if (quoted && previous != "FIELD" && previous != "FIELDS") {
      add_quoted(&out, bundle_names, word);
      add_quoted(&out, names.databases(), word);
    }
  } else {
    const bool lower = !word.empty() && std::islower(static_cast<unsigned char>(word[0]));
    for (const char* k : kKeywords) {
      if (!starts_with_nocase(k, word)) continue;
      std::string keyword = k;
      if (lower) {
        for (char& c : keyword) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      out.push_back(std::move(keyword));
    }
    if (in_condition) {
      for (const std::string& f : fields_for(names, before)) {
        if (starts_with_nocase(f, word)) out.push_back(f);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace strata::cli
