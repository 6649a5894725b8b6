//! Rolling-origin comparison of forecasters on one series.
//!
//! Every model implements the small object-safe [`ComparableModel`] trait (fit on a history,
//! forecast `h` steps), so ARIMA, auto-ARIMA, baselines and the strategy forecasters can share one
//! list of `Box<dyn ComparableModel>`. [`compare`] holds out the last `holdout` points and makes
//! forecasts from origins `n - holdout, n - holdout + step, ..` while a full horizon fits, refitting
//! each model on the data before each origin (rolling origin, Tashman 2000, "Out-of-sample tests of
//! forecasting accuracy", *IJF* 16(4)). It reports MAE / RMSE / sMAPE / MASE per model, overall
//! and per horizon step; MASE is scaled by the in-sample seasonal naive MAE of the data before the
//! first origin (see [`crate::metrics::mase_scale`]).
//!
//! # Examples
//! ```
//! use custalyze_forecast::compare::{compare, CompareParams, ComparableModel, SeasonalNaiveBaseline};
//! use custalyze_forecast::learner::Ridge;
//! use custalyze_forecast::strategy::{Strategy, StrategyParams};
//!
//! let y: Vec<f64> = (0..72).map(|t| 20.0 + 0.3 * t as f64 + (t % 12) as f64).collect();
//! let models: Vec<Box<dyn ComparableModel>> = vec![
//!     Box::new(SeasonalNaiveBaseline::new(12)),
//!     Box::new(Strategy::Recursive.params(Ridge::default(), 12)),
//! ];
//! let table = compare(&y, &models, &CompareParams::new(12, 12, 12))?;
//! assert_eq!(table.models.len(), 2);
//! # Ok::<(), custalyze_forecast::Error>(())
//! ```

use std::time::Instant;

use crate::backtest::{Fold, rolling_origin};
use crate::learner::Learner;
use crate::metrics::{Accuracy, accuracy, mase_scale};
use crate::strategy::StrategyParams;
use crate::{Error, Forecaster, Result};

/// A model the comparison can run: fit on a history, forecast `horizon` points after it.
///
/// The lead connects ARIMA / auto-ARIMA by implementing this for a thin wrapper around their
/// params type.
pub trait ComparableModel: Send + Sync {
    /// Name shown in the table (`snaive`, `linear-recursive`, `lstm-mimo`, `arima`, ...).
    fn name(&self) -> String;

    /// Fits on `history` and returns `horizon` point forecasts.
    ///
    /// # Errors
    /// Whatever the model's fit or forecast returns.
    fn fit_forecast(&self, history: &[f64], horizon: usize) -> Result<Vec<f64>>;
}

/// Any [`Forecaster`] (ARIMA, auto-ARIMA, the baselines, Box-Cox wrappers) as a model of the
/// comparison: each origin fits a fresh clone on the history and keeps the point forecast.
#[derive(Debug, Clone)]
pub struct ForecasterModel<F> {
    /// Name shown in the table.
    pub name: String,
    /// The unfitted forecaster, cloned at every origin.
    pub forecaster: F,
}

impl<F> ForecasterModel<F> {
    /// A named forecaster.
    pub fn new(name: impl Into<String>, forecaster: F) -> Self {
        Self {
            name: name.into(),
            forecaster,
        }
    }
}

impl<F: Forecaster + Clone + Send + Sync> ComparableModel for ForecasterModel<F> {
    fn name(&self) -> String {
        self.name.clone()
    }

    fn fit_forecast(&self, history: &[f64], horizon: usize) -> Result<Vec<f64>> {
        let mut f = self.forecaster.clone();
        f.fit(history)?;
        Ok(f.forecast(horizon, &[])?.mean)
    }
}

/// Seasonal naive: `f_{n+h} = y_{n+h-m*ceil(h/m)}` (the last observed season repeated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeasonalNaiveBaseline {
    /// Season length `m >= 1` (1 gives the naive forecast).
    pub season: usize,
}

impl SeasonalNaiveBaseline {
    /// Seasonal naive with period `season`.
    pub fn new(season: usize) -> Self {
        Self { season }
    }
}

impl ComparableModel for SeasonalNaiveBaseline {
    fn name(&self) -> String {
        "snaive".into()
    }

    fn fit_forecast(&self, history: &[f64], horizon: usize) -> Result<Vec<f64>> {
        let m = self.season;
        if m == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("season", 0, "must be at least 1"),
            ));
        }
        if history.len() < m {
            return Err(Error::SeriesTooShort {
                what: "seasonal naive (one full season)".into(),
                needed: m,
                got: history.len(),
            });
        }
        let n = history.len();
        Ok((0..horizon).map(|h| history[n - m + h % m]).collect())
    }
}

impl<L: Learner> ComparableModel for StrategyParams<L> {
    fn name(&self) -> String {
        format!("{}-{}", self.learner.name(), self.strategy.name())
    }

    fn fit_forecast(&self, history: &[f64], horizon: usize) -> Result<Vec<f64>> {
        let mut p = self.clone();
        p.horizon = horizon;
        p.interval_tail = 0;
        Ok(p.fit(history)?.forecast()?.mean)
    }
}

/// Settings of [`compare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CompareParams {
    /// Forecast horizon `H >= 1`.
    pub horizon: usize,
    /// Points held out at the end (`>= H`).
    pub holdout: usize,
    /// Distance between origins (`>= 1`).
    pub step: usize,
    /// Season length for MASE's scale.
    pub season: usize,
}

