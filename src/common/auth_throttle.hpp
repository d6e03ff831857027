#pragma once
// AuthThrottle: the growing delay per source address after failed authentication (SPEC §6,
// §12). Each failure from an address doubles the delay before the next failure is answered
// (100 ms, 200 ms, 400 ms, … up to 5 s); an address that has not failed for 10 minutes, or
// that authenticates successfully, starts again from zero. Addresses are forgotten after 10
// minutes, so the table stays small. One throttle is shared by the TCP server's AUTH and
// handshake and the console's logins, so an address cannot try twice as fast over both.
// Thread-safety: safe for concurrent use (one mutex).

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace strata {

class AuthThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  // Records a failed attempt from `address`; returns how long to wait before answering it.
  Clock::duration record_failure(const std::string& address);
  // Records a successful attempt: the address's delay starts again from zero.
  void record_success(const std::string& address);
  // How long `address` must still wait after its last failure before its next attempt is
  // looked at (zero when it may try now). For callers that cannot hold an attempt back
  // without blocking a thread: they refuse attempts that come sooner.
  Clock::duration retry_after(const std::string& address);

 private:
  struct Entry {
    int failures = 0;
    Clock::time_point last;
    Clock::time_point blocked_until;  // last + the delay of that failure
  };
  void forget_old(Clock::time_point now);  // REQUIRES: mu_ is held

  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;
  Clock::time_point last_sweep_{};
};

}  // namespace strata
