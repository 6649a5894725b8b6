//! Multi-step forecasting strategies over any [`Learner`], with one API for all four
//! (as skforecast offers in Python):
//!
//! | strategy | models | training target at origin `o` | forecast |
//! |---|---|---|---|
//! | [`Strategy::Recursive`] | 1 | `z_o` | one step at a time, predictions fed back as lags |
//! | [`Strategy::Direct`] | `H` | model `h`: `z_{o+h-1}` | model `h` predicts step `h` from the origin's lags |
//! | [`Strategy::Mimo`] | 1, `H` outputs | `(z_o, .., z_{o+H-1})` | one call predicts the whole horizon |
//! | [`Strategy::DirRec`] | `H` | model `h`: `z_{o+h-1}` from the lags plus `z_o..z_{o+h-2}` | model `h` reads the predictions of steps `1..h-1` |
//!
//! `z` is the transformed, standardised series (see [`crate::features`]). The scalers are fitted on
//! the training series only, so a backtest never sees the future.
//!
//! With `H = 1` the recursive and direct strategies train the same model on the same rows and
//! give the same forecast (tested).
//!
//! Prediction intervals come from validation residuals: with `interval_tail = V > 0` the
//! strategy is first fitted on all but the last `V` points; from every origin in that tail it
//! forecasts up to `H` steps with the true history and records the errors `e_{h}` on the original
//! scale. The interval at step `h` is `mean_h +- z_{(1+level)/2} * sqrt(mean(e_h^2))`; steps without
//! residuals (`h > V`) scale the last estimate by `sqrt(h / h_last)`. The model is then refitted
//! on the whole series.
//!
//! References: Taieb, Bontempi, Atiya & Sorjamaa (2012), "A review and comparison of strategies for
//! multi-step ahead time series forecasting based on the NN5 forecasting competition", *Expert
//! Systems with Applications* 39(8); Ben Taieb & Hyndman (2014), "Boosting multi-step
//! autoregressive forecasts", ICML.
//!
//! # Examples
//! ```
//! use custalyze_forecast::features::{FeatureSpec, Preprocess};
//! use custalyze_forecast::learner::Ridge;
//! use custalyze_forecast::strategy::{Strategy, StrategyParams};
//!
//! let y: Vec<f64> = (0..60).map(|t| 10.0 + (t % 12) as f64 + 0.1 * t as f64).collect();
//! let fitted = Strategy::Direct.params(Ridge::default(), 6)
//!     .features(FeatureSpec::window(12))
//!     .fit(&y)?;
//! let forecast = fitted.forecast()?;
//! assert_eq!(forecast.mean.len(), 6);
//! # Ok::<(), custalyze_forecast::Error>(())
//! ```

mod direct;
mod dirrec;
mod mimo;
mod recursive;

use rayon::prelude::*;

use crate::features::{FeatureSpec, Preprocess, StandardScaler};
use crate::learner::{Dataset, FittedLearner, Learner};
use crate::{Error, Result};

/// Which multi-step strategy to use. See the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Strategy {
    /// One one-step model, fed its own predictions.
    Recursive,
    /// One model per horizon step.
    Direct,
    /// One model predicting the whole horizon (multiple input, multiple output).
    Mimo,
    /// One model per step, each also reading the previous steps' predictions.
    DirRec,
}

impl Strategy {
    /// The kebab-case name (`recursive`, `direct`, `mimo`, `dirrec`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Recursive => "recursive",
            Self::Direct => "direct",
            Self::Mimo => "mimo",
            Self::DirRec => "dirrec",
        }
    }
}

impl std::str::FromStr for Strategy {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "recursive" => Ok(Self::Recursive),
            "direct" => Ok(Self::Direct),
            "mimo" | "multi-output" | "multiple-output" => Ok(Self::Mimo),
            "dirrec" => Ok(Self::DirRec),
            other => Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "strategy",
                    other,
                    "must be recursive, direct, mimo or dirrec",
                ),
            )),
        }
    }
}

