// Failed writes and the way back (store_internal.hpp write_error, prepare_write; SPEC §8,
// docs/RELIABILITY.md).
//
// A write that fails on an I/O error (a full disk, a medium remounted read-only, a lost
// permission), in a statement or in a background flush, makes RocksDB stop every later write
// ("background error") until DB::Resume() succeeds. RocksDB resumes by itself only from a full
// disk, and only once its SstFileManager sees 16 MB free (the largest memtable) — never on a
// small disk — while refusing every manual Resume() as Busy meanwhile. So its automatic
// recovery is turned off (WriteErrorListener) and the next commit after a failure calls
// Resume() itself — once the file system has room for what Resume() writes (the memtables and
// a new WAL; a Resume() on a disk still full fails half-way through a recovery RocksDB does not
// expect to be retried from there) and the directory is writable (access(2); both checks cost
// a system call, not a flush). Once space or permission is back, writes work again without a
// restart. Resume() flushes the memtables
// and starts a new WAL, so nothing written after it depends on the file whose write failed.
//
// Some failures RocksDB deems fatal: Resume() cannot lift them (a file it could not create
// for a new WAL or a flush, e.g. after a lost permission). Then the handle is marked dead and
// the next transaction to begin while nothing else uses the DB closes it and opens the store
// again (recover_writes), once a probe file can be created in its directory (and, after a full
// disk, there is room for what the reopen replays).
//
// RocksDB 7.8 can also lose track of a flush: a background flush that starts while writes
// are stopped (and no Resume() runs) returns the error without taking its request off the
// flush queue, yet counts it as scheduled. From then on the request queued last is never run:
// Resume() — which waits for the flushes it requests, with no time limit — would wait
// forever, and later flushes would lag one behind (a write stall that never ends). RocksDB
// counts every such failed background job ("rocksdb.background-errors"), so a DB that had one
// is reopened instead of resumed. A Resume() that still does not return within kResumeLimit
// (a case not foreseen here) is cancelled (rocksdb::CancelAllBackgroundWork ends its wait) and the
// DB reopened too: no writer waits longer than that.
//
// Thread-safety: any thread; resume attempts are serialized by DbHandle::resume_mu.

#include <rocksdb/convenience.h>
#include <rocksdb/listener.h>

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "storage/store_internal.hpp"

namespace strata::storage {
namespace {

constexpr auto kReopenInterval = std::chrono::seconds(1);
// A Resume() flushes the memtables (up to a few 100 MB): seconds on a loaded machine.
constexpr auto kResumeLimit = std::chrono::seconds(10);

// True when the file system of the store has room for what Resume() writes: its memtables
// flushed into table files, and a new WAL. Resume() on a disk still full fails half-way
// through RocksDB's recovery, which is not made to be retried from there.
bool room_to_resume(const DbHandle& h) {
  uint64_t memtables = 0;
  if (!h.db->GetAggregatedIntProperty("rocksdb.cur-size-all-mem-tables", &memtables)) {
    memtables = 64u << 20;
  }
  struct statvfs st{};
  if (::statvfs(h.path.c_str(), &st) != 0) return true;  // cannot tell: let RocksDB try
  const uint64_t free_bytes = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  return free_bytes >= memtables + memtables / 4 + (4u << 20);
}

// True when a new file can be created, written and removed in `dir`.
bool takes_new_files(const std::string& dir) {
  // Named like an ingestion's temporary file, so Store::Open removes one a crash left.
  const std::string probe = dir + "/strata-ingest-probe.tmp";
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const char bytes[4096] = {};
  const bool written = ::write(fd, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes);
  ::close(fd);
  ::unlink(probe.c_str());
  return written;
}

bool mentions(const rocksdb::Status& s, const char* what) {
  return s.ToString().find(what) != std::string::npos;
}

bool is_no_space(const rocksdb::Status& s) {
  return s.IsNoSpace() || mentions(s, "No space left on device");
}

bool is_not_writable(const rocksdb::Status& s) {
  return mentions(s, "Read-only file system") || mentions(s, "Permission denied") ||
         mentions(s, "Operation not permitted");
}

// Marks the store's writes stopped on a background error (a failed flush) and turns off
// RocksDB's automatic recovery, which would refuse prepare_write's Resume() (see above).
class WriteErrorListener final : public rocksdb::EventListener {
 public:
  explicit WriteErrorListener(const DbHandle* handle) : handle_(handle) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error != nullptr && !error->ok()) handle_->writes_stopped = true;
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status,
                            bool* auto_recovery) override {
    if (auto_recovery != nullptr) *auto_recovery = false;
  }

 private:
  const DbHandle* handle_;  // outlives the DB: ~DbHandle closes it first
};

// True when a background flush or compaction of this DB failed since it was opened — after
// which RocksDB 7.8 may have lost track of a flush request (see above).
bool lost_a_flush(const DbHandle& h) {
  uint64_t failed_jobs = 0;
  if (!h.db->GetIntProperty(rocksdb::DB::Properties::kBackgroundErrors, &failed_jobs)) {
    return true;  // cannot tell: reopening is always safe
  }
  return failed_jobs > 0;
}

