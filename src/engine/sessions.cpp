// SessionRegistry (sessions.hpp): ids, cancel keys, CANCEL SESSION.

#include "engine/sessions.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace strata::engine {

namespace {

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    throw std::runtime_error("RAND_bytes failed");  // a broken system RNG: programmer-level fatal
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

}  // namespace

SessionRegistry::Entry SessionRegistry::add(std::shared_ptr<Interrupt> interrupt) {
  Entry entry;
  entry.cancel_key = random_hex(16);
  std::lock_guard lock(mu_);
  entry.id = next_id_++;
  live_[entry.id] = Live{entry.cancel_key, std::move(interrupt)};
  return entry;
}

void SessionRegistry::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  live_.erase(id);
}

Status SessionRegistry::cancel(uint64_t id, std::string_view key) {
  std::shared_ptr<Interrupt> target;
  {
    std::lock_guard lock(mu_);
    auto it = live_.find(id);
    // The key is compared in constant time; an unknown id compares against itself so that
    // both refusals take the same path.
    const std::string& expected = it != live_.end() ? it->second.cancel_key : std::string(key);
    const bool match = it != live_.end() && key.size() == expected.size() &&
                       CRYPTO_memcmp(key.data(), expected.data(), key.size()) == 0;
    if (match) target = it->second.interrupt.lock();
  }
  if (!target) {
    return Status(Code::kPermissionDenied,
                  "no session " + std::to_string(id) + " with that cancel key");
  }
  target->cancel();
  return Status::Ok();
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return live_.size();
}

}  // namespace strata::engine
