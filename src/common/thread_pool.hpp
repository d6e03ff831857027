#pragma once
// ThreadPool: the process's one set of worker threads, owned by the Engine (EngineOptions::
// threads; default one per core) and passed down by reference to whoever has parallel work —
// the parser's command assembler, validation's CommandStream, the store's big sorts and table
// builds — and the owner of the long-lived service loops below the server (etcd lease
// keep-alive, watch stream and compaction, the FailedMarks retry loop, a stuck-able
// DB::Resume). No layer below the server starts a std::thread of its own.
//
// Three ways in:
//   - TaskGroup::run(task) queues a task on the workers; TaskGroup::wait() joins every task of
//     the group and rethrows the first exception one threw (a throwing task never ends a
//     worker). A null pool runs each task inline, at run().
//   - parallel(pool, work) runs work() on the calling thread and on size()-1 workers at once
//     and returns when every copy has returned: `work` shares its work itself (an atomic
//     counter over slices), so a copy that starts late finds nothing left and returns.
//   - spawn_service(name, loop) starts a long-lived loop on a thread of its own, outside the
//     worker set; the returned Service stops (std::stop_token) and joins it when dropped, and
//     the pool stops and joins every service still running when it is destroyed.
//
// The rule that makes waiting safe (no deadlock, also when a pool task waits on pool tasks):
//   1. TaskGroup::wait() first runs, on the waiting thread, every task of its group that no
//      worker has started (a task is claimed once, by a worker or by the waiter), and then
//      waits only for tasks that are already running on some thread. So a wait never depends
//      on a free worker: with every worker busy (or a pool of one whose worker is the waiter)
//      the waiter does the work itself.
//   2. A task may otherwise block only on a condition that some thread which needs no worker
//      will make true — the thread that queued it (CommandStream's consumer parses the next
//      chunk itself; the assembler's parser drains its queue itself when no task runs).
//   3. A loop that blocks for long or forever (a network stream, a retry timer) is a service,
//      never a task: it would take a worker away from everyone else for its whole life.
//
// Thread-safety: ThreadPool, TaskGroup::run and spawn_service are safe for concurrent use; a
// TaskGroup is waited on by one thread at a time. The pool must outlive every TaskGroup and
// Service made from it (the Engine declares it first, so it is destroyed last).

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace strata::common {

class ThreadPool;

// A set of tasks queued together and joined together (see the file comment, rule 1).
class TaskGroup {
 public:
  // `pool` null: run() runs each task at once on the calling thread.
  explicit TaskGroup(ThreadPool* pool) : pool_(pool) {}
  // Waits for the tasks still running (an exception of theirs is dropped).
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  // Queues `task`. Without a pool, runs it now (its exception is kept for wait()).
  void run(std::function<void()> task);
  // Returns when every task run() so far has returned, having run the unstarted ones here;
  // rethrows the first exception a task threw (once). The group may be used again after.
  void wait();

  // Private to thread_pool.cpp.
  struct Task;
  struct State;

 private:
  ThreadPool* pool_;
  std::shared_ptr<State> state_;
  std::vector<std::shared_ptr<Task>> tasks_;
};

// A long-lived loop on a thread of its own (ThreadPool::spawn_service). Dropping the handle
// requests stop and joins; a loop that waits on its own condition must also be woken by its
// owner (or wait with the token: std::condition_variable_any::wait(lock, token, pred)).
class Service {
 public:
  Service() = default;
  ~Service() { stop_and_join(); }
  Service(Service&&) noexcept = default;
  Service& operator=(Service&& other) noexcept;
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  bool running() const { return state_ != nullptr; }
  // Asks the loop to stop (its std::stop_token) without waiting.
  void request_stop();
  // Waits for the loop to return (a loop still running when its owner is destroyed must be
  // told to stop first, by request_stop or the owner's own flag).
  void join();
  void stop_and_join() {
    request_stop();
    join();
  }

  struct State;  // private to thread_pool.cpp

 private:
  friend class ThreadPool;
  explicit Service(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

class ThreadPool {
 public:
  // The default size: std::thread::hardware_concurrency(), at least 1.
  static size_t default_size();

  // Starts `workers` worker threads (0: default_size()).
  explicit ThreadPool(size_t workers = 0);
  // Lets the workers finish the queued tasks, then stops and joins them and every service
  // still running.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // The number of workers: what parallel() spreads work over (the caller being one of them).
  size_t size() const { return workers_.size(); }

  // Starts `loop` on a thread named `name` (at most 15 characters show) outside the worker
  // set. Throws std::system_error when no thread can be started.
  Service spawn_service(std::string name, std::function<void(std::stop_token)> loop);

 private:
  friend class TaskGroup;
  void queue(std::shared_ptr<TaskGroup::Task> task);
  void work();

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<TaskGroup::Task>> queue_;
  bool stopping_ = false;
  std::vector<std::weak_ptr<Service::State>> services_;  // guarded by mu_
  std::vector<std::thread> workers_;
};

// Runs `work` on this thread and on pool->size()-1 workers at once (this thread alone without
// a pool) and returns when every copy has returned; rethrows what a copy threw. `work` must
// share its work itself (see the file comment).
void parallel(ThreadPool* pool, const std::function<void()>& work);

}  // namespace strata::common
