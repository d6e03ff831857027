#pragma once
// SessionRegistry: the engine's live sessions by id, for CANCEL SESSION (SPEC §6).
//
// Every session the engine opens gets an id (unique per engine) and a cancel key of 32 random
// hex digits, which its client learns from the answer to AUTH or the handshake and may send
// from another connection to stop the session's running statement. A wrong key and an unknown
// session answer alike, so a key cannot be probed for an id.
// Thread-safety: safe for concurrent use; cancel() may run while the session executes.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.hpp"
#include "engine/interrupt.hpp"

namespace strata::engine {

class SessionRegistry {
 public:
  struct Entry {
    uint64_t id = 0;
    std::string cancel_key;  // 32 lower-case hex digits
  };

  // Registers a new session whose running statement `interrupt` stops.
  Entry add(std::shared_ptr<Interrupt> interrupt);
  void remove(uint64_t id);
  // Cancels the running statement of session `id` when `key` is its cancel key. Errors:
  // PERMISSION_DENIED "no session <id> with that cancel key", for an unknown id and a wrong
  // key alike.
  Status cancel(uint64_t id, std::string_view key);
  size_t size() const;

 private:
  struct Live {
    std::string cancel_key;
    std::weak_ptr<Interrupt> interrupt;
  };
  mutable std::mutex mu_;
  std::map<uint64_t, Live> live_;
  uint64_t next_id_ = 1;
};

}  // namespace strata::engine
