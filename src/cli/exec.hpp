#pragma once
// `strata exec --data DIR [--continue] FILE... | -` (SPEC §7): runs statement scripts against
// an embedded store with no server, printing one JSON response line per statement; exit code
// 0 when all succeeded, 1 at the first error (or after all with --continue), 2 when the store
// or a file cannot be opened.

namespace CLI {
class App;
}

namespace strata::cli {

// Registers the `exec` subcommand on `app`.
void add_exec_command(CLI::App& app);

}  // namespace strata::cli
