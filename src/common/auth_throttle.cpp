#include "common/auth_throttle.hpp"

#include <algorithm>

namespace strata {
namespace {
constexpr auto kFirstDelay = std::chrono::milliseconds(100);
constexpr auto kMaxDelay = std::chrono::milliseconds(5000);
constexpr auto kForgetAfter = std::chrono::minutes(10);
}  // namespace

AuthThrottle::Clock::duration AuthThrottle::record_failure(const std::string& address) {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  forget_old(now);
  Entry& entry = entries_[address];
  if (entry.failures > 0 && now - entry.last > kForgetAfter) entry.failures = 0;
  entry.failures = std::min(entry.failures + 1, 16);
  entry.last = now;
  Clock::duration delay = kFirstDelay * (1 << (entry.failures - 1));
  delay = std::min<Clock::duration>(delay, kMaxDelay);
  entry.blocked_until = now + delay;
  return delay;
}

AuthThrottle::Clock::duration AuthThrottle::retry_after(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(address);
  if (it == entries_.end()) return Clock::duration::zero();
  const auto now = Clock::now();
  return it->second.blocked_until > now ? it->second.blocked_until - now
                                        : Clock::duration::zero();
}

void AuthThrottle::record_success(const std::string& address) {
  std::lock_guard lock(mu_);
  entries_.erase(address);
}

void AuthThrottle::forget_old(Clock::time_point now) {
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  std::erase_if(entries_, [&](const auto& kv) { return now - kv.second.last > kForgetAfter; });
}

}  // namespace strata
