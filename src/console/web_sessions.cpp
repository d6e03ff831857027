#include "console/web_sessions.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "common/sha256.hpp"

namespace strata::console {

namespace {

std::string random_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // a broken system RNG: no session then
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 15]);
  }
  return token;
}

}  // namespace

bool WebSessions::expired(const Entry& e, Clock::time_point now) const {
  return now - e.last_seen > idle_ || now - e.created > lifetime_;
}

void WebSessions::sweep(Clock::time_point now, bool make_room) {
  std::erase_if(sessions_, [&](const auto& kv) { return expired(kv.second, now); });
  while (make_room && sessions_.size() >= max_ && !sessions_.empty()) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.created < oldest->second.created) oldest = it;
    }
    sessions_.erase(oldest);
  }
}

std::string WebSessions::create(const std::string& user) {
  const std::string token = random_token();
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  sweep(now, /*make_room=*/true);
  sessions_[sha256_hex(token)] = Entry{user, now, now};
  return token;
}

std::optional<std::string> WebSessions::find(const std::string& token) {
  if (token.size() != 64) return std::nullopt;
  const std::string key = sha256_hex(token);
  const auto now = Clock::now();
  std::lock_guard lock(mu_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_seen = now;
  return it->second.user;
}

void WebSessions::erase(const std::string& token) {
  const std::string key = sha256_hex(token);
  std::lock_guard lock(mu_);
  sessions_.erase(key);
}

size_t WebSessions::size() {
  std::lock_guard lock(mu_);
  sweep(Clock::now(), /*make_room=*/false);
  return sessions_.size();
}

}  // namespace strata::console
