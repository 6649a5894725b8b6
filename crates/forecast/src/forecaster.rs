//! The [`Forecaster`] trait every model of the crate implements, and the [`Forecast`] it returns.
//!
//! Backtesting ([`crate::backtest`]) and model comparison work over `dyn Forecaster`, so ARIMA,
//! the baselines and the learners of the strategy layer can be evaluated the same way.

use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{Error, Result};

/// Point forecasts with prediction intervals.
///
/// `lower` and `upper` hold one `(level, bounds)` pair per requested level, in the order the
/// levels were requested; a level is a percentage in (0, 100) (80 means an 80% interval).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Forecast {
    /// Point forecasts for steps 1..=horizon.
    pub mean: Vec<f64>,
    /// Lower interval bounds per level.
    pub lower: Vec<(f64, Vec<f64>)>,
    /// Upper interval bounds per level.
    pub upper: Vec<(f64, Vec<f64>)>,
}

impl Forecast {
    /// Gaussian intervals `mean ± z_{(1+level/100)/2} · se` from point forecasts and their standard
    /// errors.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `mean` and `se` differ in length or a level is outside
    /// (0, 100).
    pub fn gaussian(mean: Vec<f64>, se: &[f64], levels: &[f64]) -> Result<Self> {
        if mean.len() != se.len() {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "se",
                    format!("{} standard errors for {} forecasts", se.len(), mean.len()),
                ),
            ));
        }
        check_levels(levels)?;
        let mut lower = Vec::with_capacity(levels.len());
        let mut upper = Vec::with_capacity(levels.len());
        for &level in levels {
            let z = normal_quantile(0.5 + level / 200.0);
            lower.push((level, mean.iter().zip(se).map(|(m, s)| m - z * s).collect()));
            upper.push((level, mean.iter().zip(se).map(|(m, s)| m + z * s).collect()));
        }
        Ok(Forecast { mean, lower, upper })
    }

    /// Applies a monotone increasing map (a back-transform such as `exp`) to the point forecasts
    /// and every bound.
    #[must_use]
    pub fn map(mut self, f: impl Fn(f64) -> f64) -> Self {
        self.mean.iter_mut().for_each(|v| *v = f(*v));
        for (_, b) in self.lower.iter_mut().chain(self.upper.iter_mut()) {
            b.iter_mut().for_each(|v| *v = f(*v));
        }
        self
    }

    /// The `(lower, upper)` bounds at `level`, if it was requested.
    pub fn interval(&self, level: f64) -> Option<(&[f64], &[f64])> {
        let lo = self.lower.iter().find(|(l, _)| (*l - level).abs() < 1e-9)?;
        let up = self.upper.iter().find(|(l, _)| (*l - level).abs() < 1e-9)?;
        Some((&lo.1, &up.1))
    }

    /// Number of forecast steps.
    pub fn horizon(&self) -> usize {
        self.mean.len()
    }
}

/// A model that can be fitted to a univariate series and then forecast it.
///
/// Implemented by [`crate::arima::ArimaForecaster`] (one order, or the auto-ARIMA search as
/// [`crate::arima::AutoArimaForecaster`]) and the
/// baselines in [`crate::baselines`].
pub trait Forecaster {
    /// Fits the model to `y` (oldest first, regularly spaced, no missing values).
    ///
    /// # Errors
    /// Bad data (empty, non-finite, too short for the model) or a failed fit.
    fn fit(&mut self, y: &[f64]) -> Result<()>;

    /// Forecasts `horizon` steps after the end of the fitted series, with prediction intervals at
    /// `levels` (percentages in (0, 100)).
    ///
    /// # Errors
    /// [`Error::NotFitted`] before `fit`, [`Error::InvalidParameter`] for a bad level or a zero
    /// horizon.
    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast>;
}

/// Rejects levels outside (0, 100).
pub(crate) fn check_levels(levels: &[f64]) -> Result<()> {
    if let Some(l) = levels.iter().find(|l| !(**l > 0.0 && **l < 100.0)) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "levels",
                format!("{l} is not a percentage in (0, 100), e.g. 80 or 95"),
            ),
        ));
    }
    Ok(())
}

/// Rejects a zero horizon.
pub(crate) fn check_horizon(horizon: usize) -> Result<()> {
    if horizon == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination("horizon", "must be at least 1"),
        ));
    }
    Ok(())
}

/// Standard normal quantile.
pub(crate) fn normal_quantile(p: f64) -> f64 {
    // `Normal::standard()` cannot fail; its quantile is accurate to ~1e-15.
    Normal::standard().inverse_cdf(p)
}
