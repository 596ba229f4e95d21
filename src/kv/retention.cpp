#include "kvsim/kv/retention.h"

#include <fmt/format.h>

#include <algorithm>

namespace kvsim::kv {

Residency RetentionRule::resident(int64_t context) const {
  Residency r;
  r.end = context;
  r.compacted = compacted;
  if (recent == 0 || context <= recent + sinks) {
    r.head_end = 0;
    r.tail_begin = 0;
    return r;
  }
  r.head_end = std::min(sinks, context);
  r.tail_begin = std::max(r.head_end, context - recent);
  return r;
}

std::string RetentionRule::describe() const {
  if (recent == 0) return "full";
  if (compacted) return fmt::format("budget {}", recent);
  if (sinks == 0) return fmt::format("window {}", recent);
  return fmt::format("{} sinks + {} recent", sinks, recent);
}

}  // namespace kvsim::kv
