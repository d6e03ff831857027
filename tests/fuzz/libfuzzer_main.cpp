// The libFuzzer entry point of one fuzz target (targets.hpp): compiled once per target with
// STRATA_FUZZ_TARGET naming its body (tests/fuzz/CMakeLists.txt). A broken property is
// printed and aborts, which libFuzzer reports as a crash and saves the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string problem =
      strata::fuzz::STRATA_FUZZ_TARGET(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "fuzz property broken: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
