#pragma once
// Small lexical facts about a statement's text that the shell needs without parsing it: where
// its first token starts (whitespace and comments before it belong to no statement, SPEC §2)
// and its leading words, upper-cased — enough to know a USE, a SELECT or a schema change.
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

// The byte offset of the first token of `text` (text.size() when there is none).
size_t first_token_offset(std::string_view text);

// Up to `n` leading words of `text` (letters, digits, '_', '-'), upper-cased; stops at the
// first token that is not a word (a string, a bracket, ...).
std::vector<std::string> leading_words(std::string_view text, size_t n);

// The double-quoted names in `text`, in order, unescaped (for "USE", "FROM", ...); strings
// inside comments are skipped.
std::vector<std::string> quoted_names(std::string_view text);

// `name` as the language writes it: double-quoted with JSON escapes.
std::string quote_name(std::string_view name);

}  // namespace strata::cli
