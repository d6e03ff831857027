#pragma once
// The shell's rendering of VALIDATE reports (SPEC §4.4, §4.8) and of syntax positions:
//  - VALIDATE MIGRATION: a phase table (✓ passed, ! warnings, ✗ errors), the diagnostics
//    under it, the data impact, and the overall result colored by outcome — PASS green,
//    PASS_WITH_WARNINGS yellow, FAIL red (never green, never "OK");
//  - VALIDATE ROLLBACK: the versions to reverse with their DOWN commands, the data impact,
//    warnings and errors, and "can roll back" / "cannot roll back" colored likewise;
//  - a statement line with a caret under a line:column counted from the statement's first
//    token (SPEC §2).
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::cli {

// A VALIDATE MIGRATION or VALIDATE ROLLBACK report (told apart by their keys).
std::string render_report(const Json& report, bool color);

// "LINE n: <that line of the statement>" and a caret under `column`, or "" when the
// statement has no such line.
std::string render_caret(std::string_view statement, uint32_t line, uint32_t column);

}  // namespace strata::cli
