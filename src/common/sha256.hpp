#pragma once
// SHA-256 through OpenSSL EVP (the only place common/ touches OpenSSL digests): a one-shot
// function and an incremental hasher for streams (backup files, checksums of SPEC §4.6).
// Thread-safety: a Sha256 object belongs to one thread; the free functions are reentrant.

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace strata {

using Digest = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  // The digest of everything fed so far; the hasher is then reset.
  Digest finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Digest sha256(std::string_view bytes);
// Lower-case hex of a digest (64 characters).
std::string to_hex(const Digest& digest);
inline std::string sha256_hex(std::string_view bytes) { return to_hex(sha256(bytes)); }

}  // namespace strata
