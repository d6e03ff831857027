// Validation phase 5 (SPEC §4.4, §4.7): DOWN commands exist or can be generated. Irreversible
// commands (DROP BUNDLE ... WITH FORCE) are named; RequireExplicitDownCommands without a DOWN
// section is a warning. Never blocking.
#include "engine/validate/phases.hpp"

namespace strata::engine::validate {

ReversibilityReport check_reversibility(const ReversibilityInput& in) {
  ReversibilityReport r;
  if (in.has_explicit_down) {
    r.down_generated = false;
    if (in.explicit_down_count == 0) {
      r.warnings.push_back({"the DOWN section is empty: a rollback would change nothing", 0});
    }
    return r;
  }
  if (in.require_explicit) {
    r.warnings.push_back({"RequireExplicitDownCommands is true and the migration has no DOWN "
                          "section: it cannot be rolled back",
                          0});
    return r;
  }
  for (const auto& [command, text] : in.irreversible) {
    r.warnings.push_back({"Cannot auto-generate DOWN for irreversible operation: " + text,
                          command});
  }
  r.down_generated = in.irreversible.empty();
  return r;
}

}  // namespace strata::engine::validate
