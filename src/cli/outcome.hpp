#pragma once
// How a client judges one response (SPEC §7 exit codes): a statement failed, or it succeeded
// but a VALIDATE it ran reported FAIL (VALIDATE MIGRATION's overallResult, VALIDATE
// ROLLBACK's canRollback false) — both make `strata run`, `exec` and `shell -c` exit 1 —
// or it succeeded. Also the one-line account of a failure that the clients print on stderr.
// Thread-safety: pure functions.

#include <string>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::cli {

enum class Outcome {
  kOk,
  kFailed,          // "success": false (or not a response at all)
  kValidateFailed,  // a VALIDATE answered success but reported FAIL
};

Outcome outcome_of(const Json& response);

// "CODE: message" for a failed statement; "VALIDATE reported FAIL: <first error>" for a
// VALIDATE that failed; "" for a success.
std::string failure_summary(const Json& response);

// The response's error code ("DATABASE_NOT_FOUND"), or "" when it carries none.
std::string error_code(const Json& response);

// True when `response` refused the statement because the session is not authenticated.
bool needs_authentication(const Json& response);

}  // namespace strata::cli
