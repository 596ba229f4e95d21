#pragma once
// Which data-parallel replica serves an arriving request.

#include <cstdint>
#include <span>
#include <string>

#include "kvsim/core/registry.h"

namespace kvsim::serve {

/// What a router may know about each replica at the moment a request arrives.
struct ReplicaLoad {
  int64_t outstanding = 0;      ///< requests waiting, prefilling, decoding or swapped
  int64_t queued_tokens = 0;    ///< prompt tokens still to prefill
  double kv_used_fraction = 0;  ///< of the KV budget
  int64_t prefix_blocks = 0;    ///< leading blocks of this request cached there (prefix-aware only)
};

class Router {
 public:
  static constexpr const char* kQuestion = "router";
  virtual ~Router() = default;
  virtual std::string describe() const = 0;
  /// Whether route() reads ReplicaLoad::prefix_blocks (it costs a cache lookup per replica).
  virtual bool wants_prefix_blocks() const { return false; }
  /// The replica index for the next request. Stateful routers (round-robin) keep their state
  /// until reset().
  virtual size_t route(std::span<const ReplicaLoad> loads) = 0;
  /// Forget any state: serve::replay calls it first, so replaying the same deployment twice routes
  /// the same way.
  virtual void reset() {}
};

/// The least-loaded replica: fewest outstanding requests, then fewest queued tokens, then lowest
/// index.
size_t least_loaded_index(std::span<const ReplicaLoad> loads);

}  // namespace kvsim::serve