impl CompareParams {
    /// Horizon, holdout and season; origins spaced by `horizon`.
    pub fn new(horizon: usize, holdout: usize, season: usize) -> Self {
        Self {
            horizon,
            holdout,
            step: horizon,
            season,
        }
    }
}

/// One model's results.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ModelComparison {
    /// Model name.
    pub name: String,
    /// Forecast per origin.
    pub forecasts: Vec<Fold>,
    /// Metrics over all origins and steps (absent when the model failed).
    pub overall: Option<Accuracy>,
    /// Metrics per step `h = 1..H` over the origins.
    pub by_horizon: Vec<Accuracy>,
    /// The error message when the model failed at some origin.
    pub error: Option<String>,
    /// Wall-clock seconds spent fitting and forecasting (all origins).
    pub seconds: f64,
}

/// The comparison table.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Comparison {
    /// The settings used.
    pub params: CompareParams,
    /// Origins used.
    pub origins: Vec<usize>,
    /// MASE scale (in-sample seasonal naive MAE before the first origin).
    pub mase_scale: f64,
    /// One entry per model, in the given order.
    pub models: Vec<ModelComparison>,
}

/// Runs every model from every origin and scores it. A model that fails is reported with its
/// error and no metrics; the other models still run.
///
/// # Errors
/// [`Error::InvalidParameter`] for `H = 0`, `step = 0`, `holdout < H` or `holdout >= n`;
/// [`Error::NonFiniteValue`] for non-finite values; [`Error::UndefinedMeasure`] for a constant
/// training part.
pub fn compare(
    y: &[f64],
    models: &[Box<dyn ComparableModel>],
    params: &CompareParams,
) -> Result<Comparison> {
    let CompareParams {
        horizon,
        holdout,
        step,
        season,
    } = *params;
    if horizon == 0 || step == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "horizon, step",
                "the horizon and the step must be at least 1",
            ),
        ));
    }
    if holdout < horizon || holdout >= y.len() {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "holdout",
                format!(
                    "holdout {holdout} must be >= the horizon {horizon} and < the series length {}",
                    y.len()
                ),
            ),
        ));
    }
    if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFiniteValue { index, value });
    }
    let n = y.len();
    let first = n - holdout;
    let origins: Vec<usize> = (first..=n - horizon).step_by(step).collect();
    let scale = mase_scale(&y[..first], season)?;
    let mut out = Vec::with_capacity(models.len());
    for model in models {
        let start = Instant::now();
        let (forecasts, error) =
            match rolling_origin(y, origins.iter().copied(), horizon, |train| {
                model.fit_forecast(train, horizon)
            }) {
                Ok(folds) => (folds, None),
                Err((o, e)) => (Vec::new(), Some(format!("origin {o}: {e}"))),
            };
        let (overall, by_horizon) = if error.is_none() {
            let all_a: Vec<f64> = forecasts.iter().flat_map(|f| f.actual.clone()).collect();
            let all_f: Vec<f64> = forecasts.iter().flat_map(|f| f.predicted.clone()).collect();
            let by_h = (0..horizon)
                .map(|h| {
                    let a: Vec<f64> = forecasts.iter().map(|f| f.actual[h]).collect();
                    let p: Vec<f64> = forecasts.iter().map(|f| f.predicted[h]).collect();
                    accuracy(&a, &p, scale)
                })
                .collect::<Result<Vec<_>>>()?;
            (Some(accuracy(&all_a, &all_f, scale)?), by_h)
        } else {
            (None, Vec::new())
        };
        out.push(ModelComparison {
            name: model.name(),
            forecasts,
            overall,
            by_horizon,
            error,
            seconds: start.elapsed().as_secs_f64(),
        });
    }
    Ok(Comparison {
        params: *params,
        origins,
        mase_scale: scale,
        models: out,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn seasonal_naive_repeats_last_season() {
        let f = SeasonalNaiveBaseline::new(3)
            .fit_forecast(&[1.0, 2.0, 3.0, 4.0, 5.0], 5)
            .unwrap();
        assert_eq!(f, vec![3.0, 4.0, 5.0, 3.0, 4.0]);
    }

    #[test]
    fn rolling_origins_and_errors() {
        let y: Vec<f64> = (0..50).map(|t| (t % 5) as f64 + t as f64 * 0.1).collect();
        let models: Vec<Box<dyn ComparableModel>> = vec![Box::new(SeasonalNaiveBaseline::new(5))];
        let c = compare(
            &y,
            &models,
            &CompareParams {
                horizon: 3,
                holdout: 10,
                step: 2,
                season: 5,
            },
        )
        .unwrap();
        assert_eq!(c.origins, vec![40, 42, 44, 46]);
        // seasonal naive error is exactly the trend over one season: 0.5 per point
        let m = c.models[0].overall.unwrap();
        assert!((m.mae - 0.5).abs() < 1e-9, "{m:?}");
        assert!((m.mase - 1.0).abs() < 1e-9);
        assert!(matches!(
            compare(&y, &models, &CompareParams::new(12, 10, 5)),
            Err(Error::InvalidParameter(_))
        ));
        let failing: Vec<Box<dyn ComparableModel>> = vec![Box::new(SeasonalNaiveBaseline::new(0))];
        let c = compare(&y, &failing, &CompareParams::new(3, 10, 5)).unwrap();
        assert!(c.models[0].error.is_some() && c.models[0].overall.is_none());
    }
}
