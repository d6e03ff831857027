#include "engine/answer_cache.hpp"

namespace strata::engine {

AnswerCache::Text AnswerCache::find(std::string_view key) const {
  std::lock_guard lock(mu_);
  const uint64_t now = generation_.load();
  if (now & 1) return nullptr;  // a commit is in flight
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.generation != now) return nullptr;
  return it->second.text;
}

void AnswerCache::install(std::string key, uint64_t generation, Text text) {
  std::lock_guard lock(mu_);
  // Checked under mu_: a commit that begins after this check makes the entry stale by
  // changing the generation, so find() stops serving it.
  if ((generation & 1) || generation_.load() != generation) return;
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->second.generation != generation ? entries_.erase(it) : std::next(it);
  }
  if (entries_.size() >= kMaxEntries && !entries_.count(key)) return;
  entries_[std::move(key)] = Entry{generation, std::move(text)};
}

Result<AnswerCache::Text> AnswerCache::get_or_build(std::string key,
                                                    const std::function<Result<Text>()>& build) {
  if (Text hit = find(key)) return hit;
  std::lock_guard building(build_mu_);
  if (Text hit = find(key)) return hit;  // built while we waited
  const uint64_t before = generation();  // before build takes its snapshot
  Result<Text> text = build();
  if (text.ok()) install(std::move(key), before, *text);
  return text;
}

}  // namespace strata::engine
