// PublicationReader: concurrent snapshots share one linearizable Range (publication.hpp).

#include "storage/etcd/publication.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <utility>

namespace strata::storage::etcd {
namespace {

// Sleeping on an atomic int with the kernel's futex directly. Not std::atomic::wait: libstdc++
// 12 first spins and calls sched_yield up to 12 times, and on a busy server every yield is a
// context switch — they were 42 % of a cluster server's switches under SHOW MIGRATIONS.
void futex_wait(std::atomic<int>& word, int expected) {
  static_assert(sizeof(std::atomic<int>) == sizeof(int));
  syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr,
          nullptr, 0);  // returns at once when word != expected; spurious wake-ups re-check
}

void futex_wake(std::atomic<int>& word, int count) {
  syscall(SYS_futex, reinterpret_cast<int*>(&word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr,
          0);
}

}  // namespace

struct PublicationReader::Round {
  enum State : int { kQueued, kGo, kRunning, kDone };
  std::atomic<int> state{kQueued};
  // Written by the caller that sends the fetch before `state` becomes kDone; read-only after.
  std::shared_ptr<const Publication> result;
  std::exception_ptr error;
};

std::shared_ptr<const Publication> PublicationReader::read(const Fetch& fetch) {
  std::shared_ptr<Round> round;
  bool send = false;
  {
    std::lock_guard lk(mu_);
    if (!in_flight_) {
      // Nothing in flight: a fetch sent now starts after this call.
      in_flight_ = true;
      round = std::make_shared<Round>();
      round->state.store(Round::kRunning, std::memory_order_relaxed);
      send = true;
    } else {
      // The fetch in flight may have started before this call: wait for the next one.
      if (!next_) next_ = std::make_shared<Round>();
      round = next_;
    }
  }
  while (!send) {
    int s = round->state.load(std::memory_order_acquire);
    if (s == Round::kDone) break;
    if (s == Round::kGo) {
      // The round before ended: the first of this round's callers to claim it sends the fetch.
      send = round->state.compare_exchange_strong(s, Round::kRunning, std::memory_order_acq_rel);
      continue;
    }
    futex_wait(round->state, s);
  }
  if (send) run(*round, fetch);
  if (round->error) std::rethrow_exception(round->error);
  return round->result;
}

void PublicationReader::run(Round& round, const Fetch& fetch) {
  try {
    round.result = fetch();
  } catch (...) {
    round.error = std::current_exception();
  }
  std::shared_ptr<Round> next;
  {
    std::lock_guard lk(mu_);
    next = std::move(next_);  // null when nobody waits: then nothing is in flight
    in_flight_ = next != nullptr;
    if (next) next->state.store(Round::kGo, std::memory_order_release);
  }
  round.state.store(Round::kDone, std::memory_order_release);
  futex_wake(round.state, INT_MAX);
  if (next) futex_wake(next->state, 1);  // one of its callers claims it and sends its fetch
}

}  // namespace strata::storage::etcd
