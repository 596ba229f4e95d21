// The validation kernels' algorithms (host mirrors, validation/cpu/mirror.h) against the fp64
// references, on small shapes, without a GPU: decode attention over contiguous and paged caches
// (MHA, GQA, MQA, MLA; head dims 64/128/256; bf16, fp8, int4; windows; split-K with combine),
// prefill attention (causal, cached prefix, GQA), KV append with quantisation, and attention over
// a cache filled by the append path against the unquantised values.

#include <gtest/gtest.h>

#include <cmath>

#include "cpu/mirror.h"
#include "cpu/reference.h"
#include "cpu/tolerance.h"

namespace kvbench {
namespace {

// A host KV cache pool with generated contents, and its addressing.
struct HostCache {
  KvCache cache;
  std::vector<uint8_t> data;
  std::vector<Int4Group> scales;

  HostCache(KvGeom g, int32_t heads, int64_t slots, uint64_t seed, float tensor_scale) {
    const int64_t rows = slots * heads;
    data.resize(static_cast<size_t>(rows * g.data_bytes()));
    scales.resize(static_cast<size_t>(rows * g.groups()));
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t i = 0; i < g.data_bytes(); ++i)
        data[static_cast<size_t>(r * g.data_bytes() + i)] = cache_byte(g, seed, r, i);
      for (int64_t i = 0; i < g.groups(); ++i)
        scales[static_cast<size_t>(r * g.groups() + i)] = cache_group(g, seed, r, i);
    }
    cache = {g, heads, data.data(), scales.data(), tensor_scale};
  }
};

struct Paged {
  std::vector<int32_t> table;
  KvPaging paging;
  int64_t slots = 0;

  Paged(const DecodeShape& s, int64_t pool_factor) {
    if (s.block_tokens == 0) {
      paging.seq_capacity = s.kv_len + 3;  // spare capacity, as a real contiguous reservation
      slots = s.batch * paging.seq_capacity;
      return;
    }
    const int64_t per_seq = ceil_div(s.kv_len, s.block_tokens);
    const int64_t pool = s.batch * per_seq * pool_factor;
    table = make_block_table(s.batch, per_seq, pool, s.random_blocks, 99);
    paging.block_tokens = s.block_tokens;
    paging.blocks_per_seq = static_cast<int32_t>(per_seq);
    paging.table = table.data();
    slots = pool * s.block_tokens;
  }
};

std::vector<uint16_t> random_bf16s(size_t n, uint64_t seed, float amp) {
  std::vector<uint16_t> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = random_bf16(seed, i, amp);
  return v;
}

// Max over outputs of |o - ref| / max |v| (tolerance.h), decode over generated caches.
double decode_error(const DecodeShape& s, int64_t target_ctas, int32_t* splits = nullptr) {
  const Paged pg(s, 3);
  const float kscale = s.dtype == KvDtype::fp8 ? 0.5f : 1.0f;
  const HostCache k({s.dtype, s.dk()}, s.cache_heads(), pg.slots, 21, kscale);
  const HostCache v({s.dtype, s.dv()}, s.cache_heads(), pg.slots, 22, kscale);
  const auto q = random_bf16s(static_cast<size_t>(s.batch) * s.q_heads * s.dk(), 23, 1.0f);
  const DecodePlan plan = plan_decode(s, target_ctas);
  if (splits) *splits = plan.splits;
  std::vector<uint16_t> out;
  mirror::decode(s, plan, q, k.cache, v.cache, pg.paging, out);

  const KvCache& vc = s.mla() ? k.cache : v.cache;
  auto val = [](const KvCache& c, int64_t row, int64_t d) {
    return static_cast<double>(
        dequant_value(c.geom, c.row_data(row), c.row_scales(row), d, c.tensor_scale));
  };
  double worst = 0;
  std::vector<double> qd(static_cast<size_t>(s.dk())), ref(static_cast<size_t>(s.dv()));
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t qh = 0; qh < s.q_heads; ++qh) {
      const int64_t h = qh / s.group();
      for (int64_t d = 0; d < s.dk(); ++d)
        qd[static_cast<size_t>(d)] =
            bf16_to_f32(q[static_cast<size_t>((b * s.q_heads + qh) * s.dk() + d)]);
      auto k_at = [&](int64_t t, int64_t d) {
        return val(k.cache, k.cache.row(pg.paging.slot(b, t), h), d);
      };
      auto v_at = [&](int64_t t, int64_t d) { return val(vc, vc.row(pg.paging.slot(b, t), h), d); };
      ref::attention_row(qd.data(), s.dk(), s.dv(), s.first_token(), s.kv_len,
                         1.0 / std::sqrt(static_cast<double>(s.dk())), k_at, v_at, ref.data());
      double vmax = 0;
      for (int64_t t = s.first_token(); t < s.kv_len; ++t)
        vmax = std::max(vmax, ref::max_abs(s.dv(), [&](int64_t d) { return v_at(t, d); }));
      for (int64_t d = 0; d < s.dv(); ++d) {
        const double o = bf16_to_f32(out[static_cast<size_t>((b * s.q_heads + qh) * s.dv() + d)]);
        worst = std::max(worst, std::fabs(o - ref[static_cast<size_t>(d)]) / vmax);
      }
    }
  return worst;
}

