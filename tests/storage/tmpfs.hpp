#pragma once
// Tmpfs: a small tmpfs mounted on a fresh directory for the full-disk and read-only tests
// (docs/RELIABILITY.md), unmounted (lazily) and removed on destruction. Mounting needs root
// (CAP_SYS_ADMIN); when it is not permitted, ok() is false and why() says why — the test then
// says it is skipped (Catch2 2 has no skip) instead of passing silently.
//
// fill() takes all free space with a filler file (leaving `leave` bytes); free() deletes it.
// remount(read_only) flips the mount between read-only and read-write under running code,
// which is how a lost permission is simulated (root ignores file modes).
// Not thread-safe; one per test.

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata::storage::testing {

class Tmpfs {
 public:
  // Mounts on a fresh directory under /tmp, removed afterwards.
  explicit Tmpfs(size_t bytes) {
    std::string tmpl = "/tmp/strata_tmpfs_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
    mount_on(bytes);
  }
  // Mounts on `at` (created when missing; left in place afterwards).
  Tmpfs(size_t bytes, std::string at) : path_(std::move(at)), own_dir_(false) {
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    mount_on(bytes);
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ec;
    if (own_dir_) std::filesystem::remove_all(path_, ec);
  }
  Tmpfs(const Tmpfs&) = delete;
  Tmpfs& operator=(const Tmpfs&) = delete;

 private:
  void mount_on(size_t bytes) {
    const std::string options = "size=" + std::to_string(bytes) + ",mode=0755";
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why_ = std::string("cannot mount a tmpfs (") + std::strerror(errno) +
             "): this test needs root; skipped";
      return;
    }
    mounted_ = true;
  }

 public:
  bool ok() const { return mounted_; }
  const std::string& why() const { return why_; }
  const std::string& path() const { return path_; }
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

  size_t free_bytes() const {
    struct statvfs st{};
    if (::statvfs(path_.c_str(), &st) != 0) return 0;
    return static_cast<size_t>(st.f_bavail) * st.f_frsize;
  }

  // Writes a filler file until the file system is full but for `leave` bytes.
  void fill(size_t leave = 0) {
    const std::string file = sub("filler." + std::to_string(fillers_.size()));
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + file);
    std::vector<char> chunk(1 << 16, 'x');
    while (free_bytes() > leave) {
      size_t n = std::min(chunk.size(), free_bytes() - leave);
      if (::write(fd, chunk.data(), n) <= 0) break;
    }
    ::close(fd);
    fillers_.push_back(file);
  }
  // Deletes every filler file.
  void free() {
    for (const auto& f : fillers_) ::unlink(f.c_str());
    fillers_.clear();
  }

  // Remounts read-only (true) or read-write (false); false when that failed.
  bool remount(bool read_only) {
    unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    return ::mount(nullptr, path_.c_str(), nullptr, flags, nullptr) == 0;
  }

 private:
  std::string path_;
  bool own_dir_ = true;
  std::string why_;
  bool mounted_ = false;
  std::vector<std::string> fillers_;
};

}  // namespace strata::storage::testing
