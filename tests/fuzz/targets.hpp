#pragma once
// The bodies of the fuzz targets (README.md here). Each runs one input through one entry point
// of the product and returns "" when every property it checks held, else a sentence naming the
// broken property. Crashes, sanitizer reports, hangs and leaks are caught by whoever calls
// them: libFuzzer (libfuzzer_main.cpp, built by scripts/fuzz with Clang) or the regression
// replay (replay_test.cpp, built with every compiler).
//   split_one      the statement splitter and the server's framer
//   parse_one      parser::parse (and the grammar alone), canonical text, syntax checks
//   statement_one  parse + execute, embedded, against a store on a temporary directory
// Thread-safety: one input at a time (statement_one keeps one engine per process).

#include <string>
#include <string_view>

namespace strata::fuzz {

std::string split_one(std::string_view input);
std::string parse_one(std::string_view input);
std::string statement_one(std::string_view input);

}  // namespace strata::fuzz
