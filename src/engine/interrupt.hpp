#pragma once
// Interrupt: the stop signal of a session's running statement (SPEC §4.5 timeouts, §6 Cancel).
//
// A Session holds one (shared: the engine's session registry and the server keep a handle to
// it). Long work of the engine calls check() at regular points — each migration command in
// the validator and in a rollback, every few hundred documents in the streaming loops of
// queries and of UPDATE / DELETE — and stops with its status when it is not ok:
//   - CANCELLED after cancel() (CANCEL SESSION) during the statement, or after abandon() (the
//     connection went away; sticky: every later statement of the session is cancelled too);
//   - TIMEOUT once the statement's deadline (MigrationTimeoutSeconds) has passed.
// begin_statement() starts a statement afresh: no cancel pending (a CANCEL that arrived
// between statements does nothing, as in PostgreSQL), no deadline.
//
// Thread-safety: every member is safe to call from any thread at any time; cancel() and
// abandon() are meant for other threads while the owner runs a statement.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/status.hpp"

namespace strata::engine {

class Interrupt {
 public:
  using Clock = std::chrono::steady_clock;

  // Stops the running statement at its next check.
  void cancel() { cancelled_.store(true, std::memory_order_release); }
  // The session's client is gone: this statement and every later one stop.
  void abandon() { abandoned_.store(true, std::memory_order_release); }
  bool abandoned() const { return abandoned_.load(std::memory_order_acquire); }

  // A new statement: forgets a cancel that came before it and any deadline.
  void begin_statement() {
    cancelled_.store(false, std::memory_order_release);
    deadline_.store(kNoDeadline, std::memory_order_release);
  }
  void set_deadline(Clock::time_point at) {
    deadline_.store(at.time_since_epoch().count(), std::memory_order_release);
  }

  // Ok, CANCELLED ("statement cancelled") or TIMEOUT ("statement timed out"); callers that
  // know more (which command, which limit) reword the message, keeping the code.
  Status check() const {
    if (cancelled_.load(std::memory_order_acquire) || abandoned()) {
      return Status(Code::kCancelled, "statement cancelled; nothing was changed");
    }
    const Clock::rep deadline = deadline_.load(std::memory_order_acquire);
    if (deadline != kNoDeadline && Clock::now().time_since_epoch().count() > deadline) {
      return Status(Code::kTimeout, "statement timed out; nothing was changed");
    }
    return Status::Ok();
  }

 private:
  static constexpr Clock::rep kNoDeadline = INT64_MAX;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> abandoned_{false};
  std::atomic<Clock::rep> deadline_{kNoDeadline};
};

// `start` + `seconds` on the interrupt's clock, saturating: a deadline too far for the clock's
// nanoseconds is no deadline, never one that wrapped into the past.
inline Interrupt::Clock::time_point deadline_after(Interrupt::Clock::time_point start,
                                                   int64_t seconds) {
  using Clock = Interrupt::Clock;
  const auto room = std::chrono::duration_cast<std::chrono::seconds>(Clock::time_point::max() - start);
  if (seconds >= room.count()) return Clock::time_point::max();
  return start + std::chrono::seconds(seconds);
}

// check() of `interrupt` on every `every`-th call of tick() (cheap in tight loops); a null
// interrupt never stops.
class InterruptPoll {
 public:
  explicit InterruptPoll(const Interrupt* interrupt, uint32_t every = 256)
      : interrupt_(interrupt), every_(every) {}
  Status tick() {
    if (interrupt_ == nullptr || ++count_ % every_ != 0) return Status::Ok();
    return interrupt_->check();
  }

 private:
  const Interrupt* interrupt_;
  uint32_t every_;
  uint32_t count_ = 0;
};

}  // namespace strata::engine
