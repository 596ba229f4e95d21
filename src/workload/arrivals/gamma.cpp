// `gamma`: a renewal process whose gaps are gamma-distributed with mean 1 / `rate` seconds and
// coefficient of variation `cv` (shape 1 / cv^2, scale cv^2 / rate). cv = 1 is Poisson; cv > 1
// is bursty (many short gaps, a few long ones); cv < 1 is more regular than Poisson.
#include <fmt/format.h>

#include <cmath>

#include "kvsim/workload/generator.h"

namespace kvsim::workload {
namespace {

class GammaArrivals : public ArrivalProcess {
 public:
  GammaArrivals(double rate_per_s, double cv)
      : rate_per_s_(rate_per_s), cv_(cv), shape_(1.0 / (cv * cv)), scale_s_(cv * cv / rate_per_s) {}
  std::string describe() const override {
    return fmt::format("gamma(rate={}, cv={})", rate_per_s_, cv_);
  }
  double next_gap(Rng& rng) const override { return rng.gamma(shape_, scale_s_); }

 private:
  double rate_per_s_;
  double cv_;
  double shape_;
  double scale_s_;
};

// cv is capped so that shape = 1/cv^2 stays a normal double (and the boost exponent finite);
// beyond ~1e3 nearly every gap is 0 anyway. Below kMinCv the shape (1e12) would grow towards
// infinity, which the sampler rejects; gaps that regular are a fixed rate for any purpose.
constexpr double kMinCv = 1e-6;
constexpr double kMaxCv = 1e6;

KVSIM_REGISTER(ArrivalProcess, "gamma",
               "gamma gaps at `rate` requests/s with coefficient of variation `cv` (> 1 bursty)",
               [](core::MapReader& p) {
                 const double rate = p.number("rate", core::Range::positive());
                 const double cv = p.number("cv", core::Range{kMinCv, kMaxCv});
                 const double scale = cv * cv / rate;
                 if (!std::isfinite(scale)) {
                   p.fail("rate", fmt::format("{} is too small for cv {}: the gap scale "
                                              "cv^2 / rate overflows",
                                              rate, cv));
                 }
                 if (!(scale > 0)) {
                   p.fail("rate", fmt::format("{} is too large for cv {}: the gap scale "
                                              "cv^2 / rate underflows to 0",
                                              rate, cv));
                 }
                 return std::make_unique<GammaArrivals>(rate, cv);
               });

}  // namespace
}  // namespace kvsim::workload
