#include "cli/wire_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace strata::cli {

Result<std::unique_ptr<WireClient>> WireClient::Connect(const std::string& host, uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const std::string where = host + ":" + std::to_string(port);
  int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (rc != 0) return Status(Code::kInternal, "cannot resolve " + where + ": " + gai_strerror(rc));
  std::string reason = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      freeaddrinfo(found);
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      return std::unique_ptr<WireClient>(new WireClient(fd));
    }
    reason = std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(found);
  return Status(Code::kInternal, "cannot connect to " + where + ": " + reason);
}

WireClient::~WireClient() { ::close(fd_); }

Status WireClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status(Code::kInternal, "connection lost: " + std::string(strerror(errno)));
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WireClient::send_statement(std::string_view text, bool newline) {
  std::string frame;
  frame.reserve(text.size() + 2);
  frame.append(text);
  frame.append(newline ? "\x04\n" : "\x04");
  return send(frame);
}

std::optional<std::string> WireClient::read_line() {
  while (true) {
    size_t nl = buffer_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return line;
    }
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<std::string> WireClient::ask(std::string_view statement, bool newline) {
  if (!send_statement(statement, newline).ok()) return std::nullopt;
  return read_line();
}

void WireClient::shutdown_send() { ::shutdown(fd_, SHUT_WR); }

std::string auth_statement(std::string_view user, std::string_view password) {
  return "AUTH " + Json(std::string(user)).dump() + " " + Json(std::string(password)).dump();
}

std::string use_statement(std::string_view database) {
  return "USE " + Json(std::string(database)).dump();
}

std::optional<std::string> obtain_password(const std::string& env_var, const std::string& user) {
  if (!env_var.empty()) {
    if (const char* value = std::getenv(env_var.c_str())) return std::string(value);
  }
  int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
  if (tty < 0) return std::nullopt;
  const std::string prompt = "Password for " + user + ": ";
  (void)!::write(tty, prompt.data(), prompt.size());
  termios saved{};
  const bool have_termios = ::tcgetattr(tty, &saved) == 0;
  if (have_termios) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(tty, TCSAFLUSH, &quiet);
  }
  std::string password;
  char c;
  while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r') password.push_back(c);
  if (have_termios) ::tcsetattr(tty, TCSAFLUSH, &saved);
  ::close(tty);
  return password;
}

}  // namespace strata::cli
