#pragma once
// Helpers for engine tests: a temp data directory and an Engine opened on it, a shortcut to
// run statement text on a session, and `strata exec` as a process a crash test kills.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "engine/engine.hpp"
#include "storage/temp_dir.hpp"

namespace strata::testing {

using storage::testing::TempDir;

// The engine tests exercise §3.2 statements directly, so their engines allow them as a
// server-wide default (SPEC 4.11; the built-in default, false, is what the case files and the
// migration harness run with).
inline engine::EngineOptions direct_ddl_options() {
  engine::EngineOptions options;
  options.settings.allow_direct_schema_changes = true;
  return options;
}

inline std::unique_ptr<engine::Engine> open_engine(const std::string& dir,
                                                   engine::EngineOptions options =
                                                       direct_ddl_options()) {
  options.data_dir = dir;
  auto e = engine::Engine::Open(options);
  if (!e.ok()) FAIL("cannot open engine: " << e.status().ToString());
  return std::move(*e);
}

// Runs `text` and requires success; returns the response.
inline nlohmann::json must(engine::Engine& e, engine::Session& s, const std::string& text) {
  nlohmann::json r = e.execute_text(s, text);
  INFO(text << " -> " << r.dump());
  REQUIRE(r.value("success", false));
  return r;
}

// Creates database `name` and makes it the session's active database.
inline void use_new_database(engine::Engine& e, engine::Session& s, const std::string& name) {
  must(e, s, "CREATE DATABASE \"" + name + "\"");
  must(e, s, "USE \"" + name + "\"");
}

#ifdef STRATA_BINARY
// Runs `strata exec --data dir script` (output discarded), killing it with SIGKILL after
// `kill_after_ms` (never when < 0); returns once it has exited.
inline void run_exec(const std::string& dir, const std::string& script, int kill_after_ms) {
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(STRATA_BINARY, STRATA_BINARY, "exec", "--data", dir.c_str(), script.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  if (kill_after_ms >= 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms));
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
}
#endif

}  // namespace strata::testing
