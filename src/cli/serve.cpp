// strata serve (SPEC §6, §7, §11, §12): opens the engine on --data (or, with --store, on an
// etcd cluster shared with other servers), makes sure the first admin
// exists, creates --init-db, and runs the TCP server until SIGINT/SIGTERM — and, with
// --http-port, the audit console and /metrics beside it, stopped with it. Flags may also come from
// --config FILE (INI/TOML `key = value` lines named like the flags, e.g. `port = 1777`, and
// a `[settings]` table of server-wide setting defaults); flags on the command line win.
// Server-wide settings (`--setting Name=Value`, `[settings]`) are checked before the store
// opens: an unknown name or a bad value is a usage error naming it, and so is an --init-db
// that is no database name (SPEC §1: 1-128 characters; "" included). Exit 0 after a graceful stop;
// 1 when the store cannot be opened or the server cannot start; 2 for usage errors.
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "cli/commands.hpp"
#include "common/metrics.hpp"
#include "console/console.hpp"
#include "engine/engine.hpp"
#include "engine/users.hpp"
#include "server/engine_handler.hpp"
#include "server/server.hpp"

namespace strata::cli {

namespace {

// Fills every option of `cmd` that the command line did not set from `file`'s `key = value`
// lines (CLI11's INI/TOML reader), and collects its `[settings]` lines into `settings`.
// Unknown keys and sections are a usage error.
void apply_config_file(CLI::App& cmd, const std::string& file,
                       std::vector<std::pair<std::string, std::string>>* settings) {
  std::vector<CLI::ConfigItem> items = CLI::ConfigTOML().from_file(file);
  for (const CLI::ConfigItem& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (!item.parents.empty()) {
      if (item.parents.size() != 1 || item.parents[0] != "settings") {
        throw CLI::ConfigError("unknown section '" + item.parents[0] + "' in " + file +
                               " (only [settings])");
      }
      std::string value;
      for (const auto& input : item.inputs) value += (value.empty() ? "" : ",") + input;
      settings->emplace_back(item.name, value);
      continue;
    }
    CLI::Option* option = cmd.get_option_no_throw("--" + item.name);
    if (option == nullptr || item.name == "config") {
      throw CLI::ConfigError("unknown option '" + item.name + "' in " + file);
    }
    if (option->count() > 0) continue;  // the command line wins
    option->add_result(item.inputs);
    option->run_callback();
  }
}

}  // namespace

CLI::App* add_serve_command(CLI::App& app, ServeOptions& o) {
  CLI::App* cmd = app.add_subcommand("serve", "Run the server on an embedded store (or an etcd cluster)");
  cmd->add_option("--data", o.data, "Data directory")->capture_default_str();
  cmd->add_option("--store", o.store,
                  "Cluster mode: etcd://h1:2379,h2:2379,h3:2379 instead of --data (docs/CLUSTER.md)");
  cmd->add_option("--store-prefix", o.store_prefix, "Key prefix in etcd")->capture_default_str();
  cmd->add_option("--lock-ttl", o.lock_ttl, "Seconds a dead server's locks outlive it (etcd)")
      ->capture_default_str()
      ->check(CLI::Range(2, 3600));
  cmd->add_option("--etcd-ca", o.etcd_ca, "TLS to etcd: CA certificate (PEM)");
  cmd->add_option("--etcd-cert", o.etcd_cert, "TLS to etcd: client certificate (PEM)");
  cmd->add_option("--etcd-key", o.etcd_key, "TLS to etcd: client key (PEM)");
  cmd->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o.port, "TCP port (0: any free port)")->capture_default_str();
  cmd->add_option("--auth", o.auth, "Authentication: on, or off (loopback only)")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--init-db", o.init_db, "Create this database if it is missing");
  cmd->add_option("--threads", o.threads, "I/O threads (0: one per core)")->capture_default_str();
  cmd->add_option("--workers", o.workers,
                  "Engine worker threads for parallel work: parsing, sorts (0: one per core)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 1024u));
  cmd->add_option("--tls-cert", o.tls_cert, "TLS certificate chain (PEM); enables TLS");
  cmd->add_option("--tls-key", o.tls_key, "TLS private key (PEM)");
  cmd->add_option("--backup-dir", o.backup_dir, "Backup directory (default <data>/backups)");
  cmd->add_option("--max-statement-bytes", o.max_statement_bytes, "Largest statement accepted")
      ->capture_default_str();
  cmd->add_option("--max-connections", o.max_connections, "Concurrent connections")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", o.idle_timeout_seconds, "Idle connection timeout (s)")
      ->capture_default_str();
  cmd->add_option("--shutdown-grace", o.shutdown_grace_seconds,
                  "Seconds running statements get at shutdown")
      ->capture_default_str();
  cmd->add_option("--http-port", o.http_port,
                  "Serve the audit console, /metrics and /healthz on this HTTP port (0: any "
                  "free port; default: off)")
      ->check(CLI::Range(0, 65535));
  cmd->add_option("--http-host", o.http_host, "Address the HTTP console listens on")
      ->capture_default_str();
  cmd->add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  cmd->add_option("--setting", o.settings,
                  "A server-wide setting default, Name=Value (repeatable; SPEC §4.11)")
      ->allow_extra_args(false);
  // Declared last, so the file fills only what the command line left unset.
  cmd->add_option_function<std::string>(
         "--config",
         [cmd, &o](const std::string& file) {
           apply_config_file(*cmd, file, &o.config_settings);
         },
         "Read options from an INI/TOML file (key = value, keys named like the flags)")
      ->check(CLI::ExistingFile);
  return cmd;
}

namespace {

server::ServerOptions server_options(const ServeOptions& o) {
  server::ServerOptions s;
  s.host = o.host;
  s.port = o.port;
  s.auth = o.auth != "off";
  s.threads = o.threads;
  // On etcd a statement spends most of its time waiting for etcd's answers, not on a core:
  // enough statement workers that concurrent statements share their round trips
  // (docs/CLUSTER.md "Reads") instead of queueing behind a few blocked ones.
  if (!o.store.empty()) s.workers = 64;
  s.tls_cert = o.tls_cert;
  s.tls_key = o.tls_key;
  s.max_statement_bytes = o.max_statement_bytes;
  s.max_connections = o.max_connections;
  s.idle_timeout_s = o.idle_timeout_seconds;
  s.shutdown_grace_s = o.shutdown_grace_seconds;
  return s;
}

console::ConsoleOptions console_options(const ServeOptions& o) {
  console::ConsoleOptions c;
  c.host = o.http_host;
  c.port = static_cast<uint16_t>(o.http_port);
  c.auth = o.auth != "off";
  return c;
}

// strata_connections_open for /metrics, read from the server when scraped.
metrics::CollectorHandle count_connections(const server::Server& server) {
  return metrics::default_registry().add_collector([&server](metrics::Writer& out) {
    out.family("strata_connections_open", "Open client connections", metrics::Type::kGauge);
    out.sample("strata_connections_open", {}, static_cast<double>(server.connections()));
  });
}

// The server-wide setting defaults: the config file's [settings], then --setting (which
// wins). INVALID_SETTING naming where the bad one came from.
Result<engine::SettingValues> server_settings(const ServeOptions& o) {
  engine::SettingValues values;
  for (const auto& [name, value] : o.config_settings) {
    Status st = engine::set_server_setting(&values, name, value);
    if (!st.ok()) return Status(st.code(), "[settings] " + name + " = " + value + ": " + st.message());
  }
  for (const std::string& text : o.settings) {
    const auto eq = text.find('=');
    Status st = eq == std::string::npos
                    ? Status(Code::kInvalidSetting, "expected Name=Value")
                    : engine::set_server_setting(&values, text.substr(0, eq), text.substr(eq + 1));
    if (!st.ok()) return Status(st.code(), "--setting " + text + ": " + st.message());
  }
  return values;
}

// Creates `name` unless it exists.
Status init_database(engine::Engine& engine, const std::string& name) {
  engine::Session session = engine.open_session("admin", ast::Role::kAdmin);
  Json response = engine.execute(session, ast::CreateDatabase{name, {}});
  engine.close_session(session);
  if (response.value("success", false)) {
    spdlog::info("created database '{}'", name);
    return Status::Ok();
  }
  const std::string code = response["error"].value("code", "");
  if (code == "DATABASE_EXISTS") return Status::Ok();
  return Status(Code::kInternal, response.value("message", "cannot create database " + name));
}

}  // namespace

int run_serve(const ServeOptions& o) {
  log_to_stderr("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v", o.log_level);
  server::ServerOptions options = server_options(o);
  if (!options.auth && !server::is_loopback_host(options.host)) {
    spdlog::error("--auth off is only allowed on a loopback address, not {}", options.host);
    return kExitUsage;
  }
  if (!options.auth && o.http_port >= 0 && !server::is_loopback_host(o.http_host)) {
    spdlog::error("--auth off is only allowed on a loopback address, not --http-host {}",
                  o.http_host);
    return kExitUsage;
  }
  if (o.init_db && !engine::valid_database_name(*o.init_db)) {
    // Refused before the store and its admin user are created.
    spdlog::error("--init-db {}: invalid database name (1-128 characters, no control characters)",
                  Json(*o.init_db).dump());
    return kExitUsage;
  }
  auto settings = server_settings(o);
  if (!settings.ok()) {
    spdlog::error("{}", settings.status().message());
    return kExitUsage;
  }
  engine::EngineOptions engine_options;
  engine_options.settings = std::move(*settings);
  engine_options.data_dir = o.data;
  engine_options.backup_dir = o.backup_dir;
  engine_options.store = o.store;
  engine_options.store_prefix = o.store_prefix;
  engine_options.lock_ttl_s = o.lock_ttl;
  engine_options.etcd_ca = o.etcd_ca;
  engine_options.etcd_cert = o.etcd_cert;
  engine_options.etcd_key = o.etcd_key;
  engine_options.threads = o.workers;
  auto engine = engine::Engine::Open(engine_options);
  if (!engine.ok()) {
    spdlog::error("cannot open the store: {}", engine.status().message());
    return kExitProblems;
  }
  engine::UserStore& users = (*engine)->users();
  const char* admin_password = std::getenv("STRATA_ADMIN_PASSWORD");
  auto generated = users.ensure_admin(admin_password ? admin_password : "");
  if (!generated.ok()) {
    spdlog::error("cannot create the admin user: {}", generated.status().message());
    return kExitProblems;
  }
  if (!generated->empty()) {
    // Shown once, at the first start; only its hash is stored.
    spdlog::warn(
        "created user 'admin' with password {} (shown only now; change it with "
        "ALTER USER \"admin\" SET PASSWORD \"...\")",
        *generated);
  } else if (admin_password) {
    spdlog::info("user 'admin' ready (password from STRATA_ADMIN_PASSWORD on first start)");
  }
  if (o.init_db) {
    Status status = init_database(**engine, *o.init_db);
    if (!status.ok()) {
      spdlog::error("--init-db {}: {}", *o.init_db, status.message());
      return kExitProblems;
    }
  }
  {
    // The server goes before the engine: tearing down its io_context destroys the last
    // connection coroutines, whose sessions still close themselves through the engine.
    server::EngineHandler handler(**engine, options.auth);
    server::Server server(options, handler);
    if (Status status = server.start(); !status.ok()) {
      spdlog::error("cannot start the server: {}", status.message());
      return kExitProblems;
    }
    // Both go before the server (declared after it): no scrape or page outlives it.
    metrics::CollectorHandle connections = count_connections(server);
    std::unique_ptr<console::Console> http;
    if (o.http_port >= 0) {
      http = std::make_unique<console::Console>(console_options(o), **engine, server.throttle());
      if (Status status = http->start(); !status.ok()) {
        spdlog::error("cannot start the console: {}", status.message());
        server.stop();
        server.wait();
        return kExitProblems;
      }
    }
    if (!server.wait()) {
      // Statements still run on workers: leave without tearing the engine down under them.
      // Every answered statement is already durable; RocksDB recovers the rest at next open.
      spdlog::default_logger()->flush();
      std::_Exit(kExitOk);
    }
  }
  engine->reset();
  spdlog::info("storage closed");
  return kExitOk;
}

}  // namespace strata::cli
