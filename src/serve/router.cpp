#include "kvsim/serve/router.h"

namespace kvsim::serve {

size_t least_loaded_index(std::span<const ReplicaLoad> loads) {
  size_t best = 0;
  for (size_t i = 1; i < loads.size(); ++i) {
    const ReplicaLoad& a = loads[i];
    const ReplicaLoad& b = loads[best];
    if (a.outstanding < b.outstanding ||
        (a.outstanding == b.outstanding && a.queued_tokens < b.queued_tokens))
      best = i;
  }
  return best;
}

}  // namespace kvsim::serve
