// Validation phase 3 (SPEC §4.4): constraints against the real documents and those added
// earlier in the same simulation. The validator runs each command that passed phase 2 through
// the engine's own executor on a transaction that is never committed (the document overlay:
// RocksDB's write batch with index reads the simulation's writes over a snapshot, so nothing
// is loaded into memory wholesale and nothing is ever written). This file decides which of
// the executor's refusals are constraint findings: types of added and updated values,
// required fields and their defaults, unique fields and unique indexes, MODIFY FIELD
// conversions, and required ADD FIELD on a bundle that holds documents.
#include "engine/validate/phases.hpp"

namespace strata::engine::validate {

bool is_constraint_code(Code code) {
  return code == Code::kConstraintViolation || code == Code::kTypeMismatch ||
         code == Code::kInvalidValue;
}

std::optional<Finding> constraint_finding(const Status& status, size_t index) {
  if (status.ok() || !is_constraint_code(status.code())) return std::nullopt;
  return Finding{status.message(), index};
}

}  // namespace strata::engine::validate
