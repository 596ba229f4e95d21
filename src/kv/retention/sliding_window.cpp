// `sliding_window`: layers keep their last `window` tokens; `pattern` gives a per-layer cycle
// (e.g. [1024, 1024, 1024, 1024, 1024, 0]: five local layers, then one global; 0 = full).
#include <fmt/format.h>

#include "kvsim/core/reader.h"
#include "kvsim/kv/retention.h"

namespace kvsim::kv {
namespace {

class SlidingWindow : public Retention {
 public:
  explicit SlidingWindow(std::vector<int64_t> pattern) : pattern_(std::move(pattern)) {}
  std::string describe() const override {
    if (pattern_.size() == 1) return fmt::format("sliding_window(window={})", pattern_[0]);
    return fmt::format("sliding_window(pattern=[{}])", fmt::join(pattern_, ","));
  }
  RetentionRule rule(int64_t layer, int64_t) const override {
    return RetentionRule{pattern_[static_cast<size_t>(layer) % pattern_.size()], 0, false};
  }

 private:
  std::vector<int64_t> pattern_;
};

KVSIM_REGISTER(Retention, "sliding_window",
               "keep the last `window` tokens per layer, or a per-layer `pattern` (0 = full)",
               [](core::MapReader& p) {
                 const auto window = p.maybe_integer("window", core::IntRange::positive());
                 const core::Doc* pattern = p.find("pattern");
                 if (window.has_value() == (pattern != nullptr)) {
                   p.fail_here("give exactly one of 'window' or 'pattern'");
                 }
                 std::vector<int64_t> cycle;
                 if (window) cycle.push_back(*window);
                 if (pattern) {
                   const std::string path = p.key_path("pattern");
                   if (!pattern->is_sequence() || pattern->items.empty()) {
                     core::fail_at(pattern->loc, path + ": expected a non-empty list of windows");
                   }
                   for (const auto& item : pattern->items) {
                     cycle.push_back(
                         core::read_integer(item, path + "[]", core::IntRange::non_negative()));
                   }
                 }
                 return std::make_unique<SlidingWindow>(std::move(cycle));
               });

}  // namespace
}  // namespace kvsim::kv
