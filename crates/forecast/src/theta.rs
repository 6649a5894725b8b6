//! The Theta method and its state-space variants, with automatic selection (AutoTheta).
//!
//! Assimakopoulos & Nikolopoulos (2000, "The theta model: a decomposition approach to
//! forecasting", IJF 16(4)) won the M3 competition with a simple exponential smoothing of the
//! series drifting along half its linear trend; Hyndman & Billah (2003) showed it is SES with
//! drift. Fiorucci, Pellegrini, Louzada, Petropoulos & Koehler (2016, "Models for optimising the
//! theta method and their relationship to state space models", IJF 32(4)) wrote it as a state-space
//! model and added three variants; these are the four models here:
//!
//! | model | θ | trend line `A_n + B_n t` |
//! |---|---|---|
//! | [`ThetaModel::Standard`] (STM) | 2 | fitted once, by least squares on the whole series |
//! | [`ThetaModel::Optimized`] (OTM) | estimated (≥ 1) | fitted once |
//! | [`ThetaModel::DynamicStandard`] (DSTM) | 2 | updated every period |
//! | [`ThetaModel::DynamicOptimized`] (DOTM) | estimated | updated every period |
//!
//! With smoothed level `ℓ`, the one-step forecast at time `t` (0-based) is
//! `μ_t = ℓ_{t−1} + (1 − 1/θ) (A (1−α)^t + B (1 − (1−α)^{t+1}) / α)` and `ℓ_t = α y_t + (1−α) ℓ_{t−1}`;
//! the initial level `ℓ₀`, α ∈ [0.1, 0.99] and θ minimise the sum of squared one-step errors from
//! the fourth observation on, divided by the mean absolute value. AutoTheta fits all four and keeps
//! the lowest. Before fitting, a series whose autocorrelation at the seasonal lag is significant
//! (90% one-sided, Bartlett's variance; periods ≥ 4 with two full cycles) is deseasonalised by a
//! classical multiplicative decomposition (additive for series with values ≤ 0 or indices
//! below 0.01), and the last cycle of indices is put back onto the forecasts.
//!
//! **The same fit as statsforecast's `AutoTheta`**: its starting values (ℓ₀ = y₁/2, α = 0.5,
//! θ = 2), bounds, stopping rule and seasonal test, so forecasts agree to 1e-6
//! (tests/ets_theta_mstl.rs). Prediction intervals are by simulation as statsforecast's, but of the
//! model's own recursion (statsforecast's sampler always updates the trend line, even for the
//! static models) with 2,000 seeded paths instead of 200.

use rand::SeedableRng;
use rand_distr::{Distribution, Normal};

use crate::decompose::{DecompositionKind, classical};
use crate::error::{Error, InvalidParameter, Result, check_series};
use crate::forecaster::{Forecast, Forecaster, check_horizon, check_levels};
use crate::optim::nelder_mead;

/// One of the four Theta models of Fiorucci et al. (2016).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ThetaModel {
    /// STM: θ = 2, static trend line (the classic Theta method).
    Standard,
    /// OTM: θ estimated, static trend line.
    Optimized,
    /// DSTM: θ = 2, trend line updated every period.
    DynamicStandard,
    /// DOTM: θ estimated, trend line updated every period.
    DynamicOptimized,
}

impl ThetaModel {
    /// All four, in the order AutoTheta tries them.
    pub const ALL: [ThetaModel; 4] = [
        ThetaModel::Standard,
        ThetaModel::Optimized,
        ThetaModel::DynamicStandard,
        ThetaModel::DynamicOptimized,
    ];

    /// The short name: `STM`, `OTM`, `DSTM`, `DOTM`.
    pub fn code(self) -> &'static str {
        match self {
            ThetaModel::Standard => "STM",
            ThetaModel::Optimized => "OTM",
            ThetaModel::DynamicStandard => "DSTM",
            ThetaModel::DynamicOptimized => "DOTM",
        }
    }

    fn dynamic(self) -> bool {
        matches!(
            self,
            ThetaModel::DynamicStandard | ThetaModel::DynamicOptimized
        )
    }

    fn optimises_theta(self) -> bool {
        matches!(self, ThetaModel::Optimized | ThetaModel::DynamicOptimized)
    }
}

/// Entry point: `Theta::params(12)` starts the AutoTheta builder for monthly data.
#[derive(Clone, Copy, Debug)]
pub struct Theta;

impl Theta {
    /// AutoTheta settings for seasonal period `period` (1 for none): all four models, a
    /// multiplicative decomposition when the seasonal test asks for one.
    ///
    /// | setting | default | meaning |
    /// |---|---|---|
    /// | `model` | `None` | one model instead of the best of four |
    /// | `decomposition` | multiplicative | how a seasonal series is deseasonalised |
    pub fn params(period: usize) -> ThetaParams {
        ThetaParams {
            period,
            model: None,
            decomposition: DecompositionKind::Multiplicative,
        }
    }
}

