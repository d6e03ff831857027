// ThreadPool, TaskGroup, parallel() and services (common/thread_pool.hpp): tasks run on the
// workers, a throwing task leaves the pool working, nested waits never deadlock (also with one
// worker, or none free), services are stopped and joined, the size comes from the options.

#include "common/thread_pool.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

using strata::common::parallel;
using strata::common::Service;
using strata::common::TaskGroup;
using strata::common::ThreadPool;

namespace {

// Runs `fn` on a thread of its own and fails the test when it has not returned within 20 s
// (a deadlock), instead of hanging the whole run. The thread is then left behind.
template <typename Fn>
bool returns_in_time(Fn fn) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> f = done->get_future();
  std::thread([fn, done]() mutable {
    fn();
    done->set_value();
  }).detach();
  return f.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
}

}  // namespace

TEST_CASE("thread pool: the size comes from the options, the machine's cores by default") {
  ThreadPool three(3);
  CHECK(three.size() == 3);
  ThreadPool by_default(0);
  CHECK(by_default.size() == std::max<size_t>(1, std::thread::hardware_concurrency()));
  CHECK(ThreadPool::default_size() == by_default.size());
}

TEST_CASE("thread pool: tasks run on the workers, and wait() sees their effects") {
  ThreadPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> ran_on;
  std::atomic<int> sum{0};
  TaskGroup group(&pool);
  for (int i = 1; i <= 100; ++i) {
    group.run([&, i] {
      sum += i;
      std::lock_guard lock(mu);
      ran_on.insert(std::this_thread::get_id());
    });
  }
  group.wait();
  CHECK(sum == 5050);
  CHECK(!ran_on.empty());
  // A task that blocks until the test releases it can only run on a worker: the waiter would
  // never return from it.
  std::promise<std::thread::id> where;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  group.run([&] {
    where.set_value(std::this_thread::get_id());
    released.wait();
  });
  const std::thread::id worker = where.get_future().get();  // started without any wait()
  CHECK(worker != std::this_thread::get_id());
  release.set_value();
  group.wait();
}

TEST_CASE("thread pool: an exception reaches wait() and the pool keeps working") {
  ThreadPool pool(1);
  TaskGroup group(&pool);
  group.run([] { throw std::runtime_error("task failed"); });
  CHECK_THROWS_WITH(group.wait(), "task failed");
  group.wait();  // reported once
  std::atomic<int> ran{0};
  for (int i = 0; i < 10; ++i) group.run([&] { ++ran; });
  group.wait();
  CHECK(ran == 10);
  // Without a pool the task runs inline and its exception still comes out of wait().
  TaskGroup inline_group(nullptr);
  inline_group.run([] { throw std::runtime_error("inline failed"); });
  CHECK_THROWS_WITH(inline_group.wait(), "inline failed");
}

TEST_CASE("thread pool: tasks waiting on tasks never deadlock, even with one worker") {
  for (size_t workers : {size_t{1}, size_t{2}}) {
    ThreadPool pool(workers);
    std::atomic<int> leaves{0};
    // Every worker is taken by a task that waits for tasks of its own, which wait in turn:
    // the waiters must run what nobody started.
    CHECK(returns_in_time([&] {
      TaskGroup outer(&pool);
      for (int i = 0; i < 8; ++i) {
        outer.run([&] {
          TaskGroup inner(&pool);
          for (int j = 0; j < 8; ++j) {
            inner.run([&] {
              TaskGroup leaf(&pool);
              for (int k = 0; k < 4; ++k) leaf.run([&] { ++leaves; });
              leaf.wait();
            });
          }
          inner.wait();
        });
      }
      outer.wait();
    }));
    CHECK(leaves == 8 * 8 * 4);
  }
}

TEST_CASE("thread pool: parallel() runs on the caller and the workers, never waiting for one") {
  ThreadPool pool(2);
  std::mutex mu;
  std::set<std::thread::id> ran_on;
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  parallel(&pool, [&] {
    for (int k; (k = next++) < 2000;) {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
      ++done;
      std::lock_guard lock(mu);
      ran_on.insert(std::this_thread::get_id());
    }
  });
  CHECK(done == 2000);
  CHECK(ran_on.count(std::this_thread::get_id()) == 1);
  CHECK(ran_on.size() >= 2);  // a worker took part: 2000 × 50 µs is far longer than a start

  // Every worker blocked: parallel() does the work on the caller alone, and returns.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> blocked{0};
  TaskGroup blockers(&pool);
  for (size_t i = 0; i < pool.size(); ++i) {
    blockers.run([&] {
      ++blocked;
      released.wait();
    });
  }
  while (blocked < static_cast<int>(pool.size())) std::this_thread::yield();
  std::atomic<int> slices{0};
  std::atomic<int> alone_next{0};
  CHECK(returns_in_time([&] {
    parallel(&pool, [&] {
      for (int k; (k = alone_next++) < 100;) ++slices;
    });
  }));
  CHECK(slices == 100);
  release.set_value();
  blockers.wait();

  // Without a pool: the caller alone.
  int plain = 0;
  parallel(nullptr, [&] { ++plain; });
  CHECK(plain == 1);
}

TEST_CASE("thread pool: services run beside the workers and are stopped and joined") {
  std::atomic<bool> handle_loop_ended{false};
  std::atomic<bool> orphan_loop_ended{false};
  std::atomic<int> ticks{0};
  {
    Service orphan;  // declared before the pool: outlives it
    ThreadPool pool(1);
    // A worker kept busy does not keep a service from running: services have threads of their
    // own.
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    TaskGroup busy(&pool);
    busy.run([&] { released.wait(); });

    Service ticking = pool.spawn_service("test-ticks", [&](std::stop_token stop) {
      while (!stop.stop_requested()) {
        ++ticks;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      handle_loop_ended = true;
    });
    CHECK(ticking.running());
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (ticks < 5 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(ticks >= 5);
    ticking.stop_and_join();  // the handle stops and joins
    CHECK(handle_loop_ended);
    CHECK(!ticking.running());

    // A service whose handle outlives the pool is stopped and joined when the pool goes.
    orphan = pool.spawn_service("test-orphan", [&](std::stop_token stop) {
      std::mutex m;
      std::condition_variable_any cv;
      std::unique_lock lock(m);
      cv.wait(lock, stop, [] { return false; });  // until stop is requested
      orphan_loop_ended = true;
    });
    release.set_value();
    busy.wait();
    CHECK(!orphan_loop_ended);
  }  // ~ThreadPool stops and joins the orphan (before ~Service, which finds it joined)
  CHECK(orphan_loop_ended);
}
