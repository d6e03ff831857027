#pragma once
// Wall-clock time as Strata shows it: RFC 3339 in UTC with second precision,
// e.g. "2026-01-10T10:00:00Z" (SPEC §4.3 CreatedAt, AppliedAt, event times, user records), or
// with milliseconds where a finer time is shown (SHOW LOCKS "since").
// Thread-safety: reentrant.

#include <cstdint>
#include <string>

namespace strata {

// Milliseconds since the Unix epoch, now.
int64_t unix_ms();
// `ms` since the epoch as "2026-01-10T10:00:00Z".
std::string utc_time(int64_t ms);
// `ms` since the epoch as "2026-01-10T10:00:00.123Z".
std::string utc_time_ms(int64_t ms);
// utc_time(unix_ms()).
std::string utc_now();

}  // namespace strata
