#pragma once
// Question 4: which tokens or layers reuse the same bytes.

#include <cstdint>
#include <string>

#include "kvsim/core/registry.h"

namespace kvsim::kv {

class Sharing {
 public:
  static constexpr const char* kQuestion = "sharing";
  virtual ~Sharing() = default;
  virtual std::string name() const = 0;
  virtual std::string describe() const = 0;
  /// The layer whose KV layer `layer` reads (itself unless layers share: cross-layer attention).
  virtual int64_t kv_owner(int64_t layer) const { return layer; }
  /// Tokens of a prompt prefix common to the sequences of a batch, stored once (capacity queries).
  virtual int64_t shared_prefix_tokens() const { return 0; }
  /// True when the strategy works on blocks (prefix caching needs paged allocation).
  virtual bool needs_blocks() const { return false; }
};

}  // namespace kvsim::kv
