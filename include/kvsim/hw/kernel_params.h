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

// Defaults are round engineering estimates for a current datacenter GPU, used only by profiles
// with neither a `kernels:` section nor an `inherit:`; the shipped profiles are calibrated
// (h100-sxm) or inherit from one that is.
struct GemmKernelParams {
  double floor_s = 3e-6;            ///< fixed cost of one GEMM launch
  double unit_overhead_s = 0.5e-6;  ///< serial prologue/epilogue of one work unit (tile x split)
  double unit_bandwidth = 300e9;    ///< bytes/s one latency-bound unit streams from HBM
  double overlap = 1.0;             ///< p of the soft max of latency chain and throughput (>= 1)
  double split_k_min_k = 512;       ///< smallest k range a split-K kernel gives one unit
  double hbm = 0.85;                ///< achieved fraction of HBM peak
  double l2 = 0.9;                  ///< achieved fraction of L2 peak
  double tensor = 0.8;              ///< achieved fraction of the bf16/fp16 tensor peak
  double fp8_tensor = 0.7;          ///< achieved fraction of the fp8 tensor peak
  double fp8_block_tensor = 0.55;   ///< fp8 with 128x128 weight / 1x128 activation scales
  bool fp8_block_split_k = false;   ///< block-scaled kernels offer split-K
  double block_kstep_s = 0;         ///< per-unit latency of one 128-wide k block (fp8_block)
  /// Fraction of an output tile's store (at one SM's share of the HBM rate) that a block-scaled
  /// (fp8_block) kernel does not overlap with its next tile: a per-unit latency.
  double block_epilogue_exposed = 0;
  /// Fraction of the weight bytes beyond L2 capacity that a block-scaled kernel re-reads from HBM
  /// for each further m tile (its m tiles do not share weight tiles through L2).
  double block_weight_reread = 0;
  /// Latency a planned block-scaled GEMM pays per row of its last m tile past m, per 128 columns
  /// of the tile and per 128-wide k block (TMA bounds-checked loads; 0: free).
  double block_oob_row_kstep_s = 0;
  /// Fixed cost a split-K GEMM adds for reducing its fp32 partials (a second kernel, or the
  /// serialised fix-up of the splits), on top of the partials' HBM bytes.
  double split_k_reduce_s = 0;
  double l2_cluster = 2;  ///< CTAs sharing operand loads (TMA multicast)
  double act_quant_tensor_s =
      10e-6;  ///< fixed cost of per-tensor activation quantisation (amax + quantise)
  double act_quant_block_s =
      3e-6;  ///< fixed cost of fused per-block (1x128) activation quantisation
};

struct ElementwiseKernelParams {
  double floor_s = 4e-6;  ///< fixed cost of one memory-bound elementwise / reduction launch
  double hbm = 0.7;       ///< achieved fraction of HBM peak
};

