#pragma once
// Small-dimension minimisers for calibration (Eigen-based).
//
// nelder_mead: derivative-free simplex search; robust on piecewise-smooth objectives (the kernel
// model has ceil() in its wave and tile counts).
// robust_least_squares: Levenberg-Marquardt on residuals r(x) with iteratively reweighted
// pseudo-Huber weights, w_i = 1/sqrt(r_i^2 + delta^2), minimising sum sqrt(r_i^2 + delta^2):
// a least-squares fit that the long tails of real measurements cannot drag.

#include <Eigen/Dense>
#include <functional>

namespace kvsim::core {

struct OptimizeResult {
  Eigen::VectorXd x;
  double value = 0;
  int evaluations = 0;
};

/// Minimise f from x0 with an initial simplex of size `step` in every coordinate.
OptimizeResult nelder_mead(const std::function<double(const Eigen::VectorXd&)>& f,
                           const Eigen::VectorXd& x0, double step, int max_evaluations,
                           double tolerance = 1e-9);

/// Minimise sum_i sqrt(r_i(x)^2 + delta^2) with Levenberg-Marquardt (forward-difference Jacobian).
OptimizeResult robust_least_squares(
    const std::function<Eigen::VectorXd(const Eigen::VectorXd&)>& residuals,
    const Eigen::VectorXd& x0, double delta, int max_iterations);

}  // namespace kvsim::core
