// `uniform`: integers from `min` to `max` inclusive, each equally likely (1 <= min <= max).
#include <fmt/format.h>

#include "kvsim/workload/generator.h"

namespace kvsim::workload {
namespace {

class Uniform : public LengthDistribution {
 public:
  Uniform(int64_t min, int64_t max) : min_(min), max_(max) {}
  std::string describe() const override {
    return fmt::format("uniform(min={}, max={})", min_, max_);
  }
  int64_t sample(Rng& rng) const override {
    const auto span = static_cast<uint64_t>(max_ - min_) + 1;
    return min_ + static_cast<int64_t>(rng.below(span));
  }

 private:
  int64_t min_;
  int64_t max_;
};

KVSIM_REGISTER(LengthDistribution, "uniform", "integers from `min` to `max`, inclusive",
               [](core::MapReader& p) {
                 const auto range = core::IntRange::positive(LengthDistribution::kMaxLength);
                 const int64_t min = p.integer("min", range);
                 const int64_t max = p.integer("max", range);
                 if (max < min) {
                   p.fail("max", fmt::format("{} is less than min ({})", max, min));
                 }
                 return std::make_unique<Uniform>(min, max);
               });

}  // namespace
}  // namespace kvsim::workload