/// AutoTheta settings (see [`Theta::params`]).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ThetaParams {
    period: usize,
    model: Option<ThetaModel>,
    decomposition: DecompositionKind,
}

impl ThetaParams {
    /// Fits only `model` (`None`: the best of the four).
    #[must_use]
    pub fn model(mut self, model: Option<ThetaModel>) -> Self {
        self.model = model;
        self
    }

    /// The decomposition used when the series is seasonal.
    #[must_use]
    pub fn decomposition(mut self, kind: DecompositionKind) -> Self {
        self.decomposition = kind;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a period of 0.
    pub fn check(&self) -> Result<ValidThetaParams> {
        if self.period == 0 {
            return Err(Error::InvalidParameter(InvalidParameter::combination(
                "period",
                "must be at least 1 (1 for no season)",
            )));
        }
        Ok(ValidThetaParams(self.clone()))
    }

    /// Checks and fits: see [`ValidThetaParams::fit`].
    ///
    /// # Errors
    /// As [`ThetaParams::check`] and [`ValidThetaParams::fit`].
    pub fn fit(&self, y: &[f64]) -> Result<FittedTheta> {
        self.check()?.fit(y)
    }
}

/// Checked AutoTheta settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidThetaParams(ThetaParams);

impl ValidThetaParams {
    /// The settings.
    pub fn params(&self) -> &ThetaParams {
        &self.0
    }

    /// Tests for seasonality, deseasonalises if needed, fits the model(s) and keeps the one with
    /// the smallest scaled error.
    ///
    /// # Errors
    /// Bad data (empty, non-finite); [`Error::SeriesTooShort`] below 4 observations;
    /// [`Error::NoModelFound`] when every fit fails.
    pub fn fit(&self, y: &[f64]) -> Result<FittedTheta> {
        check_series(y)?;
        let p = &self.0;
        let m = p.period;
        let n = y.len();
        if n <= 3 {
            return Err(Error::SeriesTooShort {
                what: "Theta".into(),
                needed: 4,
                got: n,
            });
        }
        let mut season = None;
        if m >= 4 && n >= 2 * m && seasonal_test(y, m) {
            let positive = y.iter().all(|v| *v > 0.0);
            let mut kind = p.decomposition;
            if kind == DecompositionKind::Multiplicative && !positive {
                kind = DecompositionKind::Additive;
            }
            let mut dec = classical(y, m, kind)?;
            if kind == DecompositionKind::Multiplicative && dec.seasonal.iter().any(|s| *s < 0.01) {
                kind = DecompositionKind::Additive;
                dec = classical(y, m, kind)?;
            }
            season = Some((kind, dec.seasonal));
        }
        let adjusted: Vec<f64> = match &season {
            Some((DecompositionKind::Multiplicative, s)) => {
                y.iter().zip(s).map(|(v, s)| v / s).collect()
            }
            Some((DecompositionKind::Additive, s)) => y.iter().zip(s).map(|(v, s)| v - s).collect(),
            None => y.to_vec(),
        };
        let models: Vec<ThetaModel> = match p.model {
            Some(model) => vec![model],
            None => ThetaModel::ALL.to_vec(),
        };
        let mut best: Option<FittedTheta> = None;
        for model in models {
            let fit = fit_model(&adjusted, model);
            if fit.mse.is_nan() {
                continue;
            }
            if best.as_ref().is_none_or(|b| fit.mse < b.mse) {
                best = Some(fit);
            }
        }
        let mut best = best.ok_or(Error::NoModelFound { what: "Theta" })?;
        if let Some((kind, seasonal)) = season {
            best.seasonal_indices = Some((kind, seasonal[n - m..].to_vec()));
        }
        Ok(best)
    }
}

/// statsforecast's seasonal test: `|r_m| / sqrt((1 + 2 Σ_{k<m} r_k²) / n) > z_{0.95}`.
fn seasonal_test(y: &[f64], m: usize) -> bool {
    let n = y.len();
    let mean = y.iter().sum::<f64>() / n as f64;
    let acov = |k: usize| -> f64 {
        (0..n - k)
            .map(|t| (y[t] - mean) * (y[t + k] - mean))
            .sum::<f64>()
            / n as f64
    };
    let c0 = acov(0);
    let r: Vec<f64> = (1..=m).map(|k| acov(k) / c0).collect();
    let stat = ((1.0 + 2.0 * r[..m - 1].iter().map(|v| v * v).sum::<f64>()) / n as f64).sqrt();
    (r[m - 1].abs() / stat) > crate::forecaster::normal_quantile(0.95)
}

/// A fitted Theta model.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedTheta {
    /// The model.
    pub model: ThetaModel,
    /// Initial smoothed level ℓ₀.
    pub initial_level: f64,
    /// Smoothing α.
    pub alpha: f64,
    /// θ (2 for the standard models).
    pub theta: f64,
    /// The fitting criterion: Σ_{t≥4} e_t² / mean |y| (of the deseasonalised series).
    pub mse: f64,
    /// One-step errors on the (deseasonalised) series.
    pub residuals: Vec<f64>,
    /// The state after the last observation: level, running mean, A, B, last μ.
    pub final_state: [f64; 5],
    /// Observations fitted.
    pub n: usize,
    /// The decomposition and the last cycle of seasonal indices, when the series was
    /// deseasonalised (the first index belongs to the first step after the series).
    pub seasonal_indices: Option<(DecompositionKind, Vec<f64>)>,
}