/// Hyper-parameters of a strategy forecaster: the unchecked builder that
/// [`Strategy::params`] starts; [`StrategyParams::check`] validates it.
///
/// | Setting | Default |
/// |---|---|
/// | `features` | lags `12..1` ([`FeatureSpec::window`]`(12)`) |
/// | `preprocess` | no transform |
/// | `intervals(tail, level)` | no intervals (tail 0), level 0.95 |
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StrategyParams<L> {
    /// The multi-step strategy.
    pub(crate) strategy: Strategy,
    /// The regressor trained by the strategy.
    pub(crate) learner: L,
    /// Forecast horizon `H >= 1`.
    pub(crate) horizon: usize,
    /// The features built per row.
    pub(crate) features: FeatureSpec,
    /// The target transform.
    pub(crate) preprocess: Preprocess,
    /// Validation tail `V` for residual-based intervals (0: no intervals).
    pub(crate) interval_tail: usize,
    /// Interval coverage in (0, 1).
    pub(crate) level: f64,
}

impl Strategy {
    /// The settings of this strategy over `learner` with horizon `horizon` and the defaults of
    /// [`StrategyParams`]: `Strategy::Recursive.params(Ridge::default(), 12)`.
    pub fn params<L: Learner>(self, learner: L, horizon: usize) -> StrategyParams<L> {
        StrategyParams::new(self, learner, horizon)
    }
}

/// Checked strategy settings, from [`StrategyParams::check`].
#[derive(Debug, Clone, PartialEq)]
pub struct ValidStrategyParams<L>(StrategyParams<L>);

impl<L: Learner> ValidStrategyParams<L> {
    /// The settings.
    pub fn params(&self) -> &StrategyParams<L> {
        &self.0
    }

    /// Fits on the series `y` (no exogenous columns).
    ///
    /// # Errors
    /// As [`StrategyParams::fit`].
    pub fn fit(&self, y: &[f64]) -> Result<FittedStrategy<L::Fitted>> {
        self.0.fit_with_exog(y, &[])
    }

    /// Fits on `y` with exogenous columns (each as long as `y`).
    ///
    /// # Errors
    /// As [`StrategyParams::fit_with_exog`].
    pub fn fit_with_exog(&self, y: &[f64], exog: &[Vec<f64>]) -> Result<FittedStrategy<L::Fitted>> {
        self.0.fit_with_exog(y, exog)
    }
}

impl<L: Learner> StrategyParams<L> {
    /// A strategy over `learner` with horizon `horizon` and the defaults above.
    pub(crate) fn new(strategy: Strategy, learner: L, horizon: usize) -> Self {
        Self {
            strategy,
            learner,
            horizon,
            features: FeatureSpec::window(12),
            preprocess: Preprocess::default(),
            interval_tail: 0,
            level: 0.95,
        }
    }

    /// Sets the features.
    #[must_use]
    pub fn features(mut self, features: FeatureSpec) -> Self {
        self.features = features;
        self
    }

    /// Sets the target transform.
    #[must_use]
    pub fn preprocess(mut self, preprocess: Preprocess) -> Self {
        self.preprocess = preprocess;
        self
    }

    /// Enables intervals from the residuals on a validation tail of `tail` points.
    #[must_use]
    pub fn intervals(mut self, tail: usize, level: f64) -> Self {
        self.interval_tail = tail;
        self.level = level;
        self
    }

    /// The strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The learner.
    pub fn learner(&self) -> &L {
        &self.learner
    }

    /// The horizon `H`.
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a horizon of 0, a level outside (0, 1), or a feature spec
    /// without lags or with a zero lag or window.
    pub fn check(&self) -> Result<ValidStrategyParams<L>> {
        self.check_settings()?;
        Ok(ValidStrategyParams(self.clone()))
    }

