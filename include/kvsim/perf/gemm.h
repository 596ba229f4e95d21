#pragma once
// GEMM C[m,n] = A[m,k] x B[k,n]: A is the activation (m tokens), B the weight. Output bf16.

#include <cstdint>
#include <optional>
#include <string_view>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

enum class GemmDtype { bf16, fp16, fp8, fp8_block };
const char* to_string(GemmDtype d);
std::optional<GemmDtype> parse_gemm_dtype(std::string_view s);

/// Whether the operator also quantises A from bf16 (dynamic activation quantisation): per tensor
/// (an amax pass, then a quantise pass) or per 1x128 block (one fused pass).
enum class ActQuant { none, per_tensor, per_block };
const char* to_string(ActQuant q);
std::optional<ActQuant> parse_act_quant(std::string_view s);

struct GemmOp {
  int64_t m = 0;
  int64_t n = 0;
  int64_t k = 0;
  GemmDtype dtype = GemmDtype::bf16;
  ActQuant act_quant = ActQuant::none;
  double b_bits =
      0;  ///< weight-only quantisation: bits per element of B incl. scales (0 = dtype's)
};

/// Useful work: 2mnk tensor flops; HBM bytes of A, B (with block scales) and C once; the
/// quantisation passes when act_quant is set.
Work gemm_work(const GemmOp& op);

/// The CTA tile a block-scaled (fp8_block) GEMM runs with for m >= kBlockScaledPlannedMinM: the
/// plan of TensorRT-LLM's Hopper kernel (DeepGEMM's `get_best_gemm_config`, cited in
/// hardware_profiles/h100-sxm.yaml as TRTLLM-DEEPGEMM). Tiles are 64 rows for m <= 64, else 128;
/// the width is the multiple of 8 in [16, 128] with the fewest waves over `sms` persistent CTAs,
/// then the fullest last wave, then the narrowest. TMA multicast pairs CTAs from m >= 1024 when
/// two tile widths divide n. Below that m the kernel swaps A and B (not planned here).
struct BlockScaledTile {
  double rows = 0;
  double cols = 0;
  double multicast = 1;
};
inline constexpr int64_t kBlockScaledPlannedMinM = 32;
BlockScaledTile plan_block_scaled_tile(int64_t m, int64_t n, int64_t sms);

OpCost gemm_cost(const GemmOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
