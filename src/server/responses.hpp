#pragma once
// The few response lines the server writes itself, without the engine (SPEC §5 shapes):
// protocol errors such as FRAME_TOO_LARGE, "too many connections", idle or shutdown notices.
// Each returns one compact JSON line ending in '\n'.
// Thread-safety: stateless.

#include <string>

#include "common/status.hpp"

namespace strata::server {

// {"status":"error","success":false,"message":m,"error":{"code":..,"type":..,"message":m}}
// plus the status's detail fields, as one line.
std::string error_line(const Status& status);

// A JSON value as one compact line; invalid UTF-8 is replaced, never thrown on.
std::string json_line(const Json& value);

}  // namespace strata::server
