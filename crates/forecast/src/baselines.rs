//! Benchmark forecasters (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 3rd
//! ed., §5.2 and §8.1), with the prediction intervals given there for Gaussian residuals.
//!
//! | model | point forecast `ŷ_{T+h}` | standard error |
//! |---|---|---|
//! | [`Mean`] | `ȳ` | `σ̂ √(1 + 1/T)` |
//! | [`Naive`] | `y_T` | `σ̂ √h` |
//! | [`SeasonalNaive`] | `y_{T+h-m(k+1)}`, `k = ⌊(h-1)/m⌋` | `σ̂ √(k+1)` |
//! | [`Drift`] | `y_T + h (y_T - y_1)/(T-1)` | `σ̂ √(h(1 + h/(T-1)))` |
//! | [`SimpleExponentialSmoothing`] | `ℓ_T` | `σ̂ √(1 + α²(h-1))` |
//!
//! `σ̂` is the residual standard deviation of the one-step in-sample fit.

use crate::error::{Error, Result, check_series};
use crate::forecaster::{Forecast, Forecaster, check_horizon, check_levels};

fn need(y: &[f64], n: usize, what: &str) -> Result<()> {
    check_series(y)?;
    if y.len() < n {
        return Err(Error::SeriesTooShort {
            what: what.into(),
            needed: n,
            got: y.len(),
        });
    }
    Ok(())
}

fn rms(res: impl Iterator<Item = f64>, dof: usize) -> f64 {
    let (s, n) = res.fold((0.0, 0usize), |(s, n), e| (s + e * e, n + 1));
    if n > dof {
        (s / (n - dof) as f64).sqrt()
    } else {
        0.0
    }
}

fn finish(mean: Vec<f64>, se: Vec<f64>, levels: &[f64]) -> Result<Forecast> {
    Forecast::gaussian(mean, &se, levels)
}

macro_rules! checked {
    ($state:expr, $h:expr, $levels:expr) => {{
        check_horizon($h)?;
        check_levels($levels)?;
        $state.as_ref().ok_or(Error::NotFitted)?
    }};
}

/// Forecasts every step by the mean of the series.
#[derive(Clone, Debug, Default)]
pub struct Mean {
    state: Option<(f64, f64, usize)>,
}

impl Forecaster for Mean {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        need(y, 2, "the mean forecaster")?;
        let m = y.iter().sum::<f64>() / y.len() as f64;
        self.state = Some((m, rms(y.iter().map(|v| v - m), 1), y.len()));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let &(m, s, n) = checked!(self.state, horizon, levels);
        let se = s * (1.0 + 1.0 / n as f64).sqrt();
        finish(vec![m; horizon], vec![se; horizon], levels)
    }
}

/// Forecasts every step by the last observation (random walk).
#[derive(Clone, Debug, Default)]
pub struct Naive {
    state: Option<(f64, f64)>,
}

impl Forecaster for Naive {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        need(y, 2, "the naive forecaster")?;
        let s = rms(y.windows(2).map(|w| w[1] - w[0]), 0);
        self.state = Some((y[y.len() - 1], s));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let &(last, s) = checked!(self.state, horizon, levels);
        let se = (1..=horizon).map(|h| s * (h as f64).sqrt()).collect();
        finish(vec![last; horizon], se, levels)
    }
}

/// Forecasts by the value one season earlier.
#[derive(Clone, Debug)]
pub struct SeasonalNaive {
    /// Seasonal period (e.g. 12).
    pub period: usize,
    state: Option<(Vec<f64>, f64)>,
}

impl SeasonalNaive {
    /// A seasonal naive forecaster with period `period`.
    pub fn new(period: usize) -> Self {
        SeasonalNaive {
            period,
            state: None,
        }
    }
}

