#pragma once
// Host mirrors of the validation kernels: the same algorithm as the CUDA code, step for step
// (CTA decomposition, KV splits, tiles, dequantisation to bf16 in shared memory, online softmax
// with bf16 probabilities, fp32 accumulation, the split combine, paging, int4 group quantisation),
// built from the same shared functions (validation/kernels/common/). The no-GPU tests run these
// against the fp64 references, so the kernels' algorithm is checked on every build; the device
// code differs only in how threads share the work (and so in fp32 summation order).

#include <vector>

#include "../kernels/common/attention.h"
#include "../kernels/common/kv_layout.h"

namespace kvbench::mirror {

/// A bf16 tile value as the kernels stage it in shared memory.
inline float staged(const KvCache& c, int64_t row, int64_t d) {
  return round_bf16(dequant_value(c.geom, c.row_data(row), c.row_scales(row), d, c.tensor_scale));
}

/// Decode attention. q: [batch][q_heads][dk] bf16; out: [batch][q_heads][dv] bf16. For MLA, v is
/// ignored (V is the first dv values of each K row).
inline void decode(const DecodeShape& s, const DecodePlan& p, const std::vector<uint16_t>& q,
                   const KvCache& k, const KvCache& v, const KvPaging& paging,
                   std::vector<uint16_t>& out) {
  const int64_t dk = s.dk(), dv = s.dv(), group = s.group();
  const float scale = softmax_scale(s.dk());
  const int64_t part_rows = static_cast<int64_t>(s.batch) * s.q_heads;
  std::vector<float> pm(static_cast<size_t>(part_rows * p.splits));
  std::vector<float> pl(pm.size());
  std::vector<float> po(pm.size() * static_cast<size_t>(dv));
  out.assign(static_cast<size_t>(part_rows * dv), 0);
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < s.cache_heads(); ++h)
      for (int64_t chunk = 0; chunk < p.head_chunks; ++chunk)
        for (int32_t split = 0; split < p.splits; ++split) {
          const int64_t first_head = h * group + chunk * kRowsPerCta;
          const int64_t rows = min64(kRowsPerCta, group - chunk * kRowsPerCta);
          std::vector<float> m(kRowsPerCta, neg_inf()), l(kRowsPerCta, 0.0f);
          std::vector<float> o(static_cast<size_t>(kRowsPerCta * dv), 0.0f);
          int32_t begin = 0, end = 0;
          split_bounds(s, p, split, begin, end);
          for (int32_t t0 = begin; t0 < end; t0 += p.tile_tokens) {
            const int32_t n = static_cast<int32_t>(min64(p.tile_tokens, end - t0));
            for (int64_t r = 0; r < rows; ++r) {
              const uint16_t* qr = &q[static_cast<size_t>((b * s.q_heads + first_head + r) * dk)];
              std::vector<float> sc(static_cast<size_t>(n));
              float tile_max = neg_inf();
              for (int32_t j = 0; j < n; ++j) {
                const int64_t krow = k.row(paging.slot(b, t0 + j), h);
                float dot = 0;
                for (int64_t d = 0; d < dk; ++d)
                  dot += bf16_to_f32(qr[d]) * staged(k, krow, d);
                sc[static_cast<size_t>(j)] = dot * scale;
                tile_max = std::max(tile_max, dot * scale);
              }
              float& mr = m[static_cast<size_t>(r)];
              const float alpha = softmax_rescale(mr, tile_max);
              float* orow = &o[static_cast<size_t>(r * dv)];
              for (int64_t d = 0; d < dv; ++d)
                orow[d] *= alpha;
              float sum = 0;
              for (int32_t j = 0; j < n; ++j) {
                const float pj = round_bf16(expf(sc[static_cast<size_t>(j)] - mr));
                sum += pj;
                const int64_t slot = paging.slot(b, t0 + j);
                for (int64_t d = 0; d < dv; ++d)
                  orow[d] +=
                      pj * (s.mla() ? staged(k, k.row(slot, h), d) : staged(v, v.row(slot, h), d));
              }
              l[static_cast<size_t>(r)] = l[static_cast<size_t>(r)] * alpha + sum;
            }
          }
          for (int64_t r = 0; r < rows; ++r) {
            const int64_t qh = first_head + r;
            const size_t pr = static_cast<size_t>((b * s.q_heads + qh) * p.splits + split);
            pm[pr] = m[static_cast<size_t>(r)];
            pl[pr] = l[static_cast<size_t>(r)];
            for (int64_t d = 0; d < dv; ++d)
              po[pr * static_cast<size_t>(dv) + static_cast<size_t>(d)] =
                  o[static_cast<size_t>(r * dv + d)];
          }
        }
  for (int64_t row = 0; row < part_rows; ++row) {
    const size_t base = static_cast<size_t>(row * p.splits);
    for (int64_t d = 0; d < dv; ++d) {
      float val = 0;
      if (p.splits == 1) {
        val = po[base * static_cast<size_t>(dv) + static_cast<size_t>(d)] / pl[base];
      } else {
        val = combine_value(&pm[base], &pl[base], &po[base * static_cast<size_t>(dv)], p.splits, dv,
                            d);
      }
      out[static_cast<size_t>(row * dv + d)] = f32_to_bf16(val);
    }
  }
}

