#pragma once
// "Did you mean …?" for the command line and for the names a statement gets wrong (an error's
// "didYouMean" detail): the candidate nearest to a mistyped word, by edit distance
// (insertions, deletions, substitutions and swaps of neighbours, case-insensitive).
// Thread-safety: pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// The candidate nearest to `word`, when it is near enough to be what was meant (at most a
// third of the word's letters off, at least one), else nullopt.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace strata
