//! MSTL: decomposition with several seasonal periods, and forecasting from it.
//!
//! Bandara, Hyndman & Bergmeir (2021, "MSTL: A Seasonal-Trend Decomposition Algorithm for Time
//! Series with Multiple Seasonal Patterns", arXiv:2107.13462), as R's `forecast::mstl` and
//! statsforecast's `MSTL`: the periods are sorted; each seasonal component in turn is re-estimated
//! by STL (seasonal degree 0, seasonal span `7 + 4k` for the k-th period: 11, 15, 19, …) from the
//! series less the other components, twice over (once with a single period); the trend is the last
//! STL's trend and the remainder what is left.
//!
//! [`MstlForecaster`] forecasts each seasonal component by repeating its last cycle and the
//! deseasonalised series (trend + remainder) with another forecaster, by default AutoETS without
//! a season (`"ZZN"`), statsforecast's default; the intervals are that forecaster's, shifted by the
//! seasonal forecast. STL here runs statsmodels' settings ([`StlSettings::statsmodels`]), so the
//! components and forecasts equal statsforecast's (tests/ets_theta_mstl.rs).

use crate::error::{Error, InvalidParameter, Result, check_series};
use crate::ets::{Ets, EtsForecaster};
use crate::forecaster::{Forecast, Forecaster};
use crate::stl::{StlSettings, stl_with};

/// An MSTL decomposition `y = trend + Σ seasonal_k + remainder`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Mstl {
    /// The seasonal periods, ascending.
    pub periods: Vec<usize>,
    /// Trend.
    pub trend: Vec<f64>,
    /// One seasonal component per period, in the order of `periods`.
    pub seasonal: Vec<Vec<f64>>,
    /// Remainder.
    pub remainder: Vec<f64>,
}

impl Mstl {
    /// The seasonally adjusted series `trend + remainder`.
    pub fn deseasonalised(&self) -> Vec<f64> {
        self.trend
            .iter()
            .zip(&self.remainder)
            .map(|(t, r)| t + r)
            .collect()
    }

    /// The seasonal components continued `horizon` steps: each repeats its last cycle; summed.
    pub fn seasonal_forecast(&self, horizon: usize) -> Vec<f64> {
        let n = self.trend.len();
        (0..horizon)
            .map(|j| {
                self.periods
                    .iter()
                    .zip(&self.seasonal)
                    .map(|(&p, s)| s[n - p + j % p])
                    .sum()
            })
            .collect()
    }
}

/// Decomposes `y` with the seasonal `periods` (each at least 2; sorted and deduplicated here).
///
/// # Errors
/// [`Error::InvalidParameter`] for no period or a period below 2; [`Error::SeriesTooShort`] when
/// the series has fewer than two full cycles (plus one) of the longest period; bad data as usual.
///
/// # Examples
/// ```
/// use custalyze_forecast::mstl::mstl;
/// let y: Vec<f64> = (0..120)
///     .map(|t| 50.0 + 0.1 * t as f64 + [3.0, -3.0, 1.0, -1.0][t % 4])
///     .collect();
/// let d = mstl(&y, &[4])?;
/// assert!((d.seasonal[0][40] - 3.0).abs() < 0.2);
/// # Ok::<(), custalyze_forecast::Error>(())
/// ```
pub fn mstl(y: &[f64], periods: &[usize]) -> Result<Mstl> {
    check_series(y)?;
    let mut periods = periods.to_vec();
    periods.sort_unstable();
    periods.dedup();
    if periods.is_empty() || periods[0] < 2 {
        return Err(Error::InvalidParameter(InvalidParameter::combination(
            "periods",
            "MSTL needs at least one seasonal period, each at least 2",
        )));
    }
    let n = y.len();
    let longest = periods[periods.len() - 1];
    if n < 2 * longest + 1 {
        return Err(Error::SeriesTooShort {
            what: format!("MSTL with period {longest}"),
            needed: 2 * longest + 1,
            got: n,
        });
    }
    let iterations = if periods.len() == 1 { 1 } else { 2 };
    let mut seasonal = vec![vec![0.0; n]; periods.len()];
    let mut deseasonalised = y.to_vec();
    let mut trend = Vec::new();
    for _ in 0..iterations {
        for (k, &p) in periods.iter().enumerate() {
            for (d, s) in deseasonalised.iter_mut().zip(&seasonal[k]) {
                *d += s;
            }
            let fit = stl_with(&deseasonalised, &StlSettings::statsmodels(p, 11 + 4 * k, 0))?;
            for (d, s) in deseasonalised.iter_mut().zip(&fit.seasonal) {
                *d -= s;
            }
            seasonal[k] = fit.seasonal;
            trend = fit.trend;
        }
    }
    let remainder = deseasonalised
        .iter()
        .zip(&trend)
        .map(|(d, t)| d - t)
        .collect();
    Ok(Mstl {
        periods,
        trend,
        seasonal,
        remainder,
    })
}

/// Forecasts by MSTL: seasonal components repeat their last cycle, the deseasonalised series goes
/// to `trend_forecaster` (AutoETS `"ZZN"` by default).
#[derive(Clone, Debug)]
pub struct MstlForecaster<F = EtsForecaster> {
    /// The seasonal periods.
    pub periods: Vec<usize>,
    /// The forecaster of the deseasonalised series; it must not model a season of its own.
    pub trend_forecaster: F,
    /// The decomposition, after [`Forecaster::fit`].
    pub decomposition: Option<Mstl>,
}

impl MstlForecaster<EtsForecaster> {
    /// MSTL with AutoETS (`"ZZN"`) on the deseasonalised series.
    pub fn new(periods: Vec<usize>) -> Self {
        MstlForecaster {
            periods,
            trend_forecaster: EtsForecaster::new(Ets::params(1).model("ZZN")),
            decomposition: None,
        }
    }
}

impl<F: Forecaster> MstlForecaster<F> {
    /// MSTL with another forecaster for the deseasonalised series.
    pub fn with_trend_forecaster(periods: Vec<usize>, trend_forecaster: F) -> Self {
        MstlForecaster {
            periods,
            trend_forecaster,
            decomposition: None,
        }
    }
}

impl<F: Forecaster> Forecaster for MstlForecaster<F> {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        let d = mstl(y, &self.periods)?;
        self.trend_forecaster.fit(&d.deseasonalised())?;
        self.decomposition = Some(d);
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        let d = self.decomposition.as_ref().ok_or(Error::NotFitted)?;
        let mut f = self.trend_forecaster.forecast(horizon, levels)?;
        let seasonal = d.seasonal_forecast(horizon);
        let add = |v: &mut Vec<f64>| v.iter_mut().zip(&seasonal).for_each(|(a, s)| *a += s);
        add(&mut f.mean);
        for (_, b) in f.lower.iter_mut().chain(f.upper.iter_mut()) {
            add(b);
        }
        Ok(f)
    }
}
