#pragma once
// The few response lines the server writes itself, outside the gate (SPEC §5 shapes):
// protocol errors such as FRAME_TOO_LARGE, "too many connections", idle or shutdown notices,
// shaped as every error response is (engine/response.hpp error). Each returns one compact JSON
// line ending in '\n'.
// Thread-safety: stateless.

#include <string>

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata::server {

// engine::error(status) as one line: {"status":"error","success":false,"message":m,
// "error":{"code":..,"type":..,"message":m}} plus the status's detail fields.
std::string error_line(const Status& status);

// A JSON value as one compact line; invalid UTF-8 is replaced, never thrown on.
std::string json_line(const Json& value);

}  // namespace strata::server
