//! Rolling-origin evaluation (Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF
//! 16(4)) of any [`Forecaster`].
//!
//! For each origin `T_i = initial + i·step` (while `T_i + horizon <= n`), the forecaster is
//! refitted on `y[..T_i]` and forecasts `y[T_i..T_i + horizon]`; the errors of all origins are
//! pooled into MAE, RMSE, sMAPE and MASE.

use crate::error::{Error, Result, check_series};
use crate::forecaster::Forecaster;
use crate::metrics;

/// Settings of a rolling-origin backtest.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Backtest {
    /// Length of the first training window.
    pub initial: usize,
    /// Forecast horizon at every origin.
    pub horizon: usize,
    /// Distance between origins.
    pub step: usize,
    /// Seasonal period of the MASE scale (1 = naive scale).
    pub period: usize,
}

/// The forecasts of one origin.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Fold {
    /// Training length (index of the first forecast).
    pub origin: usize,
    /// Point forecasts.
    pub predicted: Vec<f64>,
    /// Actual values.
    pub actual: Vec<f64>,
}

/// Pooled accuracy of a backtest.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BacktestResult {
    /// The folds, in origin order.
    pub folds: Vec<Fold>,
    /// Mean absolute error over all forecasts.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Symmetric MAPE in percent.
    pub smape: f64,
    /// Mean of the per-fold MASE (scale from each fold's training data); NaN when undefined.
    pub mase: f64,
}

impl Backtest {
    /// Origins at `initial, initial + step, …` forecasting `horizon` steps; MASE scale period 1.
    pub fn new(initial: usize, horizon: usize, step: usize) -> Self {
        Backtest {
            initial,
            horizon,
            step,
            period: 1,
        }
    }

    /// The seasonal period of the MASE scale.
    #[must_use]
    pub fn period(mut self, period: usize) -> Self {
        self.period = period;
        self
    }

    /// Runs the backtest of `model` on `y`.
    ///
    /// # Errors
    /// Bad data; [`Error::InvalidParameter`] for a zero horizon, step or initial window;
    /// [`Error::SeriesTooShort`] when not even one origin fits; any error of the model's
    /// `fit`/`forecast`.
    pub fn run(&self, model: &mut dyn Forecaster, y: &[f64]) -> Result<BacktestResult> {
        check_series(y)?;
        for (name, v) in [
            ("initial", self.initial),
            ("horizon", self.horizon),
            ("step", self.step),
        ] {
            if v == 0 {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::combination(name, "must be at least 1"),
                ));
            }
        }
        if self.initial + self.horizon > y.len() {
            return Err(Error::SeriesTooShort {
                what: "the backtest (initial window + horizon)".into(),
                needed: self.initial + self.horizon,
                got: y.len(),
            });
        }
        let origins = (self.initial..=y.len() - self.horizon).step_by(self.step);
        let folds = rolling_origin(y, origins, self.horizon, |train| {
            model.fit(train)?;
            Ok(model.forecast(self.horizon, &[])?.mean)
        })
        .map_err(|(_, e)| e)?;
        let actual: Vec<f64> = folds.iter().flat_map(|f| f.actual.clone()).collect();
        let predicted: Vec<f64> = folds.iter().flat_map(|f| f.predicted.clone()).collect();
        let mases: Vec<f64> = folds
            .iter()
            .filter_map(|f| {
                metrics::mase(&f.actual, &f.predicted, &y[..f.origin], self.period).ok()
            })
            .collect();
        let mase = if mases.is_empty() {
            f64::NAN
        } else {
            mases.iter().sum::<f64>() / mases.len() as f64
        };
        Ok(BacktestResult {
            mae: metrics::mae(&actual, &predicted)?,
            rmse: metrics::rmse(&actual, &predicted)?,
            smape: metrics::smape(&actual, &predicted)?,
            mase,
            folds,
        })
    }
}

/// The rolling-origin loop shared by [`Backtest::run`] and [`crate::compare::compare`]: for each
/// origin `o`, `fit_forecast(&y[..o])` must return `horizon` finite point forecasts of
/// `y[o..o + horizon]`. Stops at the first failing origin and returns it with the error.
pub(crate) fn rolling_origin<F>(
    y: &[f64],
    origins: impl IntoIterator<Item = usize>,
    horizon: usize,
    mut fit_forecast: F,
) -> std::result::Result<Vec<Fold>, (usize, Error)>
where
    F: FnMut(&[f64]) -> Result<Vec<f64>>,
{
    let mut folds = Vec::new();
    for origin in origins {
        let predicted = fit_forecast(&y[..origin]).map_err(|e| (origin, e))?;
        if predicted.len() != horizon || predicted.iter().any(|v| !v.is_finite()) {
            let finite = predicted.iter().filter(|v| v.is_finite()).count();
            return Err((
                origin,
                Error::LengthMismatch {
                    what: format!("finite forecasts ({} returned)", predicted.len()),
                    expected: horizon,
                    got: finite,
                },
            ));
        }
        folds.push(Fold {
            origin,
            predicted,
            actual: y[origin..origin + horizon].to_vec(),
        });
    }
    Ok(folds)
}
