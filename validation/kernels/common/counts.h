#pragma once
// The bytes and flops each validation kernel moves (BabelStream's kernel table), derived from the
// buffers the kernel reads and writes, never from the performance model. The harness divides by
// the measured time for achieved rates; the no-GPU tests check these against the model's Work for
// the same shape, so measured and predicted rates count the same bytes.
//
// What is counted is the data a kernel must move, once: inputs read, outputs written, KV rows of
// the attended tokens with their int4 scales, block-table entries of paged attention. Not counted:
// split-KV partial results and the combine pass, the few bytes of per-block partial sums of the
// stream read kernel, and the int32 slot of each appended token (at most 4 / 256 of an append).

#include "attention.h"
#include "kv_layout.h"

namespace kvbench {

struct Counts {
  double hbm_bytes = 0;
  double l2_bytes = 0;    ///< bytes served from L2 beyond the first touch (L2 sweep)
  double host_bytes = 0;  ///< bytes crossing the host link
  double tensor_flops = 0;
  double cuda_core_flops = 0;  ///< dequantisation, softmax, triad arithmetic

  double bytes() const { return hbm_bytes + l2_bytes + host_bytes; }
};

inline double d64(int64_t v) {
  return static_cast<double>(v);
}

inline Counts count(const StreamShape& s) {
  const int arrays = s.kind == StreamKind::triad ? 3 : s.kind == StreamKind::copy ? 2 : 1;
  Counts c;
  c.hbm_bytes = d64(s.elements) * 4 * arrays;
  if (s.kind == StreamKind::triad) c.cuda_core_flops = 2 * d64(s.elements);
  return c;
}

inline Counts count(const L2Shape& s) {
  Counts c;
  c.hbm_bytes = d64(s.working_set_bytes);  // the first pass
  c.l2_bytes = d64(s.working_set_bytes) * (s.passes - 1);
  return c;
}

inline Counts count(const LaunchShape&) {
  return {};
}

inline Counts count(const GemmShape& g) {
  const double in = g.type == GemmType::bf16 ? 2 : 1;
  Counts c;
  c.hbm_bytes = (d64(g.m) * d64(g.k) + d64(g.n) * d64(g.k)) * in + d64(g.m) * d64(g.n) * 2;
  c.tensor_flops = 2 * d64(g.m) * d64(g.n) * d64(g.k);
  return c;
}

inline Counts count(const MemcpyShape& s) {
  Counts c;
  if (s.kind == CopyKind::d2d) {
    c.hbm_bytes = 2 * d64(s.bytes);
  } else {
    c.host_bytes = d64(s.bytes);
  }
  return c;
}

/// Dequantisation arithmetic per cached value as the kernels do it: fp8 one multiply by the
/// tensor scale, int4 a convert, a multiply and an add; bf16 none.
inline double dequant_flops(KvDtype d) {
  return d == KvDtype::int4 ? 3 : d == KvDtype::fp8 ? 1 : 0;
}

inline Counts count(const DecodeShape& s) {
  const KvGeom k{s.dtype, s.dk()}, v{s.dtype, s.dv()};
  const double rows = d64(s.batch) * s.attended() * s.cache_heads();
  const double values = rows * (s.mla() ? s.dk() : s.dk() + s.dv());
  Counts c;
  c.hbm_bytes = rows * d64(s.mla() ? k.row_bytes() : k.row_bytes() + v.row_bytes());
  c.hbm_bytes += d64(s.batch) * s.q_heads * (s.dk() + s.dv()) * 2.0;  // Q in, O out (bf16)
  if (s.block_tokens > 0) c.hbm_bytes += d64(s.batch) * ceil_div(s.attended(), s.block_tokens) * 4;
  c.tensor_flops = 2 * d64(s.batch) * s.q_heads * s.attended() * (s.dk() + s.dv());
  c.cuda_core_flops = values * dequant_flops(s.dtype);
  return c;
}

/// Query-key pairs prefill attention computes (exact causal count).
inline double prefill_pairs(const PrefillShape& s) {
  double pairs = 0;
  for (int32_t i = 0; i < s.q_len; ++i)
    pairs += s.visible(i);
  return pairs;
}

inline Counts count(const PrefillShape& s) {
  Counts c;
  c.hbm_bytes =
      d64(s.batch) * s.head_dim * (2.0 * s.q_len * s.q_heads * 2 + 2.0 * s.kv_len * s.kv_heads * 2);
  const double pairs = d64(s.batch) * s.q_heads * prefill_pairs(s);
  c.tensor_flops = 4 * pairs * s.head_dim;
  c.cuda_core_flops = 2 * pairs;  // scale and exponentiate each score
  return c;
}

inline Counts count(const AppendShape& s) {
  const KvGeom k{s.dtype, s.k_dim()};
  const double rows = d64(s.tokens) * s.cache_heads() * s.caches();
  const double values = rows * s.k_dim();  // V rows have the head dim too
  Counts c;
  c.hbm_bytes = values * 2 + rows * d64(k.row_bytes());
  c.cuda_core_flops = values * (s.dtype == KvDtype::int4 ? 3 : 1);
  return c;
}

}  // namespace kvbench
