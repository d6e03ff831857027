// The strata binary: every subcommand lives in src/cli (SPEC §7).
#include "cli/cli.hpp"

int main(int argc, char** argv) { return strata::cli::run_main(argc, argv); }
