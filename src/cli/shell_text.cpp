// Lexical helpers of the shell (shell_text.hpp).
#include "cli/shell_text.hpp"

#include <cctype>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::cli {
namespace {

bool word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ||
         (static_cast<unsigned char>(c) & 0x80);
}

// From `i`, past whitespace and comments; returns the index of the next token.
size_t skip_blank(std::string_view t, size_t i) {
  while (i < t.size()) {
    if (std::isspace(static_cast<unsigned char>(t[i]))) {
      ++i;
    } else if (t.compare(i, 2, "--") == 0) {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (t.compare(i, 2, "/*") == 0) {
      const size_t end = t.find("*/", i + 2);
      i = end == std::string_view::npos ? t.size() : end + 2;
    } else {
      break;
    }
  }
  return i;
}

// From an opening '"' at `i`: the index after the closing one, and the unescaped content.
size_t read_string(std::string_view t, size_t i, std::string* out) {
  size_t j = i + 1;
  while (j < t.size() && t[j] != '"') j += t[j] == '\\' ? 2 : 1;
  const size_t end = std::min(j + 1, t.size());
  Json parsed = Json::parse(t.substr(i, end - i), nullptr, false);
  if (out) *out = parsed.is_string() ? parsed.get<std::string>() : std::string(t.substr(i + 1, j - i - 1));
  return end;
}

}  // namespace

size_t first_token_offset(std::string_view text) { return skip_blank(text, 0); }

std::vector<std::string> leading_words(std::string_view text, size_t n) {
  std::vector<std::string> words;
  size_t i = skip_blank(text, 0);
  while (words.size() < n && i < text.size() && word_char(text[i])) {
    std::string word;
    while (i < text.size() && word_char(text[i])) {
      word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
      ++i;
    }
    words.push_back(std::move(word));
    i = skip_blank(text, i);
  }
  return words;
}

std::vector<std::string> quoted_names(std::string_view text) {
  std::vector<std::string> names;
  size_t i = skip_blank(text, 0);
  while (i < text.size()) {
    if (text[i] == '"') {
      std::string name;
      i = read_string(text, i, &name);
      names.push_back(std::move(name));
    } else {
      ++i;
    }
    i = skip_blank(text, i);
  }
  return names;
}

std::string quote_name(std::string_view name) { return Json(std::string(name)).dump(); }

}  // namespace strata::cli
