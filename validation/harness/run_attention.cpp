// Runners of the attention families: decode over contiguous and paged caches, and prefill. Inputs
// are generated on the device; sampled output rows are checked against fp64 attention over the
// regenerated inputs (cpu/reference.h, tolerances in cpu/tolerance.h).

#include <fmt/format.h>

#include <cmath>

#include "bench.h"
#include "cpu/reference.h"
#include "cpu/tolerance.h"

namespace kvbench {
namespace {

constexpr uint64_t kSeedQ = 301, kSeedK = 302, kSeedV = 303, kSeedTable = 304;

// (sequence, query head) pairs to check: the first, the last, and random ones.
std::vector<std::pair<int64_t, int64_t>> check_rows(int64_t batch, int64_t heads, int count) {
  std::vector<std::pair<int64_t, int64_t>> r = {{0, 0}, {batch - 1, heads - 1}};
  for (int i = 2; i < count; ++i) {
    r.push_back({static_cast<int64_t>(mix64(11, 2 * i) % static_cast<uint64_t>(batch)),
                 static_cast<int64_t>(mix64(11, 2 * i + 1) % static_cast<uint64_t>(heads))});
  }
  return r;
}

}  // namespace

Outcome run_decode(Context& ctx, const DecodeShape& s) {
  const DecodePlan probe = plan_decode(s, 1);
  if (cuda::decode_smem_bytes(s, probe) == 0)
    return waived("head dims must be multiples of 32, at most 576, and fit shared memory");
  const int ctas = cuda::decode_ctas_per_sm(s, probe);
  if (ctas == 0) return waived("the decode kernel does not fit on an SM");
  const DecodePlan p = plan_decode(s, int64_t{ctx.env.sm_count} * ctas);

  std::vector<int32_t> table;
  KvPaging paging;
  int64_t slots = 0;
  if (s.block_tokens > 0) {
    const int64_t per_seq = ceil_div(s.kv_len, s.block_tokens), pool = paged_pool_blocks(s);
    table = make_block_table(s.batch, per_seq, pool, s.random_blocks, kSeedTable);
    paging.block_tokens = s.block_tokens;
    paging.blocks_per_seq = static_cast<int32_t>(per_seq);
    slots = pool * s.block_tokens;
  } else {
    paging.seq_capacity = s.kv_len;
    slots = int64_t{s.batch} * s.kv_len;
  }
  DeviceBuffer table_dev(table.size() * 4);
  if (!table.empty()) {
    KVB_CHECK(cudaMemcpy(table_dev.get(), table.data(), table_dev.bytes(), cudaMemcpyHostToDevice));
    paging.table = table_dev.get<int32_t>();
  }
  const KvGeom gk{s.dtype, s.dk()}, gv{s.dtype, s.dv()};
  const int64_t rows = slots * s.cache_heads();
  const float tscale = s.dtype == KvDtype::fp8 ? 0.5f : 1.0f;
  DeviceBuffer kd(static_cast<size_t>(rows * gk.data_bytes())),
      ks(static_cast<size_t>(rows * gk.scale_bytes()));
  DeviceBuffer vd(s.mla() ? 0 : static_cast<size_t>(rows * gv.data_bytes())),
      vsc(s.mla() ? 0 : static_cast<size_t>(rows * gv.scale_bytes()));
  cuda::DecodeArgs a;
  a.k = {gk, s.cache_heads(), kd.get<uint8_t>(), ks.get<Int4Group>(), tscale};
  a.v =
      s.mla() ? a.k : KvCache{gv, s.cache_heads(), vd.get<uint8_t>(), vsc.get<Int4Group>(), tscale};
  cuda::fill_cache(a.k, rows, kSeedK, ctx.stream);
  if (!s.mla()) cuda::fill_cache(a.v, rows, kSeedV, ctx.stream);
  const int64_t out_rows = int64_t{s.batch} * s.q_heads;
  DeviceBuffer q(static_cast<size_t>(out_rows * s.dk()) * 2),
      out(static_cast<size_t>(out_rows * s.dv()) * 2);
  DeviceBuffer part_o(p.splits > 1 ? static_cast<size_t>(out_rows * p.splits * s.dv()) * 4 : 0),
      part_ml(p.splits > 1 ? static_cast<size_t>(out_rows * p.splits) * 8 : 0);
  cuda::fill_bf16(q.get<uint16_t>(), out_rows * s.dk(), kSeedQ, 1.0f, ctx.stream);
  a.q = q.get<uint16_t>();
  a.paging = paging;
  a.out = out.get<uint16_t>();
  a.part_o = part_o.get<float>();
  a.part_ml = part_ml.get<float>();

  TimedRun t;
  t.run = [&] { cuda::decode_attention(s, p, a, ctx.stream); };
  t.poison = [&] { KVB_CHECK(cudaMemsetAsync(out.get(), 0xff, out.bytes(), ctx.stream)); };
  t.count = [&] {
    cuda::count_poison_16(out.get<uint16_t>(), out_rows * s.dv(),
                          ctx.poison_counter.get<unsigned long long>(), ctx.stream);
  };
  Outcome o;
  o.timing = measure(ctx, t);
  o.extra["splits"] = std::to_string(p.splits);

  // Host view of the paging (the table is on the host too).
  KvPaging host_paging = paging;
  host_paging.table = table.data();
  const KvCache& vc = s.mla() ? a.k : a.v;
  const uint64_t vseed = s.mla() ? kSeedK : kSeedV;
  const int count = int64_t{s.attended()} * s.dk() > (8 << 20) ? 2 : 4;
  std::vector<double> qd(static_cast<size_t>(s.dk())), ref(static_cast<size_t>(s.dv()));
  std::vector<uint16_t> got(static_cast<size_t>(s.dv()));
  double worst = 0;
  for (const auto& [b, qh] : check_rows(s.batch, s.q_heads, count)) {
    const int64_t h = qh / s.group(), row = b * s.q_heads + qh;
    for (int64_t d = 0; d < s.dk(); ++d)
      qd[static_cast<size_t>(d)] =
          bf16_to_f32(random_bf16(kSeedQ, static_cast<uint64_t>(row * s.dk() + d), 1.0f));
    double vmax = 0;
    auto k_at = [&](int64_t tok, int64_t d) {
      return static_cast<double>(
          generated_value(gk, kSeedK, a.k.row(host_paging.slot(b, tok), h), d, tscale));
    };
    auto v_at = [&](int64_t tok, int64_t d) {
      const double v =
          generated_value(vc.geom, vseed, vc.row(host_paging.slot(b, tok), h), d, tscale);
      vmax = std::max(vmax, std::fabs(v));
      return v;
    };
    ref::attention_row(qd.data(), s.dk(), s.dv(), s.first_token(), s.kv_len,
                       1.0 / std::sqrt(static_cast<double>(s.dk())), k_at, v_at, ref.data());
    KVB_CHECK(cudaMemcpy(got.data(), out.get<uint16_t>() + row * s.dv(), got.size() * 2,
                         cudaMemcpyDeviceToHost));
    for (int64_t d = 0; d < s.dv(); ++d) {
      const double v = bf16_to_f32(got[static_cast<size_t>(d)]);
      worst =
          std::max(worst, std::isnan(v) ? 1e9 : std::fabs(v - ref[static_cast<size_t>(d)]) / vmax);
    }
  }
  return checked(std::move(o), worst, tol::attention(s.dtype));
}

Outcome run_prefill(Context& ctx, const PrefillShape& s) {
  if (!cuda::prefill_supported(s)) return waived("prefill supports head dims 64, 128 and 256");
  const int64_t qn = int64_t{s.batch} * s.q_len * s.q_heads * s.head_dim;
  const int64_t kn = int64_t{s.batch} * s.kv_len * s.kv_heads * s.head_dim;
  DeviceBuffer q(static_cast<size_t>(qn) * 2), k(static_cast<size_t>(kn) * 2),
      v(static_cast<size_t>(kn) * 2), out(static_cast<size_t>(qn) * 2);
  cuda::fill_bf16(q.get<uint16_t>(), qn, kSeedQ, 1.0f, ctx.stream);
  cuda::fill_bf16(k.get<uint16_t>(), kn, kSeedK, 1.0f, ctx.stream);
  cuda::fill_bf16(v.get<uint16_t>(), kn, kSeedV, 1.0f, ctx.stream);
  TimedRun t;
  t.run = [&] {
    cuda::prefill_attention(s, q.get<uint16_t>(), k.get<uint16_t>(), v.get<uint16_t>(),
                            out.get<uint16_t>(), ctx.stream);
  };
  t.poison = [&] { KVB_CHECK(cudaMemsetAsync(out.get(), 0xff, out.bytes(), ctx.stream)); };
  t.count = [&] {
    cuda::count_poison_16(out.get<uint16_t>(), qn, ctx.poison_counter.get<unsigned long long>(),
                          ctx.stream);
  };
  Outcome o;
  o.timing = measure(ctx, t);

  const int64_t d = s.head_dim;
  std::vector<double> qd(static_cast<size_t>(d)), ref(static_cast<size_t>(d));
  std::vector<uint16_t> got(static_cast<size_t>(d));
  double worst = 0;
  for (int c = 0; c < 6; ++c) {
    const int64_t b = c == 0 ? 0
                      : c == 1
                          ? s.batch - 1
                          : static_cast<int64_t>(mix64(13, c) % static_cast<uint64_t>(s.batch));
    const int32_t i = c == 0 ? 0
                      : c == 1
                          ? s.q_len - 1
                          : static_cast<int32_t>(mix64(14, c) % static_cast<uint64_t>(s.q_len));
    const int64_t h = c == 1
                          ? s.q_heads - 1
                          : static_cast<int64_t>(mix64(15, c) % static_cast<uint64_t>(s.q_heads));
    const int64_t hk = h / s.group(), qrow = (b * s.q_len + i) * s.q_heads + h;
    for (int64_t x = 0; x < d; ++x)
      qd[static_cast<size_t>(x)] =
          bf16_to_f32(random_bf16(kSeedQ, static_cast<uint64_t>(qrow * d + x), 1.0f));
    auto at = [&](uint64_t seed) {
      return [&, seed](int64_t tok, int64_t x) {
        const int64_t idx = ((b * s.kv_len + tok) * s.kv_heads + hk) * d + x;
        return static_cast<double>(
            bf16_to_f32(random_bf16(seed, static_cast<uint64_t>(idx), 1.0f)));
      };
    };
    ref::attention_row(qd.data(), d, d, 0, s.visible(i), 1.0 / std::sqrt(static_cast<double>(d)),
                       at(kSeedK), at(kSeedV), ref.data());
    KVB_CHECK(cudaMemcpy(got.data(), out.get<uint16_t>() + qrow * d, got.size() * 2,
                         cudaMemcpyDeviceToHost));
    for (int64_t x = 0; x < d; ++x) {
      const double val = bf16_to_f32(got[static_cast<size_t>(x)]);
      worst = std::max(worst, std::isnan(val) ? 1e9 : std::fabs(val - ref[static_cast<size_t>(x)]));
    }
  }
  return checked(std::move(o), worst,
                 tol::attention(KvDtype::bf16));  // |v| < 1: absolute = relative
}

}  // namespace kvbench
