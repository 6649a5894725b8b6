//! Box-Cox transforms (Box & Cox 1964) and a wrapper that fits any forecaster on the transformed
//! scale and back-transforms its forecasts.
//!
//! `w = (y^λ - 1)/λ` for `λ ≠ 0`, `w = ln y` for `λ = 0`; inverse `y = (λw + 1)^{1/λ}`. The
//! back-transformed point forecast is the median of the forecast distribution (no bias
//! adjustment, as R's `forecast` default); interval bounds map exactly because the transform is
//! monotone.
//!
//! [`box_cox_lambda`] chooses `λ` by Guerrero's (1993) method, as R's `forecast::BoxCox.lambda`.

use crate::error::{Error, Result, check_series};
use crate::forecaster::{Forecast, Forecaster};

/// Box-Cox transform of every value (`λ = 0` is the log).
///
/// # Errors
/// Bad data; [`Error::NonPositiveForTransform`] for a value <= 0.
pub fn box_cox(y: &[f64], lambda: f64) -> Result<Vec<f64>> {
    check_series(y)?;
    if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| **v <= 0.0) {
        return Err(Error::NonPositiveForTransform {
            transform: if lambda == 0.0 { "log" } else { "Box-Cox" },
            index,
            value,
        });
    }
    Ok(y.iter().map(|&v| box_cox_value(v, lambda)).collect())
}

fn box_cox_value(v: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        v.ln()
    } else {
        (v.powf(lambda) - 1.0) / lambda
    }
}

/// Inverse Box-Cox of one value (`λ = 0`: `exp`); values below the transform's range map to 0.
pub fn inv_box_cox(w: f64, lambda: f64) -> f64 {
    if lambda == 0.0 {
        w.exp()
    } else {
        (lambda * w + 1.0).max(0.0).powf(1.0 / lambda)
    }
}

/// Guerrero's (1993) Box-Cox parameter: the `λ` in `[lower, upper]` that minimises the
/// coefficient of variation of `s_h / m_h^{1-λ}` across consecutive subseries `h` of length
/// `max(2, period)` (`m_h`, `s_h`: the subseries' mean and standard deviation), as R's
/// `forecast::BoxCox.lambda(x, method = "guerrero")` with its defaults `lower = -1`, `upper = 2`.
///
/// As in R, the subseries are taken from the end of the series (leading observations that do
/// not fill a whole subseries are left out), the minimum is found by Brent's method with
/// tolerance `ε^{1/4}` (R's `optimize`), and a series of at most `2 × period` observations gets
/// `λ = 1` (no transform: too little data to estimate it). A constant series also gets 1.
///
/// Guerrero, V. M. (1993), "Time-series analysis supported by power transformations", Journal
/// of Forecasting 12(1), 37-48.
///
/// # Examples
/// ```
/// use custalyze_forecast::transform::box_cox_lambda;
/// // Seasonal swings that grow with the level: a log-like transform (λ near 0) is chosen.
/// let y: Vec<f64> = (0..96)
///     .map(|t| (100.0 + 5.0 * t as f64) * (1.0 + 0.3 * (t as f64 * std::f64::consts::PI / 6.0).sin()))
///     .collect();
/// let lambda = box_cox_lambda(&y, 12, -1.0, 2.0)?;
/// assert!(lambda.abs() < 0.25, "{lambda}");
/// # Ok::<(), custalyze_forecast::Error>(())
/// ```
///
/// # Errors
/// Bad data (empty, non-finite); [`Error::NonPositiveForTransform`] for a value <= 0 (the
/// transform is only defined for positive data); [`Error::InvalidParameter`] when the bounds
/// are not finite or `lower >= upper`.
pub fn box_cox_lambda(y: &[f64], period: usize, lower: f64, upper: f64) -> Result<f64> {
    check_series(y)?;
    if !(lower.is_finite() && upper.is_finite() && lower < upper) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "lower, upper",
                format!("the search interval [{lower}, {upper}] must be finite with lower < upper"),
            ),
        ));
    }
    if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| **v <= 0.0) {
        return Err(Error::NonPositiveForTransform {
            transform: "Box-Cox",
            index,
            value,
        });
    }
    if y.len() <= 2 * period.max(1) || y.windows(2).all(|w| w[0] == w[1]) {
        return Ok(1.0);
    }
    let len = period.max(2);
    let groups = y.len() / len;
    let used = &y[y.len() - groups * len..];
    let stats: Vec<(f64, f64)> = used
        .chunks_exact(len)
        .map(|c| {
            let n = c.len() as f64;
            let m = c.iter().sum::<f64>() / n;
            let var = c.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
            (m, var.sqrt())
        })
        .collect();
    let cv = |lambda: f64| -> f64 {
        let rat: Vec<f64> = stats
            .iter()
            .map(|(m, s)| s / m.powf(1.0 - lambda))
            .collect();
        let n = rat.len() as f64;
        let mean = rat.iter().sum::<f64>() / n;
        let sd = (rat.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let v = sd / mean;
        if v.is_finite() { v } else { f64::INFINITY }
    };
    Ok(crate::optim::brent_min(
        cv,
        lower,
        upper,
        f64::EPSILON.powf(0.25),
    ))
}

/// A forecaster fitted on the Box-Cox scale whose forecasts are back-transformed.
#[derive(Clone, Debug)]
pub struct BoxCoxForecaster<F> {
    /// The wrapped forecaster.
    pub inner: F,
    /// The Box-Cox parameter (0 = log).
    pub lambda: f64,
}

impl<F: Forecaster> BoxCoxForecaster<F> {
    /// Wraps `inner` with parameter `lambda`.
    pub fn new(inner: F, lambda: f64) -> Self {
        BoxCoxForecaster { inner, lambda }
    }
}

impl<F: Forecaster> Forecaster for BoxCoxForecaster<F> {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        if !self.lambda.is_finite() {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "lambda",
                    format!("{} is not finite", self.lambda),
                ),
            ));
        }
        let w = box_cox(y, self.lambda)?;
        self.inner.fit(&w)
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let lambda = self.lambda;
        Ok(self
            .inner
            .forecast(horizon, levels)?
            .map(|w| inv_box_cox(w, lambda)))
    }
}
