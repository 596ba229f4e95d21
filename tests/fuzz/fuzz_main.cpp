// libFuzzer entry point for one target, chosen at compile time by KVSIM_FUZZ_TARGET (its name).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kvsim::fuzz::Target* target = [] {
    const kvsim::fuzz::Target* t = kvsim::fuzz::find_target(KVSIM_FUZZ_TARGET);
    if (!t) {
      std::fprintf(stderr, "unknown fuzz target %s\n", KVSIM_FUZZ_TARGET);
      std::abort();
    }
    return t;
  }();
  kvsim::fuzz::run_one(*target, {reinterpret_cast<const char*>(data), size});
  return 0;
}
