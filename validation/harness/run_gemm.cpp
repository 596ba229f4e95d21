// Runner of the GEMM family (cuBLASLt): inputs generated on the device, 64 sampled outputs checked
// against fp64 dot products of the regenerated inputs (normwise error, cpu/tolerance.h).

#include <cmath>

#include "bench.h"
#include "cpu/reference.h"
#include "cpu/tolerance.h"

namespace kvbench {
namespace {

constexpr uint64_t kSeedA = 201, kSeedW = 202;
constexpr size_t kWorkspace = size_t{32} << 20;

double input_value(GemmType t, uint64_t seed, int64_t i) {
  return t == GemmType::bf16 ? bf16_to_f32(random_bf16(seed, static_cast<uint64_t>(i), 1.0f))
                             : e4m3_to_f32(random_e4m3(seed, static_cast<uint64_t>(i)));
}

}  // namespace

Outcome run_gemm(Context& ctx, const GemmShape& g) {
  static cuda::Gemm gemm;
  static DeviceBuffer workspace(kWorkspace);
  const size_t in = g.type == GemmType::bf16 ? 2 : 1;
  DeviceBuffer a(static_cast<size_t>(g.m * g.k) * in), w(static_cast<size_t>(g.n * g.k) * in),
      c(static_cast<size_t>(g.m * g.n) * 2);
  std::string why;
  if (!gemm.prepare(g, workspace.get(), workspace.bytes(), &why)) return waived(why);
  if (g.type == GemmType::bf16) {
    cuda::fill_bf16(a.get<uint16_t>(), g.m * g.k, kSeedA, 1.0f, ctx.stream);
    cuda::fill_bf16(w.get<uint16_t>(), g.n * g.k, kSeedW, 1.0f, ctx.stream);
  } else {
    cuda::fill_e4m3(a.get<uint8_t>(), g.m * g.k, kSeedA, ctx.stream);
    cuda::fill_e4m3(w.get<uint8_t>(), g.n * g.k, kSeedW, ctx.stream);
  }
  TimedRun t;
  t.run = [&] { gemm.run(a.get(), w.get(), c.get<uint16_t>(), ctx.stream); };
  t.poison = [&] { KVB_CHECK(cudaMemsetAsync(c.get(), 0xff, c.bytes(), ctx.stream)); };
  t.count = [&] {
    cuda::count_poison_16(c.get<uint16_t>(), g.m * g.n,
                          ctx.poison_counter.get<unsigned long long>(), ctx.stream);
  };
  Outcome o;
  o.timing = measure(ctx, t);
  double worst = 0;
  for (int s = 0; s < 64; ++s) {
    const int64_t i =
        s == 0 ? 0 : static_cast<int64_t>(mix64(5, 2 * s) % static_cast<uint64_t>(g.m));
    const int64_t j =
        s == 0 ? g.n - 1 : static_cast<int64_t>(mix64(5, 2 * s + 1) % static_cast<uint64_t>(g.n));
    uint16_t got = 0;
    KVB_CHECK(cudaMemcpy(&got, c.get<uint16_t>() + i * g.n + j, 2, cudaMemcpyDeviceToHost));
    double mag = 0;
    const double want = ref::dot(
        g.k, [&](int64_t x) { return input_value(g.type, kSeedA, i * g.k + x); },
        [&](int64_t x) { return input_value(g.type, kSeedW, j * g.k + x); }, &mag);
    const double v = bf16_to_f32(got);
    worst = std::max(worst, std::isnan(v) ? 1e9 : std::fabs(v - want) / mag);
  }
  return checked(std::move(o), worst, tol::gemm(g.k));
}

}  // namespace kvbench
