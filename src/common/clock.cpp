#include "common/clock.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace strata {

namespace {

// "2026-01-10T10:00:00" for the second `ms` falls in.
std::string seconds_text(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_time(int64_t ms) { return seconds_text(ms) + "Z"; }

std::string utc_time_ms(int64_t ms) {
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms % 1000));
  return seconds_text(ms) + frac;
}

std::string utc_now() { return utc_time(unix_ms()); }

}  // namespace strata
