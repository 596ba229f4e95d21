// Scenario files: sweep expansion, point ids and labels, and errors at the right key.

#include <gtest/gtest.h>

#include "kvsim/core/doc_ops.h"
#include "kvsim/scenario/run.h"
#include "kvsim/scenario/sweep.h"
#include "test_util.h"

namespace kvsim::scenario {
namespace {

const std::string kHead =
    "name: t\nmodel: llama-3.1-8b\nhardware: l40s\ncapacity: {context: 4096, batch: 2}\n";

ScenarioFile file(const std::string& yaml) {
  return scenario_file_from_doc(core::parse_yaml(yaml, "s.yaml"), "s.yaml");
}

std::string error(const std::string& yaml) {
  return test::input_error([&] {
    const ScenarioFile f = file(yaml);
    for (int64_t i = 0; i < f.point_count(); ++i)
      f.point(i);
  });
}

TEST(Sweep, CartesianProductWithTheFirstAxisSlowest) {
  const ScenarioFile f = file(kHead +
                              "sweep:\n  kv.precision: [bf16, fp8, int8]\n"
                              "  parallelism.tp: [1, 2]\n");
  ASSERT_EQ(f.point_count(), 6);
  EXPECT_EQ(f.point_id(0), "p0000");
  EXPECT_EQ(f.point_label(3), "kv.precision=fp8, parallelism.tp=2");
  EXPECT_EQ(f.point_params(3).dump(),
            "{\n  \"kv.precision\": \"fp8\",\n  \"parallelism.tp\": 2\n}\n");
  const Scenario s = f.point(3);
  EXPECT_EQ(s.parallelism.tp, 2);
  EXPECT_EQ(s.kv.precision->describe(), "fp8");
  EXPECT_EQ(f.point(4).kv.precision->describe().substr(0, 4), "int8");
}

TEST(Sweep, NamedVariantsReplaceWholeMaps) {
  const ScenarioFile f = file(kHead +
                              "kv: {precision: fp8, allocation: {impl: paged, block_tokens: 32}}\n"
                              "sweep:\n  kv:\n    base: {}\n    int4: {precision: int4}\n");
  ASSERT_EQ(f.point_count(), 2);
  EXPECT_EQ(f.point_label(1), "kv=int4");
  EXPECT_EQ(f.point_params(0).dump(), "{\n  \"kv\": \"base\"\n}\n");
  // The variant replaced the map: the base's 32-token blocks are gone.
  EXPECT_EQ(f.point(0).kv.precision, nullptr);
}

TEST(Sweep, IdsWidenBeyondTenThousandPoints) {
  const ScenarioFile f = file(
      kHead + "sweep:\n  capacity.context: [" +
      [] {
        std::string s;
        for (int i = 1; i <= 120; ++i)
          s += (i > 1 ? "," : "") + std::to_string(i * 16);
        return s;
      }() +
      "]\n  capacity.batch: [" +
      [] {
        std::string s;
        for (int i = 1; i <= 100; ++i)
          s += (i > 1 ? "," : "") + std::to_string(i);
        return s;
      }() +
      "]\n");
  EXPECT_EQ(f.point_count(), 12000);
  EXPECT_EQ(f.point_id(42), "p00042");
  EXPECT_EQ(shard_points(10, 2, 3), (std::vector<int64_t>{1, 4, 7}));
  EXPECT_EQ(shard_points(2, 3, 3), std::vector<int64_t>{});
}

TEST(Sweep, BadKeysAreCaughtAtTheSweepLine) {
  EXPECT_NE(error(kHead + "sweep:\n  paralelism.tp: [1, 2]\n")
                .find("s.yaml:6:3: error: sweep: 'paralelism.tp' does not start with a scenario "
                      "key; did you mean 'parallelism'?"),
            std::string::npos);
  // A typo below a valid top-level key is found when the point is parsed, still at the sweep line.
  const std::string deep = error(kHead + "sweep:\n  kv.precison: [fp8]\n");
  EXPECT_NE(deep.find("s.yaml:6:3: error: unknown key 'precison' in 'kv'; did you mean "
                      "'precision'?"),
            std::string::npos)
      << deep;
  // A bad value points at the value.
  EXPECT_NE(error(kHead + "sweep:\n  kv.precision: [bf16, fp7]\n")
                .find("s.yaml:6:24: error: kv.precision: unknown precision 'fp7'"),
            std::string::npos);
  EXPECT_NE(error(kHead + "sweep:\n  kv: [{}]\n  kv.precision: [fp8]\n")
                .find("lies inside the axis 'kv'"),
            std::string::npos);
  EXPECT_NE(error(kHead + "sweep:\n  kv.precision: []\n").find("at least one value"),
            std::string::npos);
  EXPECT_NE(error(kHead + "sweep:\n  kv.precision: fp8\n").find("expected a list of values"),
            std::string::npos);
  EXPECT_NE(error(kHead + "sweep:\n  name: [a, b]\n").find("does not start with a scenario key"),
            std::string::npos);
  EXPECT_NE(error(kHead + "sweep:\n  parallelism.tp: [1, 1]\n").find("'1' appears twice"),
            std::string::npos);
}

TEST(Sweep, CompareSetsTheHardwareAxis) {
  const ScenarioFile f =
      file(kHead + "compare: {hardware: [h100-sxm, h200]}\nsweep: {parallelism.tp: [1, 2]}\n");
  ASSERT_EQ(f.point_count(), 4);
  EXPECT_EQ(f.point_label(2), "hardware=h200, parallelism.tp=1");
  EXPECT_EQ(f.point(2).hardware.name, "h200");
  EXPECT_NE(error(kHead + "compare: {hardware: [h100-sxm, h100-sxm]}\n").find("appears twice"),
            std::string::npos);
}

TEST(Scenario, HardwareOverridesAreValidatedLikeTheProfile) {
  const Scenario s = file(
                         "name: t\nmodel: llama-3.1-8b\n"
                         "hardware: {profile: h100-sxm, overrides: {price: {usd_per_gpu_hour: "
                         "{value: 2.0, source: AIC-sys, date: 2026-01-01}}, memory: {hbm: "
                         "{bandwidth_gb_s: 4000}}}}\n")
                         .point(0);
  EXPECT_DOUBLE_EQ(s.hardware.price_usd_per_gpu_hour, 2.0);
  EXPECT_DOUBLE_EQ(s.hardware.hbm.bandwidth_bytes_s, 4e12);
  EXPECT_EQ(s.hardware.hbm.capacity_bytes, hw::load_hardware("h100-sxm").hbm.capacity_bytes);
  EXPECT_NE(s.hardware.notes.back().find("overridden by s.yaml"), std::string::npos);
  const std::string typo = error(
      "name: t\nmodel: llama-3.1-8b\nhardware: {profile: h100-sxm, overrides: {memory: {hbm: "
      "{bandwith_gb_s: 4000}}}}\n");
  EXPECT_NE(typo.find("s.yaml:3:"), std::string::npos) << typo;
  EXPECT_NE(typo.find("did you mean 'bandwidth_gb_s'"), std::string::npos) << typo;
}

TEST(Scenario, EngineKeysAndMisplacedSlos) {
  const Scenario s =
      file(kHead + "engine: {memory_utilization: 0.8, max_num_seqs: 64, replicas: 3}\n").point(0);
  EXPECT_DOUBLE_EQ(s.memory_utilization, 0.8);
  EXPECT_EQ(s.memory.max_sequences, 64);
  EXPECT_EQ(s.engine_config().replicas, 3);
  EXPECT_NE(error(kHead + "engine: {slo_ttft_s: 1}\n").find("set SLOs in the scenario's 'slo:'"),
            std::string::npos);
  EXPECT_NE(error(kHead + "engine: {replica: 2}\n").find("did you mean 'replicas'"),
            std::string::npos);
  EXPECT_NE(error(kHead + "slo: {ttft_s: 1}\n").find("slo: needs a 'workload'"), std::string::npos);
  EXPECT_NE(error(kHead + "slo: {}\n").find("give at least one limit"), std::string::npos);
}

}  // namespace
}  // namespace kvsim::scenario
