//! The revenue forecast stage: monthly revenue, candidate models compared by a rolling-origin
//! backtest, the best one (never worse than the seasonal naive benchmark, which is itself a
//! candidate) forecasting 12 months with 80% and 95% intervals.
//!
//! Every candidate models the log of monthly revenue and is back-transformed, so the line is the
//! **median** of the forecast distribution (the exponential of the log-scale mean) and the
//! intervals are its quantiles. Candidates: seasonal naive (period 12 from 24 months of history,
//! else naive), auto-ARIMA (R's stepwise search), AutoETS and AutoTheta (statsforecast's
//! selections), drift and simple exponential smoothing.
//! Backtest: [`ORIGINS`] origins [`STEP`] months apart, each forecasting `min(12, n / 4)` months
//! on the revenue scale, scored by MASE (scale: the in-sample seasonal naive errors).

use chrono::{Months, NaiveDate};
use custalyze_forecast::arima::{AutoArima, AutoArimaForecaster};
use custalyze_forecast::backtest::Backtest;
use custalyze_forecast::baselines::{Drift, Naive, SeasonalNaive, SimpleExponentialSmoothing};
use custalyze_forecast::ets::{Ets, EtsForecaster};
use custalyze_forecast::theta::{Theta, ThetaForecaster};
use custalyze_forecast::{Forecast, Forecaster};
use custalyze_transaction_types::{Measure, Period, TimeSeries, TransactionLog};

use crate::error::{Error, Result};

/// Months of history below which no forecast is made.
pub const MIN_MONTHS: usize = 8;
/// Months forecast.
pub const HORIZON: usize = 12;
/// Backtest origins.
pub const ORIGINS: usize = 3;
/// Months between backtest origins.
pub const STEP: usize = 2;

/// A candidate's backtest score.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CandidateScore {
    /// The candidate (`seasonal naive`, `auto-ARIMA`, ...).
    pub name: String,
    /// Mean MASE over the backtest origins.
    pub mase: f64,
    /// sMAPE (percent) over all backtest forecasts.
    pub smape: f64,
}

/// The forecast stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RevenueForecast {
    /// Complete months of revenue: (first day of the month, revenue).
    pub history: Vec<(NaiveDate, f64)>,
    /// Seasonal period of the models (12, or 1 with less than 24 months).
    pub period: usize,
    /// The benchmark's name (`seasonal naive`, or `naive` without a season).
    pub benchmark: String,
    /// Backtest scores of the candidates that ran, best first.
    pub candidates: Vec<CandidateScore>,
    /// Candidates that failed in the backtest, with the reason.
    pub skipped: Vec<(String, String)>,
    /// Backtest horizon in months.
    pub backtest_horizon: usize,
    /// The chosen candidate.
    pub chosen: String,
    /// The fitted model as written by the forecaster (e.g. `ARIMA(0,1,1)(0,1,1)[12]`).
    pub model: String,
    /// First day of each forecast month.
    pub dates: Vec<NaiveDate>,
    /// The median forecast.
    pub median: Vec<f64>,
    /// 80% interval, lower bound.
    pub lower_80: Vec<f64>,
    /// 80% interval, upper bound.
    pub upper_80: Vec<f64>,
    /// 95% interval, lower bound.
    pub lower_95: Vec<f64>,
    /// 95% interval, upper bound.
    pub upper_95: Vec<f64>,
}

impl RevenueForecast {
    /// Backtest score of the chosen model.
    pub fn chosen_score(&self) -> Option<&CandidateScore> {
        self.candidates.iter().find(|c| c.name == self.chosen)
    }

    /// Backtest score of the benchmark.
    pub fn benchmark_score(&self) -> Option<&CandidateScore> {
        self.candidates.iter().find(|c| c.name == self.benchmark)
    }
}

/// A forecaster fitted on `ln y` whose forecasts are back-transformed with `exp`.
enum LogScale {
    /// Auto-ARIMA (kept apart to name the selected model).
    Arima(Box<AutoArimaForecaster>),
    /// AutoETS (kept apart to name the selected model).
    Ets(Box<EtsForecaster>),
    /// AutoTheta (kept apart to name the selected model).
    Theta(Box<ThetaForecaster>),
    /// A benchmark.
    Other(Box<dyn Forecaster>),
}

impl LogScale {
    fn new(name: &str, period: usize) -> Self {
        match name {
            "auto-ARIMA" => LogScale::Arima(Box::new(AutoArimaForecaster::new(AutoArima::params(
                period,
            )))),
            "AutoETS" => LogScale::Ets(Box::new(EtsForecaster::new(Ets::params(period)))),
            "AutoTheta" => LogScale::Theta(Box::new(ThetaForecaster::new(Theta::params(period)))),
            "drift" => LogScale::Other(Box::new(Drift::default())),
            "exponential smoothing" => {
                LogScale::Other(Box::new(SimpleExponentialSmoothing::new(None)))
            }
            "naive" => LogScale::Other(Box::new(Naive::default())),
            _ => LogScale::Other(Box::new(SeasonalNaive::new(period))),
        }
    }

    fn inner(&mut self) -> &mut dyn Forecaster {
        match self {
            LogScale::Arima(m) => m.as_mut(),
            LogScale::Ets(m) => m.as_mut(),
            LogScale::Theta(m) => m.as_mut(),
            LogScale::Other(m) => m.as_mut(),
        }
    }

    /// The selected model's name, after a fit (ARIMA orders, ETS components, Theta variant).
    fn fitted_name(&self) -> Option<String> {
        match self {
            LogScale::Arima(m) => m.fitted.as_ref().map(|f| f.spec().name()),
            LogScale::Ets(m) => m.fitted.as_ref().map(|f| f.model.name()),
            LogScale::Theta(m) => m
                .fitted
                .as_ref()
                .map(|f| format!("Theta ({})", f.model.code())),
            LogScale::Other(_) => None,
        }
    }
}