    fn check_settings(&self) -> Result<()> {
        if self.horizon == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("horizon", 0, "must be at least 1"),
            ));
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("level", self.level, "must be in (0, 1)"),
            ));
        }
        self.features.check()?;
        Ok(())
    }

    fn check_data(&self, n: usize, n_exog: usize) -> Result<()> {
        self.check_settings()?;
        if self.features.n_exog != n_exog {
            return Err(Error::LengthMismatch {
                what: "exogenous columns (as the feature spec declares)".into(),
                expected: self.features.n_exog,
                got: n_exog,
            });
        }
        if n == 0 {
            return Err(Error::EmptySeries);
        }
        Ok(())
    }

    /// Fits on the series `y` (no exogenous columns).
    ///
    /// # Errors
    /// Bad parameters, a series too short for the lags and horizon, invalid values, or a failed
    /// learner fit.
    pub fn fit(&self, y: &[f64]) -> Result<FittedStrategy<L::Fitted>> {
        self.fit_with_exog(y, &[])
    }

    /// Fits on `y` with exogenous columns (each as long as `y`).
    ///
    /// # Errors
    /// As [`StrategyParams::fit`], plus [`Error::LengthMismatch`] for columns of the wrong length and
    /// [`Error::NonFiniteExog`].
    pub fn fit_with_exog(&self, y: &[f64], exog: &[Vec<f64>]) -> Result<FittedStrategy<L::Fitted>> {
        self.check_data(y.len(), exog.len())?;
        for (j, c) in exog.iter().enumerate() {
            if c.len() != y.len() {
                return Err(Error::LengthMismatch {
                    what: format!("exogenous column {j} (one value per observation)"),
                    expected: y.len(),
                    got: c.len(),
                });
            }
            if c.iter().any(|v| !v.is_finite()) {
                return Err(Error::NonFiniteExog { column: j });
            }
        }
        let residual_sd = if self.interval_tail > 0 {
            let v = self.interval_tail;
            if v >= y.len() {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::combination(
                        "interval_tail",
                        format!(
                            "interval tail {v} must be shorter than the series ({})",
                            y.len()
                        ),
                    ),
                ));
            }
            let m0 = y.len() - v;
            let short: Vec<Vec<f64>> = exog.iter().map(|c| c[..m0].to_vec()).collect();
            let first = self.fit_plain(&y[..m0], &short)?;
            Some(first.validation_sd(y, exog, m0)?)
        } else {
            None
        };
        let mut fitted = self.fit_plain(y, exog)?;
        fitted.residual_sd = residual_sd;
        Ok(fitted)
    }

    fn fit_plain(&self, y: &[f64], exog: &[Vec<f64>]) -> Result<FittedStrategy<L::Fitted>> {
        let pipe = Pipeline::fit(&self.features, self.preprocess, y, exog)?;
        let zs = pipe.scaled(y)?;
        let h = self.horizon;
        let datasets = match self.strategy {
            Strategy::Recursive => vec![recursive::dataset(&pipe, &zs, exog)?],
            Strategy::Direct => (1..=h)
                .map(|step| direct::dataset(&pipe, &zs, exog, step))
                .collect::<Result<Vec<_>>>()?,
            Strategy::Mimo => vec![mimo::dataset(&pipe, &zs, exog, h)?],
            Strategy::DirRec => (1..=h)
                .map(|step| dirrec::dataset(&pipe, &zs, exog, step))
                .collect::<Result<Vec<_>>>()?,
        };
        let models = datasets
            .par_iter()
            .map(|d| self.learner.fit(d))
            .collect::<Result<Vec<_>>>()?;
        Ok(FittedStrategy {
            strategy: self.strategy,
            horizon: h,
            level: self.level,
            pipeline: pipe,
            models,
            history: y.to_vec(),
            exog: exog.to_vec(),
            residual_sd: None,
        })
    }
}

/// The fitted transform, scalers and feature spec shared by the strategies.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Pipeline {
    /// Feature spec.
    pub features: FeatureSpec,
    /// Target transform.
    pub preprocess: Preprocess,
    /// Mean of the transformed training series.
    pub target_mean: f64,
    /// Standard deviation of the transformed training series (1 if constant).
    pub target_scale: f64,
    /// Scaler of the calendar + exogenous columns, fitted on the training rows.
    pub extra_scaler: StandardScaler,
}

impl Pipeline {
    fn fit(
        features: &FeatureSpec,
        preprocess: Preprocess,
        y: &[f64],
        exog: &[Vec<f64>],
    ) -> Result<Self> {
        let z = preprocess.apply(y)?;
        let n = z.len() as f64;
        let target_mean = z.iter().sum::<f64>() / n;
        let sd = (z.iter().map(|v| (v - target_mean).powi(2)).sum::<f64>() / n).sqrt();
        let target_scale = if sd > 1e-12 { sd } else { 1.0 };
        let mut pipe = Self {
            features: features.clone(),
            preprocess,
            target_mean,
            target_scale,
            extra_scaler: StandardScaler::default(),
        };
        let ne = features.n_extra_features();
        if ne > 0 {
            let d = preprocess.offset();
            let mut extra = Vec::new();
            for t in d + features.max_lookback()..y.len() {
                features.push_extra_features(t, exog, &mut extra)?;
            }
            if extra.is_empty() {
                return Err(Error::SeriesTooShort {
                    what: "the lags".into(),
                    needed: d + features.max_lookback() + 1,
                    got: y.len(),
                });
            }
            pipe.extra_scaler = StandardScaler::fit(&extra, ne)?;
        }
        Ok(pipe)
    }

