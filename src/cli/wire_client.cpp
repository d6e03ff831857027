#include "cli/wire_client.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "common/json.hpp"

namespace strata::cli {

Result<std::unique_ptr<WireClient>> WireClient::Connect(const std::string& host, uint16_t port,
                                                        const ClientTls& tls) {
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
      std::unique_ptr<WireClient> client(new WireClient(fd));
      if (tls.enabled) {
        Status status = client->start_tls(host, tls);
        if (!status.ok()) {
          return Status(Code::kInternal,
                        "TLS handshake with " + where + " failed: " + status.message());
        }
      }
      return client;
    }
    reason = std::strerror(errno);
    ::close(fd);
  }
  freeaddrinfo(found);
  return Status(Code::kInternal, "cannot connect to " + where + ": " + reason);
}

namespace {

std::string openssl_reason() {
  unsigned long code = ERR_get_error();
  if (code == 0) return "connection closed";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

}  // namespace

Status WireClient::start_tls(const std::string& host, const ClientTls& tls) {
  std::signal(SIGPIPE, SIG_IGN);  // OpenSSL writes without MSG_NOSIGNAL
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  ssl_ctx_ = ctx;
  if (ctx == nullptr) return Status(Code::kInternal, openssl_reason());
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int loaded = tls.ca_file.empty()
                         ? SSL_CTX_set_default_verify_paths(ctx)
                         : SSL_CTX_load_verify_locations(ctx, tls.ca_file.c_str(), nullptr);
  if (loaded != 1) return Status(Code::kInternal, "cannot load " + tls.ca_file);
  SSL* ssl = SSL_new(ctx);
  ssl_ = ssl;
  SSL_set_fd(ssl, fd_);
  // The certificate must name the host: an IP address as such, otherwise the DNS name.
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) {
    SSL_set_tlsext_host_name(ssl, host.c_str());
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  }
  if (SSL_connect(ssl) != 1) {
    const long verify = SSL_get_verify_result(ssl);
    if (verify != X509_V_OK) {
      return Status(Code::kInternal, X509_verify_cert_error_string(verify));
    }
    return Status(Code::kInternal, openssl_reason());
  }
  return Status::Ok();
}

long WireClient::raw_send(const char* data, size_t size) {
  if (ssl_) return SSL_write(static_cast<SSL*>(ssl_), data, static_cast<int>(size));
  return ::send(fd_, data, size, MSG_NOSIGNAL);
}

long WireClient::raw_recv(char* data, size_t size) {
  if (ssl_) return SSL_read(static_cast<SSL*>(ssl_), data, static_cast<int>(size));
  return ::recv(fd_, data, size, 0);
}

WireClient::~WireClient() {
  if (ssl_) SSL_free(static_cast<SSL*>(ssl_));
  if (ssl_ctx_) SSL_CTX_free(static_cast<SSL_CTX*>(ssl_ctx_));
  ::close(fd_);
}

Status WireClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    long n = raw_send(bytes.data(), bytes.size());
    if (n < 0 && !ssl_ && errno == EINTR) continue;
    if (n <= 0) return Status(Code::kInternal, "connection lost");
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
    long n = raw_recv(chunk, sizeof chunk);
    if (n < 0 && !ssl_ && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<std::string> WireClient::read_line(const std::function<bool()>& waiting,
                                                 int interval_ms) {
  while (true) {
    if (buffer_.find('\n') != std::string::npos) return read_line();
    const bool buffered = ssl_ && SSL_pending(static_cast<SSL*>(ssl_)) > 0;
    if (!buffered) {
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, interval_ms);
      if (ready < 0 && errno != EINTR) return std::nullopt;
      if (ready <= 0) {
        if (!waiting()) return std::nullopt;
        continue;
      }
    }
    char chunk[65536];
    errno = 0;
    long n = raw_recv(chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;  // a signal (Ctrl-C): TLS reads retry too
    if (n <= 0) return std::nullopt;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

std::optional<std::string> WireClient::ask(std::string_view statement, bool newline) {
  if (!send_statement(statement, newline).ok()) return std::nullopt;
  return read_line();
}

void WireClient::shutdown_send() {
  if (ssl_) SSL_shutdown(static_cast<SSL*>(ssl_));  // close_notify; the socket stays readable
  ::shutdown(fd_, SHUT_WR);
}

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
  // Echo goes off before the prompt appears, and without flushing input, so a password typed
  // right after the prompt is never lost or shown.
  termios saved{};
  const bool have_termios = ::tcgetattr(tty, &saved) == 0;
  if (have_termios) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(tty, TCSANOW, &quiet);
  }
  const std::string prompt = "Password for " + user + ": ";
  (void)!::write(tty, prompt.data(), prompt.size());
  std::string password;
  char c;
  while (::read(tty, &c, 1) == 1 && c != '\n' && c != '\r') password.push_back(c);
  if (have_termios) ::tcsetattr(tty, TCSANOW, &saved);
  ::close(tty);
  return password;
}

}  // namespace strata::cli