/// Prefill attention. q, out: [batch][q_len][q_heads][d]; k, v: [batch][kv_len][kv_heads][d],
/// all bf16.
inline void prefill(const PrefillShape& s, const std::vector<uint16_t>& q,
                    const std::vector<uint16_t>& k, const std::vector<uint16_t>& v,
                    std::vector<uint16_t>& out) {
  const int64_t d = s.head_dim;
  const float scale = softmax_scale(s.head_dim);
  out.assign(q.size(), 0);
  auto kv_at = [&](const std::vector<uint16_t>& x, int64_t b, int64_t t, int64_t h, int64_t i) {
    return bf16_to_f32(x[static_cast<size_t>(((b * s.kv_len + t) * s.kv_heads + h) * d + i)]);
  };
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < s.q_heads; ++h)
      for (int32_t q0 = 0; q0 < s.q_len; q0 += kPrefillQTile) {
        const int64_t hk = h / s.group();
        const int32_t tiles = prefill_kv_tiles(s, q0);
        const int32_t rows = static_cast<int32_t>(min64(kPrefillQTile, s.q_len - q0));
        for (int32_t r = 0; r < rows; ++r) {
          const int32_t i = q0 + r;
          const uint16_t* qr = &q[static_cast<size_t>(((b * s.q_len + i) * s.q_heads + h) * d)];
          float m = neg_inf(), l = 0;
          std::vector<float> o(static_cast<size_t>(d), 0.0f);
          for (int32_t tile = 0; tile < tiles; ++tile) {
            const int32_t t0 = tile * kPrefillKvTile;
            const int32_t t1 = static_cast<int32_t>(min64(t0 + kPrefillKvTile, s.visible(i)));
            if (t0 >= t1) continue;  // the warp's rows are all above this tile's diagonal
            std::vector<float> sc(static_cast<size_t>(t1 - t0));
            float tile_max = neg_inf();
            for (int32_t t = t0; t < t1; ++t) {
              float dot = 0;
              for (int64_t x = 0; x < d; ++x)
                dot += bf16_to_f32(qr[x]) * kv_at(k, b, t, hk, x);
              sc[static_cast<size_t>(t - t0)] = dot * scale;
              tile_max = std::max(tile_max, dot * scale);
            }
            const float alpha = softmax_rescale(m, tile_max);
            for (float& x : o)
              x *= alpha;
            float sum = 0;
            for (int32_t t = t0; t < t1; ++t) {
              const float pj = round_bf16(expf(sc[static_cast<size_t>(t - t0)] - m));
              sum += pj;
              for (int64_t x = 0; x < d; ++x)
                o[static_cast<size_t>(x)] += pj * kv_at(v, b, t, hk, x);
            }
            l = l * alpha + sum;
          }
          uint16_t* orow = &out[static_cast<size_t>(((b * s.q_len + i) * s.q_heads + h) * d)];
          for (int64_t x = 0; x < d; ++x)
            orow[x] = f32_to_bf16(o[static_cast<size_t>(x)] / l);
        }
      }
}

/// Quantises one row of `dim` bf16 values into a cache row, as the append kernel does (one warp
/// per row; a 32-value int4 group is one warp's lanes).
inline void quantise_row(const uint16_t* in, const KvGeom& g, float tensor_scale, uint8_t* data,
                         Int4Group* scales) {
  for (int64_t d = 0; d < g.dim; ++d) {
    const float x = bf16_to_f32(in[d]);
    if (g.dtype == KvDtype::bf16) {
      data[2 * d] = static_cast<uint8_t>(in[d] & 0xff);
      data[2 * d + 1] = static_cast<uint8_t>(in[d] >> 8);
    } else if (g.dtype == KvDtype::fp8) {
      data[d] = f32_to_e4m3(x / tensor_scale);
    }
  }
  if (g.dtype != KvDtype::int4) return;
  for (int64_t grp = 0; grp < g.groups(); ++grp) {
    float lo = INFINITY, hi = -INFINITY;
    for (int64_t j = 0; j < kInt4Group; ++j) {
      const float x = bf16_to_f32(in[grp * kInt4Group + j]);
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    scales[grp] = int4_group_params(lo, hi);
    for (int64_t j = 0; j < kInt4Group; j += 2) {
      const int64_t d = grp * kInt4Group + j;
      const uint32_t q0 = int4_quantise(bf16_to_f32(in[d]), scales[grp]);
      const uint32_t q1 = int4_quantise(bf16_to_f32(in[d + 1]), scales[grp]);
      data[d / 2] = static_cast<uint8_t>(q0 | (q1 << 4));
    }
  }
}

/// KV append: token i's rows (k_in/v_in: [tokens][cache_heads][dim] bf16) go to slot slots[i].
inline void append(const AppendShape& s, const std::vector<uint16_t>& k_in,
                   const std::vector<uint16_t>& v_in, const std::vector<int32_t>& slots, KvCache& k,
                   KvCache& v) {
  for (int64_t i = 0; i < s.tokens; ++i)
    for (int64_t h = 0; h < s.cache_heads(); ++h)
      for (int c = 0; c < s.caches(); ++c) {
        KvCache& cache = c == 0 ? k : v;
        const std::vector<uint16_t>& in = c == 0 ? k_in : v_in;
        const int64_t row = cache.row(slots[static_cast<size_t>(i)], h);
        const int64_t dim = cache.geom.dim;
        quantise_row(&in[static_cast<size_t>((i * s.cache_heads() + h) * dim)], cache.geom,
                     cache.tensor_scale, cache.data + row * cache.geom.data_bytes(),
                     cache.scales + row * cache.geom.groups());
      }
}

}  // namespace kvbench::mirror
