#pragma once
// The `strata` command line (SPEC §7): parses argv with CLI11 and runs one subcommand.
// Returns the process exit code.

namespace strata::cli {

int run_main(int argc, char** argv);

}  // namespace strata::cli
