// ping_bench (SPEC §9 row W4): PING throughput of a Strata server over loopback.
//
//   ping_bench [--host 127.0.0.1] [--port 1776] [--connections 32] [--pipeline 16]
//              [--requests 1000000]
//
// One thread drives every connection with epoll, like redis-benchmark: each connection keeps
// --pipeline PINGs in flight (1 = not pipelined), sending a new one for each answer line,
// until --requests answers have arrived. Prints "PING: <n> requests per second".
// bench/run (row w4) runs it interleaved with redis-benchmark and prints the ratios.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string host = "127.0.0.1";
  int port = 1776;
  int connections = 32;
  int pipeline = 16;
  long requests = 1000000;
};

struct Connection {
  int fd = -1;
  long in_flight = 0;
};

int connect_to(const Options& o) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  inet_pton(AF_INET, o.host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::perror("connect");
    std::exit(2);
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool send_pings(int fd, int count) {
  static const std::string kPing = "PING\x04";
  std::string batch;
  for (int i = 0; i < count; ++i) batch += kPing;
  size_t sent = 0;
  while (sent < batch.size()) {
    ssize_t n = ::send(fd, batch.data() + sent, batch.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--host")
      o.host = argv[i + 1];
    else if (flag == "--port")
      o.port = std::atoi(argv[i + 1]);
    else if (flag == "--connections")
      o.connections = std::atoi(argv[i + 1]);
    else if (flag == "--pipeline")
      o.pipeline = std::atoi(argv[i + 1]);
    else if (flag == "--requests")
      o.requests = std::atol(argv[i + 1]);
    else {
      std::fprintf(stderr, "ping_bench: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  int epoll = epoll_create1(0);
  std::vector<Connection> connections(static_cast<size_t>(o.connections));
  for (size_t i = 0; i < connections.size(); ++i) {
    connections[i].fd = connect_to(o);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(epoll, EPOLL_CTL_ADD, connections[i].fd, &ev);
  }
  long answered = 0, sent = 0;
  const auto start = std::chrono::steady_clock::now();
  for (auto& c : connections) {
    int n = static_cast<int>(std::min<long>(o.pipeline, o.requests - sent));
    if (n <= 0) break;
    send_pings(c.fd, n);
    c.in_flight = n;
    sent += n;
  }
  std::vector<epoll_event> events(connections.size());
  std::vector<char> buffer(1 << 16);
  while (answered < o.requests) {
    int ready = epoll_wait(epoll, events.data(), static_cast<int>(events.size()), 10000);
    if (ready <= 0) {
      std::fprintf(stderr, "ping_bench: no answer for 10 s (%ld of %ld answered)\n", answered,
                   o.requests);
      return 1;
    }
    for (int e = 0; e < ready; ++e) {
      Connection& c = connections[events[e].data.u64];
      ssize_t n = ::recv(c.fd, buffer.data(), buffer.size(), 0);
      if (n <= 0) {
        std::fprintf(stderr, "ping_bench: the server closed a connection\n");
        return 1;
      }
      long lines = 0;
      for (ssize_t i = 0; i < n; ++i) lines += buffer[static_cast<size_t>(i)] == '\n';
      answered += lines;
      c.in_flight -= lines;
      // Refill this connection's pipeline (never past the total).
      long want = std::min<long>(o.pipeline - c.in_flight, o.requests - sent);
      if (want > 0) {
        if (!send_pings(c.fd, static_cast<int>(want))) return 1;
        c.in_flight += want;
        sent += want;
      }
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "PING: %.0f requests per second (%ld requests, %d connections, pipeline %d, "
      "%.2f s)\n",
      static_cast<double>(answered) / seconds, answered, o.connections, o.pipeline, seconds);
  for (auto& c : connections) ::close(c.fd);
  return 0;
}
