// `poisson`: a Poisson process of `rate` requests per second; gaps are exponential with mean
// 1 / rate seconds (coefficient of variation 1).
#include <fmt/format.h>

#include "kvsim/workload/generator.h"

namespace kvsim::workload {
namespace {

class Poisson : public ArrivalProcess {
 public:
  explicit Poisson(double rate_per_s) : rate_per_s_(rate_per_s) {}
  std::string describe() const override { return fmt::format("poisson(rate={})", rate_per_s_); }
  double next_gap(Rng& rng) const override { return rng.exponential(rate_per_s_); }

 private:
  double rate_per_s_;
};

KVSIM_REGISTER(ArrivalProcess, "poisson", "exponential gaps at `rate` requests/s",
               [](core::MapReader& p) {
                 return std::make_unique<Poisson>(p.number("rate", core::Range::positive()));
               });

}  // namespace
}  // namespace kvsim::workload
