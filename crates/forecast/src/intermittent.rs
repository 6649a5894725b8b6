//! Forecasts for intermittent demand (many periods without sales) and the Syntetos-Boylan
//! classification that says when to use them.
//!
//! With `y` the series, `z` its non-zero values (demand sizes), `p` the intervals between them
//! (the first counts from the start: a first sale in period 3 is an interval of 3) and
//! `SES_α(x)` the one-step simple exponential smoothing forecast of `x` started at `x₀`
//! (`ℓ₀ = x₀`, `ℓᵢ = α xᵢ + (1 − α) ℓᵢ₋₁` up to the last value):
//!
//! | model | forecast (every step) | reference |
//! |---|---|---|
//! | [`CrostonClassic`] | `SES₀.₁(z) / SES₀.₁(p)` | Croston (1972), "Forecasting and stock control for intermittent demands", *ORQ* 23(3) |
//! | [`CrostonSba`] | `0.95 · SES₀.₁(z) / SES₀.₁(p)` (the Syntetos-Boylan approximation, `1 − α/2` with α = 0.1) | Syntetos & Boylan (2005), *IJF* 21(2) |
//! | [`Tsb`] | `SES_αp(1[y > 0]) · SES_αd(z)`: the probability of a sale, smoothed every period, times the size | Teunter, Syntetos & Babai (2011), *EJOR* 214(3) |
//! | [`Adida`] | sums over non-overlapping blocks of `round(mean(p))` periods (the oldest incomplete block dropped), SES with α minimising the in-sample squared error on `[0.1, 0.3]` (Brent's bounded search, SciPy's `minimize_scalar`), divided by the block length | Nikolopoulos et al. (2011), *JORS* 62(3) |
//!
//! These are statsforecast's `CrostonClassic`, `CrostonSBA`, `TSB(alpha_d, alpha_p)` and `ADIDA`
//! (v2.0.1), and give the same numbers (`tests/intermittent.rs` against a fixture). A series
//! without sales forecasts 0. They give point forecasts only: the [`Forecast`]s they return have
//! no intervals (use the empirical distribution of backtest errors for service levels).
//!
//! [`classify`] puts a series in one of the four Syntetos-Boylan-Croston classes from
//! `ADI = mean(p)` and `CV² = (sd(z) / mean(z))²` (population sd), with the cut-offs 1.32 and
//! 0.49 (Syntetos, Boylan & Croston 2005, *JORS* 56(5)): smooth (both low: ordinary methods),
//! erratic (CV² high), intermittent (ADI high: Croston SBA), lumpy (both high).

use crate::error::{Error, Result, check_series};
use crate::forecaster::{Forecast, Forecaster, check_horizon, check_levels};

/// `SES_α(x)`: the forecast after the last value, started at `x₀` (statsforecast's
/// `_ses_forecast`).
fn ses(x: &[f64], alpha: f64) -> f64 {
    let Some((&first, rest)) = x.split_first() else {
        return 0.0;
    };
    let mut level = first;
    for &v in rest {
        level = alpha * v + (1.0 - alpha) * level;
    }
    level
}

/// In-sample squared error of SES (statsforecast's `_ses_sse`: the forecast of `xᵢ` uses
/// `xᵢ₋₁`).
fn ses_sse(x: &[f64], alpha: f64) -> f64 {
    let Some(&first) = x.first() else {
        return 0.0;
    };
    let mut forecast = first;
    let mut sse = 0.0;
    for i in 1..x.len() {
        forecast = alpha * x[i - 1] + (1.0 - alpha) * forecast;
        sse += (x[i] - forecast).powi(2);
    }
    sse
}

