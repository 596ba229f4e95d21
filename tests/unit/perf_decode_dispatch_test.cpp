// Which decode-attention kernel a shape runs on under the occupancy dispatch
// (DecodeAttentionParams::tensor_min_block_factor): grouped-query shapes take the tensor-core
// kernel only when KV heads x batch x max(1, floor(past tokens / 128)) x factor reaches the SM
// count; fp8 caches, multi-token queries and MLA always take it.

#include <gtest/gtest.h>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/decode_attention.h"

namespace kvsim::perf {
namespace {

/// H100 (132 SMs) with the dispatch at TensorRT-LLM's constants: factor 4, 128-token blocks.
hw::HardwareProfile h100_with_dispatch(double factor) {
  hw::HardwareProfile hw = hw::load_hardware("h100-sxm");
  hw.kernels.decode_attention.tensor_min_block_factor = factor;
  hw.kernels.decode_attention.tensor.min_split_tokens = 128;
  return hw;
}

bool tensor_path(const DecodeAttentionOp& op, const hw::HardwareProfile& hw) {
  return plan_decode_attention(op, hw).tensor_path;
}

TEST(DecodeDispatch, NonFp8CachesTakeTheTensorKernelOnlyWhenItFillsTheMachine) {
  const hw::HardwareProfile hw = h100_with_dispatch(4);
  ASSERT_EQ(hw.sm_count, 132);
  // Batch 1, 8 KV heads (group 8): blocks needed >= 132 / (8 x 4) = 4.125, so 5 blocks of 128
  // past tokens. kv_len 640 has 639 past tokens (4 blocks), kv_len 641 has 640 (5 blocks).
  EXPECT_FALSE(tensor_path({1, 640, 64, 8, 128, "bf16"}, hw));
  EXPECT_TRUE(tensor_path({1, 641, 64, 8, 128, "bf16"}, hw));
  EXPECT_FALSE(tensor_path({1, 512, 64, 8, 128, "fp16"}, hw));
  EXPECT_FALSE(tensor_path({1, 512, 64, 8, 128, "int8"}, hw));  // MMHA has int8-cache kernels
  // Short histories count as one block: 33 x 1 x 1 x 4 = 132 reaches the SMs, 32 does not.
  EXPECT_TRUE(tensor_path({33, 2, 8, 1, 128, "bf16"}, hw));
  EXPECT_FALSE(tensor_path({32, 2, 8, 1, 128, "bf16"}, hw));
}

TEST(DecodeDispatch, Fp8CachesMultiTokenQueriesAndMlaAlwaysTakeTheTensorKernel) {
  const hw::HardwareProfile hw = h100_with_dispatch(4);
  EXPECT_TRUE(tensor_path({1, 512, 64, 8, 128, "fp8"}, hw));  // no CUDA-core fp8-cache kernel
  DecodeAttentionOp speculative{1, 512, 64, 8, 128, "bf16"};
  speculative.q_len = 2;
  EXPECT_TRUE(tensor_path(speculative, hw));
  DecodeAttentionOp mla{1, 512, 16, 1, 0, "bf16"};
  mla.latent_dim = 512;
  mla.rope_dim = 64;
  EXPECT_TRUE(tensor_path(mla, hw));
  // MHA stays on the CUDA-core kernel whatever the occupancy.
  EXPECT_FALSE(tensor_path({256, 8192, 32, 32, 128, "bf16"}, hw));
}

TEST(DecodeDispatch, FactorZeroTurnsTheDispatchOff) {
  const hw::HardwareProfile hw = h100_with_dispatch(0);
  EXPECT_TRUE(tensor_path({1, 512, 64, 8, 128, "bf16"}, hw));
  EXPECT_TRUE(tensor_path({1, 2, 8, 1, 128, "bf16"}, hw));
}

TEST(DecodeDispatch, ADispatchedShapeCostsWhatTheCudaCorePathCostsIt) {
  hw::HardwareProfile hw = h100_with_dispatch(4);
  const DecodeAttentionOp op{1, 512, 64, 8, 128, "bf16"};
  const double dispatched = decode_attention_cost(op, hw).seconds;
  // The same shape sent to the CUDA-core path the other way, by a group limit below its group 8.
  hw.kernels.decode_attention.tensor_min_block_factor = 0;
  const double on_tensor = decode_attention_cost(op, hw).seconds;
  hw.kernels.decode_attention.max_tensor_group = 4;
  ASSERT_FALSE(tensor_path(op, hw));
  EXPECT_DOUBLE_EQ(decode_attention_cost(op, hw).seconds, dispatched);
  EXPECT_NE(on_tensor, dispatched);
}

}  // namespace
}  // namespace kvsim::perf
