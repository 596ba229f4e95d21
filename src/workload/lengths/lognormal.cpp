// `lognormal`: exp(mu + sigma * Z), Z standard normal, rounded to the nearest integer (halves up)
// and clamped to [1, max]. Give exactly one parameter pair:
//   {median, p90}: the median and 90th percentile in tokens (p90 > median > 0), so
//                  mu = ln(median) and sigma = ln(p90 / median) / 1.2815515655446004;
//   {mu, sigma}:   mean and standard deviation of the natural log of the length (sigma > 0).
// Optional `max` (integer, default 2^40) clamps the long tail; it must not be below the median.
#include <fmt/format.h>

#include <cmath>

#include "kvsim/workload/generator.h"

namespace kvsim::workload {
namespace {

constexpr double kZ90 = 1.2815515655446004;  // standard normal 90th percentile

class Lognormal : public LengthDistribution {
 public:
  Lognormal(double mu, double sigma, int64_t max_tokens, std::string given)
      : mu_(mu), sigma_(sigma), max_tokens_(max_tokens), given_(std::move(given)) {}
  std::string describe() const override { return fmt::format("lognormal({})", given_); }
  int64_t sample(Rng& rng) const override {
    const double v = std::floor(std::exp(mu_ + sigma_ * rng.normal()) + 0.5);
    // Compare in double before converting: v may be far beyond int64 (or +inf).
    if (!(v < static_cast<double>(max_tokens_))) return max_tokens_;
    return v < 1.0 ? 1 : static_cast<int64_t>(v);
  }

 private:
  double mu_;
  double sigma_;
  int64_t max_tokens_;
  std::string given_;  // the parameters as the user gave them, for describe()
};

std::unique_ptr<LengthDistribution> make(core::MapReader& p) {
  const core::Doc* median_node = p.find("median");
  const core::Doc* p90_node = p.find("p90");
  const core::Doc* mu_node = p.find("mu");
  const core::Doc* sigma_node = p.find("sigma");
  p.find("max");
  p.finish();  // unknown keys (a misspelt parameter) first: they explain a missing pair best
  const bool quantiles = median_node || p90_node;
  const bool moments = mu_node || sigma_node;
  if (quantiles == moments) {
    p.fail_here(quantiles ? "give either 'median' and 'p90' or 'mu' and 'sigma', not both"
                          : "give either 'median' and 'p90' (tokens) or 'mu' and 'sigma' (of the "
                            "natural log of tokens)");
  }
  double mu = 0;
  double sigma = 0;
  double median = 0;
  std::string given;
  const core::Range positive_length{0.0, static_cast<double>(LengthDistribution::kMaxLength), true};
  if (quantiles) {
    median = p.number("median", positive_length);
    const double p90 = p.number("p90", positive_length);
    if (!(p90 > median)) {
      p.fail("p90", fmt::format("{} must be greater than median ({})", p90, median));
    }
    mu = std::log(median);
    sigma = std::log(p90 / median) / kZ90;
    given = fmt::format("median={}, p90={}", median, p90);
  } else {
    mu = p.number("mu", core::Range{-700.0, 700.0});  // exp(mu) stays a finite double
    sigma = p.number("sigma", core::Range{0.0, 100.0, true});
    median = std::exp(mu);
    given = fmt::format("mu={}, sigma={}", mu, sigma);
  }
  int64_t max_tokens = LengthDistribution::kMaxLength;
  if (auto m = p.maybe_integer("max", core::IntRange::positive(LengthDistribution::kMaxLength))) {
    if (static_cast<double>(*m) < median) {
      p.fail("max", fmt::format("{} is below the median ({:.6g}): most samples would be clamped",
                                *m, median));
    }
    max_tokens = *m;
    given += fmt::format(", max={}", *m);
  }
  return std::make_unique<Lognormal>(mu, sigma, max_tokens, std::move(given));
}

KVSIM_REGISTER(LengthDistribution, "lognormal",
               "log-normal from {`median`, `p90`} or {`mu`, `sigma`}; optional `max` clamp", make);

}  // namespace
}  // namespace kvsim::workload
