// Nearest-candidate suggestions (suggest.hpp).
#include "common/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace strata {
namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Optimal string alignment distance (Damerau-Levenshtein without repeated edits), letters
// compared case-insensitively, or exactly with `exact`.
size_t distance(std::string_view a, std::string_view b, bool exact = false) {
  auto lower = [exact](char c) { return exact ? c : strata::lower(c); };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
          lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(1, word.size() / 3);
  std::optional<std::string> best;
  size_t best_distance = limit + 1, best_exact = 0;
  for (const std::string& c : candidates) {
    const size_t d = distance(word, c);
    if (d > best_distance) continue;
    // Of two as near, the one that also matches the case better ("shpo": "shop", not "Shop").
    const size_t exact = distance(word, c, /*exact=*/true);
    if (d < best_distance || exact < best_exact) {
      best = c;
      best_distance = d;
      best_exact = exact;
    }
  }
  return best;
}

}  // namespace strata
