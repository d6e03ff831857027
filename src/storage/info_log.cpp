// RocksDB's informational log (DIR/LOG) written by a logger that survives a full or read-only
// disk (store_internal.hpp open_info_log).
//
// RocksDB's own file logger writes through a WritableFileWriter, which asserts (aborts the
// whole process) when it is asked to write again after a write to it failed: on a full disk
// the first log line that cannot be written is followed by the recovery thread's next line,
// and the server dies with signal 6 (issue 10). This logger writes each line with one
// write(2) on an O_APPEND descriptor and simply loses a line it cannot write. At 16 MiB the
// file is renamed LOG.old (one generation kept) and a new LOG is started.
//
// Thread-safety: RocksDB logs from many threads; a mutex serializes the lines.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rocksdb/env.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

#include "storage/store_internal.hpp"

namespace strata::storage {
namespace {

constexpr off_t kRollBytes = 16 << 20;

class InfoLog final : public rocksdb::Logger {
 public:
  explicit InfoLog(std::string dir)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), path_(std::move(dir) + "/LOG") {
    open_file();
  }
  ~InfoLog() override {
    if (fd_ >= 0) ::close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char line[1024];
    const auto now = std::chrono::system_clock::now();
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            now.time_since_epoch()).count() % 1000000;
    std::tm tm{};
    localtime_r(&secs, &tm);
    int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06lld ",
                          tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                          tm.tm_sec, static_cast<long long>(micros));
    va_list copy;
    va_copy(copy, ap);
    int body = std::vsnprintf(line + n, sizeof line - static_cast<size_t>(n) - 1, format, copy);
    va_end(copy);
    if (body < 0) return;
    size_t len = std::min(static_cast<size_t>(n + body), sizeof line - 2);
    if (line[len - 1] != '\n') line[len++] = '\n';

    std::lock_guard lock(mu_);
    if (fd_ < 0) return;
    if (size_ >= kRollBytes) roll();
    if (fd_ < 0) return;
    ssize_t written = ::write(fd_, line, len);
    if (written > 0) size_ += written;  // a failed or short write loses (part of) one line
  }

 private:
  void open_file() {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    struct stat st{};
    size_ = fd_ >= 0 && ::fstat(fd_, &st) == 0 ? st.st_size : 0;
  }
  // REQUIRES: mu_ held.
  void roll() {
    ::close(fd_);
    fd_ = -1;
    std::rename(path_.c_str(), (path_ + ".old").c_str());
    open_file();
  }

  const std::string path_;
  std::mutex mu_;
  int fd_ = -1;
  off_t size_ = 0;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> open_info_log(const std::string& dir) {
  return std::make_shared<InfoLog>(dir);
}

}  // namespace strata::storage
