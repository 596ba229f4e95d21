// kvsim validate over several measurement files, as scripts/measure-gpu.sh runs it on
// kvsim-bench's per-family CSVs, and the published H100 report.

#include <gtest/gtest.h>

#include "../unit/test_util.h"
#include "kvsim/core/doc.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

bool contains(const std::string& h, const std::string& n) {
  return h.find(n) != std::string::npos;
}

TEST(ValidateCli, SeveralFilesNamedReportWithWorstRowsAndRoofline) {
  TempFile gemm("gemm.csv",
                "op,m,n,k,dtype,measured_us,split\ngemm,8192,8192,8192,bf16,1400,heldout\n"
                "gemm,1,8192,8192,bf16,46,heldout\ngemm,16,8192,8192,bf16,48,fit\n");
  TempFile stream("stream.csv",
                  "op,bytes,working_set_bytes,kernel,measured_us,split\n"
                  "stream,2147483648,0,stream_copy_v16,720,heldout\n"
                  "stream,4294967296,16777216,l2_read_v16,560,heldout\n"
                  "launch,,,,4,heldout\n");
  const std::string dir = gemm.dir() + "/reports";
  Result r = run_kvsim({"validate", "--measurements", gemm.path(), "--measurements", stream.path(),
                        "--split", "heldout", "--out", dir, "--name", "my-gpu"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote " + dir + "/my-gpu.json and " + dir + "/my-gpu.md")) << r.out;
  const std::string md = slurp(dir + "/my-gpu.md");
  EXPECT_TRUE(contains(md, "| gemm | 2 |")) << md;  // the fit row is left out
  EXPECT_TRUE(contains(md, "| stream | 2 |")) << md;
  EXPECT_TRUE(contains(md, "## Roofline")) << md;
  EXPECT_TRUE(contains(md, "| stream | no arithmetic | 2 |")) << md;
  EXPECT_TRUE(contains(md, "| gemm.csv:2 | gemm |") || contains(md, "| gemm.csv:3 | gemm |")) << md;
  EXPECT_TRUE(contains(md, "m=8192 n=8192 k=8192 bf16")) << md;
  EXPECT_TRUE(contains(md, "stream.csv:4: ")) << md;  // the launch row lacks `kernels`
  const core::Doc j = core::parse_json(slurp(dir + "/my-gpu.json"), "v.json");
  EXPECT_EQ(j.find("rows_used")->text, "4");
  EXPECT_EQ(j.find("rows_rejected")->text, "1");
  ASSERT_NE(j.find("worst"), nullptr);
  ASSERT_NE(j.find("roofline"), nullptr);

  Result bad = run_kvsim({"validate", "--measurements", gemm.path(), "--name", "a/b"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(contains(bad.err, "--name")) << bad.err;
}

// reports/validation/h100-sxm.md is the held-out report of the shipped profile (CI regenerates it
// with scripts/reference-report.sh and fails when it differs).
TEST(ValidateCli, PublishedH100ReportCoversTheHeldOutRows) {
  const std::string md = slurp(std::string(KVSIM_SOURCE_DIR) + "/reports/validation/h100-sxm.md");
  EXPECT_TRUE(contains(md, "(split `heldout`)")) << md.substr(0, 400);
  for (const char* family : {"| gemm |", "| decode_attention |", "| all_reduce |"})
    EXPECT_TRUE(contains(md, family)) << family;
  EXPECT_TRUE(contains(md, "## Roofline"));
  EXPECT_TRUE(contains(md, "## Worst 15 rows"));
}

}  // namespace
}  // namespace kvsim::test
