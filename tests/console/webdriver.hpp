#pragma once
// A small W3C WebDriver client for the browser test: starts Debian's chromedriver on a free
// loopback port, opens a headless Chromium session (as root: --no-sandbox; a fresh
// --user-data-dir; no background networking, updates or sync), and offers what the test
// needs — navigate, find, type, click, read text, take a screenshot. Every call has a bounded
// time; the session and the driver are ended on destruction.
// Thread-safety: one per test, on the test thread.

#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/status.hpp"
#include "console/encoding.hpp"

namespace strata::console::testing {

inline const char* const kChromium = "/usr/bin/chromium";
inline const char* const kChromedriver = "/usr/bin/chromedriver";
inline const char* const kElementKey = "element-6066-11e4-a52e-4f735466cecf";

// Why the browser test cannot run here ("" when it can).
inline std::string browser_missing() {
  for (const char* path : {kChromium, kChromedriver}) {
    if (access(path, X_OK) != 0) {
      return std::string(path) + " is not installed (Debian packages chromium, chromium-driver; "
                                 "scripts/deps.sh installs them)";
    }
  }
  return "";
}

inline uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class WebDriver {
 public:
  // Starts chromedriver and a browser session; throws std::runtime_error when either fails.
  WebDriver(const std::string& user_data_dir, const std::string& log_path, int width,
            int height) {
    port_ = free_port();
    pid_ = fork();
    if (pid_ == 0) {
      const std::string port = "--port=" + std::to_string(port_);
      const std::string log = "--log-path=" + log_path;
      execl(kChromedriver, kChromedriver, port.c_str(), log.c_str(), (char*)nullptr);
      _exit(127);
    }
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    client_->set_read_timeout(120, 0);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (true) {
      auto res = client_->Get("/status");
      if (res && res->status == 200 && Json::parse(res->body)["value"].value("ready", false)) break;
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("chromedriver did not start");
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    Json args = {"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
                 "--user-data-dir=" + user_data_dir,
                 "--window-size=" + std::to_string(width) + "," + std::to_string(height)};
    Json caps = {{"capabilities",
                  {{"alwaysMatch",
                    {{"browserName", "chrome"},
                     {"goog:chromeOptions", {{"binary", kChromium}, {"args", args}}}}}}}};
    Json created = call("POST", "/session", caps);
    session_ = created["value"]["sessionId"].get<std::string>();
  }
  ~WebDriver() {
    try {
      if (!session_.empty()) client_->Delete(("/session/" + session_).c_str());
    } catch (...) {
    }
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  void go(const std::string& url) { call("POST", path("/url"), {{"url", url}}); }
  std::string url() { return call("GET", path("/url"))["value"].get<std::string>(); }
  std::string title() { return call("GET", path("/title"))["value"].get<std::string>(); }
  // The element id of the first match of a CSS selector.
  std::string find(const std::string& css) {
    Json v = call("POST", path("/element"), {{"using", "css selector"}, {"value", css}})["value"];
    return v[kElementKey].get<std::string>();
  }
  void type(const std::string& element, const std::string& text) {
    call("POST", path("/element/" + element + "/value"), {{"text", text}});
  }
  void click(const std::string& element) {
    call("POST", path("/element/" + element + "/click"), Json::object());
  }
  // The rendered text of the page's body.
  // Clicks an element that navigates (a link, a form's button) and returns once the browser has
  // left the current page and loaded the next (a click does not wait for the navigation it
  // starts), or after 10 s — the caller's next check then fails with what the browser shows.
  void follow(const std::string& element) {
    const std::string from = url();
    click(element);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (url() != from && ready()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  bool ready() {
    Json r = call("POST", path("/execute/sync"),
                  {{"script", "return document.readyState"}, {"args", Json::array()}});
    return r["value"] == "complete";
  }
  std::string text() {
    return call("GET", path("/element/" + find("body") + "/text"))["value"].get<std::string>();
  }
  // A PNG of the viewport.
  std::string screenshot() {
    std::string png;
    const std::string b64 = call("GET", path("/screenshot"))["value"].get<std::string>();
    if (!base64_decode(b64, &png)) throw std::runtime_error("screenshot is not base64");
    return png;
  }

 private:
  std::string path(const std::string& tail) const { return "/session/" + session_ + tail; }

  Json call(const std::string& method, const std::string& p, const Json& body = Json()) {
    httplib::Result res = method == "GET"
                              ? client_->Get(p.c_str())
                              : client_->Post(p.c_str(), body.dump(), "application/json");
    if (!res) throw std::runtime_error(method + " " + p + ": no answer from chromedriver");
    Json j = Json::parse(res->body, nullptr, false);
    if (res->status != 200 || j.is_discarded()) {
      throw std::runtime_error(method + " " + p + ": " + std::to_string(res->status) + " " +
                               res->body.substr(0, 500));
    }
    return j;
  }

  uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::unique_ptr<httplib::Client> client_;
  std::string session_;
};

}  // namespace strata::console::testing
