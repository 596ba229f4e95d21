#pragma once
// Fitted constants of the kernel-level performance model, per operator family: launch floors,
// per-work-unit overheads, per-unit (latency-bound) bandwidth, achieved fractions of peak, and the
// shape terms of how kernels split work. Stored in a profile's `kernels:` section, written by
// `kvsim calibrate`. A profile may instead say `kernels: {inherit: OTHER}`: it then takes OTHER's
// values, scaled to its own hardware (see scaled_kernel_params).
//
// Units: seconds, bytes/s, fractions of peak in (0, 1], counts.

#include <string>

#include "kvsim/core/doc.h"

namespace kvsim::hw {

struct GemmKernelParams {
  double floor_s = 2.15e-6;          ///< fixed cost of one GEMM launch
  double unit_overhead_s = 0.54e-6;  ///< serial prologue/epilogue of one work unit (tile x split)
  double unit_bandwidth = 332e9;     ///< bytes/s one latency-bound unit streams from HBM
  double overlap = 1.0;              ///< p of the soft max of latency chain and throughput (>= 1)
  double split_k_min_k = 320;        ///< smallest k range a split-K kernel gives one unit
  double hbm = 0.88;                 ///< achieved fraction of HBM peak
  double l2 = 0.98;                  ///< achieved fraction of L2 peak
  double tensor = 0.83;              ///< achieved fraction of the bf16/fp16 tensor peak
  double fp8_tensor = 0.80;          ///< achieved fraction of the fp8 tensor peak
  double fp8_block_tensor = 0.59;    ///< fp8 with 128x128 weight / 1x128 activation scales
  bool fp8_block_split_k = false;    ///< block-scaled kernels offer split-K
  double l2_cluster = 2;             ///< CTAs sharing operand loads (TMA multicast)
};

struct ElementwiseKernelParams {
  double floor_s = 4.8e-6;  ///< fixed cost of one memory-bound elementwise / reduction launch
  double hbm = 0.62;        ///< achieved fraction of HBM peak
};

/// One code path of a decode-attention kernel (tensor-core grouped heads, or CUDA-core per head).
struct AttentionPathParams {
  double floor_s = 8e-6;
  double fp8_floor_s = 7e-6;
  double overhead_base_s = 9e-9;             ///< per work unit, amortised over the machine
  double overhead_per_head_dim_s = 0.3e-9;   ///< x head_dim / 128
  double overhead_per_group_dim_s = 0.1e-9;  ///< x head_dim x group / 4096
  double fp8_overhead_scale = 1.0;
  double saturating_units = 190;  ///< concurrent units needed to reach the full HBM rate
  double fill_units = 330;        ///< units a kernel aims for when it splits the KV (SMs x blocks)
  double min_split_tokens = 113;  ///< each split covers at least this many tokens
  double kv_tile_tokens = 16;     ///< a unit walks the KV in tiles of this many tokens
  double hbm = 0.82;
  double compute = 0.10;  ///< achieved fraction of the engine's peak for attention math
  double overlap = 1.5;
  double combine_s = 4e-6;  ///< extra time of the split-KV combine
  double dequant_flops_per_value = 2.8;
};

struct DecodeAttentionParams {
  double max_tensor_group = 32;  ///< largest query-group size the tensor-core path handles
  AttentionPathParams tensor{8.2e-6, 6.7e-6, 25.6e-9, 1.3e-9, 21.5e-9, 0.23,   62,  392,
                             338,    67,     0.83,    0.09,   1.5,     3.1e-6, 0.19};
  AttentionPathParams cuda_core{7.5e-6, 8.6e-6, 9.0e-9, 0.34e-9, 0.14e-9, 1.04,   191, 326,
                                113,    11,     0.82,   0.10,    1.5,     4.1e-6, 2.8};
};

struct PrefillAttentionParams {
  double floor_s = 8e-6;
  double tensor = 0.60;  ///< achieved fraction of tensor peak (FlashAttention-3 class kernels)
  double q_tile = 128;   ///< query rows per CTA
  double kv_tile = 128;  ///< KV tokens per step
};

struct CollectiveParams {
  double floor_s = 6e-6;  ///< fixed cost of one collective launch (NCCL kernel + sync)
};

struct KernelParams {
  bool calibrated = false;
  std::string inherit;  ///< source profile when inherited (values already scaled)
  std::string note;
  GemmKernelParams gemm;
  ElementwiseKernelParams elementwise;
  DecodeAttentionParams decode_attention;
  PrefillAttentionParams prefill_attention;
  CollectiveParams collective;
};

/// Parse a `kernels:` map (every key optional; missing keys keep the defaults above).
KernelParams parse_kernel_params(const core::Doc& node, const std::string& path);
/// YAML text of a complete `kernels:` section (2-space indented under the key), for calibrate.
std::string kernel_params_yaml(const KernelParams& k);

}  // namespace kvsim::hw