impl Forecaster for SeasonalNaive {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        let m = self.period;
        if m == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination("period", "must be at least 1"),
            ));
        }
        need(y, m + 1, "the seasonal naive forecaster")?;
        let s = rms((m..y.len()).map(|t| y[t] - y[t - m]), 0);
        self.state = Some((y[y.len() - m..].to_vec(), s));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let (last, s) = checked!(self.state, horizon, levels);
        let m = last.len();
        let mean = (0..horizon).map(|h| last[h % m]).collect();
        let se = (0..horizon)
            .map(|h| s * ((h / m + 1) as f64).sqrt())
            .collect();
        finish(mean, se, levels)
    }
}

/// Naive plus the average historical change (a line through the first and last observations).
#[derive(Clone, Debug, Default)]
pub struct Drift {
    state: Option<(f64, f64, f64, usize)>,
}

impl Forecaster for Drift {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        need(y, 3, "the drift forecaster")?;
        let n = y.len();
        let b = (y[n - 1] - y[0]) / (n - 1) as f64;
        let s = rms(y.windows(2).map(|w| w[1] - w[0] - b), 1);
        self.state = Some((y[n - 1], b, s, n));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let &(last, b, s, n) = checked!(self.state, horizon, levels);
        let mean = (1..=horizon).map(|h| last + b * h as f64).collect();
        let se = (1..=horizon)
            .map(|h| {
                let h = h as f64;
                s * (h * (1.0 + h / (n - 1) as f64)).sqrt()
            })
            .collect();
        finish(mean, se, levels)
    }
}

/// Simple exponential smoothing `ℓ_t = α y_t + (1-α) ℓ_{t-1}`, `ℓ_0 = y_1`, with `α` chosen in
/// (0.0001, 0.9999) by minimising the one-step squared errors (golden-section search) unless
/// fixed.
#[derive(Clone, Debug, Default)]
pub struct SimpleExponentialSmoothing {
    /// Fixed smoothing parameter; `None` estimates it.
    pub alpha: Option<f64>,
    state: Option<(f64, f64, f64)>,
}

impl SimpleExponentialSmoothing {
    /// SES with `alpha` fixed (`Some`) or estimated (`None`).
    pub fn new(alpha: Option<f64>) -> Self {
        SimpleExponentialSmoothing { alpha, state: None }
    }
}

fn ses_sse(y: &[f64], alpha: f64) -> (f64, f64) {
    let mut level = y[0];
    let mut sse = 0.0;
    for &v in &y[1..] {
        let e = v - level;
        sse += e * e;
        level += alpha * e;
    }
    (sse, level)
}

impl Forecaster for SimpleExponentialSmoothing {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        need(y, 3, "simple exponential smoothing")?;
        let alpha = match self.alpha {
            Some(a) if a > 0.0 && a <= 1.0 => a,
            Some(a) => {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::combination(
                        "alpha",
                        format!("{a} is not in (0, 1]"),
                    ),
                ));
            }
            None => {
                // Golden-section search, one new evaluation per step.
                let (mut lo, mut hi) = (1e-4, 0.9999);
                let g = (5f64.sqrt() - 1.0) / 2.0;
                let mut a = hi - g * (hi - lo);
                let mut b = lo + g * (hi - lo);
                let (mut fa, mut fb) = (ses_sse(y, a).0, ses_sse(y, b).0);
                for _ in 0..60 {
                    if fa < fb {
                        hi = b;
                        (b, fb) = (a, fa);
                        a = hi - g * (hi - lo);
                        fa = ses_sse(y, a).0;
                    } else {
                        lo = a;
                        (a, fa) = (b, fb);
                        b = lo + g * (hi - lo);
                        fb = ses_sse(y, b).0;
                    }
                }
                0.5 * (lo + hi)
            }
        };
        let (sse, level) = ses_sse(y, alpha);
        let s = (sse / (y.len() - 1) as f64).sqrt();
        self.state = Some((level, alpha, s));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let &(level, alpha, s) = checked!(self.state, horizon, levels);
        let se = (1..=horizon)
            .map(|h| s * (1.0 + alpha * alpha * (h - 1) as f64).sqrt())
            .collect();
        finish(vec![level; horizon], se, levels)
    }
}
