#pragma once
// A parallel loop for independent work items (sweep points, planning candidates).

#include <cstddef>
#include <functional>

namespace kvsim::core {

/// Calls fn(i) for every i in [0, n) on up to `threads` threads (the calling thread included);
/// items are taken in order from a shared counter. Exceptions escaping fn are rethrown after all
/// threads stop (the first, by item order). Results must be stored by index for determinism.
void parallel_for(size_t n, int threads, const std::function<void(size_t)>& fn);

}  // namespace kvsim::core
