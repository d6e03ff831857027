#include "console/console.hpp"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <thread>

#include "common/metrics.hpp"
#include "console/access.hpp"
#include "console/pages.hpp"
#include "console/scrape.hpp"

namespace strata::console {

namespace {

// A version number from a query parameter: decimal digits only.
std::optional<uint64_t> version_param(const httplib::Request& req, const char* name) {
  const std::string text = req.get_param_value(name);
  uint64_t value = 0;
  if (text.empty() || text.size() > 18) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

struct Console::Impl {
  Impl(ConsoleOptions o, engine::Engine& e, AuthThrottle& t)
      : options(std::move(o)), engine(e), access(options, e, t) {}

  void routes();
  // Serves a page that needs a login: `build` runs with the viewer's identity.
  void guarded(const httplib::Request& req, httplib::Response& res,
               const std::function<PageResult(const Identity&)>& build);

  ConsoleOptions options;
  engine::Engine& engine;
  Access access;
  httplib::Server http;
  std::thread thread;
  std::atomic<bool> done{false};
  uint16_t port = 0;
  bool stopped = false;
};

void Console::Impl::guarded(const httplib::Request& req, httplib::Response& res,
                            const std::function<PageResult(const Identity&)>& build) {
  std::optional<Identity> who = access.identify(req);
  if (!who) return redirect(res, "/login?next=" + url_encode(req.target));
  send_page(res, build(*who));
}

void Console::Impl::routes() {
  http.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
    Status status = store_health(engine);
    res.status = status.ok() ? 200 : 503;
    Json body = status.ok() ? Json{{"status", "ok"}}
                            : Json{{"status", "unavailable"}, {"error", status.message()}};
    res.set_header("Cache-Control", "no-store");
    res.set_content(body.dump() + "\n", "application/json");
  });
  http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    std::optional<Identity> who = access.basic(req, res);
    if (!who) return;
    res.set_header("Cache-Control", "no-store");
    res.set_content(metrics_document(engine, who->user, who->role, access.sessions()),
                    metrics::kContentType);
  });
  http.Get("/login", [this](const httplib::Request& req, httplib::Response& res) {
    access.login_form(req, res);
  });
  http.Post("/login", [this](const httplib::Request& req, httplib::Response& res) {
    access.login(req, res);
  });
  http.Post("/logout", [this](const httplib::Request& req, httplib::Response& res) {
    access.logout(req, res);
  });
  http.Get("/", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(req, res, [&](const Identity& who) { return databases_page(engine, who); });
  });
  http.Get("/db", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(req, res, [&](const Identity& who) {
      std::optional<uint64_t> before = version_param(req, "before");
      if (!req.has_param("name") || (req.has_param("before") && !before)) {
        return message_page(who, 400, "Bad request",
                            "A timeline needs ?name=DATABASE (and optionally &before=N).");
      }
      return timeline_page(engine, who, req.get_param_value("name"), before);
    });
  });
  http.Get("/migration", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(req, res, [&](const Identity& who) {
      std::optional<uint64_t> version = version_param(req, "version");
      if (!req.has_param("db") || !version) {
        return message_page(who, 400, "Bad request",
                            "A migration page needs ?db=NAME&version=N (N a whole number).");
      }
      return migration_page(engine, who, req.get_param_value("db"), *version);
    });
  });
  http.Get("/rollback", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(req, res, [&](const Identity& who) {
      std::optional<uint64_t> target = version_param(req, "to");
      if (!req.has_param("db") || !target) {
        return message_page(who, 400, "Bad request",
                            "A rollback plan needs ?db=NAME&to=T (T a whole number).");
      }
      return rollback_page(engine, who, req.get_param_value("db"), *target);
    });
  });
  http.Get("/schema", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(req, res, [&](const Identity& who) {
      std::optional<uint64_t> version = version_param(req, "version");
      if (!req.has_param("db") || (req.has_param("version") && !version)) {
        return message_page(who, 400, "Bad request",
                            "A schema page needs ?db=NAME (and optionally &version=N).");
      }
      return schema_page(engine, who, req.get_param_value("db"), version);
    });
  });
  http.Get("/diff", [this](const httplib::Request& req, httplib::Response& res) {
    guarded(req, res, [&](const Identity& who) {
      std::optional<uint64_t> from = version_param(req, "from");
      std::optional<uint64_t> to = version_param(req, "to");
      if (!req.has_param("db") || !from || !to) {
        return message_page(who, 400, "Bad request",
                            "A schema diff needs ?db=NAME&from=A&to=B (whole numbers).");
      }
      return diff_page(engine, who, req.get_param_value("db"), *from, *to);
    });
  });
  // Anything else: not found — after the login like every page, so nothing is learnt
  // about the console without one.
  http.set_error_handler([this](const httplib::Request& req, httplib::Response& res) {
    // Called for every status >= 400: only answer the router's own 404 (no body yet).
    if (res.status != 404 || !res.body.empty() || req.path == "/healthz") return;
    if (req.method != "GET") {
      res.set_content("not found\n", "text/plain; charset=utf-8");
      return;
    }
    guarded(req, res, [&](const Identity& who) {
      return message_page(who, 404, "Not found", "There is no page " + req.path + ".");
    });
  });
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
        std::string what = "unknown error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        }
        spdlog::error("console: {} {} failed: {}", req.method, req.path, what);
        res.status = 500;
        res.set_content("internal error\n", "text/plain; charset=utf-8");
      });
}

Console::Console(ConsoleOptions options, engine::Engine& engine, AuthThrottle& throttle)
    : impl_(std::make_unique<Impl>(std::move(options), engine, throttle)) {}

Console::~Console() { stop(); }

Status Console::start() {
  Impl& c = *impl_;
  const unsigned threads = std::max(1u, c.options.threads);
  c.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  c.http.set_keep_alive_max_count(1);  // one request per connection: no thread idles on one
  c.http.set_read_timeout(std::chrono::seconds(10));
  c.http.set_write_timeout(std::chrono::seconds(10));
  c.http.set_payload_max_length(c.options.max_request_bytes);
  c.routes();
  // cpp-httplib's default sets SO_REUSEPORT too, with which a second server binds the same
  // port and the kernel splits the requests between the two: SO_REUSEADDR alone (a restart
  // may bind while old connections linger in TIME_WAIT) makes a second bind fail, as the TCP
  // port's does.
  c.http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const void*>(&yes), sizeof yes);
  });
  int port = c.options.port == 0 ? c.http.bind_to_any_port(c.options.host)
                                 : (c.http.bind_to_port(c.options.host, c.options.port)
                                        ? c.options.port
                                        : -1);
  if (port <= 0) {
    return Status(Code::kInvalidValue, "cannot listen on " + c.options.host + ":" +
                                           std::to_string(c.options.port) +
                                           " (address in use or not local)");
  }
  c.port = static_cast<uint16_t>(port);
  c.thread = std::thread([&c] {
    c.http.listen_after_bind();
    c.done = true;
  });
  spdlog::info("strata audit console at http://{}:{}/ (login {}, /metrics, /healthz)",
               c.options.host, c.port, c.options.auth ? "required" : "off");
  return Status::Ok();
}

uint16_t Console::port() const { return impl_->port; }

void Console::stop() {
  Impl& c = *impl_;
  if (c.stopped || !c.thread.joinable()) return;
  c.stopped = true;
  // listen_after_bind() may not have begun yet: stop() only takes once it runs.
  while (!c.done) {
    if (c.http.is_running()) c.http.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  c.thread.join();  // the pool has finished every request it had
  spdlog::info("strata audit console stopped");
}

}  // namespace strata::console
