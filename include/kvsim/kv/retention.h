#pragma once
// Question 3: which tokens of a sequence stay resident in each layer.

#include <cstdint>
#include <string>

#include "kvsim/core/registry.h"

namespace kvsim::kv {

/// Resident token positions of one sequence in one layer: [0, head_end) ∪ [tail_begin, end).
struct Residency {
  int64_t head_end = 0;
  int64_t tail_begin = 0;
  int64_t end = 0;
  bool compacted =
      false;  ///< token-level eviction: resident tokens are packed, positions arbitrary

  int64_t tokens() const { return head_end + (end - tail_begin); }
};

/// What a layer keeps: the last `recent` tokens (0 = every token) plus the first `sinks` tokens.
struct RetentionRule {
  int64_t recent = 0;
  int64_t sinks = 0;
  bool compacted = false;

  Residency resident(int64_t context) const;
  /// Most tokens ever resident; 0 = unbounded (grows with the context).
  int64_t max_resident() const { return recent == 0 ? 0 : recent + sinks; }
  bool operator==(const RetentionRule&) const = default;
  std::string describe() const;
};

class Retention {
 public:
  static constexpr const char* kQuestion = "retention";
  virtual ~Retention() = default;
  virtual std::string describe() const = 0;
  /// The rule for layer `layer`, whose model attention window is `model_window` (0 = full).
  virtual RetentionRule rule(int64_t layer, int64_t model_window) const = 0;
};

}  // namespace kvsim::kv
