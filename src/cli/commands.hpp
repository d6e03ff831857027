#pragma once
// The subcommands of `strata` (SPEC §7), one file each: their options as plain structs with
// the defaults in one place (STYLE §11), a function that declares the flags on a CLI11 app,
// and a function that runs the command and returns the process exit code.
//
// Exit codes: 0 success; 1 the command ran and found errors (check: problems in the input;
// run/exec/shell -c: a statement failed or a VALIDATE reported FAIL); 2 usage errors or
// unreadable files.
// Thread-safety: called once from main.

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/wire_client.hpp"

namespace strata::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;
inline constexpr int kExitUsage = 2;

// strata serve: the server on an embedded store (SPEC §6).
struct ServeOptions {
  std::string data = "./data";
  std::string host = "127.0.0.1";
  uint16_t port = 1776;
  std::string auth = "on";  // "on" | "off" (off only on a loopback address)
  std::optional<std::string> init_db;  // database to create when missing (1-128 characters)
  unsigned threads = 0;     // 0: one per core
  unsigned workers = 0;     // the engine's thread pool (EngineOptions::threads); 0: one per core
  std::string tls_cert;
  std::string tls_key;
  std::string backup_dir;  // "": <data>/backups
  uint64_t max_statement_bytes = uint64_t{256} << 20;
  unsigned max_connections = 1024;
  unsigned idle_timeout_seconds = 600;
  unsigned shutdown_grace_seconds = 30;
  std::string log_level = "info";
  int http_port = -1;                   // --http-port: the console (SPEC §12); -1: off, 0: any
  std::string http_host = "127.0.0.1";  // --http-host
  // Cluster mode (SPEC §11, docs/CLUSTER.md): --store etcd://h1:2379,... instead of --data.
  std::string store;
  std::string store_prefix = "/strata";
  int64_t lock_ttl = 10;
  std::string etcd_ca, etcd_cert, etcd_key;
  // Server-wide setting defaults (SPEC §4.11): `--setting Name=Value` (repeatable), and the
  // `[settings]` lines of --config as (name, value); the command line wins.
  std::vector<std::string> settings;
  std::vector<std::pair<std::string, std::string>> config_settings;
};

// What `strata shell` and `strata run` need to reach a server and log in.
struct ClientOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 1776;
  std::string db;  // USEd after connecting, when given
  std::string user = "admin";
  std::string password_env = "STRATA_PASSWORD";  // else asked on the terminal, if there is one
  bool tls = false;    // connect with TLS (a server started with --tls-cert)
  std::string tls_ca;  // PEM file of the CA (or self-signed certificate) to trust; "": system's
};

// strata shell: the interactive client.
struct ShellOptions : ClientOptions {
  bool json = false;                  // raw response lines instead of tables
  std::vector<std::string> commands;  // -c: run these and exit
};

// strata run: scripts sent over the wire.
struct RunOptions : ClientOptions {
  std::vector<std::string> files;  // "-" is standard input
  bool keep_going = false;         // --continue
};

// strata exec: scripts against an embedded store, no server.
struct ExecOptions {
  std::vector<std::string> files;  // "-" is standard input
  std::string data = "./data";
  bool keep_going = false;  // --continue
  std::string store;        // --store etcd://…: cluster mode (SPEC §11)
  std::string store_prefix = "/strata";
  int64_t lock_ttl = 10;
  unsigned workers = 0;  // the engine's thread pool (EngineOptions::threads); 0: one per core
};

// strata check: offline parse + syntax phase.
struct CheckOptions {
  std::vector<std::string> files;  // "-" is standard input
  uint64_t max_statement_bytes = uint64_t{256} << 20;
  size_t max_errors_per_file = 50;  // further errors are counted, not printed
};

// strata store check: an offline check of an embedded store (docs/RELIABILITY.md).
struct StoreCheckOptions {
  std::string data;
};

// Declares --host, --port, --db, --user, --password-env, --tls and --tls-ca on `cmd`.
void add_client_options(CLI::App* cmd, ClientOptions& options, const std::string& db_help);
// Connects to the server the options name (TLS when --tls or --tls-ca was given).
Result<std::unique_ptr<WireClient>> connect_client(const ClientOptions& options);
// What to say when the server wants a login and no password was found (no variable set, no
// terminal to ask on): how to give one.
std::string password_hint(const ClientOptions& options);

CLI::App* add_serve_command(CLI::App& app, ServeOptions& options);
CLI::App* add_shell_command(CLI::App& app, ShellOptions& options);
CLI::App* add_run_command(CLI::App& app, RunOptions& options);
CLI::App* add_exec_command(CLI::App& app, ExecOptions& options);
CLI::App* add_check_command(CLI::App& app, CheckOptions& options);
CLI::App* add_store_command(CLI::App& app, StoreCheckOptions& options);

// Sends the engine's and the server's log (spdlog's default logger) to stderr, never stdout
// (which carries the responses of exec, run and migrate): `pattern` and `level` as spdlog
// spells them. run_main logs warnings as "strata: …"; serve replaces that with timestamps.
void log_to_stderr(const std::string& pattern, const std::string& level);

int run_serve(const ServeOptions& options);
int run_shell(const ShellOptions& options);
int run_run(const RunOptions& options);
int run_exec(const ExecOptions& options);
int run_check(const CheckOptions& options);
int run_store_check(const StoreCheckOptions& options);

}  // namespace strata::cli
