#pragma once
// TestClient: a blocking TCP client for the wire tests, on loopback only. Every read is
// bounded in time; a test never hangs on a server that does not answer. Timeouts are scaled
// by STRATA_TEST_TIME_SCALE (test_time.hpp) for sanitizer builds.
// Thread-safety: one per thread.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "test_time.hpp"

namespace strata::server::testing {

class TestClient {
 public:
  explicit TestClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Sends every byte; false when the peer is gone.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // One line without its '\n'; nullopt at end of stream or after `timeout`.
  std::optional<std::string> read_line(
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    return read_line_until(std::chrono::steady_clock::now() + strata::testing::scaled(timeout));
  }

  // `count` lines; stops early at end of stream or timeout.
  std::vector<std::string> read_lines(
      size_t count, std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
    std::vector<std::string> lines;
    const auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(timeout);
    while (lines.size() < count) {
      auto line = read_line_until(deadline);
      if (!line) break;
      lines.push_back(std::move(*line));
    }
    return lines;
  }

  // True when the server closed the connection (end of stream or reset) within `timeout`,
  // with no further complete line pending.
  bool closed_by_peer(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + strata::testing::scaled(timeout);
    while (true) {
      if (eof_) return true;
      if (!fill(deadline)) return eof_;
    }
  }

  void shutdown_write() { ::shutdown(fd_, SHUT_WR); }
  // Closes at once with a TCP reset (SO_LINGER 0), as a client killed mid-stream does.
  void reset() {
    if (fd_ < 0) return;
    linger l{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
  }
  int fd() const { return fd_; }

 private:
  std::optional<std::string> read_line_until(std::chrono::steady_clock::time_point deadline) {
    while (true) {
      size_t nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      if (!fill(deadline)) return std::nullopt;
    }
  }

  // Reads what is available before `deadline`; false on timeout or end of stream.
  bool fill(std::chrono::steady_clock::time_point deadline) {
    if (eof_) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

}  // namespace strata::server::testing
