// kvsim-bench: runs the validation kernels (validation/README.md) and writes, per kernel family,
// an operator CSV (DESIGN.md section 6) with measured_us, p10/p90, the check's error and the
// environment. Usage errors exit 2; a failed correctness check exits 1 after writing everything.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "bench.h"
#include "kvsim/core/files.h"
#include "kvsim/core/suggest.h"
#include "report.h"

#ifndef KVSIM_GIT_REVISION
#define KVSIM_GIT_REVISION "unknown"
#endif

namespace kvbench {
namespace {

struct Flags {
  std::string out;
  std::vector<std::string> families;
  bool quick = false;
  bool list = false;
  std::string ops;
  Options opt;
  std::string git = KVSIM_GIT_REVISION;
};

std::vector<Family> parse_families(const std::vector<std::string>& names) {
  std::vector<std::string> all;
  for (Family f : kAllFamilies)
    all.push_back(to_string(f));
  std::vector<Family> out;
  for (const std::string& n : names) {
    const auto f = parse_family(n);
    if (!f) {
      throw CLI::ValidationError("--family", "unknown family '" + n + "'" +
                                                 kvsim::core::did_you_mean(n, all) + " (expected " +
                                                 kvsim::core::join(all) + ")");
    }
    out.push_back(*f);
  }
  return out;
}

int run(const Flags& f) {
  SuiteOptions so;
  so.quick = f.quick;
  so.families = parse_families(f.families);
  so.max_device_bytes = 1e18;  // too-large cases are waived at run time, not left out
  const std::vector<Case> cases = build_suite(so);
  if (f.list) {
    for (Family fam : kAllFamilies) {
      size_t n = 0;
      for (const Case& c : cases)
        n += c.family == fam;
      if (n > 0)
        std::cout << fmt::format("{:<13} {:>5} cases  {}\n", to_string(fam), n, describe(fam));
    }
    return 0;
  }
  if (!f.ops.empty()) {
    kvsim::core::write_file_atomic(f.ops, operator_csv(cases));
    std::cout << fmt::format("wrote {} operator rows to {}\n", cases.size(), f.ops);
    return 0;
  }
  Context ctx;
  ctx.init(f.opt, f.git);
  std::cerr << fmt::format("kvsim-bench: {} ({} SMs, {} MiB L2), driver {}, CUDA {}; {} cases\n",
                           ctx.env.gpu, ctx.env.sm_count, ctx.env.l2_bytes >> 20, ctx.env.driver,
                           ctx.env.cuda_runtime, cases.size());
  Report report(f.out, ctx.env);
  int failed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    const auto clocks_before = current_clocks(f.opt.device);
    Outcome o = run_case(ctx, c);
    const auto clocks_after = current_clocks(f.opt.device);
    failed += o.status == "failed";
    std::cerr << report.add(c, o, clocks_before, clocks_after, i + 1, cases.size()) << "\n";
    if (o.status == "failed" && cudaDeviceSynchronize() != cudaSuccess) {
      std::cerr << "kvsim-bench: the device is in an error state; stopping\n";
      break;
    }
  }
  for (const std::string& path : report.write())
    std::cerr << "wrote " << path << "\n";
  if (failed > 0) std::cerr << fmt::format("kvsim-bench: {} cases failed their check\n", failed);
  return failed > 0 ? 1 : 0;
}

}  // namespace

Outcome run_case(Context& ctx, const Case& c) {
  size_t free_bytes = 0, total = 0;
  KVB_CHECK(cudaMemGetInfo(&free_bytes, &total));
  if (c.device_bytes > 0.9 * static_cast<double>(free_bytes)) {
    return waived(fmt::format("needs {:.1f} GB of device memory, {:.1f} GB free",
                              c.device_bytes / 1e9, static_cast<double>(free_bytes) / 1e9));
  }
  try {
    struct Visitor {
      Context& ctx;
      Outcome operator()(const StreamShape& s) { return run_stream(ctx, s); }
      Outcome operator()(const L2Shape& s) { return run_l2(ctx, s); }
      Outcome operator()(const LaunchShape& s) { return run_launch(ctx, s); }
      Outcome operator()(const GemmShape& s) { return run_gemm(ctx, s); }
      Outcome operator()(const DecodeShape& s) { return run_decode(ctx, s); }
      Outcome operator()(const PrefillShape& s) { return run_prefill(ctx, s); }
      Outcome operator()(const AppendShape& s) { return run_append(ctx, s); }
      Outcome operator()(const MemcpyShape& s) { return run_memcpy(ctx, s); }
    };
    return std::visit(Visitor{ctx}, c.shape);
  } catch (const std::exception& e) {
    Outcome o;
    o.status = "failed";
    o.reason = e.what();
    return o;
  }
}

}  // namespace kvbench

int main(int argc, char** argv) {
  kvbench::Flags f;
  CLI::App app{"kvsim-bench: CUDA microbenchmarks that validate kvsim's performance model"};
  app.add_option("--out", f.out, "directory for <family>.csv and waived.csv");
  app.add_option("--family", f.families, "kernel families to run (repeatable; default all)")
      ->delimiter(',');
  app.add_flag("--quick", f.quick, "a few sizes per family (minutes instead of an hour)");
  app.add_flag("--list", f.list, "list the families and their case counts, then exit (no GPU)");
  app.add_option("--ops", f.ops, "write the suite as an operator CSV for kvsim predict (no GPU)");
  app.add_option("--samples", f.opt.samples, "timed samples per case (at least 30)")
      ->check(CLI::Range(30, 100000));
  app.add_option("--warmup", f.opt.warmup, "untimed runs before the samples")
      ->check(CLI::Range(1, 1000));
  app.add_option("--device", f.opt.device, "CUDA device index")->check(CLI::NonNegativeNumber);
  app.add_option("--git-rev", f.git, "git revision recorded in the CSV");
  CLI11_PARSE(app, argc, argv);
  if (f.out.empty() && !f.list && f.ops.empty()) {
    std::cerr << "kvsim-bench: error: --out DIR is required (or --list, --ops FILE)\n";
    return 2;
  }
  try {
    return kvbench::run(f);
  } catch (const CLI::ValidationError& e) {
    std::cerr << "kvsim-bench: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "kvsim-bench: error: " << e.what() << "\n";
    return 1;
  }
}
