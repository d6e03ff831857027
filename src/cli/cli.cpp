#include "cli/cli.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/exec.hpp"

namespace strata::cli {

int run_main(int argc, char** argv) {
  CLI::App app{"strata: a document database whose schema changes only through migrations"};
  app.set_version_flag("--version", std::string("strata ") + STRATA_VERSION);
  app.require_subcommand(1);
  add_exec_command(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace strata::cli
