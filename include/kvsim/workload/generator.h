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
//
// Keys (all read strictly: unknown keys are errors with a suggestion):
//   requests        integer in [1, 10^7]: requests generated, later turns of sessions included
//                   (sessions are generated in order; the last is cut short to hit the count).
//   duration_s      number > 0: keep every request arriving before this many seconds (sessions
//                   whose later turns fall beyond it are cut short; more than 10^7 requests is
//                   an error naming it). Exactly one of the two.
//   seed            integer in [0, 2^63 - 1], default 1. Each quantity (arrivals, input,
//                   output, turns, think times, system prompt choice, block contents) draws from
//                   its own stream, so changing one distribution keeps the others' draws.
//   arrival         ArrivalProcess spec, required: gaps between sessions (or requests); the
//                   first arrives at 0 s.
//   input, output   LengthDistribution specs in tokens, required: `input` is the new tokens of
//                   each turn (the system prompt and the conversation so far come on top).
//   sessions        optional {turns, think_s}, both LengthDistribution specs: turns per session
//                   and whole seconds from one turn's arrival to the next turn's arrival (the
//                   response time is not known when generating, so think_s includes it). Turn k's
//                   prompt = turn k-1's prompt + its output + new input tokens; its prefix hashes
//                   extend turn k-1's. Request::session is the session number (-1 without).
//   system_prompts  optional {count in [1, 10^6], tokens >= 1}: every session (or request)
//                   starts with one of `count` prompts of `tokens` tokens, chosen uniformly; the
//                   floor(tokens / block_tokens) blocks wholly inside it have the same hashes in
//                   every request using that prompt, and no hash in common with other prompts.
//   block_tokens    integer in [1, 2^20], default 16: Request::hash_block_tokens. A request
//                   carries the hashes of its prompt's full blocks; hash i = hash_combine(hash
//                   i-1, content id of block i), so equal hash lists mean an equal prefix.
//                   The turns of a session share storage in RequestSet::hashes: each turn's
//                   span starts at the session's first hash and is longer (spans overlap).
// At most 2^28 prefix hashes are generated in all (2 GiB); beyond that, an error names
// block_tokens. The result has format "generator" and a one-line description of the spec as
// its source.

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
  static constexpr int64_t kMaxLength = kMaxRequestTokens;
};

/// How much one spec may generate; beyond it, an InputError names the key to change. The
/// defaults are the documented limits; tests and the fuzzer pass smaller ones to stay fast.
struct GeneratorLimits {
  int64_t max_requests = 10'000'000;      ///< 640 MB of Request records
  int64_t max_hashes = int64_t{1} << 28;  ///< 2 GiB of prefix hashes in all; < 2^32
};

/// Generate requests from a `generator:` map. `path` prefixes error messages (e.g.
/// "workload.generator"). Errors are core::InputErrors naming the key. The result is finalized.
RequestSet generate_workload(const core::Doc& spec, const std::string& path = "generator",
                             const GeneratorLimits& limits = {});

}  // namespace kvsim::workload