    /// The transformed, standardised series of a raw history.
    fn scaled(&self, y: &[f64]) -> Result<Vec<f64>> {
        Ok(self
            .preprocess
            .apply(y)?
            .into_iter()
            .map(|v| (v - self.target_mean) / self.target_scale)
            .collect())
    }

    /// Feature row at origin `o` (index into `zs`) for the value at `zs` index `target`, with
    /// `inserted` values placed after the lags (DirRec).
    fn row(
        &self,
        zs: &[f64],
        o: usize,
        target: usize,
        inserted: &[f64],
        exog: &[Vec<f64>],
    ) -> Result<Vec<f64>> {
        let f = &self.features;
        let mut row =
            Vec::with_capacity(f.n_series_features() + inserted.len() + f.n_extra_features());
        for &l in &f.lags {
            row.push(zs[o - l]);
        }
        row.extend_from_slice(inserted);
        for &w in &f.rolling_means {
            row.push(zs[o - w..o].iter().sum::<f64>() / w as f64);
        }
        let start = row.len();
        f.push_extra_features(target + self.preprocess.offset(), exog, &mut row)?;
        self.extra_scaler.transform_row(&mut row[start..]);
        Ok(row)
    }

    /// The series is too short for `what`: it needs `needed` transformed points (after the
    /// transform's offset) and has `got`; reported in raw points.
    fn too_short(&self, what: &str, needed: usize, got: usize) -> Error {
        let offset = self.preprocess.offset();
        Error::SeriesTooShort {
            what: format!(
                "{what} (lags up to {} after the transform's {offset})",
                self.features.max_lookback()
            ),
            needed: needed + offset,
            got: got + offset,
        }
    }
}

/// A point forecast with optional intervals, on the original scale.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StrategyForecast {
    /// Point forecasts for steps `1..=H`.
    pub mean: Vec<f64>,
    /// Lower interval bounds (when intervals were fitted).
    pub lower: Option<Vec<f64>>,
    /// Upper interval bounds (when intervals were fitted).
    pub upper: Option<Vec<f64>>,
    /// Interval coverage.
    pub level: f64,
}

/// A fitted strategy forecaster.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedStrategy<F> {
    /// The strategy.
    pub strategy: Strategy,
    /// The horizon the models were trained for.
    pub horizon: usize,
    /// Interval coverage.
    pub level: f64,
    /// Transform, scalers and features.
    pub pipeline: Pipeline,
    /// The fitted learners (one, or one per step for direct and DirRec).
    pub models: Vec<F>,
    /// The training series (raw scale): the forecast continues it.
    pub history: Vec<f64>,
    /// The training exogenous columns.
    pub exog: Vec<Vec<f64>>,
    /// Root mean squared validation error per step (original scale), when intervals were fitted.
    pub residual_sd: Option<Vec<f64>>,
}

impl<F: FittedLearner> FittedStrategy<F> {
    /// Forecasts `H` steps after the training series (no exogenous columns).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] when the model was fitted with exogenous columns; numerical errors
    /// from the learner.
    pub fn forecast(&self) -> Result<StrategyForecast> {
        self.forecast_with_exog(&[])
    }

    /// Forecasts `H` steps with the future values of the exogenous columns (`H` values each).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] for missing or short columns.
    pub fn forecast_with_exog(&self, future_exog: &[Vec<f64>]) -> Result<StrategyForecast> {
        if future_exog.len() != self.exog.len() {
            return Err(Error::LengthMismatch {
                what: "future exogenous columns".into(),
                expected: self.exog.len(),
                got: future_exog.len(),
            });
        }
        let full: Vec<Vec<f64>> = self
            .exog
            .iter()
            .zip(future_exog)
            .map(|(a, b)| a.iter().chain(b).copied().collect())
            .collect();
        let mean = self.path(&self.history, &full, self.horizon)?;
        let (lower, upper) = match &self.residual_sd {
            Some(sd) => {
                let q = normal_quantile(0.5 + self.level / 2.0);
                (
                    Some(mean.iter().zip(sd).map(|(m, s)| m - q * s).collect()),
                    Some(mean.iter().zip(sd).map(|(m, s)| m + q * s).collect()),
                )
            }
            None => (None, None),
        };
        Ok(StrategyForecast {
            mean,
            lower,
            upper,
            level: self.level,
        })
    }