fn fit_model(y: &[f64], model: ThetaModel) -> FittedTheta {
    let mut x0 = vec![y[0] / 2.0, 0.5];
    let mut lo = vec![-1e10, 0.1];
    let mut hi = vec![1e10, 0.99];
    if model.optimises_theta() {
        x0.push(2.0);
        lo.push(1.0);
        hi.push(1e10);
    }
    let unpack = |x: &[f64]| (x[0], x[1], if model.optimises_theta() { x[2] } else { 2.0 });
    let objective = |x: &[f64]| {
        let (level, alpha, theta) = unpack(x);
        let (mse, _, _) = run(y, model, level, alpha, theta, false);
        let mse = mse.max(-1e10);
        if mse.is_nan() { f64::INFINITY } else { mse }
    };
    let (best, _) = nelder_mead(objective, &x0, &lo, &hi, 1e-4, 1000);
    let (level, alpha, theta) = unpack(&best);
    let (mse, residuals, final_state) = run(y, model, level, alpha, theta, true);
    FittedTheta {
        model,
        initial_level: level,
        alpha,
        theta,
        mse,
        residuals,
        final_state,
        n: y.len(),
        seasonal_indices: None,
    }
}

/// One step of the state recursion: from the state at `i − 1` to the state at `i` (0-based),
/// returning μ_i; `y` is the observation (or μ_i itself when forecasting).
fn step(
    state: &mut [f64; 5],
    i: usize,
    model: ThetaModel,
    alpha: f64,
    theta: f64,
    y: Option<f64>,
) -> f64 {
    let mu = one_step_mean(state, i, alpha, theta);
    update(state, i, model, alpha, mu, y.unwrap_or(mu));
    mu
}

/// The one-step-ahead mean at time `i` of the state.
fn one_step_mean(state: &[f64; 5], i: usize, alpha: f64, theta: f64) -> f64 {
    let [level, _, a, b, _] = *state;
    level
        + (1.0 - 1.0 / theta)
            * (a * (1.0 - alpha).powi(i as i32)
                + b * (1.0 - (1.0 - alpha).powi(i as i32 + 1)) / alpha)
}

/// The state after observing `y` at time `i`, whose one-step mean was `mu`.
fn update(state: &mut [f64; 5], i: usize, model: ThetaModel, alpha: f64, mu: f64, y: f64) {
    let [level, meany, _, b, _] = *state;
    let fi = i as f64;
    state[4] = mu;
    state[0] = alpha * y + (1.0 - alpha) * level;
    state[1] = (fi * meany + y) / (fi + 1.0);
    if model.dynamic() {
        state[3] = ((fi - 1.0) * b + 6.0 * (y - meany) / (fi + 1.0)) / (fi + 2.0);
        state[2] = state[1] - state[3] * (fi + 2.0) / 2.0;
    }
}

fn initial_state(y: &[f64], model: ThetaModel, level: f64, alpha: f64, theta: f64) -> [f64; 5] {
    let (a, b, mu) = if model.dynamic() {
        (y[0], 0.0, y[0])
    } else {
        let n = y.len() as f64;
        let mean = y.iter().sum::<f64>() / n;
        let weighted = y
            .iter()
            .enumerate()
            .map(|(i, v)| v * (i + 1) as f64)
            .sum::<f64>()
            / n;
        let b = 6.0 * (2.0 * weighted - (n + 1.0) * mean) / (n * n - 1.0);
        let a = mean - (n + 1.0) * b / 2.0;
        (a, b, level + (1.0 - 1.0 / theta) * (a + b))
    };
    [alpha * y[0] + (1.0 - alpha) * level, y[0], a, b, mu]
}

