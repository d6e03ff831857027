#pragma once
// AuthThrottle: the growing delay per source address after failed authentication (SPEC §6).
// Each failure from an address doubles the delay before the next failure is answered
// (100 ms, 200 ms, 400 ms, … up to 5 s); an address that has not failed for 10 minutes, or
// that authenticates successfully, starts again from zero. Addresses are forgotten after 10
// minutes, so the table stays small.
// Thread-safety: safe for concurrent use (one mutex).

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace strata::server {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // Records a failed attempt from `address`; returns how long to wait before answering it.
  Clock::duration record_failure(const std::string& address);
  // Records a successful attempt: the address's delay starts again from zero.
  void record_success(const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last;
  };
  void forget_old(Clock::time_point now);  // REQUIRES: mu_ is held

  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  Clock::time_point last_sweep_{};
};

}  // namespace strata::server