// DB::Resume(), run on a service thread of the store's pool (it may block: never a worker);
// one that has not returned after kResumeLimit is ended by cancelling the DB's background
// work (its flush wait then returns), which leaves the DB good only for reads: it is marked
// dead and reopened by recover_writes. Without a pool (a store opened by a test or a tool),
// Resume() runs here, without the limit.
rocksdb::Status resume_within_limit(const DbHandle& h) {
  if (h.pool == nullptr) return h.db->Resume();
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  rocksdb::Status result;
  common::Service worker = h.pool->spawn_service("strata-resume", [&](std::stop_token) {
    rocksdb::Status s = h.db->Resume();
    std::lock_guard lock(mu);
    result = std::move(s);
    done = true;
    done_cv.notify_all();
  });
  bool cancelled = false;
  {
    std::unique_lock lock(mu);
    if (!done_cv.wait_for(lock, kResumeLimit, [&] { return done; })) cancelled = true;
  }
  if (cancelled) {
    std::fprintf(stderr,
                 "strata: resuming writes to the store at %s did not finish in %lld s; the "
                 "store will be reopened\n",
                 h.path.c_str(), static_cast<long long>(kResumeLimit.count()));
    h.dead = true;
    rocksdb::CancelAllBackgroundWork(h.db, /*wait=*/false);
  }
  worker.join();
  return result;
}

}  // namespace

std::shared_ptr<rocksdb::EventListener> write_error_listener(const DbHandle* handle) {
  return std::make_shared<WriteErrorListener>(handle);
}

Status write_error(const DbHandle& handle, const rocksdb::Status& s) {
  if (s.IsIOError() || s.IsNoSpace() || s.IsCorruption() || is_no_space(s)) {
    handle.writes_stopped = true;  // maybe not stopped: prepare_write's Resume() is then a no-op
  }
  if (is_no_space(s)) {
    return Status(Code::kStoreFull, "store at " + handle.path +
                                        " is full: nothing was written; writes work again once "
                                        "space is freed (" + s.ToString() + ")");
  }
  if (is_not_writable(s)) {
    return Status(Code::kStoreReadOnly,
                  "store at " + handle.path +
                      " cannot be written: nothing was written; writes work again once it is "
                      "writable (" + s.ToString() + ")");
  }
  return storage_error(handle, s);
}

Status prepare_write(const DbHandle& handle) {
  if (handle.read_only) {
    return Status(Code::kStoreReadOnly,
                  "store at " + handle.path +
                      " is open read-only (its directory or medium is not writable): writes "
                      "are refused");
  }
  if (!handle.writes_stopped) return Status::Ok();
  if (::access(handle.path.c_str(), W_OK) != 0) {
    // Still not writable: refused here, before RocksDB fails on a new file (fatal to it).
    return Status(Code::kStoreReadOnly, "store at " + handle.path +
                                            " cannot be written: nothing was written; writes "
                                            "work again once it is writable (its directory is "
                                            "not writable)");
  }
  std::lock_guard lock(handle.resume_mu);
  if (!handle.writes_stopped || handle.dead) return Status::Ok();  // resumed meanwhile, or dead
  if (!room_to_resume(handle)) return Status::Ok();  // still full: the write says so
  if (lost_a_flush(handle)) {
    handle.dead = true;  // reopened by the next begin (recover_writes)
    return Status::Ok();
  }
  rocksdb::Status s = resume_within_limit(handle);
  // Ok: writes resumed (or were never stopped). A fatal error: only a reopen helps.
  if (s.ok()) handle.writes_stopped = false;
  if (!s.ok() && s.severity() >= rocksdb::Status::Severity::kFatalError) handle.dead = true;
  // A background flush that failed while Resume() started (see above): reopened too.
  if (lost_a_flush(handle)) handle.dead = true;
  return Status::Ok();
}

void recover_writes(const Options& options, std::shared_mutex& mu,
                    std::shared_ptr<DbHandle>& handle) {
  {
    std::shared_ptr<DbHandle> h;
    {
      std::shared_lock lock(mu);
      h = handle;
    }
    if (!h->writes_stopped && !h->dead) return;
    if (!h->dead) {
      (void)prepare_write(*h);  // resumes, or finds the error fatal (dead)
      if (!h->dead) return;
    }
    std::lock_guard lock(h->resume_mu);
    const auto now = std::chrono::steady_clock::now();
    if (now - h->last_reopen < kReopenInterval) return;
    h->last_reopen = now;
  }
  std::unique_lock lock(mu);
  if (!handle->dead || handle.use_count() != 1) return;  // in use: a later begin
  if (!takes_new_files(options.path)) return;            // not writable yet
  if (!room_to_resume(*handle)) return;  // the reopen replays the WAL into tables: still full
  handle.reset();  // closes the DB (nothing else holds it)
  Options reopen = options;
  reopen.create_if_missing = false;
  for (int attempt = 0; attempt < 5; ++attempt) {
    Result<std::shared_ptr<DbHandle>> fresh = open_handle(reopen);
    if (fresh.ok()) {
      handle = std::move(fresh).value();
      return;
    }
    std::fprintf(stderr, "strata: reopening the store at %s failed: %s\n",
                 reopen.path.c_str(), fresh.status().ToString().c_str());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  // The store opened a moment ago and cannot be opened now: nothing sane is left to serve.
  std::fprintf(stderr, "strata: the store at %s cannot be reopened; exiting\n",
               reopen.path.c_str());
  std::abort();
}

}  // namespace strata::storage
