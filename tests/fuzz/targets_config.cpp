// Fuzz targets for the YAML and JSON specs: hardware profiles, model YAML, Hugging Face and
// DeepSeek config.json, scenarios, generator specs. Each parses as the CLI does and then uses the
// result the way the CLI would next (capacity, generation), so sizes the parser let through are
// also exercised by the arithmetic that follows.

#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/hf_config.h"
#include "kvsim/model/model_yaml.h"
#include "kvsim/perf/capacity.h"
#include "kvsim/scenario/point_run.h"
#include "kvsim/scenario/scenario.h"
#include "kvsim/workload/generator.h"
#include "targets.h"

namespace kvsim::fuzz {
namespace {

const model::ModelSpec& llama8b() {
  static const model::ModelSpec m = model::load_model("llama-3.1-8b");
  return m;
}

// The capacity question `kvsim capacity` asks by default (one GPU, the model's own KV behaviour).
void capacity_of(const model::ModelSpec& m, const hw::HardwareProfile& hw) {
  const perf::CapacityResult r = perf::compute_capacity(
      m, hw, perf::Parallelism{}, kv::KvPolicy{}, perf::MemoryOptions{}, perf::CapacityQuery{});
  (void)r;
}

}  // namespace

void hardware_profile(std::string_view input) {
  const core::Doc doc = core::parse_yaml(input, "fuzz.yaml");
  const hw::HardwareProfile p = hw::parse_hardware_profile(doc);
  capacity_of(llama8b(), p);
}

void model_yaml(std::string_view input) {
  const core::Doc doc = core::parse_yaml(input, "fuzz.yaml");
  const model::ModelSpec m = model::parse_model_yaml(doc);
  model::validate_model(m);
  capacity_of(m, h100());
}

void hf_config(std::string_view input) {
  const core::Doc doc = core::parse_json(input, "fuzz_config.json");
  const model::ModelSpec m = model::is_deepseek_inference_config(doc)
                                 ? model::parse_deepseek_config(doc, "fuzz_config")
                                 : model::parse_hf_config(doc, "fuzz_config");
  model::validate_model(m);
  capacity_of(m, h100());
}

void scenario(std::string_view input) {
  const core::Doc doc = core::parse_yaml(input, "fuzz.yaml");
  const scenario::Scenario s = scenario::parse_scenario(doc);
  if (s.capacity) {  // its capacity question, when it asks one, answered as `kvsim run` does
    const perf::CapacityResult r = scenario::answer_capacity(s);
    (void)r;
  }
}

void generator(std::string_view input) {
  // As `kvsim replay --generator`: the spec is the file, or its `generator:` map.
  const core::Doc doc = core::parse_yaml(input, "fuzz.yaml");
  const core::Doc* spec = &doc;
  if (doc.is_map()) {
    if (const core::Doc* g = doc.find("generator")) spec = g;
  }
  // Limits far below the documented ones (10^7 requests, 2^28 hashes): a spec that asks for
  // that much is valid, only slow; the fuzzer looks for wrong answers, not big ones.
  workload::GeneratorLimits limits;
  limits.max_requests = 20000;
  limits.max_hashes = int64_t{1} << 20;
  const workload::RequestSet set = workload::generate_workload(*spec, "generator", limits);
  (void)set;
}

}  // namespace kvsim::fuzz
