// The validation suite's case table (validation/harness/cases.h): every case's operator-CSV row
// parses as the model's operator, and the bytes and flops the kernel counts from its own buffers
// (validation/kernels/common/counts.h) equal the model's Work for the same shape.

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>

#include "harness/cases.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/operator.h"

namespace kvbench {
namespace {

using kvsim::hw::Engine;
using kvsim::perf::Level;

const kvsim::hw::HardwareProfile& h100() {
  static const auto p = kvsim::hw::load_hardware("h100-sxm");
  return p;
}

std::vector<Case> full_suite() {
  SuiteOptions o;
  o.max_device_bytes = 1e18;
  return build_suite(o);
}

double flops(const kvsim::perf::Work& w, Engine e) {
  double s = 0;
  for (double f : w.flops[static_cast<size_t>(e)])
    s += f;
  return s;
}

void expect_same(double counted, double model, const std::string& what, const std::string& row) {
  EXPECT_NEAR(counted, model, 1e-12 * std::max(1.0, std::fabs(model))) << what << " of " << row;
}

TEST(ValidationCounts, EveryCaseMatchesTheModelsWork) {
  const std::vector<Case> cases = full_suite();
  std::istringstream in(operator_csv(cases));
  kvsim::core::CsvReader csv(in, "suite.csv");
  size_t i = 0;
  std::map<Family, int> per_family;
  while (csv.next()) {
    ASSERT_LT(i, cases.size());
    const Case& c = cases[i++];
    const std::string row = c.kernel + " line " + std::to_string(csv.line());
    const kvsim::perf::Operator op = kvsim::perf::parse_operator(csv);
    const kvsim::perf::OpCost cost = kvsim::perf::operator_cost(op, h100());
    const kvsim::perf::Work& w = cost.work;
    expect_same(c.counts.hbm_bytes, w.level(Level::hbm), "HBM bytes", row);
    expect_same(c.counts.l2_bytes, w.level(Level::l2), "L2 bytes", row);
    expect_same(c.counts.host_bytes, w.level(Level::host), "host bytes", row);
    expect_same(c.counts.tensor_flops, flops(w, Engine::tensor), "tensor flops", row);
    expect_same(c.counts.cuda_core_flops, flops(w, Engine::cuda_core), "CUDA-core flops", row);
    EXPECT_GT(cost.seconds, 0) << row;
    ++per_family[c.family];
  }
  EXPECT_EQ(i, cases.size());
  for (Family f : kAllFamilies)
    EXPECT_GT(per_family[f], 0) << to_string(f);
}

TEST(ValidationCounts, HandWorkedDecodeInt4) {
  DecodeShape s;
  s.batch = 2;
  s.kv_len = 100;
  s.q_heads = 8;
  s.kv_heads = 2;
  s.head_dim = 128;
  s.dtype = KvDtype::int4;
  s.block_tokens = 16;
  const Counts c = count(s);
  // Per token and head: K and V of 64 packed bytes + 4 groups x (fp16 scale + fp16 zero) = 160 B.
  const double kv = 2.0 * 100 * 2 * 160;
  const double qo = 2.0 * 8 * (128 + 128) * 2;
  const double table = 2.0 * 7 * 4;  // ceil(100 / 16) blocks per sequence
  EXPECT_DOUBLE_EQ(c.hbm_bytes, kv + qo + table);
  EXPECT_DOUBLE_EQ(c.tensor_flops, 2.0 * 2 * 8 * 100 * 256);
  EXPECT_DOUBLE_EQ(c.cuda_core_flops, 2.0 * 100 * 2 * 256 * 3);  // int4: 3 per dequantised value
}

TEST(ValidationCounts, SuiteIsDeterministicSplitAndBounded) {
  const std::vector<Case> a = full_suite(), b = full_suite();
  EXPECT_EQ(operator_csv(a), operator_csv(b));
  std::map<Family, std::pair<int, int>> split;
  double predicted_s = 0;
  for (const Case& c : a) {
    (c.split == "fit" ? split[c.family].first : split[c.family].second)++;
    std::istringstream in(operator_csv({c}));
    kvsim::core::CsvReader csv(in, "one.csv");
    ASSERT_TRUE(csv.next());
    predicted_s += kvsim::perf::operator_cost(kvsim::perf::parse_operator(csv), h100()).seconds;
  }
  for (const auto& [f, n] : split) {
    EXPECT_GT(n.first, 0) << to_string(f);   // calibration sees every family
    EXPECT_GT(n.second, 0) << to_string(f);  // and every family is checked on held-out shapes
  }
  // 30 samples + 3 warm-up runs of every case: the full suite stays well under an hour of GPU
  // time on an H100 (set-up and checks come on top).
  EXPECT_LT(predicted_s * 33, 30 * 60) << "predicted kernel time " << predicted_s << " s";
  SuiteOptions quick;
  quick.quick = true;
  quick.max_device_bytes = 1e18;
  EXPECT_LT(build_suite(quick).size() * 4, a.size());
  std::cout << "full suite: " << a.size() << " cases, predicted " << predicted_s * 33 / 60
            << " min of kernel time on h100-sxm\n";
}

TEST(ValidationCounts, GemmShapesComeFromTheModels) {
  const auto shapes = model_gemm_shapes();
  auto has = [&](int64_t n, int64_t k) {
    return std::find(shapes.begin(), shapes.end(), std::make_pair(n, k)) != shapes.end();
  };
  EXPECT_TRUE(has(10240, 8192));   // Llama-3.1-70B qkv: (64 + 2 x 8) heads x 128
  EXPECT_TRUE(has(8192, 28672));   // its down projection
  EXPECT_TRUE(has(128256, 8192));  // its LM head
  EXPECT_TRUE(has(576, 7168));     // DeepSeek-V3 kv_a: latent 512 + rope 64
  EXPECT_TRUE(has(7168, 2048));    // DeepSeek-V3 routed expert down (width 2048)
}

TEST(ValidationCounts, FamiliesParseAndDescribe) {
  for (Family f : kAllFamilies) {
    EXPECT_EQ(parse_family(to_string(f)), f);
    EXPECT_GT(std::string(describe(f)).size(), 20u);
  }
  EXPECT_FALSE(parse_family("streams").has_value());
}

}  // namespace
}  // namespace kvbench
