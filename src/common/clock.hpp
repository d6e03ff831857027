#pragma once
// Wall-clock time as Strata shows it: RFC 3339 in UTC with second precision,
// e.g. "2026-01-10T10:00:00Z" (SPEC §4.3 CreatedAt, AppliedAt, event times, user records).
// Thread-safety: reentrant.

#include <string>

namespace strata {

std::string utc_now();

}  // namespace strata
