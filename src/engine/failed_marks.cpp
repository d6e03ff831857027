// FailedMarks (failed_marks.hpp): pending FAILED marks and their retry loop.

#include "engine/failed_marks.hpp"

#include <chrono>
#include <spdlog/spdlog.h>

namespace strata::engine {

namespace {

constexpr auto kRetryInterval = std::chrono::milliseconds(200);

// True while this thread writes a mark (its write must not flush again).
thread_local bool t_flushing = false;

// A failure of the store itself: worth retrying once it is writable again.
bool store_failure(const Status& st) {
  return st.code() == Code::kStoreFull || st.code() == Code::kStoreReadOnly ||
         st.code() == Code::kStorageError || st.code() == Code::kStoreUnavailable;
}

}  // namespace

FailedMarks::~FailedMarks() {
  common::Service retry;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    retry = std::move(retry_);
  }
  wake_.notify_all();
  retry.stop_and_join();
}

void FailedMarks::add(Mark mark) {
  std::lock_guard lock(mu_);
  marks_.push_back(std::move(mark));
  count_.store(marks_.size(), std::memory_order_release);
  if (!retry_.running() && !stopping_) {
    retry_ = pool_.spawn_service("failed-marks", [this](std::stop_token) { retry_loop(); });
  }
  wake_.notify_all();
}

std::vector<FailedMarks::Mark> FailedMarks::pending() const {
  std::lock_guard lock(mu_);
  return marks_;
}

void FailedMarks::flush() {
  if (t_flushing || !any()) return;
  std::lock_guard flushing(flush_mu_);
  std::vector<Mark> todo;
  {
    std::lock_guard lock(mu_);
    todo.swap(marks_);
  }
  std::vector<Mark> kept;
  t_flushing = true;
  for (Mark& m : todo) {
    Status st = write_(m);
    if (st.ok()) {
      spdlog::info("migration {} of database '{}' marked FAILED now that the store accepts "
                   "writes again",
                   m.version, m.database);
    } else if (store_failure(st)) {
      kept.push_back(std::move(m));
    } else {
      spdlog::error("migration {} of database '{}' could not be marked FAILED: {}", m.version,
                    m.database, st.ToString());
    }
  }
  t_flushing = false;
  std::lock_guard lock(mu_);
  marks_.insert(marks_.begin(), std::make_move_iterator(kept.begin()),
                std::make_move_iterator(kept.end()));
  count_.store(marks_.size(), std::memory_order_release);
}

void FailedMarks::retry_loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // Idle until a mark is pending, then one attempt per interval.
    wake_.wait(lock, [this] { return stopping_ || !marks_.empty(); });
    wake_.wait_for(lock, kRetryInterval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    flush();
    lock.lock();
  }
}

}  // namespace strata::engine
