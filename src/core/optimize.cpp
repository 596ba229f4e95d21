#include "kvsim/core/optimize.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace kvsim::core {

OptimizeResult nelder_mead(const std::function<double(const Eigen::VectorXd&)>& f,
                           const Eigen::VectorXd& x0, double step, int max_evaluations,
                           double tolerance) {
  const Eigen::Index n = x0.size();
  std::vector<Eigen::VectorXd> pts(static_cast<size_t>(n + 1), x0);
  std::vector<double> vals(static_cast<size_t>(n + 1));
  OptimizeResult r;
  auto eval = [&](const Eigen::VectorXd& x) {
    ++r.evaluations;
    const double v = f(x);
    return std::isfinite(v) ? v : 1e300;
  };
  for (Eigen::Index i = 0; i < n; ++i)
    pts[static_cast<size_t>(i + 1)](i) += step;
  for (size_t i = 0; i < pts.size(); ++i)
    vals[i] = eval(pts[i]);
  std::vector<size_t> order(pts.size());
  while (r.evaluations < max_evaluations) {
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return vals[a] < vals[b]; });
    const size_t best = order.front(), worst = order.back(), second = order[order.size() - 2];
    if (std::fabs(vals[worst] - vals[best]) < tolerance) break;
    Eigen::VectorXd centroid = Eigen::VectorXd::Zero(n);
    for (size_t i = 0; i + 1 < order.size(); ++i)
      centroid += pts[order[i]];
    centroid /= static_cast<double>(n);
    const Eigen::VectorXd xr = centroid + (centroid - pts[worst]);
    const double fr = eval(xr);
    if (fr < vals[best]) {
      const Eigen::VectorXd xe = centroid + 2 * (centroid - pts[worst]);
      const double fe = eval(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
    } else if (fr < vals[second]) {
      pts[worst] = xr;
      vals[worst] = fr;
    } else {
      const Eigen::VectorXd xc = centroid + 0.5 * (pts[worst] - centroid);
      const double fc = eval(xc);
      if (fc < vals[worst]) {
        pts[worst] = xc;
        vals[worst] = fc;
      } else {  // shrink towards the best point
        for (size_t i = 0; i < pts.size(); ++i) {
          if (i == best) continue;
          pts[i] = pts[best] + 0.5 * (pts[i] - pts[best]);
          vals[i] = eval(pts[i]);
        }
      }
    }
  }
  const size_t best =
      static_cast<size_t>(std::min_element(vals.begin(), vals.end()) - vals.begin());
  r.x = pts[best];
  r.value = vals[best];
  return r;
}

OptimizeResult robust_least_squares(
    const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& residuals,
    const Eigen::VectorXd& x0, double delta, int max_iterations) {
  OptimizeResult r;
  auto loss = [&](const Eigen::VectorXd& res) {
    return (res.array().square() + delta * delta).sqrt().sum();
  };
  Eigen::VectorXd x = x0;
  Eigen::VectorXd res = residuals(x);
  ++r.evaluations;
  double current = loss(res);
  double lambda = 1e-2;
  const Eigen::Index n = x.size();
  for (int it = 0; it < max_iterations; ++it) {
    // IRLS weights for the pseudo-Huber loss, and a forward-difference Jacobian.
    const Eigen::VectorXd w = (res.array().square() + delta * delta).rsqrt();
    Eigen::MatrixXd jac(res.size(), n);
    for (Eigen::Index j = 0; j < n; ++j) {
      Eigen::VectorXd xp = x;
      const double h = 1e-4 * std::max(1.0, std::fabs(x(j)));
      xp(j) += h;
      jac.col(j) = (residuals(xp) - res) / h;
      ++r.evaluations;
    }
    const Eigen::MatrixXd jtw = jac.transpose() * w.asDiagonal();
    const Eigen::MatrixXd a = jtw * jac;
    const Eigen::VectorXd g = jtw * res;
    bool improved = false;
    for (int tries = 0; tries < 8 && !improved; ++tries) {
      Eigen::MatrixXd damped = a;
      damped.diagonal() += lambda * (a.diagonal().array() + 1e-12).matrix();
      const Eigen::VectorXd step = damped.ldlt().solve(-g);
      const Eigen::VectorXd xn = x + step;
      const Eigen::VectorXd rn = residuals(xn);
      ++r.evaluations;
      const double ln = loss(rn);
      if (std::isfinite(ln) && ln < current) {
        improved = std::fabs(current - ln) > 1e-12 * current;
        x = xn;
        res = rn;
        current = ln;
        lambda = std::max(lambda / 3, 1e-9);
        if (!improved) break;
      } else {
        lambda *= 4;
      }
    }
    if (!improved) break;
  }
  r.x = x;
  r.value = current;
  return r;
}

}  // namespace kvsim::core
