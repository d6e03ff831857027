// strata store check --data DIR (docs/RELIABILITY.md): verifies a store offline and says what is
// wrong. First every checksum of its files (storage/file_check.hpp: write-ahead logs and
// MANIFEST record by record, every block of every table file); then, when the store opens,
// every database's ledger (what VERIFY MIGRATIONS checks: migration checksums, the chain,
// schema drift) and index/document consistency (Engine::check_consistency).
// Exit 0 when clean, 1 when a problem was found (or the store cannot be opened), 2 on usage
// errors. Run it on a stopped server's store (opening takes the store's lock).

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "cli/commands.hpp"
#include "engine/engine.hpp"
#include "storage/file_check.hpp"

namespace strata::cli {

namespace {

// Checks one database through the engine; returns its problems.
std::vector<std::string> check_database(engine::Engine& engine, const std::string& name) {
  std::vector<std::string> problems;
  const std::string prefix = "database '" + name + "': ";
  engine::Session session = engine.open_session("strata-store-check", ast::Role::kAdmin);
  Json used = engine.execute(session, ast::UseDatabase{name, {}});
  Json verified = engine::is_success(used) ? engine.execute(session, ast::VerifyMigrations{})
                                           : used;
  engine.close_session(session);
  if (!engine::is_success(verified)) {
    problems.push_back(prefix + "VERIFY MIGRATIONS failed: " + verified.value("message", ""));
  } else {
    for (const auto& p : verified["problems"]) problems.push_back(prefix + p.get<std::string>());
  }
  Result<Json> consistency = engine.check_consistency(name);
  if (!consistency.ok()) {
    problems.push_back(prefix + "consistency check failed: " + consistency.status().message());
  } else {
    for (const auto& p : (*consistency)["problems"]) {
      problems.push_back(prefix + p.get<std::string>());
    }
  }
  return problems;
}

}  // namespace

CLI::App* add_store_command(CLI::App& app, StoreCheckOptions& options) {
  CLI::App* store = app.add_subcommand("store", "Maintain an embedded store");
  store->require_subcommand(1);
  CLI::App* check = store->add_subcommand(
      "check", "Verify every checksum of a store, its ledgers and its indexes (exit 1 on a problem)");
  check->add_option("--data", options.data, "Data directory")->required();
  return store;
}

int run_store_check(const StoreCheckOptions& o) {
  Result<storage::FileCheck> files = storage::check_store_files(o.data);
  if (!files.ok()) {
    std::cerr << "strata store check: " << files.status().message() << "\n";
    return kExitProblems;
  }
  std::vector<std::string> problems = files->problems;
  std::cout << "files: " << files->logs << " logs and " << files->tables << " table files read, "
            << (files->problems.empty()
                    ? "every checksum verified"
                    : std::to_string(files->problems.size()) +
                          (files->problems.size() == 1 ? " problem" : " problems"))
            << "\n";

  engine::EngineOptions options;
  options.data_dir = o.data;
  auto engine = engine::Engine::Open(options);
  if (!engine.ok()) {
    problems.push_back("the store cannot be opened: " + engine.status().message());
  } else {
    engine::Session session = (*engine)->open_session("strata-store-check", ast::Role::kAdmin);
    Json databases = (*engine)->execute(session, ast::ShowDatabases{});
    (*engine)->close_session(session);
    size_t checked = 0;
    for (const auto& name : databases.value("Result", Json::array())) {
      std::vector<std::string> found = check_database(**engine, name.get<std::string>());
      problems.insert(problems.end(), found.begin(), found.end());
      ++checked;
    }
    std::cout << "databases: " << checked << " checked (ledger chain, checksums, indexes)\n";
  }
  for (const std::string& p : problems) std::cout << "problem: " << p << "\n";
  if (problems.empty()) {
    std::cout << "store at " << o.data << " is clean\n";
    return kExitOk;
  }
  std::cout << "store at " << o.data << ": " << problems.size() << " problem"
            << (problems.size() == 1 ? "" : "s") << " (see docs/RELIABILITY.md to recover)\n";
  return kExitProblems;
}

}  // namespace strata::cli
