//! Conditional sum of squares (CSS) of an ARMA model, used for starting values and for the fast
//! approximate search of auto-ARIMA on long or high-frequency series (as R's `arima(method =
//! "CSS")`).
//!
//! With `p*` the full AR order, residuals are computed recursively from `t = p*` with earlier
//! residuals set to zero:
//! `e_t = (w_t - μ) - Σ φ_i (w_{t-i} - μ) - Σ θ_j e_{t-j}`; `σ̂² = Σ e_t² / (n - p*)`.

/// Residual sum of squares and the number of residuals; `None` when there are no residuals or
/// the sum is not finite.
pub(crate) fn css(w: &[f64], mu: f64, phi: &[f64], theta: &[f64]) -> Option<(f64, usize)> {
    let n = w.len();
    let p = phi.len();
    if n <= p {
        return None;
    }
    let mut e = vec![0.0; n];
    let mut ssq = 0.0;
    for t in p..n {
        let mut v = w[t] - mu;
        for (i, ph) in phi.iter().enumerate() {
            v -= ph * (w[t - i - 1] - mu);
        }
        for (j, th) in theta.iter().enumerate() {
            if t > j {
                v -= th * e[t - j - 1];
            }
        }
        e[t] = v;
        ssq += v * v;
    }
    ssq.is_finite().then_some((ssq, n - p))
}
