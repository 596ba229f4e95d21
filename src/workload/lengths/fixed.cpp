// `fixed`: every sample is `tokens` (>= 1).
#include <fmt/format.h>

#include "kvsim/workload/generator.h"

namespace kvsim::workload {
namespace {

class Fixed : public LengthDistribution {
 public:
  explicit Fixed(int64_t tokens) : tokens_(tokens) {}
  std::string describe() const override { return fmt::format("fixed(tokens={})", tokens_); }
  int64_t sample(Rng&) const override { return tokens_; }

 private:
  int64_t tokens_;
};

KVSIM_REGISTER(LengthDistribution, "fixed", "always `tokens`", [](core::MapReader& p) {
  return std::make_unique<Fixed>(
      p.integer("tokens", core::IntRange::positive(LengthDistribution::kMaxLength)));
});

}  // namespace
}  // namespace kvsim::workload