/// Runs the filter: the criterion, and with `keep` the residuals and final state.
fn run(
    y: &[f64],
    model: ThetaModel,
    level: f64,
    alpha: f64,
    theta: f64,
    keep: bool,
) -> (f64, Vec<f64>, [f64; 5]) {
    let mut state = initial_state(y, model, level, alpha, theta);
    let mut residuals = if keep {
        Vec::with_capacity(y.len())
    } else {
        Vec::new()
    };
    let first = y[0] - state[4];
    if keep {
        residuals.push(first);
    }
    let mut sse = 0.0;
    for (i, &yi) in y.iter().enumerate().skip(1) {
        let mu = step(&mut state, i, model, alpha, theta, Some(yi));
        let e = yi - mu;
        if i >= 3 {
            sse += e * e;
        }
        if keep {
            residuals.push(e);
        }
    }
    let mean_abs = (y.iter().map(|v| v.abs()).sum::<f64>() / y.len() as f64).max(1e-10);
    (sse / mean_abs, residuals, state)
}

const SAMPLES: usize = 2000;

impl FittedTheta {
    /// Point forecasts for steps `1..=horizon` (reseasonalised when the fit deseasonalised).
    pub fn point_forecast(&self, horizon: usize) -> Vec<f64> {
        let mut state = self.final_state;
        let mut out: Vec<f64> = (0..horizon)
            .map(|j| {
                step(
                    &mut state,
                    self.n + j,
                    self.model,
                    self.alpha,
                    self.theta,
                    None,
                )
            })
            .collect();
        self.reseasonalise(&mut out);
        out
    }

    fn reseasonalise(&self, values: &mut [f64]) {
        if let Some((kind, indices)) = &self.seasonal_indices {
            for (j, v) in values.iter_mut().enumerate() {
                let s = indices[j % indices.len()];
                match kind {
                    DecompositionKind::Multiplicative => *v *= s,
                    DecompositionKind::Additive => *v += s,
                }
            }
        }
    }

    /// Forecasts with simulated prediction intervals: 2,000 paths of the model's recursion with
    /// Gaussian errors of the residuals' standard deviation (from the fourth residual on), seeded,
    /// so the bounds are reproducible.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a zero horizon or a level outside (0, 100).
    pub fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        check_levels(levels)?;
        let mean = self.point_forecast(horizon);
        let tail = &self.residuals[self.residuals.len().min(3)..];
        let sd = if tail.len() > 1 {
            let mu = tail.iter().sum::<f64>() / tail.len() as f64;
            (tail.iter().map(|e| (e - mu) * (e - mu)).sum::<f64>() / (tail.len() - 1) as f64).sqrt()
        } else {
            0.0
        };
        let mut paths = vec![vec![0.0; SAMPLES]; horizon];
        if !levels.is_empty() {
            let normal = Normal::new(0.0, sd.max(0.0)).map_err(|_| Error::NotFinite {
                what: "Theta residual standard deviation",
            })?;
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
            for k in 0..SAMPLES {
                let mut state = self.final_state;
                for (j, path) in paths.iter_mut().enumerate() {
                    let i = self.n + j;
                    let mu = one_step_mean(&state, i, self.alpha, self.theta);
                    let y = mu + normal.sample(&mut rng);
                    update(&mut state, i, self.model, self.alpha, mu, y);
                    path[k] = y;
                }
            }
        }
        let mut lower = Vec::with_capacity(levels.len());
        let mut upper = Vec::with_capacity(levels.len());
        for &level in levels {
            let q_lo = (100.0 - level) / 200.0;
            let mut lo = Vec::with_capacity(horizon);
            let mut hi = Vec::with_capacity(horizon);
            for path in &mut paths {
                path.sort_by(f64::total_cmp);
                lo.push(quantile(path, q_lo));
                hi.push(quantile(path, 1.0 - q_lo));
            }
            self.reseasonalise(&mut lo);
            self.reseasonalise(&mut hi);
            lower.push((level, lo));
            upper.push((level, hi));
        }
        Ok(Forecast { mean, lower, upper })
    }
}

/// Linear-interpolation quantile of sorted values (numpy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// AutoTheta behind the [`Forecaster`] trait.
#[derive(Clone, Debug)]
pub struct ThetaForecaster {
    /// The settings.
    pub params: ThetaParams,
    /// The fit, after [`Forecaster::fit`].
    pub fitted: Option<FittedTheta>,
}

impl ThetaForecaster {
    /// A forecaster for `params`, not fitted yet.
    pub fn new(params: ThetaParams) -> Self {
        ThetaForecaster {
            params,
            fitted: None,
        }
    }
}

impl Forecaster for ThetaForecaster {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        self.fitted = Some(self.params.fit(y)?);
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        self.fitted
            .as_ref()
            .ok_or(Error::NotFitted)?
            .forecast(horizon, levels)
    }
}
