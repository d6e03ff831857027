// Durability under kill -9 (SPEC §8): a child process commits numbered batches with sync (as
// WAL batches, or as ingested SST files) and acknowledges each through a pipe; the parent SIGKILLs it at a random moment, reopens the
// store and checks that every batch is wholly present or wholly absent, that the present
// ones are exactly 1..k, and that every acknowledged batch survived.
//
// The child is this test binary re-executed (fork + exec) on a hidden test case, so it starts
// with fresh RocksDB threads instead of a forked copy of the parent's.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <random>
#include <string>

#include "storage/store.hpp"
#include "storage/temp_dir.hpp"
#include "test_time.hpp"

namespace strata::storage {
namespace {

using testing::TempDir;

constexpr int kKeysPerBatch = 40;
constexpr const char* kChildTest = "store durability: child process (run by the parent test)";

std::string batch_key(uint32_t batch, int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "batch/%08u/%03d", batch, i);
  return buf;
}

std::string batch_value(uint32_t batch, int i) {
  // Sizes vary so batches straddle WAL blocks differently.
  return std::to_string(batch) + "|" +
         std::string(static_cast<size_t>((batch * 37 + i * 11) % 900), 'v');
}

// Runs in the child: commits batches start, start+1, ... until killed; each batch puts
// kKeysPerBatch keys in kDocs and one marker in kIndex.
TEST_CASE(kChildTest, "[.child]") {
  const char* dir = std::getenv("STRATA_DURABILITY_DIR");
  const char* fd_text = std::getenv("STRATA_DURABILITY_FD");
  const char* start_text = std::getenv("STRATA_DURABILITY_START");
  if (dir == nullptr || fd_text == nullptr || start_text == nullptr) return;  // not a child
  int fd = std::atoi(fd_text);
  Options o;
  o.path = dir;
  if (std::getenv("STRATA_DURABILITY_INGEST") != nullptr) o.ingest_from_keys = 1;
  auto store = Store::Open(o);
  if (!store.ok()) std::_Exit(3);
  auto txn = (*store)->begin();
  for (uint32_t batch = static_cast<uint32_t>(std::atoi(start_text));; ++batch) {
    for (int i = 0; i < kKeysPerBatch; ++i) {
      txn->put(Space::kDocs, batch_key(batch, i), batch_value(batch, i));
    }
    txn->put(Space::kIndex, batch_key(batch, 0), "marker");
    if (!(*store)->commit(*txn, /*sync=*/true).ok()) std::_Exit(4);
    if (write(fd, &batch, sizeof batch) != sizeof batch) std::_Exit(5);
  }
}

// Reads acknowledgements from `fd` until `deadline`, then kills `pid` and drains the pipe.
// Returns the last acknowledged batch (0 when none).
// Kills the child `delay` after its first acknowledged batch (its start-up — seconds under a
// sanitizer — does not eat the delay, so the kill lands while it commits); returns the last
// batch it acknowledged.
uint32_t run_and_kill(pid_t pid, int fd, std::chrono::milliseconds delay) {
  uint32_t last = 0;
  auto read_some = [&](int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return true;
    uint32_t buf[256];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return false;  // EOF: the child is gone
    // The pipe is written 4 bytes at a time (atomic), so reads hold whole numbers.
    for (ssize_t i = 0; i < n / 4; ++i) last = std::max(last, buf[i]);
    return true;
  };
  const auto started = std::chrono::steady_clock::now();
  while (last == 0 && std::chrono::steady_clock::now() - started < strata::testing::scaled(std::chrono::seconds(60))) {
    if (!read_some(5)) break;
  }
  const auto deadline = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!read_some(5)) break;
  }
  kill(pid, SIGKILL);
  while (read_some(1000)) {
  }
  return last;
}

// Kills a committing child five times at random moments; checks after each kill. With
// `ingest`, every batch is committed as ingested SST files (Options::ingest_from_keys),
// one per Space, which must be as atomic and durable as a WAL batch.
void kill_and_check(bool ingest) {
  TempDir dir;
  std::string path = dir.sub("db");
  std::mt19937 rng(std::random_device{}());
  uint32_t next_batch = 1;
  uint32_t total_acked = 0;
  for (int round = 0; round < 5; ++round) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    std::string fd_text = std::to_string(fds[1]);
    std::string start_text = std::to_string(next_batch);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      close(fds[0]);
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, STDOUT_FILENO);
      setenv("STRATA_DURABILITY_DIR", path.c_str(), 1);
      setenv("STRATA_DURABILITY_FD", fd_text.c_str(), 1);
      setenv("STRATA_DURABILITY_START", start_text.c_str(), 1);
      if (ingest) setenv("STRATA_DURABILITY_INGEST", "1", 1);
      execl("/proc/self/exe", "storage_tests", kChildTest, static_cast<char*>(nullptr));
      std::_Exit(127);
    }
    close(fds[1]);
    const int delay_ms = std::uniform_int_distribution<int>(0, 750)(rng);
    uint32_t acked = run_and_kill(pid, fds[0], std::chrono::milliseconds(delay_ms));
    close(fds[0]);
    int wstatus = 0;
    REQUIRE(waitpid(pid, &wstatus, 0) == pid);
    INFO("round " << round << ", child status " << wstatus << ", acked " << acked);
    REQUIRE(WIFSIGNALED(wstatus));
    CHECK(WTERMSIG(wstatus) == SIGKILL);

    Options o;
    o.path = path;
    auto store = Store::Open(o);
    INFO(store.status().ToString());
    REQUIRE(store.ok());
    std::map<uint32_t, int> keys_of_batch;
    int wrong_values = 0;
    auto it = (*store)->scan_prefix(Space::kDocs, "batch/");
    for (; it->valid(); it->next()) {
      uint32_t batch = static_cast<uint32_t>(std::stoul(std::string(it->key().substr(6, 8))));
      int i = std::stoi(std::string(it->key().substr(15)));
      if (it->value() != batch_value(batch, i)) ++wrong_values;
      ++keys_of_batch[batch];
    }
    REQUIRE(it->status().ok());
    CHECK(wrong_values == 0);
    std::map<uint32_t, int> markers;
    for (auto m = (*store)->scan_prefix(Space::kIndex, "batch/"); m->valid(); m->next()) {
      ++markers[static_cast<uint32_t>(std::stoul(std::string(m->key().substr(6, 8))))];
    }
    // Wholly present or absent, with no gaps: the present batches are exactly 1..k.
    uint32_t expected = 1;
    for (const auto& [batch, n] : keys_of_batch) {
      CHECK(batch == expected++);
      CHECK(n == kKeysPerBatch);
      CHECK(markers[batch] == 1);
    }
    uint32_t present = static_cast<uint32_t>(keys_of_batch.size());
    CHECK(markers.size() == present);
    CHECK(present >= acked);           // nothing acknowledged was lost
    CHECK(present + 1 >= next_batch);  // nothing from earlier rounds was lost
    total_acked += acked >= next_batch ? acked - next_batch + 1 : 0;
    next_batch = present + 1;
  }
  CHECK(total_acked > 0);
}

TEST_CASE("store durability: kill -9 keeps every synced batch whole") { kill_and_check(false); }

TEST_CASE("store durability: kill -9 keeps every ingested batch whole") { kill_and_check(true); }

}  // namespace
}  // namespace strata::storage
