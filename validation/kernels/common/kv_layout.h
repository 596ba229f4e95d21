#pragma once
// How the validation kernels store a KV cache, shared by the kernels, the host mirrors and the
// byte counts. A cache is a pool of rows; row (slot * kv_heads + head) holds one token of one head
// (or of the MLA latent). Data and int4 scales live in separate arrays:
//   data    row_data_bytes() per row: bf16 (2 B/value), fp8 (1 B/value), int4 (two per byte)
//   scales  int4 only: one Int4Group (fp16 scale, fp16 zero point) per 32 values of a row
// fp8 uses one fp32 scale per tensor (a kernel argument). A slot is a token position in the pool:
// contiguous caches give sequence b the slots [b * capacity, (b + 1) * capacity); paged caches map
// token t of sequence b through a block table to slot table[b][t / block] * block + t % block.

#include <vector>

#include "rng.h"

namespace kvbench {

struct KvGeom {
  KvDtype dtype = KvDtype::bf16;
  int32_t dim = 128;  ///< values per row; a multiple of 32

  KVB_HD int64_t data_bytes() const {
    return dtype == KvDtype::bf16 ? 2 * dim : dtype == KvDtype::fp8 ? dim : dim / 2;
  }
  KVB_HD int64_t groups() const { return dtype == KvDtype::int4 ? dim / kInt4Group : 0; }
  KVB_HD int64_t scale_bytes() const { return groups() * static_cast<int64_t>(sizeof(Int4Group)); }
  KVB_HD int64_t row_bytes() const { return data_bytes() + scale_bytes(); }
};

struct KvPaging {
  int32_t block_tokens = 0;        ///< 0 = contiguous
  int32_t blocks_per_seq = 0;      ///< paged: length of a block-table row
  int64_t seq_capacity = 0;        ///< contiguous: token slots per sequence
  const int32_t* table = nullptr;  ///< paged: [batch][blocks_per_seq] physical block ids

  KVB_HD int64_t slot(int64_t b, int64_t t) const {
    if (block_tokens == 0) return b * seq_capacity + t;
    const int64_t block = table[b * blocks_per_seq + t / block_tokens];
    return block * block_tokens + t % block_tokens;
  }
};

/// One cache: its geometry, pool and the tensor-wide fp8 scale.
struct KvCache {
  KvGeom geom;
  int32_t heads = 1;
  uint8_t* data = nullptr;
  Int4Group* scales = nullptr;
  float tensor_scale = 1.0f;  ///< fp8: value = e4m3 * tensor_scale

  KVB_HD int64_t row(int64_t slot, int64_t head) const { return slot * heads + head; }
  KVB_HD const uint8_t* row_data(int64_t r) const { return data + r * geom.data_bytes(); }
  KVB_HD const Int4Group* row_scales(int64_t r) const { return scales + r * geom.groups(); }
};

/// Value `d` of a row as the kernels see it after dequantisation (in fp32, before any rounding to
/// bf16 for the tensor cores).
KVB_HD float dequant_value(const KvGeom& g, const uint8_t* data_row, const Int4Group* scale_row,
                           int64_t d, float tensor_scale) {
  switch (g.dtype) {
    case KvDtype::bf16: {
      const uint16_t lo = data_row[2 * d], hi = data_row[2 * d + 1];
      return bf16_to_f32(static_cast<uint16_t>(lo | (hi << 8)));
    }
    case KvDtype::fp8:
      return e4m3_to_f32(data_row[d]) * tensor_scale;
    case KvDtype::int4: {
      const Int4Group s = scale_row[d / kInt4Group];
      return int4_dequantise(int4_nibble(data_row, d), f16_to_f32(s.scale_f16),
                             f16_to_f32(s.zero_f16));
    }
  }
  return 0;
}

// ---- Random cache contents, by physical row (the device fill and the host regenerate these) ----

/// Byte `i` of the data of physical row `r`.
KVB_HD uint8_t cache_byte(const KvGeom& g, uint64_t seed, int64_t r, int64_t i) {
  const uint64_t idx = static_cast<uint64_t>(r * g.data_bytes() + i);
  switch (g.dtype) {
    case KvDtype::bf16: {
      const uint16_t v = random_bf16(seed, idx >> 1, 1.0f);
      return static_cast<uint8_t>((i & 1) ? v >> 8 : v & 0xff);
    }
    case KvDtype::fp8:
      return random_e4m3(seed, idx);
    case KvDtype::int4:
      return random_int4_pair(seed, idx);
  }
  return 0;
}

KVB_HD Int4Group cache_group(const KvGeom& g, uint64_t seed, int64_t r, int64_t group) {
  return random_int4_group(seed ^ 0x5ca1ab1eull, static_cast<uint64_t>(r * g.groups() + group));
}

/// Dequantised value `d` of generated row `r`, computed from the generator alone.
inline float generated_value(const KvGeom& g, uint64_t seed, int64_t r, int64_t d,
                             float tensor_scale) {
  switch (g.dtype) {
    case KvDtype::bf16: {
      const uint32_t lo = cache_byte(g, seed, r, 2 * d), hi = cache_byte(g, seed, r, 2 * d + 1);
      return bf16_to_f32(static_cast<uint16_t>(lo | (hi << 8)));
    }
    case KvDtype::fp8:
      return e4m3_to_f32(cache_byte(g, seed, r, d)) * tensor_scale;
    case KvDtype::int4: {
      const Int4Group s = cache_group(g, seed, r, d / kInt4Group);
      const uint32_t q = (cache_byte(g, seed, r, d / 2) >> ((d & 1) * 4)) & 0xfu;
      return int4_dequantise(q, f16_to_f32(s.scale_f16), f16_to_f32(s.zero_f16));
    }
  }
  return 0;
}

/// Block table for `batch` sequences of `blocks_per_seq` blocks in a pool of `pool_blocks`:
/// contiguous placement gives each sequence consecutive blocks; random placement draws distinct
/// blocks uniformly from the whole pool (a seeded Fisher-Yates shuffle).
inline std::vector<int32_t> make_block_table(int64_t batch, int64_t blocks_per_seq,
                                             int64_t pool_blocks, bool random, uint64_t seed) {
  std::vector<int32_t> ids(static_cast<size_t>(pool_blocks));
  for (int64_t i = 0; i < pool_blocks; ++i)
    ids[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  const int64_t need = batch * blocks_per_seq;
  if (random) {
    for (int64_t i = 0; i < need && i < pool_blocks - 1; ++i) {
      const uint64_t span = static_cast<uint64_t>(pool_blocks - i);
      const int64_t j = i + static_cast<int64_t>(mix64(seed, static_cast<uint64_t>(i)) % span);
      const int32_t t = ids[static_cast<size_t>(i)];
      ids[static_cast<size_t>(i)] = ids[static_cast<size_t>(j)];
      ids[static_cast<size_t>(j)] = t;
    }
  }
  ids.resize(static_cast<size_t>(need));
  return ids;
}

}  // namespace kvbench
