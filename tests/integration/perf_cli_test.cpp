// predict, validate, calibrate and step as a user runs them.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../unit/test_util.h"
#include "kvsim/core/csv.h"
#include "kvsim/core/doc.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

bool contains(const std::string& h, const std::string& n) {
  return h.find(n) != std::string::npos;
}

TEST(PredictCli, AddsPredictedTimeAndBoundToEveryRow) {
  TempFile ops(
      "ops.csv",
      "op,m,n,k,dtype,label\ngemm,8192,8192,8192,bf16,\"cube, big\"\ngemm,1,8192,8192,bf16,gemv\n"
      "all_reduce,,,,,ar\n");
  // The all_reduce row lacks bytes/gpus: predict refuses the whole file and writes nothing.
  const std::string out = ops.dir() + "/pred.csv";
  Result bad = run_kvsim({"predict", "--ops", ops.path(), "--out", out});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, ops.path() + ":4:")) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(out));

  TempFile good(
      "ops.csv",
      "op,m,n,k,dtype,label\ngemm,8192,8192,8192,bf16,\"cube, big\"\ngemm,1,8192,8192,bf16,gemv\n");
  Result r = run_kvsim({"predict", "--hardware", "h100-sxm", "--ops", good.path()});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream in(r.out);
  core::CsvReader csv(in, "out");
  ASSERT_TRUE(csv.column("predicted_us") && csv.column("bound") && csv.column("label"));
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(std::string(csv.text("label")), "cube, big");
  EXPECT_EQ(std::string(csv.text("bound")), "tensor");
  const double cube_us = csv.number("predicted_us", core::Range::positive());
  EXPECT_GT(cube_us, 1000);
  ASSERT_TRUE(csv.next());
  EXPECT_EQ(std::string(csv.text("bound")), "hbm");
}

TEST(ValidateCli, WritesReportsAndListsRejectedRows) {
  TempFile m("m.csv",
             "op,m,n,k,dtype,measured_us\ngemm,8192,8192,8192,bf16,1400\ngemm,1,8192,8192,bf16,46\n"
             "gemm,1,8192,8192,bf16,-3\ngemm,4096,4096,4096,bf16,190\n");
  const std::string dir = m.dir() + "/report";
  Result r = run_kvsim({"validate", "--measurements", m.path(), "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "gemm")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 rows rejected")) << r.out;
  const core::Doc j = core::parse_json(slurp(dir + "/validation.json"), "v.json");
  EXPECT_EQ(j.find("rows_used")->text, "3");
  EXPECT_EQ(j.find("rows_rejected")->text, "1");
  for (const char* k : {"overall", "by_family", "by_bound", "by_size", "rejected"})
    EXPECT_NE(j.find(k), nullptr) << k;
  for (const char* k : {"mape_pct", "median_abs_pct", "p90_abs_pct", "bias_pct", "spearman"}) {
    EXPECT_NE(j.find("by_family")->find("gemm")->find(k), nullptr) << k;
  }
  EXPECT_TRUE(contains(slurp(dir + "/validation.md"), "## Rejected rows")) << "markdown report";
  TempFile none("n.csv", "op,m,n,k,dtype,measured_us\ngemm,1,1,1,bf16,-1\n");
  EXPECT_EQ(run_kvsim({"validate", "--measurements", none.path()}).code, 2);
  TempFile nocol("c.csv", "op,m,n,k,dtype\ngemm,1,1,1,bf16\n");
  Result c = run_kvsim({"validate", "--measurements", nocol.path()});
  EXPECT_EQ(c.code, 2);
  EXPECT_TRUE(contains(c.err, "no 'measured_us' column")) << c.err;
}

