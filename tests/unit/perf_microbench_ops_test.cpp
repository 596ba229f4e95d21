// The operators the CUDA validation suite adds to the operator CSV: memory streams (with L2
// working sets), launch overhead and KV append; their parsing, hand-worked costs, and calibration.

#include <gtest/gtest.h>

#include <sstream>

#include "kvsim/perf/calibration.h"
#include "kvsim/perf/operator.h"
#include "test_util.h"

namespace kvsim::perf {
namespace {

const hw::HardwareProfile& h100() {
  static const hw::HardwareProfile p = hw::load_hardware("h100-sxm");
  return p;
}

Operator parse_one(const std::string& text) {
  std::istringstream in(text);
  core::CsvReader csv(in, "ops.csv");
  EXPECT_TRUE(csv.next());
  return parse_operator(csv);
}

TEST(StreamOp, HbmStreamAndL2WorkingSets) {
  const hw::HardwareProfile& hw = h100();
  const double gib = 1024.0 * 1024 * 1024;
  const OpCost copy = stream_cost({2 * gib, 0, 0}, hw);  // a 1 GiB copy: read and write
  EXPECT_EQ(copy.bound, Bound::hbm);
  EXPECT_DOUBLE_EQ(copy.work.level(Level::hbm), 2 * gib);
  EXPECT_DOUBLE_EQ(copy.seconds,
                   hw.kernels.elementwise.floor_s +
                       2 * gib / (hw.hbm.bandwidth_bytes_s * hw.kernels.elementwise.hbm));
  // 4 GiB read from a 16 MiB working set: the first pass from HBM, the rest from L2.
  const StreamOp l2{4 * gib, 0, 16.0 * 1024 * 1024};
  const OpCost hot = stream_cost(l2, hw);
  EXPECT_EQ(hot.bound, Bound::l2);
  EXPECT_DOUBLE_EQ(hot.work.level(Level::hbm), 16.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(hot.work.level(Level::l2), 4 * gib - 16.0 * 1024 * 1024);
  // A 256 MiB working set does not fit in the 50 MiB L2: every pass streams from HBM.
  const OpCost cold = stream_cost({4 * gib, 0, 256.0 * 1024 * 1024}, hw);
  EXPECT_EQ(cold.bound, Bound::hbm);
  EXPECT_GT(cold.seconds, 2 * hot.seconds);
}

TEST(LaunchOp, ChargesTheLaunchOverheadPerKernel) {
  const OpCost c = launch_cost({100, true}, h100());
  EXPECT_DOUBLE_EQ(c.seconds, 100 * h100().efficiency.launch_overhead_s);
  EXPECT_EQ(c.bound, Bound::launch);
  EXPECT_EQ(c.work.launches, 100);
}

TEST(KvAppendOp, Int4BytesIncludeScalesAndZeroPoints) {
  const Work w = kv_append_work({10, 2, 128, "int4"});
  // Per token: 2 heads x 256 values read as bf16 (1024 B); written as 2 x 128 B of nibbles plus
  // 2 x 8 groups x (fp16 scale + fp16 zero point) = 320 B.
  EXPECT_DOUBLE_EQ(w.level(Level::hbm), 10 * (1024 + 320));
  EXPECT_DOUBLE_EQ(w.flop(hw::Engine::cuda_core, hw::Dtype::fp32), 10 * 512 * 3);
  const Work mla = kv_append_work({4, 1, 576, "fp8", 512, 64});
  EXPECT_DOUBLE_EQ(mla.level(Level::hbm), 4 * (576 * 2 + 576));
}

TEST(MicrobenchOps, ParseAndDescribe) {
  const Operator s = parse_one("op,bytes,working_set_bytes\nstream,4096,1024\n");
  EXPECT_EQ(family_of(s), "stream");
  EXPECT_EQ(describe(s), "4096 B over 1024 B");
  const Operator l = parse_one("op,kernels,method\nlaunch,10,graph\n");
  EXPECT_EQ(family_of(l), "launch");
  EXPECT_TRUE(std::get<LaunchOp>(l).graph);
  const Operator a = parse_one(
      "op,tokens,kv_heads,head_dim,kv_dtype,latent_dim,rope_dim\nkv_append,3,1,576,bf16,512,64\n");
  EXPECT_EQ(describe(a), "t=3 mla=512+64 bf16");
  EXPECT_NE(test::input_error([] {
              parse_one("op,bytes,working_set_bytes\nstream,10,20\n");
            }).find("ops.csv:2:3: error: column 'working_set_bytes': 20 is more than the bytes"),
            std::string::npos);
  EXPECT_NE(test::input_error([] {
              parse_one("op,kernels,method\nlaunch,1,grap\n");
            }).find("did you mean 'graph'"),
            std::string::npos);
  EXPECT_NE(test::input_error([] {
              parse_one("op,tokens,kv_heads,head_dim,kv_dtype\nkv_append,1,1,64,int3\n");
            }).find("unknown KV dtype 'int3'"),
            std::string::npos);
}

// Calibration fits the elementwise floor and HBM fraction from streams and appends, and the
// launch overhead from empty-kernel launches.
TEST(MicrobenchOps, CalibrationRecoversStreamAndLaunchConstants) {
  hw::HardwareProfile truth = h100();
  truth.kernels.elementwise.floor_s = 2.5e-6;
  truth.kernels.elementwise.hbm = 0.9;
  truth.efficiency.launch_overhead_s = 2e-6;
  std::vector<Sample> samples;
  for (double mib = 1; mib <= 4096; mib *= 2) {
    Sample s;
    s.op = StreamOp{mib * 1024 * 1024, 0, 0};
    samples.push_back(s);
  }
  for (int64_t t : {1, 16, 64, 256, 1024, 4096, 16384, 32768}) {
    Sample s;
    s.op = KvAppendOp{t, 8, 128, "fp8"};
    samples.push_back(s);
  }
  for (int64_t k : {1, 3, 10, 30, 100, 300, 1000}) {
    for (bool graph : {false, true}) {
      Sample s;
      s.op = LaunchOp{k, graph};
      samples.push_back(s);
    }
  }
  for (Sample& s : samples) {
    s.family = family_of(s.op);
    s.measured_s = operator_cost(s.op, truth).seconds;
  }
  CalibrationOptions opt;
  opt.max_evaluations = 1500;
  const Calibration cal = calibrate(samples, h100(), opt);
  ASSERT_EQ(cal.fits.size(), 1u);  // launch: 14 rows, under the 20 a fit needs
  EXPECT_EQ(cal.fits[0].group, "elementwise");
  EXPECT_NEAR(cal.profile.kernels.elementwise.floor_s, 2.5e-6, 0.1e-6);
  EXPECT_NEAR(cal.profile.kernels.elementwise.hbm, 0.9, 0.01);
  for (int64_t k = 2000; k < 8000; k += 1000) {
    Sample s;
    s.op = LaunchOp{k, false};
    s.family = "launch";
    s.measured_s = operator_cost(s.op, truth).seconds;
    samples.push_back(s);
  }
  const Calibration cal2 = calibrate(samples, h100(), opt);
  ASSERT_EQ(cal2.fits.size(), 2u);
  EXPECT_EQ(cal2.fits[1].group, "launch");
  EXPECT_NEAR(cal2.profile.efficiency.launch_overhead_s, 2e-6, 0.05e-6);
}

}  // namespace
}  // namespace kvsim::perf
