// The options `strata shell` and `strata run` share: where the server is and who logs in.

#include "cli/commands.hpp"

namespace strata::cli {

void add_client_options(CLI::App* cmd, ClientOptions& o, const std::string& db_help) {
  cmd->add_option("--host", o.host, "Server address")->capture_default_str();
  cmd->add_option("--port", o.port, "Server port")
      ->capture_default_str()
      ->check(CLI::Range(1, 65535));
  cmd->add_option("--db", o.db, db_help);
  cmd->add_option("--user", o.user, "User name (the password is never echoed)")
      ->capture_default_str();
  cmd->add_option("--password-env", o.password_env,
                  "Environment variable holding the password (else asked on the terminal)")
      ->capture_default_str();
  cmd->add_flag("--tls", o.tls, "Connect with TLS");
  cmd->add_option("--tls-ca", o.tls_ca,
                  "CA or self-signed certificate (PEM) to trust; implies --tls");
}

Result<std::unique_ptr<WireClient>> connect_client(const ClientOptions& o) {
  return WireClient::Connect(o.host, o.port, {o.tls || !o.tls_ca.empty(), o.tls_ca});
}

std::string password_hint(const ClientOptions& o) {
  const std::string variable = o.password_env.empty() ? "STRATA_PASSWORD" : o.password_env;
  return "the server requires a login and no password was given: set " + variable +
         " (or name another variable with --password-env VAR), or run on a terminal to be "
         "asked for it";
}

}  // namespace strata::cli
