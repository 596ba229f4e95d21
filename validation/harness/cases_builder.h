#pragma once
// Internal to the case table (cases.cpp, cases_attention.cpp): collects cases with their counts,
// operator-CSV fields, split and memory need.

#include <fmt/format.h>

#include "cases.h"

namespace kvbench::detail {

inline std::string num(double v) {
  return fmt::format("{:.0f}", v);
}

/// fit or heldout from a stable hash (FNV-1a, then splitmix) of the shape group.
inline std::string split_of(const std::string& group) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : group) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return (mix64(h, 0) & 1) ? "heldout" : "fit";
}

struct Builder {
  const SuiteOptions& opt;
  std::vector<Case> out;

  /// Adds a case unless it needs more than opt.max_device_bytes of device memory.
  void add(Family f, std::string kernel, Shape shape, Fields fields, const std::string& group,
           double device_bytes) {
    Case c;
    c.family = f;
    c.kernel = std::move(kernel);
    c.counts = std::visit([](const auto& s) { return count(s); }, shape);
    c.shape = shape;
    c.fields = std::move(fields);
    c.fields.push_back({"kernel_family", to_string(f)});
    c.fields.push_back({"kernel", c.kernel});
    c.split = split_of(std::string(to_string(f)) + "/" + group);
    c.device_bytes = device_bytes;
    if (device_bytes <= opt.max_device_bytes) out.push_back(std::move(c));
  }
};

void decode_cases(Builder& b);
void paged_cases(Builder& b);
void prefill_cases(Builder& b);
void append_cases(Builder& b);

}  // namespace kvbench::detail
