#pragma once
// WebSessions: the console's server-side table of logins (SPEC §12). A login gets a random
// token (32 bytes from OpenSSL's RAND_bytes, hex) that the browser keeps in an HttpOnly,
// SameSite=Strict cookie; the table keeps only the token's SHA-256, with the user and the
// times. A session ends at logout, after `idle` without a request, or `lifetime` after the
// login, whichever comes first; when the table is full the oldest session goes.
//
// Thread-safety: safe for concurrent use (one mutex).

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace strata::console {

class WebSessions {
 public:
  using Clock = std::chrono::steady_clock;

  WebSessions(Clock::duration idle, Clock::duration lifetime, size_t max_sessions)
      : idle_(idle), lifetime_(lifetime), max_(max_sessions) {}

  // A new session of `user`; returns its token (64 hex characters).
  std::string create(const std::string& user);
  // The user of the live session `token` (and refreshes its idle timer); nullopt when the
  // token is unknown, ended or expired.
  std::optional<std::string> find(const std::string& token);
  // Ends the session `token` (nothing when unknown).
  void erase(const std::string& token);
  size_t size();

 private:
  struct Entry {
    std::string user;
    Clock::time_point created, last_seen;
  };
  // Drops expired sessions; with make_room, also the oldest ones until one more fits.
  void sweep(Clock::time_point now, bool make_room);  // REQUIRES: mu_ is held
  bool expired(const Entry& e, Clock::time_point now) const;

  const Clock::duration idle_, lifetime_;
  const size_t max_;
  std::mutex mu_;
  std::map<std::string, Entry> sessions_;  // by the token's SHA-256 (hex)
};

}  // namespace strata::console
