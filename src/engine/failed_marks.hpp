#pragma once
// FailedMarks: APPLY failures whose FAILED mark could not be written yet (SPEC §4.5, §8).
//
// When an APPLY fails because the store cannot be written (a full disk, a lost permission),
// the small write that marks the migration FAILED fails the same way. The mark is kept here
// and written as soon as the store accepts writes again: by a service loop of the engine's thread
// pool (started at the first mark, idle while none is pending) that retries every 200 ms (so
// no client has to come back), and before every
// write of the engine (Engine::write calls flush()), so no statement overtakes it. A mark
// whose write fails for another reason than the store (the database was dropped) is dropped.
// Thread-safety: safe for concurrent use; flush() is serialized and does nothing when called
// again from inside a mark's own write.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "common/thread_pool.hpp"

namespace strata::engine {

class FailedMarks {
 public:
  struct Mark {
    std::string database;
    uint64_t version = 0;
    std::string user;       // who ran the APPLY (the FAILED event names them)
    std::string statement;  // the APPLY's canonical text
    std::string reason;     // FailureReason
  };
  // Writes one mark (ok also when there is nothing left to mark).
  using Writer = std::function<Status(const Mark&)>;

  // `pool` runs the retry loop (a service, thread_pool.hpp); it must outlive the marks.
  FailedMarks(Writer write, common::ThreadPool& pool) : write_(std::move(write)), pool_(pool) {}
  ~FailedMarks();
  FailedMarks(const FailedMarks&) = delete;
  FailedMarks& operator=(const FailedMarks&) = delete;

  // Keeps `mark` until it is written.
  void add(Mark mark);
  // Tries to write every pending mark now.
  void flush();
  bool any() const { return count_.load(std::memory_order_acquire) > 0; }
  std::vector<Mark> pending() const;

 private:
  void retry_loop();

  Writer write_;
  common::ThreadPool& pool_;
  mutable std::mutex mu_;  // guards marks_, stopping_, retry_
  std::condition_variable wake_;
  std::vector<Mark> marks_;
  std::atomic<size_t> count_{0};
  bool stopping_ = false;
  common::Service retry_;  // the retry loop, once a mark was added
  std::mutex flush_mu_;  // one flush at a time
};

}  // namespace strata::engine
