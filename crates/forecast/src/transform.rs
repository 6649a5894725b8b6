//! Box-Cox transforms (Box & Cox 1964) and a wrapper that fits any forecaster on the transformed
//! scale and back-transforms its forecasts.
//!
//! `w = (y^λ - 1)/λ` for `λ ≠ 0`, `w = ln y` for `λ = 0`; inverse `y = (λw + 1)^{1/λ}`. The
//! back-transformed point forecast is the median of the forecast distribution (no bias
//! adjustment, as R's `forecast` default); interval bounds map exactly because the transform is
//! monotone.

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
            return Err(Error::InvalidParameter {
                name: "lambda",
                reason: format!("{} is not finite", self.lambda),
            });
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
