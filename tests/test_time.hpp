#pragma once
// Wall-clock allowances of the tests, scaled for slow builds: scaled(d) is d times the
// environment variable STRATA_TEST_TIME_SCALE (a positive number, default 1). scripts/sanitize
// sets it, as ASan and TSan make everything several times slower; a deadline that is an upper
// bound on waiting ("answers within 30 s") then still means "answers", not "is fast".
// Thread-safety: reads the environment once.

#include <chrono>
#include <cstdlib>

namespace strata::testing {

inline double time_scale() {
  static const double scale = [] {
    const char* v = std::getenv("STRATA_TEST_TIME_SCALE");
    const double s = v == nullptr ? 1.0 : std::atof(v);
    return s > 0 ? s : 1.0;
  }();
  return scale;
}

template <class Rep, class Period>
std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> d) {
  return std::chrono::milliseconds(
      static_cast<int64_t>(std::chrono::duration<double, std::milli>(d).count() * time_scale()));
}

}  // namespace strata::testing
