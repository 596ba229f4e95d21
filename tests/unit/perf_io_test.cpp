// The operator CSV contract, validation statistics, the step model and calibration.

#include <gtest/gtest.h>

#include <sstream>

#include "kvsim/core/csv.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/calibration.h"
#include "kvsim/perf/operator.h"
#include "kvsim/perf/step.h"
#include "kvsim/perf/validation.h"
#include "test_util.h"

namespace kvsim::perf {
namespace {

using test::input_error;

std::vector<Operator> parse_all(const std::string& text) {
  std::istringstream in(text);
  core::CsvReader csv(in, "ops.csv");
  std::vector<Operator> out;
  while (csv.next())
    out.push_back(parse_operator(csv));
  return out;
}

TEST(OperatorCsv, ParsesEveryOpAndPassesUnknownColumns) {
  const auto ops = parse_all(
      "op,m,n,k,dtype,batch,kv_len,q_heads,kv_heads,head_dim,kv_dtype,q_len,bytes,gpus,direction,"
      "note\n"
      "gemm,1,4096,4096,bf16,,,,,,,,,,,x\n"
      "decode_attention,,,,,32,16384,8,1,128,fp8,,,,,\n"
      "prefill_attention,,,,bf16,1,2048,8,1,128,,2048,,,,\n"
      "all_reduce,,,,,,,,,,,,1048576,8,,\n"
      "memcpy,,,,,,,,,,,,1e9,,h2d,\n");
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(family_of(ops[0]), "gemm");
  EXPECT_EQ(std::get<DecodeAttentionOp>(ops[1]).kv_dtype, "fp8");
  EXPECT_EQ(family_of(ops[3]), "all_reduce");
  EXPECT_EQ(std::get<MemcpyOp>(ops[4]).bytes, 1e9);
}

TEST(OperatorCsv, CrlfAndBomAreAcceptedAndParseTheSame) {
  const std::string lf = "op,m,n,k,dtype\ngemm,1,4096,4096,bf16\n";
  const std::string crlf = "\xEF\xBB\xBFop,m,n,k,dtype\r\ngemm,1,4096,4096,bf16\r\n";
  const auto a = parse_all(lf), b = parse_all(crlf);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(std::get<GemmOp>(a[0]).n, std::get<GemmOp>(b[0]).n);
}

TEST(OperatorCsv, BadRowsNameLineColumnAndProblem) {
  auto err = [](const std::string& text) { return input_error([&] { parse_all(text); }); };
  EXPECT_NE(err("op,m,n,k,dtype\ngemm,1,4096,,bf16\n")
                .find("ops.csv:2:4: error: column 'k': missing value"),
            std::string::npos);
  EXPECT_NE(
      err("op,m,n,dtype\ngemm,1,4096,bf16\n").find("column 'k': no such column in the header"),
      std::string::npos);
  EXPECT_NE(err("op,m,n,k,dtype\ngem,1,4096,4096,bf16\n")
                .find("ops.csv:2:1: error: column 'op': unknown op 'gem'; did you mean 'gemm'?"),
            std::string::npos);
  EXPECT_NE(err("op,m,n,k,dtype\ngemm,1,4096,4096,bf17\n")
                .find("unknown value 'bf17'; did you mean 'bf16'?"),
            std::string::npos);
  EXPECT_NE(err("op,m,n,k,dtype\ngemm,1,4O96,4096,bf16\n")
                .find("ops.csv:2:3: error: column 'n': expected an integer, got '4O96'"),
            std::string::npos);
  EXPECT_NE(err("op,m,n,k,dtype\ngemm,-1,4096,4096,bf16\n").find("column 'm': -1 is out of range"),
            std::string::npos);
  EXPECT_NE(err("op,m,n,k,dtype\ngemm,1,4096\n")
                .find("ops.csv:2: error: expected 5 fields as in the header, found 3"),
            std::string::npos);
  EXPECT_NE(err("").find("empty file"), std::string::npos);
  EXPECT_NE(err("op,batch,kv_len,q_heads,kv_heads,head_dim,kv_dtype\ndecode_attention,1,10,8,3,128,"
                "bf16\n")
                .find("column 'kv_heads': 3 does not divide q_heads 8"),
            std::string::npos);
  EXPECT_NE(err("op,bytes,gpus\nall_reduce,1e6,nan\n").find("column 'gpus': expected an integer"),
            std::string::npos);
  EXPECT_NE(err("op,a\n\"gemm,1\n").find("unterminated quoted field"), std::string::npos);
}

TEST(Validation, SpearmanAndStatistics) {
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(spearman({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 2, 3, 4}), 0.9487, 1e-4);  // ties get average ranks
  std::vector<Sample> s(4);
  const double pred[] = {1.1, 0.8, 1.0, 1.5};
  for (size_t i = 0; i < 4; ++i) {
    s[i].measured_s = 1.0;
    s[i].predicted_s = pred[i];
  }
  const ErrorStats st = error_stats({&s[0], &s[1], &s[2], &s[3]});
  EXPECT_NEAR(st.mape, (10 + 20 + 0 + 50) / 4.0, 1e-9);
  EXPECT_NEAR(st.median_abs, 15, 1e-9);
  EXPECT_NEAR(st.bias, 5, 1e-9);  // median of -20, 0, 10, 50
}

TEST(StepModel, BreakdownSumsAndScalesWithTheBatch) {
  const auto m = model::load_model("llama-3.1-8b");
  const auto hw = hw::load_hardware("h100-sxm");
  kv::KvPolicy policy;
  policy.fill_defaults(m);
  const StepModel sm(m, hw, Parallelism{2, 1}, policy);
  ASSERT_EQ(sm.rules().size(), 1u);
  auto decode = [&](int64_t seqs, double ctx) {
    StepBatch b = sm.empty_batch();
    b.decode_seqs = seqs;
    b.decode_attended[0] = static_cast<double>(seqs) * ctx;
    b.logit_rows = seqs;
    return sm.cost(b);
  };
  const StepCost small = decode(8, 4096), big = decode(64, 4096), longer = decode(8, 65536);
  double sum = 0;
  for (const auto& op : small.ops)
    sum += op.seconds;
  EXPECT_NEAR(sum, small.seconds, 1e-12);
  EXPECT_GT(big.seconds, small.seconds);
  EXPECT_GT(longer.seconds, small.seconds);
  bool all_reduce = false;
  for (const auto& op : small.ops)
    all_reduce = all_reduce || op.name == "tp_all_reduce";
  EXPECT_TRUE(all_reduce);
  // KV read per step: 8 x 4096 tokens x 32 layers x 8 KV heads / TP 2 x 256 values x 2 bytes.
  const double kv = 8.0 * 4096 * 32 * 4 * 256 * 2;
  EXPECT_GT(small.work.level(Level::hbm), kv);
}

TEST(StepModel, HybridWindowsMoeAndExpertParallel) {
  const auto g3 = model::load_model("gemma-3-27b");
  const auto hw = hw::load_hardware("h200");
  kv::KvPolicy p3;
  p3.fill_defaults(g3);
  const StepModel sm(g3, hw, Parallelism{1, 1}, p3);
  EXPECT_EQ(sm.rules().size(), 2u);  // window 1024 and full
  const auto ds = model::load_model("deepseek-v3");
  kv::KvPolicy pd;
  pd.fill_defaults(ds);
  const StepModel tp(ds, hw, Parallelism{8, 1, 1}, pd), ep(ds, hw, Parallelism{8, 1, 8}, pd);
  StepBatch b = tp.empty_batch();
  b.decode_seqs = 64;
  b.decode_attended[0] = 64 * 8192.0;
  b.logit_rows = 64;
  EXPECT_GT(tp.cost(b).seconds, 0);
  EXPECT_GT(ep.cost(b).seconds, 0);
  EXPECT_THROW(StepModel(ds, hw, Parallelism{8, 1, 4}, pd), core::ConfigError);
}

TEST(StepModel, FastTotalsEqualTheBreakdown) {
  const auto g3 = model::load_model("gemma-3-27b");
  const auto hw = hw::load_hardware("h100-sxm");
  kv::KvPolicy p;
  p.fill_defaults(g3);
  const StepModel sm(g3, hw, Parallelism{2, 1}, p);
  StepBatch b = sm.empty_batch();
  b.decode_seqs = 12;
  b.logit_rows = 14;
  for (size_t r = 0; r < sm.rules().size(); ++r)
    b.decode_attended[r] = 12 * 3000.0;
  add_prefill_chunk(b, sm.rules(), 1500, 700);
  add_prefill_chunk(b, sm.rules(), 0, 300);
  const StepCost c = sm.cost(b);
  for (int pass = 0; pass < 2; ++pass) {  // the second pass reads the memo
    const StepTime t = sm.time(b);
    EXPECT_NEAR(t.seconds, c.seconds, 1e-12 * c.seconds);
    EXPECT_NEAR(t.hbm_bytes, c.work.level(Level::hbm), 1e-9 * t.hbm_bytes);
    double bound_sum = 0;
    for (double s : t.bound_seconds)
      bound_sum += s;
    EXPECT_NEAR(bound_sum, t.seconds, 1e-12 * t.seconds);
  }
}

TEST(StepModel, PrefillChunkPairsRespectTheWindow) {
  std::vector<kv::RetentionRule> rules(2);
  rules[1].recent = 100;
  auto pairs = [&](int64_t prefix, int64_t tokens) {
    StepBatch b;
    b.decode_attended.assign(2, 0);
    b.prefill_pairs.assign(2, 0);
    b.prefill_kv.assign(2, 0);
    add_prefill_chunk(b, rules, prefix, tokens);
    return std::pair{b.prefill_pairs, b.prefill_kv};
  };
  // Brute force: row i of the chunk sees min(prefix + i, window) keys.
  for (auto [prefix, tokens] :
       {std::pair<int64_t, int64_t>{0, 50}, {0, 250}, {80, 50}, {150, 40}, {30, 500}}) {
    double full = 0, win = 0;
    for (int64_t i = 1; i <= tokens; ++i) {
      full += static_cast<double>(prefix + i);
      win += static_cast<double>(std::min<int64_t>(prefix + i, 100));
    }
    const auto [p, kv] = pairs(prefix, tokens);
    EXPECT_DOUBLE_EQ(p[0], full) << prefix << "+" << tokens;
    EXPECT_DOUBLE_EQ(p[1], win) << prefix << "+" << tokens;
    EXPECT_DOUBLE_EQ(kv[1], static_cast<double>(std::min<int64_t>(prefix + tokens, 100)));
  }
}

// Calibration recovers efficiencies used to generate synthetic measurements.
TEST(Calibration, RecoversKnownEfficiencies) {
  hw::HardwareProfile truth = hw::load_hardware("h100-sxm");
  truth.kernels.gemm.tensor = 0.6;
  truth.kernels.gemm.hbm = 0.7;
  std::vector<Sample> samples;
  for (int64_t m : {1, 4, 16, 64, 256, 1024, 4096, 8192}) {
    for (int64_t nk : {1024, 4096, 8192, 16384}) {
      Sample s;
      s.op = GemmOp{m, nk, nk, GemmDtype::bf16};
      s.family = "gemm";
      s.measured_s = operator_cost(s.op, truth).seconds;
      samples.push_back(s);
    }
  }
  hw::HardwareProfile start = hw::load_hardware("h100-sxm");
  CalibrationOptions opt;
  opt.max_evaluations = 1500;
  const Calibration cal = calibrate(samples, start, opt);
  ASSERT_EQ(cal.fits.size(), 1u);
  EXPECT_LT(cal.fits[0].loss_after, cal.fits[0].loss_before);
  EXPECT_NEAR(cal.profile.kernels.gemm.tensor, 0.6, 0.05);
  EXPECT_NEAR(cal.profile.kernels.gemm.hbm, 0.7, 0.05);
  EXPECT_TRUE(cal.profile.efficiency.calibrated);
  EXPECT_LE(cal.profile.efficiency.hbm, 1.0);
}

// A seeded term (off in the starting profile) that the rows cannot see stays off, and the
// profile calibrate returns predicts with the loss it reports.
TEST(Calibration, SeededTermsTheRowsCannotSeeStayOff) {
  hw::HardwareProfile start = hw::load_hardware("h100-sxm");
  start.kernels.gemm.block_kstep_s = 0;
  start.kernels.gemm.block_epilogue_exposed = 0;
  hw::HardwareProfile truth = start;
  truth.kernels.gemm.tensor = 0.6;
  std::vector<Sample> samples;
  for (int64_t m : {1, 16, 64, 256, 1024, 2048, 8192}) {
    for (int64_t nk : {1024, 4096, 16384}) {
      Sample s;
      s.op = GemmOp{m, nk, nk, GemmDtype::bf16};  // no block-scaled rows
      s.family = "gemm";
      s.measured_s = operator_cost(s.op, truth).seconds;
      samples.push_back(s);
    }
  }
  CalibrationOptions opt;
  opt.max_evaluations = 600;
  const Calibration cal = calibrate(samples, start, opt);
  ASSERT_EQ(cal.fits.size(), 1u);
  EXPECT_EQ(cal.profile.kernels.gemm.block_kstep_s, 0.0);
  EXPECT_EQ(cal.profile.kernels.gemm.block_epilogue_exposed, 0.0);
  double loss = 0;
  for (const Sample& s : samples) {
    const double r = std::log(operator_cost(s.op, cal.profile).seconds / s.measured_s);
    loss += std::sqrt(r * r + 0.01 * 0.01);
  }
  EXPECT_NEAR(loss / static_cast<double>(samples.size()), cal.fits[0].loss_after, 1e-12);
}

TEST(Calibration, ProfileTextKeepsEverythingButTheFittedBlocks) {
  const std::string original =
      "name: x\n# a comment\nsources: {S: s}\ncompute:\n  sm_count: 100\n  tensor: {bf16: 500}\n"
      "memory:\n  hbm: {capacity_gib: 80, bandwidth_gb_s: 2000}\nefficiency:\n  hbm: 0.5\n  note: "
      "old\n\n\n"
      "notes:\n  - keep me\n";
  hw::HardwareProfile fitted = hw::parse_hardware_profile(core::parse_yaml(original, "x.yaml"));
  fitted.efficiency.hbm = 0.77;
  fitted.kernels.gemm.floor_s = 2.5e-6;
  const std::string out = calibrated_profile_yaml(original, fitted);
  EXPECT_NE(out.find("# a comment"), std::string::npos);
  EXPECT_NE(out.find("  - keep me"), std::string::npos);
  EXPECT_EQ(out.find("note: old"), std::string::npos);
  const hw::HardwareProfile back = hw::parse_hardware_profile(core::parse_yaml(out, "out.yaml"));
  EXPECT_DOUBLE_EQ(back.efficiency.hbm, 0.77);
  EXPECT_NEAR(back.kernels.gemm.floor_s, 2.5e-6, 1e-12);
  EXPECT_EQ(back.notes.size(), 1u);
  // Calibrating a calibrated profile again rewrites it to the same text (no blank lines pile up
  // between the rewritten blocks and what follows them).
  EXPECT_EQ(calibrated_profile_yaml(out, fitted), out);
}

TEST(KernelParams, InheritanceScalesToTheTarget) {
  const hw::HardwareProfile h100 = hw::load_hardware("h100-sxm");
  const hw::HardwareProfile h200 = hw::load_hardware("h200");
  EXPECT_EQ(h200.kernels.inherit, "h100-sxm");
  EXPECT_DOUBLE_EQ(h200.kernels.gemm.floor_s, h100.kernels.gemm.floor_s);  // times unchanged
  const double bw_per_sm = (4.8e12 / 132) / (3.35e12 / 132);
  EXPECT_NEAR(h200.kernels.gemm.unit_bandwidth, h100.kernels.gemm.unit_bandwidth * bw_per_sm, 1);
  const hw::HardwareProfile b200 = hw::load_hardware("b200");
  EXPECT_NEAR(b200.kernels.decode_attention.tensor.fill_units,
              h100.kernels.decode_attention.tensor.fill_units * 148.0 / 132, 1e-6);
  EXPECT_LE(b200.kernels.gemm.hbm, 1.0);
}

}  // namespace
}  // namespace kvsim::perf