DecodeShape gqa(int32_t q_heads, int32_t kv_heads, int32_t head_dim, KvDtype dt, int32_t kv_len) {
  DecodeShape s;
  s.batch = 2;
  s.kv_len = kv_len;
  s.q_heads = q_heads;
  s.kv_heads = kv_heads;
  s.head_dim = head_dim;
  s.dtype = dt;
  return s;
}

class DecodeByDtype : public ::testing::TestWithParam<KvDtype> {};

TEST_P(DecodeByDtype, HeadLayoutsAndHeadDims) {
  const KvDtype dt = GetParam();
  const DecodeShape cases[] = {
      gqa(4, 4, 64, dt, 300),    // MHA (group 1)
      gqa(8, 2, 128, dt, 333),   // GQA group 4
      gqa(16, 1, 128, dt, 200),  // MQA, 16 query heads in one CTA
      gqa(20, 1, 64, dt, 150),   // group 20: two head chunks, the second partly padded
      gqa(4, 2, 256, dt, 130),   // head dim 256
  };
  for (const DecodeShape& s : cases) {
    EXPECT_LE(decode_error(s, 1), tol::attention(dt))
        << "q_heads " << s.q_heads << " kv_heads " << s.kv_heads << " d " << s.head_dim;
  }
}

TEST_P(DecodeByDtype, SplitKWithCombineAndWindow) {
  DecodeShape s = gqa(8, 2, 128, GetParam(), 1500);
  int32_t splits = 0;
  EXPECT_LE(decode_error(s, 64, &splits), tol::attention(s.dtype));
  EXPECT_EQ(splits, 5);  // 1500 tokens, at least 256 per split, in whole 64-token tiles
  s.window = 700;        // the last 700 tokens, split in two
  EXPECT_LE(decode_error(s, 8, &splits), tol::attention(s.dtype));
  EXPECT_EQ(splits, 2);
}

TEST_P(DecodeByDtype, MlaLatent576) {
  DecodeShape s;
  s.batch = 1;
  s.kv_len = 600;
  s.q_heads = 16;
  s.kv_heads = 1;
  s.latent_dim = 512;
  s.rope_dim = 64;
  s.dtype = GetParam();
  int32_t splits = 0;
  EXPECT_LE(decode_error(s, 2, &splits), tol::attention(s.dtype));
  EXPECT_EQ(plan_decode(s, 2).tile_tokens, 32);
  EXPECT_EQ(splits, 2);
}