/// Brent's bounded minimisation (SciPy's `_minimize_scalar_bounded`, `xatol = 1e-5`, 500
/// evaluations at most), step for step so the same α comes out.
fn minimise_bounded(f: impl Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    const XATOL: f64 = 1e-5;
    const MAX_EVALUATIONS: usize = 500;
    let sqrt_eps = 2.2e-16f64.sqrt();
    let golden_mean = 0.5 * (3.0 - 5f64.sqrt());
    let (mut a, mut b) = (lo, hi);
    let mut fulc = a + golden_mean * (b - a);
    let (mut nfc, mut xf) = (fulc, fulc);
    let (mut rat, mut e) = (0.0f64, 0.0f64);
    let mut fx = f(xf);
    let mut num = 1;
    let (mut ffulc, mut fnfc) = (fx, fx);
    let mut xm = 0.5 * (a + b);
    let mut tol1 = sqrt_eps * xf.abs() + XATOL / 3.0;
    let mut tol2 = 2.0 * tol1;
    let sign = |v: f64| {
        if v > 0.0 {
            1.0
        } else if v < 0.0 {
            -1.0
        } else {
            0.0
        }
    };
    while (xf - xm).abs() > tol2 - 0.5 * (b - a) {
        let mut golden = true;
        if e.abs() > tol1 {
            golden = false;
            let mut r = (xf - nfc) * (fx - ffulc);
            let mut q = (xf - fulc) * (fx - fnfc);
            let mut p = (xf - fulc) * q - (xf - nfc) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            r = e;
            e = rat;
            if p.abs() < (0.5 * q * r).abs() && p > q * (a - xf) && p < q * (b - xf) {
                rat = p / q;
                let x = xf + rat;
                if (x - a) < tol2 || (b - x) < tol2 {
                    let d = xm - xf;
                    rat = tol1 * (sign(d) + if d == 0.0 { 1.0 } else { 0.0 });
                }
            } else {
                golden = true;
            }
        }
        if golden {
            e = if xf >= xm { a - xf } else { b - xf };
            rat = golden_mean * e;
        }
        let si = sign(rat) + if rat == 0.0 { 1.0 } else { 0.0 };
        let x = xf + si * rat.abs().max(tol1);
        let fu = f(x);
        num += 1;
        if fu <= fx {
            if x >= xf {
                a = xf;
            } else {
                b = xf;
            }
            (fulc, ffulc) = (nfc, fnfc);
            (nfc, fnfc) = (xf, fx);
            (xf, fx) = (x, fu);
        } else {
            if x < xf {
                a = x;
            } else {
                b = x;
            }
            if fu <= fnfc || nfc == xf {
                (fulc, ffulc) = (nfc, fnfc);
                (nfc, fnfc) = (x, fu);
            } else if fu <= ffulc || fulc == xf || fulc == nfc {
                (fulc, ffulc) = (x, fu);
            }
        }
        xm = 0.5 * (a + b);
        tol1 = sqrt_eps * xf.abs() + XATOL / 3.0;
        tol2 = 2.0 * tol1;
        if num >= MAX_EVALUATIONS {
            break;
        }
    }
    xf
}

/// Demand sizes (the positive values) and the intervals between demands.
fn sizes_and_intervals(y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let mut sizes = Vec::new();
    let mut intervals = Vec::new();
    let mut last = 0usize;
    for (i, &v) in y.iter().enumerate() {
        if v != 0.0 {
            intervals.push((i + 1 - last) as f64);
            last = i + 1;
        }
        if v > 0.0 {
            sizes.push(v);
        }
    }
    (sizes, intervals)
}

fn check(y: &[f64], what: &str) -> Result<()> {
    check_series(y)?;
    if let Some((i, &v)) = y.iter().enumerate().find(|(_, v)| **v < 0.0) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "y",
                v,
                format!("{what} needs demand >= 0 (period {i} is negative)"),
            ),
        ));
    }
    Ok(())
}

fn point(state: Option<f64>, horizon: usize, levels: &[f64]) -> Result<Forecast> {
    check_horizon(horizon)?;
    check_levels(levels)?;
    let v = state.ok_or(Error::NotFitted)?;
    Ok(Forecast {
        mean: vec![v; horizon],
        lower: Vec::new(),
        upper: Vec::new(),
    })
}

fn croston(y: &[f64]) -> f64 {
    let (sizes, intervals) = sizes_and_intervals(y);
    if sizes.is_empty() {
        // statsforecast falls back to the naive forecast: the last value, 0 for a series
        // without demand.
        return y.last().copied().unwrap_or(0.0);
    }
    let z = ses(&sizes, 0.1);
    let p = ses(&intervals, 0.1);
    if p != 0.0 { z / p } else { z }
}

/// Croston's method (see the [module docs](self)).
#[derive(Clone, Debug, Default)]
pub struct CrostonClassic {
    state: Option<f64>,
}

impl Forecaster for CrostonClassic {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        check(y, "Croston's method")?;
        self.state = Some(croston(y));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        point(self.state, horizon, levels)
    }
}

/// Croston's method with the Syntetos-Boylan debiasing factor 0.95 (see the [module docs](self)).
#[derive(Clone, Debug, Default)]
pub struct CrostonSba {
    state: Option<f64>,
}

impl Forecaster for CrostonSba {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        check(y, "Croston SBA")?;
        self.state = Some(0.95 * croston(y));
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        point(self.state, horizon, levels)
    }
}

/// Teunter-Syntetos-Babai: smoothed probability of a sale times smoothed size (see the
/// [module docs](self)).
#[derive(Clone, Debug)]
pub struct Tsb {
    alpha_d: f64,
    alpha_p: f64,
    state: Option<f64>,
}

impl Tsb {
    /// TSB with smoothing `alpha_d` for the sizes and `alpha_p` for the probability, both in
    /// `(0, 1]`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] outside `(0, 1]`.
    pub fn new(alpha_d: f64, alpha_p: f64) -> Result<Self> {
        for (name, a) in [("alpha_d", alpha_d), ("alpha_p", alpha_p)] {
            if !(a > 0.0 && a <= 1.0) {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::new(name, a, "must be in (0, 1]"),
                ));
            }
        }
        Ok(Self {
            alpha_d,
            alpha_p,
            state: None,
        })
    }
}

