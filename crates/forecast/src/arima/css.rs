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
    // Seasonal products are mostly zeros: loop over the nonzero lags only.
    let ar: Vec<(usize, f64)> = phi
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != 0.0)
        .map(|(i, c)| (i + 1, *c))
        .collect();
    let ma: Vec<(usize, f64)> = theta
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != 0.0)
        .map(|(j, c)| (j + 1, *c))
        .collect();
    let mut e = vec![0.0; n];
    let mut ssq = 0.0;
    for t in p..n {
        let mut v = w[t] - mu;
        for &(lag, ph) in &ar {
            v -= ph * (w[t - lag] - mu);
        }
        for &(lag, th) in &ma {
            if t >= lag {
                v -= th * e[t - lag];
            }
        }
        e[t] = v;
        ssq += v * v;
    }
    ssq.is_finite().then_some((ssq, n - p))
}
