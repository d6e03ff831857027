#pragma once
// EtcdCluster: a real etcd cluster for the tests labelled `cluster` — N members of Debian's
// /usr/bin/etcd on free loopback ports, each with its own data directory under a fresh /tmp
// directory, logs in <dir>/mN.log. A member can be killed (SIGKILL), restarted on the same
// ports and data, paused (SIGSTOP) and resumed. With `tls`, clients must speak TLS and show a
// certificate of the cluster's own CA (made with the openssl command in <dir>/tls).
// Destruction kills every member and removes the directory. Thread-safety: one per test, used
// from the test thread.

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "storage/etcd/client.hpp"

namespace strata::storage::testing {

class EtcdCluster {
 public:
  // Starts `members` members and waits until the cluster has a leader and answers a write.
  explicit EtcdCluster(int members = 3, std::vector<std::string> extra_flags = {},
                       bool tls = false)
      : extra_(std::move(extra_flags)), tls_(tls) {
    std::string tmpl = "/tmp/strata_etcd_test_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    if (tls_) make_certificates();
    std::mt19937 rng(std::random_device{}());
    token_ = "strata-test-" + std::to_string(rng());
    // A port free_port() found can be taken before etcd binds it (by any socket's ephemeral
    // port): then the members start again on new ports, with new data directories.
    for (int attempt = 1;; ++attempt) {
      members_.clear();
      for (int i = 0; i < members; ++i) {
        Member m;
        m.client_port = free_port();
        m.peer_port = free_port();
        members_.push_back(m);
      }
      for (int i = 0; i < members; ++i) start(i, /*fresh=*/true);
      if (wait_ready(std::chrono::seconds(60))) break;
      // No destructor runs after a throwing constructor: stop the members here.
      for (int i = 0; i < members; ++i) kill(i);
      if (attempt == 3 || !a_port_was_taken()) {
        throw std::runtime_error("the etcd test cluster did not become ready (" + last_error_ +
                                 "); its logs are in " + dir_);
      }
      std::error_code ec;
      for (int i = 0; i < members; ++i) {
        std::filesystem::remove_all(dir_ + "/m" + std::to_string(i), ec);
        std::filesystem::remove(dir_ + "/m" + std::to_string(i) + ".log", ec);
      }
    }
  }
  ~EtcdCluster() {
    for (size_t i = 0; i < members_.size(); ++i) kill(static_cast<int>(i));
    std::error_code ec;
    if (std::getenv("STRATA_KEEP_ETCD") == nullptr) std::filesystem::remove_all(dir_, ec);
  }
  EtcdCluster(const EtcdCluster&) = delete;
  EtcdCluster& operator=(const EtcdCluster&) = delete;

  int size() const { return static_cast<int>(members_.size()); }
  std::string endpoint(int i) const {
    return "127.0.0.1:" + std::to_string(members_[i].client_port);
  }
  std::vector<std::string> endpoints() const {
    std::vector<std::string> out;
    for (int i = 0; i < size(); ++i) out.push_back(endpoint(i));
    return out;
  }
  std::string url() const {
    std::string out = "etcd://";
    for (int i = 0; i < size(); ++i) out += (i ? "," : "") + endpoint(i);
    return out;
  }
  const std::string& dir() const { return dir_; }
  // Client options for this cluster: its endpoints and, with TLS, the CA and a client
  // certificate.
  etcd::ClientOptions client_options() const {
    etcd::ClientOptions o;
    o.endpoints = endpoints();
    if (tls_) {
      o.ca_file = dir_ + "/tls/ca.pem";
      o.cert_file = dir_ + "/tls/client.pem";
      o.key_file = dir_ + "/tls/client.key";
    }
    return o;
  }

  // SIGKILL member i (no-op when it is not running) and reaps it.
  void kill(int i) {
    Member& m = members_[i];
    if (m.pid <= 0) return;
    ::kill(m.pid, SIGCONT);
    ::kill(m.pid, SIGKILL);
    waitpid(m.pid, nullptr, 0);
    m.pid = -1;
  }
  // Starts member i again on its ports and data directory.
  void restart(int i) { start(i, /*fresh=*/false); }
  void pause(int i) { ::kill(members_[i].pid, SIGSTOP); }
  void resume(int i) { ::kill(members_[i].pid, SIGCONT); }