TEST(ValidateCli, GroupsDecodeAttentionByKernelPath) {
  // An fp8 cache runs the tensor-core kernel; MHA the CUDA-core one, which splits the KV of one
  // sequence of 32 heads (under the 132 SMs) but not of 64 sequences.
  TempFile m("m.csv",
             "op,batch,kv_len,q_heads,kv_heads,head_dim,kv_dtype,measured_us\n"
             "decode_attention,1,4096,64,8,128,fp8,11\n"
             "decode_attention,1,4096,32,32,128,bf16,47\n"
             "decode_attention,64,4096,32,32,128,bf16,2200\n");
  const std::string dir = m.dir() + "/report";
  Result r = run_kvsim({"validate", "--measurements", m.path(), "--out", dir});
  ASSERT_EQ(r.code, 0) << r.err;
  const core::Doc j = core::parse_json(slurp(dir + "/validation.json"), "v.json");
  const core::Doc* kernels = j.find("by_kernel");
  ASSERT_NE(kernels, nullptr);
  for (const char* k : {"decode_attention/tensor_core", "decode_attention/cuda_core_split",
                        "decode_attention/cuda_core"}) {
    ASSERT_NE(kernels->find(k), nullptr) << k;
    EXPECT_EQ(kernels->find(k)->find("n")->text, "1") << k;
  }
  EXPECT_TRUE(contains(slurp(dir + "/validation.md"), "## By family and kernel path"));
}

TEST(CalibrateCli, WritesALoadableProfileAndAHeldOutReport) {
  std::string csv = "op,m,n,k,dtype,measured_us,split\n";
  int i = 0;
  for (int m : {1, 8, 64, 512, 4096}) {
    for (int nk : {1024, 2048, 4096, 8192, 16384}) {
      const double flops = 2.0 * m * nk * nk, bytes = (2.0 * m * nk + 2.0 * nk * nk);
      const double us = 3 + std::max(flops / 600e12, bytes / 2.5e12) * 1e6;  // a made-up GPU
      csv += fmt::format("gemm,{},{},{},bf16,{:.3f},{}\n", m, nk, nk, us,
                         (i++ % 3 == 0) ? "heldout" : "fit");
    }
  }
  TempFile m("m.csv", csv);
  const std::string out = m.dir() + "/fitted.yaml";
  Result r = run_kvsim({"calibrate", "--measurements", m.path(), "--hardware", "h100-sxm", "--out",
                        out, "--report", m.dir(), "--max-evaluations", "300"});
  ASSERT_EQ(r.code, 0) << r.err;
  Result check = run_kvsim({"check", out});
  EXPECT_EQ(check.code, 0) << check.err;
  const std::string profile = slurp(out);
  EXPECT_TRUE(contains(profile, "calibrated: true"));
  EXPECT_TRUE(contains(profile, "sources:")) << "the sources survive calibration";
  EXPECT_TRUE(contains(slurp(m.dir() + "/calibration.md"), "median before"))
      << "before/after table";
  Result use =
      run_kvsim({"validate", "--measurements", m.path(), "--hardware", out, "--split", "heldout"});
  EXPECT_EQ(use.code, 0) << use.err;
}

TEST(StepCli, PrintsABreakdown) {
  Result r = run_kvsim({"step", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "4",
                        "--decode-seqs", "16", "--context", "16384"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* op :
       {"decode_attention[full]", "qkv_proj", "mlp_up", "tp_all_reduce", "lm_head"}) {
    EXPECT_TRUE(contains(r.out, op)) << op;
  }
  Result j = run_kvsim({"step", "--model", "deepseek-v3", "--hardware", "h200", "--tp", "8", "--ep",
                        "8", "--prefill-seqs", "2", "--chunk", "4096", "--json"});
  ASSERT_EQ(j.code, 0) << j.err;
  EXPECT_NE(core::parse_json(j.out, "s.json").find("step_seconds"), nullptr);
  EXPECT_EQ(run_kvsim({"step", "--model", "llama-3.1-8b", "--hardware", "h100-sxm"}).code, 2);
  Result ep = run_kvsim({"step", "--model", "mixtral-8x7b", "--hardware", "h100-sxm", "--tp", "4",
                         "--ep", "2", "--decode-seqs", "1"});
  EXPECT_EQ(ep.code, 2);
  EXPECT_TRUE(contains(ep.err, "--ep")) << ep.err;
}

}  // namespace
}  // namespace kvsim::test
