// Runner of the KV-append family: bf16 K/V rows quantised into a paged pool through a slot
// mapping. Sampled rows must equal the host mirror's bytes exactly (the device and the mirror
// share the quantisation code), and every value must be within its dtype's round-trip bound
// (cpu/tolerance.h): the reported error is the largest |dequantised - input| / bound.

#include <cmath>

#include "bench.h"
#include "cpu/mirror.h"
#include "cpu/tolerance.h"

namespace kvbench {
namespace {

constexpr uint64_t kSeedK = 401, kSeedV = 402, kSeedTable = 403;
constexpr float kAmp = 2.0f;

double value_bound(KvDtype d, double x, double lo, double hi, float tscale) {
  if (d == KvDtype::bf16) return 0;
  return d == KvDtype::fp8 ? tol::fp8_value(x, tscale) : tol::int4_value(lo, hi);
}

}  // namespace

Outcome run_append(Context& ctx, const AppendShape& s) {
  const int64_t blocks = ceil_div(s.tokens, s.block_tokens);
  const int64_t pool = 2 * blocks;
  const auto table = make_block_table(1, blocks, pool, true, kSeedTable);
  const KvPaging paging{s.block_tokens, static_cast<int32_t>(blocks), 0, table.data()};
  std::vector<int32_t> slots(static_cast<size_t>(s.tokens));
  for (int32_t t = 0; t < s.tokens; ++t)
    slots[static_cast<size_t>(t)] = static_cast<int32_t>(paging.slot(0, t));
  DeviceBuffer slots_dev(slots.size() * 4);
  KVB_CHECK(cudaMemcpy(slots_dev.get(), slots.data(), slots_dev.bytes(), cudaMemcpyHostToDevice));

  const int32_t dim = s.k_dim(), heads = s.cache_heads();
  const KvGeom g{s.dtype, dim};
  const int64_t rows = pool * s.block_tokens * heads;
  const float tscale = s.dtype == KvDtype::fp8 ? 0.25f : 1.0f;
  const int64_t in_n = int64_t{s.tokens} * heads * dim;
  DeviceBuffer k_in(static_cast<size_t>(in_n) * 2),
      v_in(s.mla() ? 0 : static_cast<size_t>(in_n) * 2);
  cuda::fill_bf16(k_in.get<uint16_t>(), in_n, kSeedK, kAmp, ctx.stream);
  if (!s.mla()) cuda::fill_bf16(v_in.get<uint16_t>(), in_n, kSeedV, kAmp, ctx.stream);
  std::vector<DeviceBuffer> data, scales;
  std::vector<KvCache> caches;
  for (int c = 0; c < s.caches(); ++c) {
    data.emplace_back(static_cast<size_t>(rows * g.data_bytes()));
    scales.emplace_back(static_cast<size_t>(rows * g.scale_bytes()));
    caches.push_back(
        {g, heads, data.back().get<uint8_t>(), scales.back().get<Int4Group>(), tscale});
  }
  const KvCache& vcache = caches.back();
  TimedRun t;
  t.run = [&] {
    cuda::kv_append(s, k_in.get<uint16_t>(), v_in.get<uint16_t>(), slots_dev.get<int32_t>(),
                    caches[0], vcache, ctx.stream);
  };
  t.poison = [&] {
    for (int c = 0; c < s.caches(); ++c) {
      KVB_CHECK(cudaMemsetAsync(data[static_cast<size_t>(c)].get(), 0xff,
                                data[static_cast<size_t>(c)].bytes(), ctx.stream));
      if (scales[static_cast<size_t>(c)].bytes() > 0)
        KVB_CHECK(cudaMemsetAsync(scales[static_cast<size_t>(c)].get(), 0xff,
                                  scales[static_cast<size_t>(c)].bytes(), ctx.stream));
    }
  };
  Outcome o;
  o.timing = measure(ctx, t);

  // Sampled rows: the first and last tokens and six random ones, first and last head, K and V.
  std::vector<int32_t> tokens = {0, s.tokens - 1};
  for (int i = 0; i < 6; ++i)
    tokens.push_back(static_cast<int32_t>(mix64(17, static_cast<uint64_t>(i)) %
                                          static_cast<uint64_t>(s.tokens)));
  std::vector<uint16_t> in(static_cast<size_t>(dim));
  std::vector<uint8_t> want(static_cast<size_t>(g.data_bytes())), got(want.size());
  std::vector<Int4Group> want_s(static_cast<size_t>(g.groups())), got_s(want_s.size());
  double worst = 0;
  int64_t mismatches = 0;
  for (int32_t tok : tokens)
    for (int32_t h : {0, heads - 1})
      for (int c = 0; c < s.caches(); ++c) {
        const uint64_t seed = c == 0 ? kSeedK : kSeedV;
        const int64_t base = (int64_t{tok} * heads + h) * dim;
        for (int32_t d = 0; d < dim; ++d)
          in[static_cast<size_t>(d)] = random_bf16(seed, static_cast<uint64_t>(base + d), kAmp);
        mirror::quantise_row(in.data(), g, tscale, want.data(), want_s.data());
        const int64_t row = caches[static_cast<size_t>(c)].row(slots[static_cast<size_t>(tok)], h);
        KVB_CHECK(cudaMemcpy(got.data(),
                             data[static_cast<size_t>(c)].get<uint8_t>() + row * g.data_bytes(),
                             got.size(), cudaMemcpyDeviceToHost));
        if (!got_s.empty())
          KVB_CHECK(cudaMemcpy(got_s.data(),
                               scales[static_cast<size_t>(c)].get<Int4Group>() + row * g.groups(),
                               got_s.size() * sizeof(Int4Group), cudaMemcpyDeviceToHost));
        for (size_t i = 0; i < got.size(); ++i)
          mismatches += got[i] != want[i];
        for (size_t i = 0; i < got_s.size(); ++i)
          mismatches +=
              got_s[i].scale_f16 != want_s[i].scale_f16 || got_s[i].zero_f16 != want_s[i].zero_f16;
        for (int32_t d = 0; d < dim; ++d) {
          const int32_t g0 = d / kInt4Group * kInt4Group;
          double lo = INFINITY, hi = -INFINITY;
          for (int32_t j = g0; j < g0 + kInt4Group; ++j) {
            lo = std::min(lo, static_cast<double>(bf16_to_f32(in[static_cast<size_t>(j)])));
            hi = std::max(hi, static_cast<double>(bf16_to_f32(in[static_cast<size_t>(j)])));
          }
          const double x = bf16_to_f32(in[static_cast<size_t>(d)]);
          const double back = dequant_value(g, got.data(), got_s.data(), d, tscale);
          const double bound = value_bound(s.dtype, x, lo, hi, tscale);
          const double e = std::fabs(back - x);
          worst = std::max(worst, std::isnan(back) ? 1e9
                                  : bound > 0      ? e / bound
                                                   : (e > 0 ? 1e9 : 0.0));
        }
      }
  o = checked(std::move(o), worst, 1.0);
  if (mismatches > 0 && o.status == "ok") {
    o.status = "failed";
    o.reason = std::to_string(mismatches) + " bytes or scales differ from the host mirror";
  }
  return o;
}

}  // namespace kvbench
