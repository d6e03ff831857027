#pragma once
// Response builders (SPEC §5, §5.1): every statement answers exactly one JSON object.
//   success: {"status":"success","success":true, ...fields}
//   error:   {"status":"error","success":false,"message":m,
//             "error":{"code":C,"type":T,"message":m}, ...status details}
// Thread-safety: pure functions.

#include <string>

#include "common/status.hpp"

namespace strata::engine {

// A success response carrying `fields` (an object) next to status/success.
Json success(Json fields = Json::object());
// A success response with only a message.
Json success_message(std::string message);
// The error response of a non-ok status; its details are merged at top level.
Json error(const Status& status);
// True when `response` is a success response.
bool is_success(const Json& response);

}  // namespace strata::engine
