#include <gtest/gtest.h>

#include "kvsim/core/doc.h"
#include "kvsim/core/resources.h"
#include "kvsim/core/units.h"
#include "kvsim/hw/hardware_profile.h"
#include "test_util.h"

namespace kvsim::hw {
namespace {

using test::input_error;

TEST(BuiltinProfiles, AllRequiredSkusShip) {
  const std::vector<std::string> expected = {"a100-80gb", "b200", "h100-pcie", "h100-sxm",
                                             "h200",      "l40s", "mi300x",    "mi325x"};
  EXPECT_EQ(builtin_hardware_names(), expected);
}

// Every figure in a shipped profile names a declared source; prices carry a date.
TEST(BuiltinProfiles, EveryFigureCarriesItsSource) {
  for (const auto& name : builtin_hardware_names()) {
    const HardwareProfile p = load_hardware(name);
    EXPECT_GT(p.figures.size(), 20u) << name;
    for (const auto& [path, f] : p.figures) {
      EXPECT_FALSE(f.source.empty()) << name << ": " << path << " has no source";
      EXPECT_TRUE(p.sources.count(f.source)) << name << ": " << path;
    }
    EXPECT_GT(p.price_usd_per_gpu_hour, 0) << name;
    EXPECT_EQ(p.price_date.size(), 10u) << name << ": price date " << p.price_date;
    EXPECT_FALSE(p.price_source.empty()) << name;
  }
}

TEST(BuiltinProfiles, CompleteAndPhysical) {
  for (const auto& name : builtin_hardware_names()) {
    const HardwareProfile p = load_hardware(name);
    EXPECT_GT(p.sm_count, 0) << name;
    for (Dtype d : {Dtype::bf16, Dtype::fp16, Dtype::int8, Dtype::fp32}) {
      EXPECT_GT(p.peak_flops(Engine::tensor, d), 0) << name << " " << to_string(d);
    }
    EXPECT_GT(p.peak_flops(Engine::cuda_core, Dtype::fp32), 0) << name;
    for (const MemoryLevel* level : {&p.hbm, &p.l2, &p.smem, &p.host}) {
      EXPECT_TRUE(level->present) << name;
      EXPECT_GT(level->capacity_bytes, 0) << name;
      EXPECT_GT(level->bandwidth_bytes_s, 0) << name;
    }
    // The hierarchy is ordered: smem faster than L2 faster than HBM faster than host.
    EXPECT_GT(p.smem.bandwidth_bytes_s, p.l2.bandwidth_bytes_s) << name;
    EXPECT_GT(p.l2.bandwidth_bytes_s, p.hbm.bandwidth_bytes_s) << name;
    EXPECT_GT(p.hbm.bandwidth_bytes_s, p.host.bandwidth_bytes_s) << name;
    EXPECT_LT(p.l2.capacity_bytes, p.hbm.capacity_bytes) << name;
    EXPECT_TRUE(p.pcie.present) << name;
    EXPECT_GT(p.tdp_w, 0) << name;
    const Efficiency& e = p.efficiency;
    for (double v : {e.hbm, e.l2, e.smem, e.host, e.scale_up, e.pcie}) {
      EXPECT_GT(v, 0) << name;
      EXPECT_LE(v, 1) << name;
    }
    EXPECT_EQ(e.calibrated, name == "h100-sxm") << name;
    EXPECT_EQ(p.kernels.calibrated, name == "h100-sxm") << name;
    EXPECT_EQ(p.kernels.inherit, name == "h100-sxm" ? "" : "h100-sxm") << name;
    // XQA keeps 2 CTAs per SM only in its sm90 build.
    EXPECT_EQ(p.kernels.decode_attention.tensor.resident_ctas_per_sm,
              p.architecture == "hopper" ? 2 : 1)
        << name;
    EXPECT_GT(e.launch_overhead_s, 0) << name;
  }
}

TEST(BuiltinProfiles, DatasheetFiguresFromGpusMd) {
  const HardwareProfile h100 = load_hardware("h100-sxm");
  EXPECT_DOUBLE_EQ(h100.peak_flops(Engine::tensor, Dtype::bf16), 989e12);
  EXPECT_DOUBLE_EQ(h100.peak_flops(Engine::tensor, Dtype::fp8), 1979e12);
  EXPECT_DOUBLE_EQ(h100.hbm.bandwidth_bytes_s, 3.35e12);
  EXPECT_EQ(h100.l2.capacity_bytes, 50 * core::kMiB);
  EXPECT_DOUBLE_EQ(h100.scale_up.per_direction_bytes_s, 450e9);
  EXPECT_EQ(load_hardware("a100-80gb").peak_flops(Engine::tensor, Dtype::fp8), 0.0);  // no FP8
  EXPECT_DOUBLE_EQ(load_hardware("mi300x").hbm.bandwidth_bytes_s, 5.3e12);
  EXPECT_DOUBLE_EQ(load_hardware("b200").peak_flops(Engine::tensor, Dtype::bf16), 2250e12);
  EXPECT_FALSE(load_hardware("l40s").scale_up.present);  // PCIe only
}

TEST(BuiltinProfiles, DisagreementsAreRecorded) {
  const HardwareProfile b200 = load_hardware("b200");
  const Figure& bw = b200.figures.at("memory.hbm.bandwidth_gb_s");
  EXPECT_DOUBLE_EQ(bw.value, 7700);
  EXPECT_GE(bw.alternatives.size(), 1u);  // 8.0 TB/s in the DGX datasheet
  EXPECT_FALSE(b200.notes.empty());
}

// A minimal valid profile, to mutate in the bad-input tests below.
const char* kMinimal = R"(name: test-gpu
sources: {S: "a datasheet"}
compute:
  sm_count: {value: 100, source: S}
  tensor: {bf16: 500}
memory:
  hbm: {capacity_gib: 80, bandwidth_gb_s: 2000}
)";

std::string profile_error(const std::string& text) {
  return input_error([&] { parse_hardware_profile(core::parse_yaml(text, "p.yaml")); });
}

TEST(ProfileParsing, MinimalProfileParses) {
  const HardwareProfile p = parse_hardware_profile(core::parse_yaml(kMinimal, "p.yaml"));
  EXPECT_EQ(p.hbm.capacity_bytes, 80 * core::kGiB);
  EXPECT_DOUBLE_EQ(p.hbm.bandwidth_bytes_s, 2e12);
  EXPECT_DOUBLE_EQ(p.efficiency.hbm, 1.0);
}

TEST(ProfileParsing, BadInputsNameFileLineAndKey) {
  const std::string base = kMinimal;
  EXPECT_NE(profile_error(base + "memroy: {}\n")
                .find("p.yaml:8:1: error: unknown key 'memroy'; did you mean 'memory'?"),
            std::string::npos);
  std::string neg = base;
  neg.replace(neg.find("2000"), 4, "-5");
  EXPECT_NE(profile_error(neg).find(
                "p.yaml:7:43: error: memory.hbm.bandwidth_gb_s: -5 is out of range: must be > 0"),
            std::string::npos);
  std::string nan = base;
  nan.replace(nan.find("2000"), 4, ".nan");
  EXPECT_NE(profile_error(nan).find("expected a finite number, got '.nan'"), std::string::npos);
  std::string tag = base;
  tag.replace(tag.find("source: S"), 9, "source: T");
  EXPECT_NE(profile_error(tag).find("unknown source tag 'T'"), std::string::npos);
  std::string both = base;
  both.replace(both.find("capacity_gib: 80"), 16, "capacity_gib: 80, capacity_gb: 85");
  EXPECT_NE(profile_error(both).find("give either 'capacity_gib' or 'capacity_gb'"),
            std::string::npos);
  EXPECT_NE(profile_error("name: x\ncompute: {sm_count: 1, tensor: {bf16: 1}}\nmemory: {}\n")
                .find("missing key 'hbm'"),
            std::string::npos);
  EXPECT_NE(
      profile_error(base + "efficiency: {hbm: 1.2}\n").find("efficiency.hbm: 1.2 is out of range"),
      std::string::npos);
  EXPECT_NE(profile_error("name: [x]\n").find("name: expected a text value, got a list"),
            std::string::npos);
  EXPECT_NE(profile_error("").find("the file: expected a map of keys, got nothing"),
            std::string::npos);
}

TEST(LoadHardware, UnknownNameSuggestsAndPathOverridesBuiltin) {
  EXPECT_NE(
      input_error([] { load_hardware("h100"); }).find("did you mean 'h100-pcie' or 'h100-sxm'?"),
      std::string::npos);
  // A copy on disk with a changed figure is read instead of the built-in.
  const core::Resource* r = core::find_builtin("hardware_profiles/h100-sxm.yaml");
  ASSERT_NE(r, nullptr);
  std::string text(r->text);
  text.replace(text.find("name: h100-sxm"), 14, "name: my-h100");
  test::TempFile f("my-h100.yaml", text);
  const HardwareProfile p = load_hardware(f.path());
  EXPECT_EQ(p.name, "my-h100");
}

}  // namespace
}  // namespace kvsim::hw