impl Forecaster for Tsb {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        check(y, "TSB")?;
        let (sizes, _) = sizes_and_intervals(y);
        self.state = Some(if sizes.is_empty() {
            0.0
        } else {
            let occurrence: Vec<f64> = y.iter().map(|&v| f64::from(u8::from(v != 0.0))).collect();
            ses(&occurrence, self.alpha_p) * ses(&sizes, self.alpha_d)
        });
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        point(self.state, horizon, levels)
    }
}

/// Aggregate-disaggregate intermittent demand approach (see the [module docs](self)).
#[derive(Clone, Debug, Default)]
pub struct Adida {
    state: Option<f64>,
}

impl Forecaster for Adida {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        check(y, "ADIDA")?;
        let (_, intervals) = sizes_and_intervals(y);
        if intervals.is_empty() {
            self.state = Some(0.0);
            return Ok(());
        }
        let mean = intervals.iter().sum::<f64>() / intervals.len() as f64;
        // numpy's round: half to even.
        let level = (mean.round_ties_even() as usize).max(1);
        let cut = &y[y.len() % level..];
        let sums: Vec<f64> = cut.chunks_exact(level).map(|c| c.iter().sum()).collect();
        if sums.is_empty() {
            return Err(Error::SeriesTooShort {
                what: "ADIDA (one block of the mean interval)".into(),
                needed: level,
                got: y.len(),
            });
        }
        let alpha = minimise_bounded(|a| ses_sse(&sums, a), 0.1, 0.3);
        self.state = Some(ses(&sums, alpha) / level as f64);
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        point(self.state, horizon, levels)
    }
}

/// The Syntetos-Boylan-Croston demand classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum DemandClass {
    /// ADI < 1.32 and CV² < 0.49: regular demand, ordinary methods.
    Smooth,
    /// ADI < 1.32, CV² ≥ 0.49: regular timing, variable sizes.
    Erratic,
    /// ADI ≥ 1.32, CV² < 0.49: sporadic sales of steady size (Croston SBA).
    Intermittent,
    /// ADI ≥ 1.32, CV² ≥ 0.49: sporadic and variable.
    Lumpy,
}

/// The classification of a series with its two statistics.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DemandPattern {
    /// The class.
    pub class: DemandClass,
    /// Average inter-demand interval (periods per sale).
    pub adi: f64,
    /// Squared coefficient of variation of the non-zero demand sizes.
    pub cv2: f64,
    /// Periods with a sale.
    pub demand_periods: usize,
}

/// ADI cut-off of the classification.
pub const ADI_CUTOFF: f64 = 1.32;
/// CV² cut-off of the classification.
pub const CV2_CUTOFF: f64 = 0.49;

/// Classifies a demand series (see the [module docs](self)); `None` without any sale.
///
/// # Examples
/// ```
/// use custalyze_forecast::intermittent::{DemandClass, classify};
/// let p = classify(&[0.0, 3.0, 0.0, 0.0, 3.0, 0.0, 4.0, 0.0]).unwrap_or_else(|| unreachable!());
/// assert_eq!(p.class, DemandClass::Intermittent); // a sale every 2.33 periods, steady sizes
/// assert!(classify(&[0.0, 0.0]).is_none());
/// ```
pub fn classify(y: &[f64]) -> Option<DemandPattern> {
    let (sizes, intervals) = sizes_and_intervals(y);
    if sizes.is_empty() {
        return None;
    }
    let adi = intervals.iter().sum::<f64>() / intervals.len() as f64;
    let n = sizes.len() as f64;
    let mean = sizes.iter().sum::<f64>() / n;
    let var = sizes.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
    let cv2 = var / (mean * mean);
    let class = match (adi >= ADI_CUTOFF, cv2 >= CV2_CUTOFF) {
        (false, false) => DemandClass::Smooth,
        (false, true) => DemandClass::Erratic,
        (true, false) => DemandClass::Intermittent,
        (true, true) => DemandClass::Lumpy,
    };
    Some(DemandPattern {
        class,
        adi,
        cv2,
        demand_periods: sizes.len(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bounded_search_finds_a_parabola_minimum() {
        let x = minimise_bounded(|a| (a - 0.2345).powi(2), 0.1, 0.3);
        assert!((x - 0.2345).abs() < 1e-5);
        let edge = minimise_bounded(|a| a, 0.1, 0.3);
        assert!((edge - 0.1).abs() < 1e-4);
    }

    #[test]
    fn intervals_count_from_the_start() {
        let (z, p) = sizes_and_intervals(&[0.0, 0.0, 5.0, 0.0, 2.0]);
        assert_eq!(z, [5.0, 2.0]);
        assert_eq!(p, [3.0, 2.0]);
    }
}
