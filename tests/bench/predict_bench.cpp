// Benchmark of the operator model: parse and predict N operator rows (default 100,000), the path
// `kvsim predict` takes. Prints rows, seconds and rows per second; `--write FILE` also writes the
// generated CSV for timing the CLI end to end (tests/bench/run_benchmarks.sh).

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "kvsim/core/csv.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/operator.h"

namespace {

// A deterministic mix: 40 % GEMM, 40 % decode attention, 10 % prefill attention, 10 % all-reduce.
std::string generate(size_t rows) {
  uint64_t s = 12345;
  auto next = [&s](uint64_t n) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return (s >> 33) % n;
  };
  const int64_t dims[] = {128, 512, 1024, 2048, 4096, 5120, 7168, 8192, 14336, 28672};
  std::string out =
      "op,m,n,k,dtype,batch,kv_len,q_heads,kv_heads,head_dim,kv_dtype,q_len,bytes,gpus\n";
  for (size_t i = 0; i < rows; ++i) {
    switch (next(10)) {
      case 0:
      case 1:
      case 2:
      case 3:
        out += fmt::format("gemm,{},{},{},{},,,,,,,,,\n", 1 + next(8192), dims[next(10)],
                           dims[next(10)], next(3) == 0 ? "fp8" : "bf16");
        break;
      case 4:
      case 5:
      case 6:
      case 7: {
        const int64_t kv = int64_t{1} << next(17);
        out += fmt::format("decode_attention,,,,,{},{},{},{},128,{},,,\n", 1 + next(256), kv + 1,
                           8 << next(4), 1 << next(4), next(2) ? "bf16" : "fp8");
        break;
      }
      case 8: {
        const int64_t q = 64 << next(7);
        out += fmt::format("prefill_attention,,,,bf16,{},{},32,8,128,,{},,\n", 1 + next(4),
                           q + next(8192), q);
        break;
      }
      default:
        out += fmt::format("all_reduce,,,,,,,,,,,,{},{}\n", 1024 << next(16), 2 << next(3));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 100000;
  std::string write;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--rows" && i + 1 < argc)
      rows = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--write" && i + 1 < argc)
      write = argv[++i];
  }
  const std::string csv_text = generate(rows);
  if (!write.empty()) {
    std::ofstream(write) << csv_text;
    return 0;
  }
  const kvsim::hw::HardwareProfile hw = kvsim::hw::load_hardware("h100-sxm");
  double best = 1e300, checksum = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    std::istringstream in(csv_text);
    kvsim::core::CsvReader csv(in, "bench.csv");
    double sum = 0;
    size_t n = 0;
    while (csv.next()) {
      sum += kvsim::perf::operator_cost(kvsim::perf::parse_operator(csv), hw).seconds;
      ++n;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, s);
    checksum = sum;
    if (n != rows) return 1;
  }
  std::cout << fmt::format(
      "predict_bench: {} rows parsed and predicted in {:.3f} s (best of 3), {:.0f} rows/s "
      "(sum of predictions {:.6f} s)\n",
      rows, best, static_cast<double>(rows) / best, checksum);
  return 0;
}