/// One code path of a decode-attention kernel (tensor-core grouped heads, or CUDA-core per head).
/// "Kernel head dim" below is the head dim the kernel computes over: XQA pads a head to 64, 128 or
/// 256 elements, MMHA lays its threads out for the next power of two (perf/decode_attention.cpp).
struct AttentionPathParams {
  double floor_s = 8e-6;
  double fp8_floor_s = 8e-6;
  double overhead_base_s = 10e-9;          ///< per work unit, amortised over the machine
  double overhead_per_head_dim_s = 1e-9;   ///< x kernel head dim / 128
  double overhead_per_group_dim_s = 1e-9;  ///< x kernel head dim x group / 4096
  /// Scales the fp8 kernel's fixed per-unit overhead (base and head-dim terms); its per-group-dim
  /// term is the 16-bit kernel's.
  double fp8_overhead_scale = 1.0;
  double saturating_units = 132;  ///< concurrent units needed to reach the full HBM rate
  double fill_units = 264;        ///< units a kernel aims for when it splits the KV (SMs x blocks)
  double min_split_tokens = 256;  ///< each split covers at least this many tokens
  double kv_tile_tokens = 64;     ///< a unit walks the KV in tiles of this many tokens
  double hbm = 0.85;
  double compute = 0.1;  ///< achieved fraction of the engine's peak for attention math
  double overlap = 1.5;
  double combine_s = 3e-6;  ///< extra time of the split-KV combine
  double dequant_flops_per_value = 1;
  /// With DecodeAttentionParams::window_full_grid: KV tokens a split outside the sliding window
  /// still streams before it finds nothing to do; bf16/fp16 caches and quantised caches.
  double window_split_tokens = 0;
  double fp8_window_split_tokens = 0;
  /// Serial time of one CTA per query row it holds, per 128 kernel head dims (not hidden by more
  /// units).
  double cta_row_s = 0;
  /// Caps the splits of one sequence at round(sqrt(factor x splits)) so the final reduction
  /// does not dominate (0: no cap); a grid-planning constant of the kernel, not fitted.
  double split_sqrt_factor = 0;
  /// Serial time of the split-KV combine per split it reduces (the last CTA reads every split's
  /// partial output), on top of combine_s.
  double combine_per_split_s = 0;
  /// When > 0, min_split_tokens and kv_tile_tokens hold at this head dim and scale as
  /// ref / head_dim, the head dim rounded up to a power of two: a kernel whose threads split
  /// each head's dims (laid out for that power of two, `dh_max`) walks fewer tokens per loop step
  /// the wider the head (TensorRT-LLM's MMHA); 0: fixed token counts.
  double split_ref_head_dim = 0;
  /// When > 0, the kernel's launcher tunes its block size to the grid, and its split-KV grid
  /// fills one wave, rounded up (TensorRT-LLM's MMHA). This is how many base-size blocks fit on
  /// an SM: a grid of fewer than SMs x this units grows its blocks (2x or 4x threads) to fill the
  /// SMs, so a wave holds SMs x this / growth CTAs, and the grid pays for its tail wave (at the
  /// tail's HBM ramp; serial per-CTA work in full). Splits = ceil(fill_units / units) while
  /// units < fill_units, else 1. 0: splits = floor(fill_units / units), no waves.
  double wave_blocks_per_sm = 0;
  /// With wave_blocks_per_sm: the lifetime of one wave of CTAs, which each wave after the first
  /// adds. An unsplit grid adds it to its per-CTA latency (which throughput can hide); a split grid
  /// adds it after its body, as the combine waits for the last wave's partials.
  double extra_wave_s = 0;
  /// With wave_blocks_per_sm: base-size blocks per SM of the kernel a grid of at least fill_units
  /// units runs (MMHA's single-block kernel; on H100 4, from its launcher's register limit, where
  /// the multi-block kernel's measured split points need 2); its grids of at least SMs x this
  /// units keep the base size. 0: the same as wave_blocks_per_sm.
  double unsplit_blocks_per_sm = 0;
  /// When true, every CTA of the grid pays the per-unit overhead (overhead_*_ns), the split-KV
  /// CTAs included: a kernel whose split CTAs each run the whole prologue and epilogue (load q,
  /// write the partial, take the sequence's semaphore; TensorRT-LLM's XQA). When false, only the
  /// batch x heads units before the split pay it.
  bool overhead_per_cta = false;
  /// With overhead_per_cta: the fraction of the per-CTA overhead and of the combine's per-split
  /// cost that an idle split of a sliding window pays (it finds no attended token and skips its
  /// KV loop), for 16-bit caches and for the fp8 kernel's shapes.
  double idle_split_overhead = 0;
  double fp8_idle_split_overhead = 0;
  /// Fixed latency of one CTA whatever its rows (launch, load q, first KV tile, write o) that
  /// comes before its own stream and does not overlap it: the body is at least this plus the
  /// stream time.
  double cta_latency_s = 0;
  /// CTAs of this kernel resident on one SM at once (its launch bounds); with tile_latency_s.
  double resident_ctas_per_sm = 0;
  /// Latency of one CTA's step over one KV tile (kv_tile_tokens), plus tile_latency_per_row_s per
  /// query row it holds, at a kernel head dim of 128 and scaling with it, when its few loads in
  /// flight, not HBM, set the pace: a CTA then streams at most one tile per latency, and an SM's
  /// CTAs beyond resident_ctas_per_sm wait their turn. 0: no such bound.
  double tile_latency_s = 0;
  double tile_latency_per_row_s = 0;
  /// The overlap exponent of the fp8 kernel's overhead with its stream, on shapes that get its
  /// lower per-unit overhead (fp8_max_group_dim); 0: `overlap`.
  double fp8_overlap = 0;
};

struct DecodeAttentionParams {
  double max_tensor_group = 32;  ///< largest query-group size the tensor-core path handles
  /// Sliding windows: the kernel plans its split-KV grid over the whole sequence it keeps, not
  /// over the window (the splits that miss the window cost `window_split_tokens` each).
  bool window_full_grid = false;
  /// Shapes that get the tensor-core path's fp8-cache constants (0: every shape). Its shorter
  /// launch floor (fp8_floor_us) needs head dim >= `fp8_min_head_dim`; its per-unit overhead
  /// scale (fp8_overhead_scale), overlap (fp8_overlap) and idle-split costs
  /// (fp8_window_split_tokens, fp8_idle_split_overhead) need query rows x head dim per CTA <=
  /// `fp8_max_group_dim`. Other narrow-cache shapes pay the 16-bit kernel's constants, over the
  /// narrow bytes. Measured on TensorRT-LLM's H100 decode kernels.
  double fp8_min_head_dim = 0;
  double fp8_max_group_dim = 0;
  /// Grouped-query shapes run on the tensor-core kernel only when it fills the machine:
  /// kv_heads x batch x max(1, floor(past tokens / tensor.min_split_tokens)) x this >= SMs;
  /// otherwise on the CUDA-core kernel. fp8 caches and multi-token queries always take the
  /// tensor-core kernel (the CUDA-core one has no fp8-cache variant for 16-bit queries); other
  /// caches (16-bit, int8, int4) follow the rule. 0: no such dispatch. TensorRT-LLM's XQA/MMHA
  /// choice (`mayHavePerfGain`, factor 4).
  double tensor_min_block_factor = 0;
  AttentionPathParams tensor{8e-6, 7e-6, 25e-9, 1e-9, 20e-9, 0.25, 64, 400,
                             256,  64,   0.85,  0.1,  1.5,   3e-6, 0.2};
  AttentionPathParams cuda_core{8e-6, 8.5e-6, 9e-9, 0.3e-9, 0.1e-9, 1.0,  150, 320,
                                128,  16,     0.85, 0.1,    1.5,    4e-6, 2.5};
};

struct PrefillAttentionParams {
  double floor_s = 8e-6;
  double tensor = 0.60;  ///< achieved fraction of tensor peak (FlashAttention-3 class kernels)
  double q_tile = 128;   ///< query rows per CTA
  double kv_tile = 128;  ///< KV tokens per step
};

struct CollectiveParams {
  double floor_s = 10e-6;     ///< fixed cost of one collective launch (NCCL kernel + sync)
  double step_latency_s = 0;  ///< latency of one algorithm step; 0 = the link's latency figure
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
