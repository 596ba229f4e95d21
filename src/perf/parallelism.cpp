#include "kvsim/perf/parallelism.h"

#include <fmt/format.h>

namespace kvsim::perf {

std::string Parallelism::describe() const {
  return fmt::format("TP {} × PP {}{} ({} GPU{})", tp, pp,
                     ep > 1 ? fmt::format(" × EP {}", ep) : "", gpus(), gpus() == 1 ? "" : "s");
}

std::pair<int64_t, int64_t> stage_layers(int64_t layers, int64_t pp, int64_t stage) {
  const int64_t base = layers / pp;
  const int64_t extra = layers % pp;
  const int64_t first = stage * base + std::min(stage, extra);
  return {first, first + base + (stage < extra ? 1 : 0)};
}

}  // namespace kvsim::perf
