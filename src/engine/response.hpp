#pragma once
// Response builders (SPEC §5, §5.1): every statement answers exactly one JSON object.
//   success: {"status":"success","success":true, ...fields}
//   error:   {"status":"error","success":false,"message":m,
//             "error":{"code":C,"type":T,"message":m}, ...status details}
// Answer is a response as the gate hands it out: a JSON value, or the same object already
// serialized (answers the engine keeps ready, answer_cache.hpp), shared rather than copied.
// Thread-safety: pure functions; an Answer is a value (its text is immutable and shared).

#include <chrono>
#include <memory>
#include <string>

#include "common/json.hpp"
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

// Milliseconds since `started`: the ExecutionTimeMS that every response carrying `Result`
// also carries (SPEC §5.1).
double elapsed_ms(std::chrono::steady_clock::time_point started);

// The one serialized form of a response: compact JSON (no raw newline), invalid UTF-8
// replaced, never thrown on. The server writes it followed by '\n' (SPEC §6).
std::string serialize(const Json& response);

class Answer {
 public:
  using Text = std::shared_ptr<const std::string>;

  Answer(Json response) : json_(std::move(response)), success_(is_success(json_)) {}  // NOLINT
  // A success response already serialized by serialize().
  explicit Answer(Text success_text) : text_(std::move(success_text)), success_(true) {}

  bool success() const { return success_; }
  // The serialized response when the engine had it ready, else null (then see json()).
  const Text& text() const { return text_; }
  // The response as JSON (parsed back from the text when serialized).
  Json json() const&;
  Json json() &&;

 private:
  Json json_;  // null when text_ is set
  Text text_;
  bool success_ = false;
};

}  // namespace strata::engine
