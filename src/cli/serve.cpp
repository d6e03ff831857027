// strata serve (SPEC §6, §7): flags of the server. The server layer is not part of this build
// yet, so the command says so and exits 2.
#include "cli/commands.hpp"

namespace strata::cli {

CLI::App* add_serve_command(CLI::App& app, ServeOptions& o) {
  CLI::App* cmd = app.add_subcommand("serve", "Run the server on an embedded store");
  cmd->add_option("--data", o.data, "Data directory")->capture_default_str();
  cmd->add_option("--host", o.host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", o.port, "TCP port")->capture_default_str()->check(CLI::Range(1, 65535));
  cmd->add_option("--auth", o.auth, "Authentication: on, or off (loopback only)")
      ->capture_default_str()
      ->check(CLI::IsMember({"on", "off"}));
  cmd->add_option("--init-db", o.init_db, "Create this database if it is missing");
  cmd->add_option("--threads", o.threads, "Worker threads (0: one per core)")
      ->capture_default_str();
  cmd->add_option("--tls-cert", o.tls_cert, "TLS certificate (PEM); enables TLS");
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
  cmd->add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  return cmd;
}

int run_serve(const ServeOptions&) { return not_available("serve"); }

}  // namespace strata::cli
