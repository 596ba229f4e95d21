#include "targets.h"

#include "kvsim/core/error.h"
#include "kvsim/hw/hardware_profile.h"

namespace kvsim::fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"hardware_profile", hardware_profile},
      {"model_yaml", model_yaml},
      {"hf_config", hf_config},
      {"scenario", scenario},
      {"generator", generator},
      {"trace_detect", [](std::string_view in) { trace(in, ""); }},
      {"trace_azure", [](std::string_view in) { trace(in, "azure"); }},
      {"trace_mooncake", [](std::string_view in) { trace(in, "mooncake"); }},
      {"trace_burstgpt", [](std::string_view in) { trace(in, "burstgpt"); }},
      {"trace_bailian", [](std::string_view in) { trace(in, "bailian"); }},
      {"trace_native_csv", [](std::string_view in) { trace(in, "native_csv"); }},
      {"trace_native_jsonl", [](std::string_view in) { trace(in, "native_jsonl"); }},
      {"operator_csv", operator_csv},
      {"measurement_csv", measurement_csv},
  };
  return all;
}

const Target* find_target(std::string_view name) {
  for (const Target& t : targets()) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

const hw::HardwareProfile& h100() {
  static const hw::HardwareProfile p = hw::load_hardware("h100-sxm");
  return p;
}

void run_one(const Target& t, std::string_view input) {
  try {
    t.run(input);
  } catch (const core::InputError&) {
  } catch (const core::ConfigError&) {
  }
}

}  // namespace kvsim::fuzz
