#pragma once
// Helpers for engine tests: a temp data directory and an Engine opened on it, plus a shortcut
// to run statement text on a session.

#include <catch2/catch.hpp>
#include <memory>
#include <string>

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

}  // namespace strata::testing