impl Forecaster for LogScale {
    fn fit(&mut self, y: &[f64]) -> custalyze_forecast::Result<()> {
        let logged: Vec<f64> = y.iter().map(|v| v.ln()).collect();
        self.inner().fit(&logged)
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> custalyze_forecast::Result<Forecast> {
        let f = match self {
            LogScale::Arima(m) => m.forecast(horizon, levels)?,
            LogScale::Ets(m) => m.forecast(horizon, levels)?,
            LogScale::Theta(m) => m.forecast(horizon, levels)?,
            LogScale::Other(m) => m.forecast(horizon, levels)?,
        };
        Ok(f.map(f64::exp))
    }
}

/// Complete months of revenue before `as_of`: the first month is dropped when the data start
/// after its first day, the last when `as_of` falls inside it.
///
/// # Errors
/// [`Error::NotEnoughData`] with fewer than 2 complete months.
pub fn monthly_revenue(log: &TransactionLog, as_of: NaiveDate) -> Result<Vec<(NaiveDate, f64)>> {
    let ts = TimeSeries::from_log(log, Period::MONTH, Measure::Revenue, None)?;
    let first = log.first_date().ok_or(Error::EmptyLog)?;
    let mut h: Vec<(NaiveDate, f64)> = ts.dates.into_iter().zip(ts.values).collect();
    if h.first().is_some_and(|(d, _)| *d < first) {
        h.remove(0);
    }
    if h.last()
        .and_then(|(d, _)| d.checked_add_months(Months::new(1)))
        .is_some_and(|end| end > as_of)
    {
        h.pop();
    }
    if h.len() < 2 {
        return Err(Error::NotEnoughData(format!(
            "{} complete month(s) of revenue; the forecast needs at least 2",
            h.len()
        )));
    }
    Ok(h)
}

/// Chooses a model by backtest and forecasts [`HORIZON`] months after the history.
///
/// # Errors
/// [`Error::NotEnoughData`] for fewer than [`MIN_MONTHS`] months or a month without positive
/// revenue (the models work on its log); [`Error::Forecast`] when the chosen model fails on the
/// whole history.
pub fn forecast_revenue(history: &[(NaiveDate, f64)]) -> Result<RevenueForecast> {
    let n = history.len();
    if n < MIN_MONTHS {
        return Err(Error::NotEnoughData(format!(
            "only {n} complete months of revenue: a forecast needs at least {MIN_MONTHS}"
        )));
    }
    if let Some((d, v)) = history.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
        return Err(Error::NotEnoughData(format!(
            "the revenue of the month of {d} is {v}: the log-scale models need positive monthly revenue"
        )));
    }
    let y: Vec<f64> = history.iter().map(|(_, v)| *v).collect();
    let period = if n >= 24 { 12 } else { 1 };
    let benchmark = if period > 1 {
        "seasonal naive"
    } else {
        "naive"
    };
    let names = [
        benchmark,
        "auto-ARIMA",
        "AutoETS",
        "AutoTheta",
        "drift",
        "exponential smoothing",
    ];
    let horizon = (n / 4).clamp(1, HORIZON);
    let initial = n
        .saturating_sub(horizon + STEP * (ORIGINS - 1))
        .max(period + 1);
    let design = Backtest::new(initial, horizon, STEP).period(period);
    let mut candidates = Vec::new();
    let mut skipped = Vec::new();
    for name in names {
        match design.run(&mut LogScale::new(name, period), &y) {
            Ok(r) if r.mase.is_finite() && r.smape.is_finite() => candidates.push(CandidateScore {
                name: name.to_string(),
                mase: r.mase,
                smape: r.smape,
            }),
            Ok(r) => skipped.push((name.to_string(), format!("undefined MASE ({})", r.mase))),
            Err(e) => skipped.push((name.to_string(), e.to_string())),
        }
    }
    // Best MASE first; the benchmark wins ties (it is the simplest).
    candidates.sort_by(|a, b| {
        a.mase
            .total_cmp(&b.mase)
            .then((b.name == benchmark).cmp(&(a.name == benchmark)))
    });
    let chosen = candidates
        .first()
        .map_or(benchmark.to_string(), |c| c.name.clone());
    let mut model = LogScale::new(&chosen, period);
    model.fit(&y)?;
    let f = model.forecast(HORIZON, &[80.0, 95.0])?;
    let band = |level: f64| {
        f.interval(level)
            .map(|(lo, hi)| (lo.to_vec(), hi.to_vec()))
            .ok_or_else(|| Error::NotEnoughData(format!("no {level}% interval")))
    };
    let (lower_80, upper_80) = band(80.0)?;
    let (lower_95, upper_95) = band(95.0)?;
    let last = history.last().map(|(d, _)| *d).ok_or(Error::EmptyLog)?;
    let dates = (1..=HORIZON as u32)
        .map(|k| {
            last.checked_add_months(Months::new(k))
                .ok_or_else(|| Error::NotEnoughData("forecast date out of range".into()))
        })
        .collect::<Result<Vec<_>>>()?;
    let fitted_name = model.fitted_name().unwrap_or_else(|| chosen.clone());
    Ok(RevenueForecast {
        history: history.to_vec(),
        period,
        benchmark: benchmark.to_string(),
        candidates,
        skipped,
        backtest_horizon: horizon,
        chosen,
        model: format!("{fitted_name} on log revenue"),
        dates,
        median: f.mean.clone(),
        lower_80,
        upper_80,
        lower_95,
        upper_95,
    })
}