  // True once every running member reports a leader and a write through them succeeds.
  bool wait_ready(std::chrono::seconds timeout) {
    etcd::ClientOptions o = client_options();
    o.deadline = std::chrono::milliseconds(2000);
    auto client = etcd::Client::Create(o);
    if (!client.ok()) return false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      bool all = true;
      for (int i = 0; i < size() && all; ++i) {
        if (members_[i].pid <= 0) continue;
        if (waitpid(members_[i].pid, nullptr, WNOHANG) == members_[i].pid) {  // it gave up
          members_[i].pid = -1;
          last_error_ = "member " + std::to_string(i) + " exited; see its log";
          return false;
        }
        auto s = (*client)->member_status(static_cast<size_t>(i));
        all = s.ok() && s->leader() != 0;
        if (!all) last_error_ = "member " + std::to_string(i) + ": " + s.status().ToString();
      }
      if (all) {
        etcdserverpb::PutRequest put;
        put.set_key("/strata-test/ready");
        put.set_value("1");
        auto r = (*client)->put(put);
        if (r.ok()) return true;
        last_error_ = "put: " + r.status().ToString();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

 private:
  struct Member {
    int client_port = 0;
    int peer_port = 0;
    pid_t pid = -1;
  };

  // True when a member's log says it could not bind its port.
  bool a_port_was_taken() const {
    for (int i = 0; i < size(); ++i) {
      std::ifstream in(dir_ + "/m" + std::to_string(i) + ".log");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (text.find("address already in use") != std::string::npos) return true;
    }
    return false;
  }

  static int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("no free port");
    }
    close(fd);
    return ntohs(a.sin_port);
  }

  // A CA, a server certificate for 127.0.0.1 and a client certificate, in <dir>/tls.
  void make_certificates() {
    const std::string t = dir_ + "/tls";
    const std::string script =
        "set -e; mkdir -p " + t + "; cd " + t + "\n"
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 "
        "  -subj /CN=strata-test-ca\n"
        "printf 'subjectAltName=IP:127.0.0.1\\nextendedKeyUsage=serverAuth,clientAuth\\n' > server.ext\n"
        "printf 'extendedKeyUsage=clientAuth\\n' > client.ext\n"
        "for who in server client; do\n"
        "  openssl req -newkey rsa:2048 -nodes -keyout $who.key -out $who.csr -subj /CN=$who\n"
        "  openssl x509 -req -in $who.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "    -extfile $who.ext -out $who.pem\n"
        "done\n";
    std::ofstream(t + ".sh") << script;
    const std::string command = "bash " + t + ".sh > " + t + ".log 2>&1";
    if (std::system(command.c_str()) != 0) {
      throw std::runtime_error("could not make test certificates; see " + t + ".log");
    }
  }

  std::string peer_url(int i) const {
    return "http://127.0.0.1:" + std::to_string(members_[i].peer_port);
  }

  void start(int i, bool fresh) {
    Member& m = members_[i];
    const std::string name = "m" + std::to_string(i);
    std::string initial;
    for (int k = 0; k < size(); ++k) initial += (k ? "," : "") + ("m" + std::to_string(k)) + "=" + peer_url(k);
    const std::string client_url = (tls_ ? "https://" : "http://") + endpoint(i);
    std::vector<std::string> args = {
        "/usr/bin/etcd",
        "--name", name,
        "--data-dir", dir_ + "/" + name,
        "--listen-client-urls", client_url,
        "--advertise-client-urls", client_url,
        "--listen-peer-urls", peer_url(i),
        "--initial-advertise-peer-urls", peer_url(i),
        "--initial-cluster", initial,
        "--initial-cluster-token", token_,
        "--initial-cluster-state", fresh ? "new" : "existing",
        "--heartbeat-interval", "100",
        "--election-timeout", "1000",
    };
    if (tls_) {
      const std::string t = dir_ + "/tls/";
      args.insert(args.end(), {"--cert-file", t + "server.pem", "--key-file", t + "server.key",
                               "--trusted-ca-file", t + "ca.pem", "--client-cert-auth"});
    }
    args.insert(args.end(), extra_.begin(), extra_.end());
    const std::string log = dir_ + "/" + name + ".log";
    // Everything the child needs is prepared before fork: other threads (gRPC's) may hold
    // the allocator's lock at that moment.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    m.pid = fork();
    if (m.pid == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 1);
      dup2(fd, 2);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }

  std::vector<std::string> extra_;
  bool tls_ = false;
  std::string last_error_;
  std::string dir_;
  std::string token_;
  std::vector<Member> members_;
};

}  // namespace strata::storage::testing
