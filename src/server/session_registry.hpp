#pragma once
// SessionRegistry: every open connection of a server (asio's connection_manager): enforces
// --max-connections and stops them all at shutdown.
// Thread-safety: safe for concurrent use; sessions add and remove themselves from their own
// strands while the listener and the shutdown path read the set.

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace strata::server {

class Session;

class SessionRegistry {
 public:
  explicit SessionRegistry(size_t max_connections) : max_(max_connections) {}

  // Registers a session; false when the server is full or stopping (the caller turns the
  // connection away).
  bool add(const std::shared_ptr<Session>& session);
  // Forgets a closed session. Unknown ids are ignored.
  void remove(uint64_t id);
  // Asks every session to finish its running statement, answer it and close; refuses new
  // sessions from now on.
  void stop_all();
  size_t size() const;
  // True once stop_all() has been called.
  bool stopping() const;

 private:
  const size_t max_;
  mutable std::mutex mu_;
  bool stopping_ = false;
  std::unordered_map<uint64_t, std::shared_ptr<Session>> sessions_;
};

}  // namespace strata::server
