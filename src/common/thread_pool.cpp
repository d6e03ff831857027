// ThreadPool, TaskGroup, Service and parallel() (thread_pool.hpp): workers, claiming, joining.

#include "common/thread_pool.hpp"

#include <pthread.h>

#include <algorithm>
#include <system_error>
#include <utility>

namespace strata::common {

// What a group's tasks report to: how many have not returned, and the first exception.
struct TaskGroup::State {
  std::mutex mu;
  std::condition_variable done;
  size_t pending = 0;
  std::exception_ptr failure;
};

// One queued task. `claimed` makes it run once: by the worker that pops it or by the waiter.
struct TaskGroup::Task {
  std::function<void()> fn;
  std::shared_ptr<State> group;
  std::atomic<bool> claimed{false};

  // Runs fn if nobody has; reports to the group. Never throws.
  void run_once() {
    if (claimed.exchange(true, std::memory_order_acq_rel)) return;
    std::exception_ptr failure;
    try {
      fn();
    } catch (...) {
      failure = std::current_exception();
    }
    fn = nullptr;  // the task's captures go before the group hears of its end
    std::lock_guard lock(group->mu);
    if (failure && !group->failure) group->failure = failure;
    if (--group->pending == 0) group->done.notify_all();
  }
};

struct Service::State {
  std::string name;
  std::mutex join_mu;  // one join at a time (the handle's, or the pool's at its end)
  std::jthread thread;
};

TaskGroup::~TaskGroup() {
  try {
    wait();
  } catch (...) {  // the owner did not wait: what a task threw goes with the group
  }
}

void TaskGroup::run(std::function<void()> task) {
  if (!state_) state_ = std::make_shared<State>();
  if (pool_ == nullptr) {
    try {
      task();
    } catch (...) {
      if (!state_->failure) state_->failure = std::current_exception();
    }
    return;
  }
  auto t = std::make_shared<Task>();
  t->fn = std::move(task);
  t->group = state_;
  {
    std::lock_guard lock(state_->mu);
    ++state_->pending;
  }
  tasks_.push_back(t);
  pool_->queue(std::move(t));
}

void TaskGroup::wait() {
  if (!state_) return;
  for (const std::shared_ptr<Task>& t : tasks_) t->run_once();  // those nobody started
  tasks_.clear();
  std::unique_lock lock(state_->mu);
  state_->done.wait(lock, [this] { return state_->pending == 0; });
  if (state_->failure) std::rethrow_exception(std::exchange(state_->failure, nullptr));
}

Service& Service::operator=(Service&& other) noexcept {
  if (this != &other) {
    stop_and_join();
    state_ = std::move(other.state_);
  }
  return *this;
}

void Service::request_stop() {
  if (state_) state_->thread.request_stop();
}

void Service::join() {
  if (!state_) return;
  {
    std::lock_guard lock(state_->join_mu);
    if (state_->thread.joinable()) state_->thread.join();
  }
  state_.reset();
}

size_t ThreadPool::default_size() {
  return std::max<size_t>(1, std::thread::hardware_concurrency());
}

ThreadPool::ThreadPool(size_t workers) {
  if (workers == 0) workers = default_size();
  workers_.reserve(workers);
  for (size_t i = 0; i < workers; ++i) {
    try {
      workers_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      if (workers_.empty()) throw;  // not one thread to be had
      break;                        // fewer workers than asked for
    }
    pthread_setname_np(workers_.back().native_handle(), "strata-pool");
  }
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
  std::vector<std::shared_ptr<Service::State>> left;
  {
    std::lock_guard lock(mu_);
    for (const auto& weak : services_) {
      if (auto s = weak.lock()) left.push_back(std::move(s));
    }
  }
  for (const auto& s : left) s->thread.request_stop();
  for (const auto& s : left) {
    std::lock_guard lock(s->join_mu);
    if (s->thread.joinable()) s->thread.join();
  }
}

void ThreadPool::queue(std::shared_ptr<TaskGroup::Task> task) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void ThreadPool::work() {
  for (;;) {
    std::shared_ptr<TaskGroup::Task> task;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task->run_once();
  }
}

Service ThreadPool::spawn_service(std::string name, std::function<void(std::stop_token)> loop) {
  auto state = std::make_shared<Service::State>();
  state->name = std::move(name);
  state->thread = std::jthread([fn = std::move(loop)](std::stop_token stop) { fn(stop); });
  pthread_setname_np(state->thread.native_handle(), state->name.substr(0, 15).c_str());
  std::lock_guard lock(mu_);
  // Forget the services that have been joined, so a long life of short services stays small.
  std::erase_if(services_, [](const std::weak_ptr<Service::State>& w) { return w.expired(); });
  services_.push_back(state);
  return Service(std::move(state));
}

void parallel(ThreadPool* pool, const std::function<void()>& work) {
  TaskGroup group(pool);
  const size_t helpers = pool == nullptr ? 0 : pool->size() - 1;
  for (size_t i = 0; i < helpers; ++i) group.run([&work] { work(); });
  std::exception_ptr failure;
  try {
    work();
  } catch (...) {
    failure = std::current_exception();
  }
  group.wait();  // may rethrow a helper's exception; this thread's comes first otherwise
  if (failure) std::rethrow_exception(failure);
}

}  // namespace strata::common
