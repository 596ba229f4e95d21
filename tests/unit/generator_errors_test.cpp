// generate_workload: every bad spec is an InputError at the offending line that names the key.

#include <gtest/gtest.h>

#include "kvsim/core/doc.h"
#include "kvsim/workload/generator.h"
#include "test_util.h"

namespace kvsim::workload {
namespace {

// The error text for a spec given as lines; the spec is the value of `generator:`.
std::string error_of(const std::string& yaml) {
  return test::input_error([&] {
    const core::Doc doc = core::parse_yaml(yaml, "w.yaml");
    generate_workload(*doc.find("generator"), "workload.generator");
  });
}

// A valid spec with `line` replacing the line of the same key (or appended), minus key `drop`.
std::string spec_with(const std::string& line, const std::string& drop = "") {
  std::string lines[] = {"  requests: 10", "  arrival: {impl: poisson, rate: 2}",
                         "  input: {impl: fixed, tokens: 10}",
                         "  output: {impl: fixed, tokens: 5}"};
  std::string out = "generator:\n";
  const std::string key = line.substr(0, line.find(':'));
  bool replaced = false;
  for (const std::string& l : lines) {
    if (!drop.empty() && l.rfind("  " + drop + ":", 0) == 0) continue;
    if (!line.empty() && l.rfind("  " + key + ":", 0) == 0) {
      out += "  " + line + "\n";
      replaced = true;
    } else {
      out += l + "\n";
    }
  }
  if (!line.empty() && !replaced) out += "  " + line + "\n";
  return out;
}

#define EXPECT_CONTAINS(text, part) \
  EXPECT_NE((text).find(part), std::string::npos) << "in: " << (text)

TEST(GeneratorErrors, TheValidBaseSpecWorks) {
  const core::Doc doc = core::parse_yaml(spec_with(""), "w.yaml");
  EXPECT_EQ(generate_workload(*doc.find("generator")).requests.size(), 10u);
}

TEST(GeneratorErrors, UnknownImplSuggestsTheNearestName) {
  const std::string e = error_of(spec_with("arrival: {impl: poison, rate: 2}"));
  EXPECT_CONTAINS(e, "w.yaml:3:");
  EXPECT_CONTAINS(e,
                  "workload.generator.arrival: unknown arrival process 'poison'; did you mean "
                  "'poisson'? (known: gamma, poisson)");
  EXPECT_CONTAINS(error_of(spec_with("input: {impl: unifrom, min: 1, max: 2}")),
                  "unknown length distribution 'unifrom'; did you mean 'uniform'?");
}

TEST(GeneratorErrors, UnknownKeysSuggestTheNearestKey) {
  const std::string e = error_of(spec_with("sesions: {turns: 2, think_s: 1}"));
  EXPECT_CONTAINS(e, "unknown key 'sesions' in 'workload.generator'; did you mean 'sessions'?");
  EXPECT_CONTAINS(error_of(spec_with("system_prompts: {count: 2, tokns: 10}")),
                  "missing key 'tokens' in 'workload.generator.system_prompts'; found 'tokns': "
                  "did you mean 'tokens'?");
  EXPECT_CONTAINS(error_of(spec_with("input: {impl: lognormal, median: 9, p09: 20}")),
                  "unknown key 'p09' in 'workload.generator.input'; did you mean 'p90'?");
}

TEST(GeneratorErrors, MissingRequiredKeys) {
  EXPECT_CONTAINS(error_of(spec_with("", "arrival")),
                  "missing key 'arrival' in 'workload.generator'");
  EXPECT_CONTAINS(error_of(spec_with("", "input")), "missing key 'input'");
  EXPECT_CONTAINS(error_of(spec_with("", "output")), "missing key 'output'");
  EXPECT_CONTAINS(error_of(spec_with("", "requests")),
                  "workload.generator: give 'requests' (how many to generate) or 'duration_s'");
  EXPECT_CONTAINS(error_of(spec_with("sessions: {turns: {impl: fixed, tokens: 2}}")),
                  "missing key 'think_s' in 'workload.generator.sessions'");
  EXPECT_CONTAINS(error_of(spec_with("system_prompts: {count: 2}")), "missing key 'tokens'");
  EXPECT_CONTAINS(error_of("generator: 12\n"), "'workload.generator': expected a map of keys");
}

TEST(GeneratorErrors, RequestsAndDurationAreExclusive) {
  const std::string e = error_of(spec_with("duration_s: 60"));
  EXPECT_CONTAINS(e, "w.yaml:6:");
  EXPECT_CONTAINS(e,
                  "workload.generator.duration_s: give exactly one of 'requests' or "
                  "'duration_s', not both");
}

TEST(GeneratorErrors, OutOfRangeValuesNameTheirKey) {
  EXPECT_CONTAINS(error_of(spec_with("arrival: {impl: poisson, rate: -3}")),
                  "workload.generator.arrival.rate: -3 is out of range: must be > 0");
  EXPECT_CONTAINS(error_of(spec_with("input: {impl: fixed, tokens: 0}")),
                  "workload.generator.input.tokens: 0 is out of range");
  EXPECT_CONTAINS(error_of(spec_with("output: {impl: lognormal, median: 200, p90: 100}")),
                  "workload.generator.output.p90: 100 must be greater than median (200)");
  EXPECT_CONTAINS(error_of(spec_with("requests: 0")), "workload.generator.requests: 0 is out of");
  EXPECT_CONTAINS(error_of(spec_with("requests: 2.5")), "workload.generator.requests: expected an");
  EXPECT_CONTAINS(error_of(spec_with("seed: -1")), "workload.generator.seed: -1 is out of range");
  EXPECT_CONTAINS(error_of(spec_with("block_tokens: 0")), "workload.generator.block_tokens");
  EXPECT_CONTAINS(error_of(spec_with("system_prompts: {count: 0, tokens: 10}")),
                  "workload.generator.system_prompts.count: 0 is out of range");
  EXPECT_CONTAINS(error_of(spec_with("system_prompts: {count: 1, tokens: 1000000000000}")),
                  "workload.generator.system_prompts.tokens: 1000000000000 tokens is more than");
  EXPECT_CONTAINS(error_of(spec_with("sessions: {turns: {impl: fixed, tokens: 0}, think_s: 1}")),
                  "workload.generator.sessions.turns.tokens");
  EXPECT_CONTAINS(error_of("generator:\n  duration_s: -5\n  arrival: poisson\n"),
                  "workload.generator.duration_s: -5 is out of range");
}

}  // namespace
}  // namespace kvsim::workload
