#pragma once
// Private to src/storage: the big sorts and table builds of a migration's commit use both cores
// of the host (write_set.cpp, ingest.cpp).
// Thread-safety: `work` runs on two threads at once and must share its work itself (e.g.
// through an atomic counter).

#include <optional>
#include <system_error>
#include <thread>

namespace strata::storage {

// Runs work() on this thread and on one more, and returns when both have returned. When no
// thread can be started, this thread alone runs it.
template <typename Fn>
void on_two_cores(Fn&& work) {
  std::optional<std::thread> helper;
  try {
    helper.emplace(work);
  } catch (const std::system_error&) {
  }
  work();
  if (helper) helper->join();
}

}  // namespace strata::storage
