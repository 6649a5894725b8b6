//! Conformal prediction intervals for any forecaster.
//!
//! Split conformal prediction (Vovk, Gammerman & Shafer 2005; for forecasting, Stankeviciute,
//! Alaa & van der Schaar 2021, "Conformal time-series forecasting", NeurIPS) over rolling-origin
//! residuals, per horizon step, the scheme of statsforecast's `ConformalIntervals` with more
//! windows: the model is refitted at `windows` forecast origins at the end of the series (the last
//! one `horizon` steps before the end, each one step earlier than the next), and each origin's
//! absolute errors `|y_{o+j} − ŷ_{o+j|o}|` become the calibration scores of step `j`. With `k`
//! scores the half-width at level `L` is the `⌈(k+1)·L/100⌉`-th smallest score (the largest when
//! that exceeds `k`), and the interval is the final fit's point forecast ± that half-width.
//!
//! The intervals need no distributional assumption and are calibrated on the model's own
//! out-of-sample errors, so they stay honest when the model's likelihood is wrong (a
//! misspecified season, heavy tails); the price is `windows` extra fits. With `k = 20` scores the
//! 95% interval uses the largest one: use more windows for levels above 95%.

use crate::error::{Error, InvalidParameter, Result, check_series};
use crate::forecaster::{Forecast, Forecaster, check_horizon, check_levels};

/// A forecaster with conformal intervals (see the module docs).
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConformalForecaster<F> {
    /// The point forecaster.
    pub model: F,
    /// Calibration origins (default 20).
    pub windows: usize,
    /// The longest horizon the intervals are calibrated for.
    pub horizon: usize,
    /// Calibration scores per horizon step, ascending, after [`Forecaster::fit`].
    pub scores: Option<Vec<Vec<f64>>>,
}

impl<F: Forecaster> ConformalForecaster<F> {
    /// Conformal intervals up to `horizon` steps around `model`'s forecasts, from 20 origins.
    pub fn new(model: F, horizon: usize) -> Self {
        ConformalForecaster {
            model,
            windows: 20,
            horizon,
            scores: None,
        }
    }

    /// The number of calibration origins (at least 1; 20 or more for 95% intervals that are not
    /// simply the largest error seen).
    #[must_use]
    pub fn windows(mut self, windows: usize) -> Self {
        self.windows = windows;
        self
    }
}

impl<F: Forecaster> Forecaster for ConformalForecaster<F> {
    /// Refits the model at each calibration origin, scores its forecasts, then fits it to the
    /// whole series.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for zero windows or horizon; [`Error::SeriesTooShort`] when the
    /// earliest origin would leave fewer than 2 observations; any error of the model's fits.
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        check_series(y)?;
        check_horizon(self.horizon)?;
        if self.windows == 0 {
            return Err(Error::InvalidParameter(InvalidParameter::combination(
                "windows",
                "conformal intervals need at least one calibration origin",
            )));
        }
        let n = y.len();
        let needed = self.horizon + self.windows + 1;
        if n < needed {
            return Err(Error::SeriesTooShort {
                what: format!(
                    "conformal intervals over {} origins of {} steps",
                    self.windows, self.horizon
                ),
                needed,
                got: n,
            });
        }
        let mut scores = vec![Vec::with_capacity(self.windows); self.horizon];
        for w in 0..self.windows {
            let origin = n - self.horizon - w;
            self.model.fit(&y[..origin])?;
            let f = self.model.forecast(self.horizon, &[])?;
            for (j, s) in scores.iter_mut().enumerate() {
                s.push((y[origin + j] - f.mean[j]).abs());
            }
        }
        for s in &mut scores {
            s.sort_by(f64::total_cmp);
        }
        self.model.fit(y)?;
        self.scores = Some(scores);
        Ok(())
    }

    /// The model's point forecasts with conformal bounds.
    ///
    /// # Errors
    /// [`Error::NotFitted`] before `fit`; [`Error::InvalidParameter`] for a zero horizon, one
    /// beyond the calibrated horizon, or a bad level.
    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let scores = self.scores.as_ref().ok_or(Error::NotFitted)?;
        check_horizon(horizon)?;
        check_levels(levels)?;
        if horizon > self.horizon {
            return Err(Error::InvalidParameter(InvalidParameter::combination(
                "horizon",
                format!(
                    "the conformal intervals were calibrated for {} steps; refit with a longer horizon",
                    self.horizon
                ),
            )));
        }
        let point = self.model.forecast(horizon, &[])?;
        let mut lower = Vec::with_capacity(levels.len());
        let mut upper = Vec::with_capacity(levels.len());
        for &level in levels {
            let width: Vec<f64> = scores[..horizon]
                .iter()
                .map(|s| {
                    let k = s.len();
                    let rank = (((k + 1) as f64) * level / 100.0).ceil() as usize;
                    s[rank.clamp(1, k) - 1]
                })
                .collect();
            lower.push((
                level,
                point.mean.iter().zip(&width).map(|(m, w)| m - w).collect(),
            ));
            upper.push((
                level,
                point.mean.iter().zip(&width).map(|(m, w)| m + w).collect(),
            ));
        }
        Ok(Forecast {
            mean: point.mean,
            lower,
            upper,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::baselines::Naive;

    #[test]
    fn widths_are_ranked_absolute_errors() {
        // A random walk with known steps: the naive forecast's h-step errors are sums of steps.
        let steps = [
            1.0, -2.0, 0.5, 3.0, -1.0, 2.0, -0.5, 1.5, -3.0, 0.25, 1.0, -1.0,
        ];
        let mut y = vec![10.0];
        for s in steps {
            y.push(y[y.len() - 1] + s);
        }
        let mut c = ConformalForecaster::new(Naive::default(), 1).windows(9);
        c.fit(&y).unwrap();
        let scores = c.scores.as_ref().unwrap();
        let mut want: Vec<f64> = steps[steps.len() - 9..]
            .iter()
            .map(|s: &f64| s.abs())
            .collect();
        want.sort_by(f64::total_cmp);
        assert_eq!(scores[0], want);
        let f = c.forecast(1, &[80.0]).unwrap();
        // k = 9: rank ceil(10 * 0.8) = 8.
        let (lo, hi) = f.interval(80.0).unwrap();
        assert!((hi[0] - f.mean[0] - want[7]).abs() < 1e-12);
        assert!((f.mean[0] - lo[0] - want[7]).abs() < 1e-12);
        assert!(matches!(
            c.forecast(2, &[80.0]),
            Err(Error::InvalidParameter(_))
        ));
    }

    #[test]
    fn too_short_and_unfitted_are_errors() {
        let mut c = ConformalForecaster::new(Naive::default(), 12);
        assert!(matches!(c.forecast(1, &[80.0]), Err(Error::NotFitted)));
        assert!(matches!(
            c.fit(&[1.0; 20]),
            Err(Error::SeriesTooShort { .. })
        ));
        let mut c = ConformalForecaster::new(Naive::default(), 2).windows(0);
        assert!(matches!(c.fit(&[1.0; 20]), Err(Error::InvalidParameter(_))));
    }
}
