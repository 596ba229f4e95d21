#pragma once
// The attention algorithm of the validation kernels, shared by the CUDA kernels and the host
// mirrors that the no-GPU tests run:
//
// Decode (decode_attention.cu): one CTA per (sequence, cache head, chunk of up to 16 query heads
// of that cache head's group, KV split). The query rows sit in one 16-row tensor-core tile
// (padded with zero rows). The CTA walks its split's tokens in tiles of tile_tokens: it stages the
// K (and V) rows of the tile in shared memory dequantised to bf16, computes S = Q K^T in fp32 on
// tensor cores, updates the online softmax (running max m, running sum l, probabilities rounded
// to bf16), rescales the fp32 output accumulator and adds P V. With one split it writes O / l in
// bf16; with several it writes (m, l, unnormalised O) in fp32 and a combine kernel merges them.
//
// Prefill (prefill_attention.cu): FlashAttention-style. One CTA per (sequence, query head, tile
// of 64 query rows); four warps own 16 rows each; K/V tiles of 64 tokens; tiles wholly above the
// causal diagonal are skipped, the diagonal tile is masked.

#include <cmath>

#include "shapes.h"

namespace kvbench {

inline constexpr int kRowsPerCta = 16;       ///< query rows of one decode CTA (tensor-core M)
inline constexpr int kMinSplitTokens = 256;  ///< a decode split covers at least this many tokens
inline constexpr int kPrefillQTile = 64;
inline constexpr int kPrefillKvTile = 64;

KVB_HD float neg_inf() {
  return -INFINITY;
}

struct DecodePlan {
  int32_t tile_tokens = 64;  ///< 32 for head dims over 256 (MLA), to fit shared memory
  int32_t head_chunks = 1;   ///< CTAs per cache head for its query group
  int32_t splits = 1;
  int32_t split_tokens = 0;  ///< tokens per split, a multiple of tile_tokens
};

/// Splits the KV so that the grid fills about `target_ctas` CTAs (SMs x resident CTAs), each
/// split covering whole tiles and at least kMinSplitTokens tokens; no split is empty.
inline DecodePlan plan_decode(const DecodeShape& s, int64_t target_ctas) {
  DecodePlan p;
  p.tile_tokens = s.dk() > 256 ? 32 : 64;
  p.head_chunks = static_cast<int32_t>(ceil_div(s.group(), kRowsPerCta));
  const int64_t units = static_cast<int64_t>(s.batch) * s.cache_heads() * p.head_chunks;
  const int64_t le = s.attended();
  const int64_t max_splits = max64(1, le / kMinSplitTokens);
  const int64_t want = max64(1, target_ctas / units);
  const int64_t splits = min64(want, max_splits);
  const int64_t per = ceil_div(ceil_div(le, splits), p.tile_tokens) * p.tile_tokens;
  p.split_tokens = static_cast<int32_t>(per);
  p.splits = static_cast<int32_t>(ceil_div(le, per));
  return p;
}

/// Tokens [begin, end) of split `split`.
KVB_HD void split_bounds(const DecodeShape& s, const DecodePlan& p, int32_t split, int32_t& begin,
                         int32_t& end) {
  begin = s.first_token() + split * p.split_tokens;
  end = static_cast<int32_t>(min64(static_cast<int64_t>(begin) + p.split_tokens, s.kv_len));
}

/// 1 / sqrt(query-key dim): the softmax scale of every kernel here.
KVB_HD float softmax_scale(int32_t dk) {
  return 1.0f / sqrtf(static_cast<float>(dk));
}

/// Online softmax: takes the tile's row maximum (of scaled scores), updates the running maximum
/// and returns the factor that rescales the running sum and the output accumulator.
KVB_HD float softmax_rescale(float& m, float tile_max) {
  const float m_new = m > tile_max ? m : tile_max;
  const float alpha = m == neg_inf() ? 0.0f : expf(m - m_new);
  m = m_new;
  return alpha;
}

/// Merges the partial results of one query row over `splits` splits: split s has running max
/// m[s], sum l[s] and unnormalised output o[s * stride + d]. Returns output value d.
KVB_HD float combine_value(const float* m, const float* l, const float* o, int32_t splits,
                           int64_t stride, int64_t d) {
  float big = neg_inf();
  for (int32_t s = 0; s < splits; ++s)
    big = m[s] > big ? m[s] : big;
  float sum = 0, acc = 0;
  for (int32_t s = 0; s < splits; ++s) {
    if (l[s] == 0.0f) continue;  // an empty split
    const float w = expf(m[s] - big);
    sum += l[s] * w;
    acc += o[s * stride + d] * w;
  }
  return acc / sum;
}

/// KV tiles a prefill query tile starting at row `q0` visits (causal: up to its last row's
/// diagonal).
KVB_HD int32_t prefill_kv_tiles(const PrefillShape& s, int32_t q0) {
  const int32_t last = static_cast<int32_t>(min64(q0 + kPrefillQTile, s.q_len)) - 1;
  return static_cast<int32_t>(ceil_div(s.visible(last), kPrefillKvTile));
}

}  // namespace kvbench
