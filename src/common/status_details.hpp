#pragma once
// The detail fields of an error Status: what its error response carries at top level next to
// "error" (e.g. "line" and "column" of a SYNTAX_ERROR, the "report" of VALIDATION_FAILED, the
// "conflicts" of ROLLBACK_CONFLICT). Kept out of status.hpp so that a layer which only passes
// statuses on (storage) does not depend on the response format. Thread-safety: value types;
// a Status shares its details immutably between copies.

#include "common/json.hpp"
#include "common/status.hpp"

namespace strata {

struct StatusDetails {
  Json fields = Json::object();
};

// `status` with the members of `fields` (a JSON object) added to its details; a key it already
// had takes the new value. An ok status stays ok and carries no details.
Status with_details(Status status, Json fields);

// The detail fields of `status`: a JSON object, empty when it has none.
const Json& details_of(const Status& status);

}  // namespace strata