TEST_P(DecodeByDtype, PagedBlockSizesAndPlacements) {
  for (int32_t block : {1, 16, 64, 256}) {
    for (bool random : {false, true}) {
      DecodeShape s = gqa(8, 2, 64, GetParam(), 700);
      s.block_tokens = block;
      s.random_blocks = random;
      EXPECT_LE(decode_error(s, 16), tol::attention(s.dtype))
          << "block " << block << (random ? " random" : " contiguous");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Validation, DecodeByDtype,
                         ::testing::Values(KvDtype::bf16, KvDtype::fp8, KvDtype::int4),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(ValidationMirror, PlanFillsTheMachineWithoutEmptySplits) {
  DecodeShape s = gqa(64, 8, 128, KvDtype::bf16, 32768);
  s.batch = 1;
  const DecodePlan p = plan_decode(s, 132 * 4);
  // 528 CTAs / 8 units = 66 splits of 497 tokens, rounded up to whole 64-token tiles: 64 x 512.
  EXPECT_EQ(p.splits, 64);
  EXPECT_EQ(p.split_tokens, 512);
  EXPECT_EQ(p.split_tokens % p.tile_tokens, 0);
  int32_t begin = 0, end = 0;
  split_bounds(s, p, p.splits - 1, begin, end);
  EXPECT_GT(end, begin);
  EXPECT_EQ(end, 32768);
  s.batch = 256;  // enough units already: no split
  EXPECT_EQ(plan_decode(s, 132 * 4).splits, 1);
}

double prefill_error(const PrefillShape& s) {
  const size_t qn = static_cast<size_t>(s.batch) * s.q_len * s.q_heads * s.head_dim;
  const size_t kn = static_cast<size_t>(s.batch) * s.kv_len * s.kv_heads * s.head_dim;
  const auto q = random_bf16s(qn, 31, 1.0f), k = random_bf16s(kn, 32, 1.0f),
             v = random_bf16s(kn, 33, 1.0f);
  std::vector<uint16_t> out;
  mirror::prefill(s, q, k, v, out);
  const int64_t d = s.head_dim;
  double worst = 0;
  std::vector<double> qd(static_cast<size_t>(d)), ref(static_cast<size_t>(d));
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t h = 0; h < s.q_heads; ++h)
      for (int32_t i = 0; i < s.q_len; ++i) {
        const int64_t hk = h / s.group();
        const size_t qo = static_cast<size_t>(((b * s.q_len + i) * s.q_heads + h) * d);
        for (int64_t x = 0; x < d; ++x)
          qd[static_cast<size_t>(x)] = bf16_to_f32(q[qo + static_cast<size_t>(x)]);
        auto at = [&](const std::vector<uint16_t>& m) {
          return [&, hk, b](int64_t t, int64_t x) {
            return static_cast<double>(bf16_to_f32(
                m[static_cast<size_t>(((b * s.kv_len + t) * s.kv_heads + hk) * d + x)]));
          };
        };
        ref::attention_row(qd.data(), d, d, 0, s.visible(i), 1.0 / std::sqrt(double(d)), at(k),
                           at(v), ref.data());
        for (int64_t x = 0; x < d; ++x) {
          const double o = bf16_to_f32(out[qo + static_cast<size_t>(x)]);
          worst = std::max(worst, std::fabs(o - ref[static_cast<size_t>(x)]));  // |v| < 1
        }
      }
  return worst;
}

TEST(ValidationMirror, PrefillCausalPrefixAndGqa) {
  PrefillShape s;
  s.batch = 1;
  s.q_heads = 4;
  s.kv_heads = 2;
  s.head_dim = 64;
  s.q_len = s.kv_len = 150;  // three query tiles, the last partial
  EXPECT_LE(prefill_error(s), tol::attention(KvDtype::bf16));
  s.kv_len = 350;  // a chunk of 150 attending to a cached prefix of 200
  EXPECT_LE(prefill_error(s), tol::attention(KvDtype::bf16));
  s.causal = false;
  EXPECT_LE(prefill_error(s), tol::attention(KvDtype::bf16));
  s = PrefillShape{};
  s.q_len = 70;
  s.kv_len = 70;
  s.head_dim = 128;
  EXPECT_LE(prefill_error(s), tol::attention(KvDtype::bf16));
  EXPECT_EQ(prefill_kv_tiles(s, 64), 2);  // rows 64..69 see keys up to 69
}

// KV append through a slot mapping, then read back and attended over.
class AppendByDtype : public ::testing::TestWithParam<KvDtype> {};

TEST_P(AppendByDtype, QuantisesIntoPagesWithinTolerance) {
  const KvDtype dt = GetParam();
  AppendShape a;
  a.tokens = 300;
  a.kv_heads = 2;
  a.head_dim = 128;
  a.dtype = dt;
  a.block_tokens = 16;
  const int64_t blocks = ceil_div(a.tokens, a.block_tokens) * 4;
  const auto table = make_block_table(1, ceil_div(a.tokens, a.block_tokens), blocks, true, 5);
  KvPaging paging{a.block_tokens, static_cast<int32_t>(table.size()), 0, table.data()};
  std::vector<int32_t> slots(static_cast<size_t>(a.tokens));
  for (int32_t t = 0; t < a.tokens; ++t)
    slots[static_cast<size_t>(t)] = static_cast<int32_t>(paging.slot(0, t));
  const size_t n = static_cast<size_t>(a.tokens) * a.kv_heads * a.head_dim;
  const auto k_in = random_bf16s(n, 41, 2.0f), v_in = random_bf16s(n, 42, 2.0f);
  const float tscale = dt == KvDtype::fp8 ? 0.25f : 1.0f;
  HostCache k({dt, a.head_dim}, a.kv_heads, blocks * a.block_tokens, 1, tscale);
  HostCache v({dt, a.head_dim}, a.kv_heads, blocks * a.block_tokens, 2, tscale);
  mirror::append(a, k_in, v_in, slots, k.cache, v.cache);

  for (int32_t t = 0; t < a.tokens; ++t)
    for (int32_t h = 0; h < a.kv_heads; ++h) {
      const int64_t row = k.cache.row(slots[static_cast<size_t>(t)], h);
      const size_t base = static_cast<size_t>((t * a.kv_heads + h) * a.head_dim);
      for (int g = 0; g < a.head_dim / kInt4Group; ++g) {
        double lo = INFINITY, hi = -INFINITY;
        for (int j = 0; j < kInt4Group; ++j) {
          lo = std::min(lo, double(bf16_to_f32(k_in[base + static_cast<size_t>(g * 32 + j)])));
          hi = std::max(hi, double(bf16_to_f32(k_in[base + static_cast<size_t>(g * 32 + j)])));
        }
        for (int j = 0; j < kInt4Group; ++j) {
          const int64_t d = g * kInt4Group + j;
          const double x = bf16_to_f32(k_in[base + static_cast<size_t>(d)]);
          const double back = dequant_value(k.cache.geom, k.cache.row_data(row),
                                            k.cache.row_scales(row), d, tscale);
          const double bound = dt == KvDtype::bf16  ? 0.0
                               : dt == KvDtype::fp8 ? tol::fp8_value(x, tscale)
                                                    : tol::int4_value(lo, hi);
          ASSERT_LE(std::fabs(back - x), bound) << "token " << t << " d " << d;
        }
      }
    }

  // Decode over the appended tokens against fp64 attention on the unquantised bf16 values.
  DecodeShape s = gqa(8, 2, 128, dt, a.tokens);
  s.batch = 1;
  s.block_tokens = a.block_tokens;
  const auto q = random_bf16s(static_cast<size_t>(s.q_heads) * 128, 43, 1.0f);
  std::vector<uint16_t> out;
  mirror::decode(s, plan_decode(s, 8), q, k.cache, v.cache, paging, out);
  double worst = 0;
  std::vector<double> qd(128), ref(128);
  for (int qh = 0; qh < s.q_heads; ++qh) {
    for (int d = 0; d < 128; ++d)
      qd[static_cast<size_t>(d)] = bf16_to_f32(q[static_cast<size_t>(qh * 128 + d)]);
    auto orig = [&](const std::vector<uint16_t>& x) {
      return [&, qh](int64_t t, int64_t d) {
        return double(bf16_to_f32(x[static_cast<size_t>((t * 2 + qh / 4) * 128 + d)]));
      };
    };
    ref::attention_row(qd.data(), 128, 128, 0, a.tokens, 1.0 / std::sqrt(128.0), orig(k_in),
                       orig(v_in), ref.data());
    for (int d = 0; d < 128; ++d) {
      const double o = bf16_to_f32(out[static_cast<size_t>(qh * 128 + d)]);
      worst = std::max(worst, std::fabs(o - ref[static_cast<size_t>(d)]) / 2.0);  // |v| < 2
    }
  }
  EXPECT_LE(worst, tol::attention_end_to_end(dt));
}

INSTANTIATE_TEST_SUITE_P(Validation, AppendByDtype,
                         ::testing::Values(KvDtype::bf16, KvDtype::fp8, KvDtype::int4),
                         [](const auto& info) { return std::string(to_string(info.param)); });

}  // namespace
}  // namespace kvbench
