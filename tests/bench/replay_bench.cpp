// Benchmark of the replay engine on Azure-conversation-shaped traces: the shipped 2,000-row sample
// of the Azure LLM inference trace 2023 (conversation) is tiled end to end until N requests, each
// copy shifted by the sample's span, so arrivals, rates and length mix are the real ones. Replays
// Llama-3.1-70B on 4× H100 SXM (TP 4), paged KV with the prefix cache, vLLM scheduler.
// Prints requests, wall seconds (trace build and replay separately), events and peak RSS.
//   kvsim_replay_bench [--requests N] [--output-scale X] [--sample FILE]

#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/serve/engine.h"
#include "kvsim/workload/trace_format.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// CPU seconds of this process (user + system): the figure to compare when other jobs share the
/// machine, since the replay runs on one thread.
double cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux: KiB
}

/// `n` requests tiled from `sample`; output lengths multiplied by `output_scale` (at least 1).
kvsim::workload::RequestSet tile(const kvsim::workload::RequestSet& sample, size_t n,
                                 double output_scale) {
  kvsim::workload::RequestSet out;
  out.source = sample.source + " (tiled)";
  out.format = sample.format;
  out.requests.reserve(n);
  const auto& s = sample.requests;
  // Gap between copies: the sample's mean inter-arrival time, so the rate stays the same.
  const double span_s = s.back().arrival_s + s.back().arrival_s / static_cast<double>(s.size() - 1);
  for (size_t i = 0; i < n; ++i) {
    kvsim::workload::Request r = s[i % s.size()];
    r.arrival_s += span_s * static_cast<double>(i / s.size());
    r.output_tokens =
        std::max<int64_t>(1, std::llround(static_cast<double>(r.output_tokens) * output_scale));
    out.add(r);
  }
  out.finalize();
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 1'000'000;
  double output_scale = 1.0;
  std::string sample_path = "scenarios/traces/azure_conv_2023_sample.csv";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--requests")
      n = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--output-scale")
      output_scale = std::strtod(argv[i + 1], nullptr);
    else if (a == "--sample")
      sample_path = argv[i + 1];
    else {
      std::cerr << "usage: kvsim_replay_bench [--requests N] [--output-scale X] [--sample FILE]\n";
      return 2;
    }
  }
  try {
    const auto sample = kvsim::workload::load_trace(sample_path);
    auto t0 = std::chrono::steady_clock::now();
    const auto requests = tile(sample, n, output_scale);
    const double build_s = seconds_since(t0);

    const kvsim::model::ModelSpec m = kvsim::model::load_model("llama-3.1-70b");
    const kvsim::hw::HardwareProfile hw = kvsim::hw::load_hardware("h100-sxm");
    kvsim::serve::Deployment d;
    d.model = &m;
    d.hardware = &hw;
    d.parallelism.tp = 4;
    kvsim::kv::set_kv_question(d.policy, "sharing",
                               kvsim::core::parse_spec_string("prefix", "bench"), "bench");
    d.policy.fill_defaults(m);
    d.config.fill_defaults();
    t0 = std::chrono::steady_clock::now();
    const double cpu0 = cpu_s();
    const auto r = kvsim::serve::replay(requests, d);
    const double replay_s = seconds_since(t0), replay_cpu_s = cpu_s() - cpu0;
    fmt::print(
        "{:>9} requests  output x{:<4}  build {:.3f} s  replay {:.3f} s wall, {:.3f} s CPU ({:.2f} "
        "us/request)  "
        "steps {}  fast-forward runs {}  makespan {:.0f} s  p99 TTFT {:.3f} s  preemptions {}  "
        "invariants {}  peak RSS {:.0f} MiB\n",
        n, output_scale, build_s, replay_s, replay_cpu_s,
        replay_cpu_s * 1e6 / static_cast<double>(n), r.steps, r.segments, r.makespan_s, r.ttft.p99,
        r.preemptions, r.invariants_ok() ? "ok" : "BROKEN", peak_rss_mib());
    return r.invariants_ok() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "kvsim_replay_bench: " << e.what() << "\n";
    return 1;
  }
}
