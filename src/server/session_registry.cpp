#include "server/session_registry.hpp"

#include <vector>

#include "server/session.hpp"

namespace strata::server {

bool SessionRegistry::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  if (stopping_ || sessions_.size() >= max_) return false;
  sessions_.emplace(session->id(), session);
  return true;
}

void SessionRegistry::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  sessions_.erase(id);
}

void SessionRegistry::stop_all() {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [id, session] : sessions_) sessions.push_back(session);
  }
  for (auto& session : sessions) session->stop();
}

bool SessionRegistry::stopping() const {
  std::lock_guard lock(mu_);
  return stopping_;
}

size_t SessionRegistry::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace strata::server
