#pragma once
// Synthetic workloads, seeded and deterministic. A generator spec (YAML `workload: generator:` map,
// keys below) combines plug-ins: an arrival process (core::Registry<ArrivalProcess>: poisson,
// gamma) and length distributions (core::Registry<LengthDistribution>: fixed, uniform, lognormal,
// empirical), plus optional multi-turn sessions and shared system prompts that produce prefix
// block hashes (so the replay's prefix cache sees real sharing).
//
//   requests: 10000           # how many to generate (or duration_s: stop at this arrival time)
//   seed: 1
//   arrival: {impl: gamma, rate: 5.0, cv: 2.0}        # requests/s; cv > 1 is bursty
//   input:  {impl: lognormal, median: 1000, p90: 4000} # prompt tokens (new tokens of each turn)
//   output: {impl: lognormal, median: 250, p90: 800}
//   sessions: {turns: {impl: uniform, min: 1, max: 8}, think_s: {impl: fixed, tokens: 30}}
//   system_prompts: {count: 4, tokens: 2000}
//   block_tokens: 16          # tokens per generated prefix hash

#include <cstdint>
#include <memory>
#include <string>

#include "kvsim/core/registry.h"
#include "kvsim/workload/random.h"
#include "kvsim/workload/request.h"

namespace kvsim::workload {

class ArrivalProcess {
 public:
  static constexpr const char* kQuestion = "arrival process";
  virtual ~ArrivalProcess() = default;
  virtual std::string describe() const = 0;
  /// Seconds from one arrival to the next (>= 0).
  virtual double next_gap(Rng& rng) const = 0;
};

class LengthDistribution {
 public:
  static constexpr const char* kQuestion = "length distribution";
  virtual ~LengthDistribution() = default;
  virtual std::string describe() const = 0;
  /// A sample, in [1, kMaxLength]. Units are the caller's: tokens for `input` and `output`,
  /// turns for `sessions.turns`, whole seconds for `sessions.think_s`.
  virtual int64_t sample(Rng& rng) const = 0;

  /// Largest value a parameter or a sample may take (2^40, about 1.1e12): far beyond any real
  /// length, and small enough that sums over a session's turns cannot overflow 64 bits.
  static constexpr int64_t kMaxLength = int64_t{1} << 40;
};

/// Generate requests from a `generator:` map. `path` prefixes error messages (e.g.
/// "workload.generator"). Errors are core::InputErrors naming the key. The result is finalized.
RequestSet generate_workload(const core::Doc& spec, const std::string& path = "generator");

}  // namespace kvsim::workload
