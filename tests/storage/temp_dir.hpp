#pragma once
// TempDir: a fresh directory under /tmp (mkdtemp) removed with everything in it on destruction.
// Used by the storage tests for their stores. Not thread-safe; one per test.

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>

namespace strata::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = "/tmp/strata_storage_test_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // A not-yet-existing path inside this directory.
  std::string sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace strata::storage::testing