    /// Mean forecast of `steps <= H` values after the raw history `y`, with exogenous columns
    /// covering `y` and the steps.
    fn path(&self, y: &[f64], exog: &[Vec<f64>], steps: usize) -> Result<Vec<f64>> {
        let pipe = &self.pipeline;
        let zs = pipe.scaled(y)?;
        if zs.len() < pipe.features.max_lookback() {
            return Err(pipe.too_short("forecasting", pipe.features.max_lookback(), zs.len()));
        }
        let zs_future = match self.strategy {
            Strategy::Recursive => recursive::forecast(pipe, &self.models, &zs, exog, steps)?,
            Strategy::Direct => direct::forecast(pipe, &self.models, &zs, exog, steps)?,
            Strategy::Mimo => mimo::forecast(pipe, &self.models, &zs, exog, steps)?,
            Strategy::DirRec => dirrec::forecast(pipe, &self.models, &zs, exog, steps)?,
        };
        let z: Vec<f64> = zs_future
            .iter()
            .map(|v| v * pipe.target_scale + pipe.target_mean)
            .collect();
        let out = pipe.preprocess.invert(y, &z)?;
        if out.iter().any(|v| !v.is_finite()) {
            return Err(Error::NotFinite {
                what: "the forecast (the learner diverged)",
            });
        }
        Ok(out)
    }

    /// RMS errors per step from origins `m0..n` of the full series `y`.
    fn validation_sd(&self, y: &[f64], exog: &[Vec<f64>], m0: usize) -> Result<Vec<f64>> {
        let h = self.horizon;
        let mut sum = vec![0.0; h];
        let mut count = vec![0usize; h];
        for m in m0..y.len() {
            let steps = h.min(y.len() - m);
            let path = self.path(&y[..m], exog, steps)?;
            for (i, (p, a)) in path.iter().zip(&y[m..m + steps]).enumerate() {
                sum[i] += (p - a).powi(2);
                count[i] += 1;
            }
        }
        let mut sd = vec![0.0; h];
        let mut last = None;
        for i in 0..h {
            if count[i] > 0 {
                sd[i] = (sum[i] / count[i] as f64).sqrt();
                last = Some(i);
            } else if let Some(l) = last {
                sd[i] = sd[l] * ((i + 1) as f64 / (l + 1) as f64).sqrt();
            }
        }
        Ok(sd)
    }
}

/// Builds a dataset from rows; `sequence_len` leading columns.
fn dataset_from(rows: Vec<(Vec<f64>, Vec<f64>)>, sequence_len: usize) -> Dataset {
    let n_rows = rows.len();
    let n_cols = rows.first().map_or(0, |r| r.0.len());
    let n_outputs = rows.first().map_or(0, |r| r.1.len());
    let mut d = Dataset {
        x: Vec::with_capacity(n_rows * n_cols),
        y: Vec::with_capacity(n_rows * n_outputs),
        n_rows,
        n_cols,
        n_outputs,
        sequence_len,
    };
    for (x, y) in rows {
        d.x.extend(x);
        d.y.extend(y);
    }
    d
}

fn predict_one<F: FittedLearner>(model: Option<&F>, row: &[f64]) -> Result<f64> {
    let model = model.ok_or_else(|| Error::NotFitted)?;
    model
        .predict(row)?
        .first()
        .copied()
        .ok_or_else(|| Error::LengthMismatch {
            what: "learner outputs".into(),
            expected: 1,
            got: 0,
        })
}

/// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p_low = 0.02425;
    if p < p_low {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - p_low {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::learner::Ridge;

    fn seasonal(n: usize) -> Vec<f64> {
        (0..n)
            .map(|t| 50.0 + 0.5 * t as f64 + 8.0 * (t as f64 * std::f64::consts::TAU / 12.0).sin())
            .collect()
    }

    #[test]
    fn normal_quantile_matches_table() {
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-8);
        assert!((normal_quantile(0.5)).abs() < 1e-12);
        assert!((normal_quantile(0.01) + 2.326_347_874_040_841).abs() < 1e-8);
    }

    #[test]
    fn all_strategies_forecast_a_clean_seasonal_series() {
        let y = seasonal(96);
        let truth = seasonal(108);
        for s in [
            Strategy::Recursive,
            Strategy::Direct,
            Strategy::Mimo,
            Strategy::DirRec,
        ] {
            let f = s
                .params(Ridge::new(1e-6), 12)
                .features(FeatureSpec::window(13))
                .fit(&y)
                .unwrap()
                .forecast()
                .unwrap();
            for (p, a) in f.mean.iter().zip(&truth[96..]) {
                assert!((p - a).abs() < 1e-3, "{s:?}: {p} vs {a}");
            }
        }
    }

    #[test]
    fn recursive_equals_direct_at_horizon_one() {
        let y: Vec<f64> = seasonal(80)
            .iter()
            .enumerate()
            .map(|(t, v)| v + ((t * 7919) % 13) as f64 / 3.0)
            .collect();
        let fit = |s: Strategy| {
            s.params(Ridge::new(0.5), 1)
                .features(FeatureSpec::window(12).rolling_means(vec![3]))
                .preprocess(Preprocess {
                    log: true,
                    seasonal_difference: Some(12),
                    difference: false,
                })
                .fit(&y)
                .unwrap()
                .forecast()
                .unwrap()
                .mean
        };
        assert_eq!(fit(Strategy::Recursive), fit(Strategy::Direct));
        assert_eq!(fit(Strategy::Recursive), fit(Strategy::DirRec));
    }

    #[test]
    fn intervals_widen_and_cover_the_mean() {
        let y: Vec<f64> = seasonal(100)
            .iter()
            .enumerate()
            .map(|(t, v)| v + ((t * 7919) % 11) as f64)
            .collect();
        let f = Strategy::Recursive
            .params(Ridge::default(), 6)
            .intervals(12, 0.95)
            .fit(&y)
            .unwrap()
            .forecast()
            .unwrap();
        let (lo, hi) = (f.lower.unwrap(), f.upper.unwrap());
        for i in 0..6 {
            assert!(lo[i] < f.mean[i] && f.mean[i] < hi[i]);
        }
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let p = Strategy::Recursive.params(Ridge::default(), 0);
        assert!(matches!(
            p.fit(&seasonal(40)),
            Err(Error::InvalidParameter(_))
        ));
        let p = Strategy::Mimo.params(Ridge::default(), 3);
        assert!(matches!(
            p.fit(&seasonal(10)),
            Err(Error::SeriesTooShort { .. })
        ));
        assert!(matches!(p.fit(&[]), Err(Error::EmptySeries)));
        let mut y = seasonal(40);
        y[3] = f64::NAN;
        assert!(matches!(
            p.fit(&y),
            Err(Error::NonFiniteValue { index: 3, .. })
        ));
        let p = p.features(FeatureSpec::window(3).exog(1));
        assert!(matches!(
            p.fit_with_exog(&seasonal(40), &[vec![1.0; 39]]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            p.fit(&seasonal(40)),
            Err(Error::LengthMismatch { .. })
        ));
    }

    #[test]
    fn exogenous_column_is_used() {
        // y_t = 3 x_t + small lag effect: only the exogenous column explains the jumps.
        let x: Vec<f64> = (0..80).map(|t| ((t * 37) % 10) as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| 3.0 * v + 1.0).collect();
        let fitted = Strategy::Direct
            .params(Ridge::new(1e-8), 2)
            .features(FeatureSpec::window(2).exog(1))
            .fit_with_exog(&y[..78], &[x[..78].to_vec()])
            .unwrap();
        let f = fitted.forecast_with_exog(&[x[78..].to_vec()]).unwrap();
        assert!((f.mean[0] - y[78]).abs() < 1e-4 && (f.mean[1] - y[79]).abs() < 1e-4);
        assert!(matches!(
            fitted.forecast_with_exog(&[vec![1.0]]),
            Err(Error::LengthMismatch { .. })
        ));
    }
}
