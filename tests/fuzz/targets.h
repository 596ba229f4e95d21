#pragma once
// Fuzz targets: one per input parser. Each takes the raw bytes of one input file and runs it
// through the same public functions the CLI uses. The same functions back the libFuzzer binaries
// (fuzz_main.cpp, preset `asan`) and the regression test that replays every saved crasher
// (tests/unit/fuzz_regressions_test.cpp), so a fixed crash stays fixed in the normal suite.
//
// Contract: a target returns normally for input it accepts and throws core::InputError or
// core::ConfigError for input it rejects (the expected rejections). Anything else (another
// exception, a crash, a sanitizer report, a hang) is a finding.

#include <string>
#include <string_view>
#include <vector>

namespace kvsim::hw {
struct HardwareProfile;
}

namespace kvsim::fuzz {

using TargetFn = void (*)(std::string_view input);

struct Target {
  const char* name;  ///< fuzz binary fuzz_<name>; regressions in tests/fuzz/regressions/<name>/
  TargetFn run;
};

/// Every target, in a fixed order.
const std::vector<Target>& targets();
/// The target named `name`, or nullptr.
const Target* find_target(std::string_view name);
/// Runs `input` through `t`, swallowing the expected rejections; anything else propagates.
void run_one(const Target& t, std::string_view input);

/// The built-in h100-sxm profile, loaded once: the hardware the data targets predict on.
const hw::HardwareProfile& h100();

// The targets (targets_*.cpp).
void hardware_profile(std::string_view input);
void model_yaml(std::string_view input);
void hf_config(std::string_view input);
void scenario(std::string_view input);
void generator(std::string_view input);
/// A trace in `format` ("" = detected), as `kvsim replay --trace` reads it.
void trace(std::string_view input, const char* format);
void operator_csv(std::string_view input);
void measurement_csv(std::string_view input);

}  // namespace kvsim::fuzz
