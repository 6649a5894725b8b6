//! Weekly demand per product, the lifecycle stage read from it, and the forecast chosen for it.
//!
//! # Demand series
//! Units sold per Monday-to-Sunday week, from the product's first sale to the last week of the
//! log, **weeks without a sale counted as 0** (unlike pricing, where a week without a sale has no
//! price). Rows with a quantity of zero or less are left out and counted.
//!
//! # Forecast choice
//! The series is classified by Syntetos-Boylan-Croston ([`custalyze_forecast::intermittent`]):
//! smooth and erratic series take simple exponential smoothing, the naive forecast and (with two
//! years of history) the seasonal naive forecast as candidates; intermittent and lumpy series take
//! Croston, Croston SBA, TSB (α = 0.1, 0.1) and ADIDA. Each candidate is refitted at rolling
//! origins (every week of the last year with a full lead time after it for intermittent demand,
//! every fourth week for smooth and erratic demand; under a fill-rate target the last two years,
//! every second week for smooth and erratic demand) and forecasts the demand
//! over the lead time; the candidate with the smallest mean absolute lead-time-demand error is
//! chosen. Its errors at those origins are the **empirical lead-time demand errors** the stock
//! policy uses (their standard deviation for normal safety stock, their quantiles for
//! intermittent demand).
//!
//! # Lifecycle
//! With `m₁₃` the mean weekly demand of the last 13 weeks and `m₀` that of the same 13 weeks a
//! year before (with at least 65 weeks of history, so that a seasonal peak is not read as
//! growth) or else of the 26 weeks before: **launch** when the first sale is in the last 13
//! weeks; **growth** when `m₁₃ > 1.25 m₀`; **decline** when `m₁₃ < 0.75 m₀`; **maturity**
//! otherwise (also with less than 39 weeks of history).

use custalyze_forecast::Forecaster;
use custalyze_forecast::arima::{Arima, ArimaForecaster, AutoArima};
use custalyze_forecast::baselines::{Naive, SeasonalNaive, SimpleExponentialSmoothing};
use custalyze_forecast::intermittent::{
    Adida, CrostonClassic, CrostonSba, DemandClass, Tsb, classify,
};
use custalyze_transaction_types::{Id, Period, TransactionLog};
use rayon::prelude::*;

use std::collections::HashMap;

use crate::error::{Error, Result};

/// Weekly units of one product, from its first sale to the log's last week.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DemandSeries {
    /// The product.
    pub item: Id,
    /// The location, when the log has locations (one series per product × location).
    pub location: Option<Id>,
    /// Week ordinal of the first value (Monday-based weeks since 1970).
    pub first_week: i64,
    /// Units per week.
    pub units: Vec<f64>,
    /// Revenue over the whole series.
    pub revenue: f64,
}

/// Weekly demand of every product of a log.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DemandPanel {
    /// The log's last week ordinal.
    pub last_week: i64,
    /// One series per product with a sale (per product × location when the log has
    /// locations), in the log's item order (then location order).
    pub products: Vec<DemandSeries>,
    /// Rows left out (quantity zero or less).
    pub excluded_rows: u64,
}

/// One sale row: (week ordinal, units, amount).
type WeekSale = (i64, f64, f64);

/// The most weeks one series may span (100 years): a guard against absurd dates.
pub const MAX_WEEKS: i64 = 5_218;

impl DemandPanel {
    /// Aggregates a log.
    ///
    /// # Errors
    /// [`Error::NoItems`], [`Error::NoSales`]; [`Error::InvalidParameter`] when the log spans
    /// more than [`MAX_WEEKS`] weeks.
    pub fn from_log(log: &TransactionLog) -> Result<Self> {
        let items = log.items().ok_or(Error::NoItems)?;
        let ids = log.item_ids();
        let locations = log.locations();
        // Series keys: the item index, times the number of locations plus the location index
        // when the log has locations (sparse: a map, as most products sell in few places).
        let n_locations = log.location_ids().len().max(1) as u64;
        let key = |r: usize, item: u32| -> u64 {
            u64::from(item) * n_locations + locations.map_or(0, |l| u64::from(l[r]))
        };
        let mut rows: HashMap<u64, Vec<WeekSale>> = HashMap::new();
        let mut excluded = 0u64;
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for (r, ((&item, &q), &amount)) in items
            .iter()
            .zip(log.quantities())
            .zip(log.amounts())
            .enumerate()
        {
            if !(q > 0.0 && q.is_finite()) || item as usize >= ids.len() {
                excluded += 1;
                continue;
            }
            let week = Period::WEEK.unit_ordinal_of_day(log.day(r));
            first = first.min(week);
            last = last.max(week);
            rows.entry(key(r, item))
                .or_default()
                .push((week, q, amount));
        }
        if first > last {
            return Err(Error::NoSales { excluded });
        }
        if last - first >= MAX_WEEKS {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "log span",
                    format!("{} weeks", last - first + 1),
                    "more than 100 years of weekly demand: check the dates",
                ),
            ));
        }
        let mut rows: Vec<(u64, Vec<WeekSale>)> = rows.into_iter().collect();
        rows.sort_unstable_by_key(|(k, _)| *k);
        let location_ids = log.location_ids();
        let products = rows
            .into_par_iter()
            .map(|(k, r)| {
                let start = r.iter().map(|x| x.0).min().unwrap_or(last);
                let mut units = vec![0.0; usize::try_from(last - start + 1).unwrap_or(0)];
                let mut revenue = 0.0;
                for (week, q, amount) in r {
                    if let Some(u) = usize::try_from(week - start)
                        .ok()
                        .and_then(|k| units.get_mut(k))
                    {
                        *u += q;
                    }
                    revenue += amount;
                }
                let (item, location) = (k / n_locations, k % n_locations);
                DemandSeries {
                    item: ids[item as usize].clone(),
                    location: locations.map(|_| location_ids[location as usize].clone()),
                    first_week: start,
                    units,
                    revenue,
                }
            })
            .collect();
        Ok(Self {
            last_week: last,
            products,
            excluded_rows: excluded,
        })
    }
}

/// A product's lifecycle stage (see the [module docs](self)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Lifecycle {
    /// First sale in the last 13 weeks.
    Launch,
    /// Demand rising.
    Growth,
    /// Steady demand.
    Maturity,
    /// Demand falling.
    Decline,
}

impl Lifecycle {
    /// `launch`, `growth`, `maturity` or `decline`.
    pub fn name(self) -> &'static str {
        match self {
            Lifecycle::Launch => "launch",
            Lifecycle::Growth => "growth",
            Lifecycle::Maturity => "maturity",
            Lifecycle::Decline => "decline",
        }
    }
}

/// The lifecycle stage of a weekly series (see the [module docs](self)).
pub fn lifecycle(units: &[f64]) -> Lifecycle {
    let n = units.len();
    if n <= 13 {
        return Lifecycle::Launch;
    }
    if n < 39 {
        return Lifecycle::Maturity;
    }
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    let recent = mean(&units[n - 13..]);
    // Against the same 13 weeks a year before when there is a year of history before them (a
    // December peak is a season, not growth), else against the 26 weeks before.
    let before = if n >= 65 {
        mean(&units[n - 65..n - 52])
    } else {
        mean(&units[n - 39..n - 13])
    };
    if recent > 1.25 * before {
        Lifecycle::Growth
    } else if recent < 0.75 * before {
        Lifecycle::Decline
    } else {
        Lifecycle::Maturity
    }
}

/// The forecasting models a product may get.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum DemandModel {
    /// Simple exponential smoothing (α by least squares).
    Ses,
    /// The last week.
    Naive,
    /// The same week a year before (52 weeks).
    SeasonalNaive,
    /// Croston's method.
    Croston,
    /// Croston with the Syntetos-Boylan approximation.
    CrostonSba,
    /// Teunter-Syntetos-Babai, α = 0.1 for sizes and probability.
    Tsb,
    /// Aggregate-disaggregate intermittent demand approach.
    Adida,
    /// ARIMA(p, d, q), with a constant (mean or drift) when `constant`: the order found by
    /// auto-ARIMA (R's stepwise search) on the weeks before the first backtest origin.
    Arima {
        /// AR order.
        p: u8,
        /// Differencing order.
        d: u8,
        /// MA order.
        q: u8,
        /// Whether the model has a constant.
        constant: bool,
    },
}

impl DemandModel {
    /// The model's short name.
    pub fn name(self) -> &'static str {
        match self {
            DemandModel::Ses => "ses",
            DemandModel::Naive => "naive",
            DemandModel::SeasonalNaive => "seasonal_naive",
            DemandModel::Croston => "croston",
            DemandModel::CrostonSba => "croston_sba",
            DemandModel::Tsb => "tsb",
            DemandModel::Adida => "adida",
            DemandModel::Arima { .. } => "arima",
        }
    }

    /// The name with the order for ARIMA: `arima(1,0,1)`, `arima(0,1,1)+c`.
    pub fn label(self) -> String {
        match self {
            DemandModel::Arima { p, d, q, constant } => {
                format!("arima({p},{d},{q}){}", if constant { "+c" } else { "" })
            }
            other => other.name().to_string(),
        }
    }

    fn forecaster(self) -> Box<dyn Forecaster> {
        match self {
            DemandModel::Ses => Box::new(SimpleExponentialSmoothing::default()),
            DemandModel::Naive => Box::new(Naive::default()),
            DemandModel::SeasonalNaive => Box::new(SeasonalNaive::new(52)),
            DemandModel::Croston => Box::new(CrostonClassic::default()),
            DemandModel::CrostonSba => Box::new(CrostonSba::default()),
            DemandModel::Tsb => match Tsb::new(0.1, 0.1) {
                Ok(t) => Box::new(t),
                Err(_) => Box::new(CrostonSba::default()),
            },
            DemandModel::Adida => Box::new(Adida::default()),
            DemandModel::Arima { p, d, q, constant } => Box::new(ArimaForecaster::new(
                Arima::params(usize::from(p), usize::from(d), usize::from(q)).constant(constant),
            )),
        }
    }

    /// Mean demand per week for the weeks after `y`, `None` when the model cannot fit `y`.
    pub fn weekly_forecast(self, y: &[f64]) -> Option<f64> {
        self.lead_forecast(y, 1.0).map(|(weekly, _)| weekly)
    }

    /// The forecast for the `lead_weeks` weeks after `y` (a fraction of the last one counted
    /// pro rata): `(mean per week, total)`, each week's forecast floored at 0. Flat models give
    /// `(m, m × lead_weeks)`; seasonal naive and ARIMA sum their paths. `None` when the model cannot fit `y`.
    pub fn lead_forecast(self, y: &[f64], lead_weeks: f64) -> Option<(f64, f64)> {
        let mut f = self.forecaster();
        f.fit(y).ok()?;
        let horizon = lead_weeks.ceil().max(1.0) as usize;
        // Seasonal naive and ARIMA forecast a path; the others are flat.
        let steps = if matches!(self, DemandModel::Arima { .. } | DemandModel::SeasonalNaive) {
            horizon
        } else {
            1
        };
        let fc = f.forecast(steps, &[]).ok()?;
        if fc.mean.iter().any(|v| !v.is_finite()) || fc.mean.is_empty() {
            return None;
        }
        let path: Vec<f64> = (0..horizon)
            .map(|k| fc.mean[k.min(fc.mean.len() - 1)].max(0.0))
            .collect();
        let total: f64 = path
            .iter()
            .enumerate()
            .map(|(k, v)| v * (lead_weeks - k as f64).clamp(0.0, 1.0))
            .sum();
        Some((path[0], total))
    }
}

/// The chosen forecast of one product and its backtest.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DemandForecast {
    /// Syntetos-Boylan-Croston class (`None` for a series without sales).
    pub class: Option<DemandClass>,
    /// The model chosen.
    pub model: DemandModel,
    /// Forecast mean demand per week (the first week's, for ARIMA).
    pub weekly_mean: f64,
    /// Forecast demand over the protection interval the forecast was made for (for flat models
    /// `weekly_mean × weeks`; seasonal naive and ARIMA sum their paths).
    pub lead_demand: f64,
    /// Lead-time-demand errors (actual − forecast) of the chosen model at the backtest origins.
    pub errors: Vec<f64>,
    /// Mean absolute lead-time-demand error of the chosen model (`None` without origins).
    pub mae: Option<f64>,
}

/// The most backtest origins per product (a year of weeks).
pub const MAX_ORIGINS: usize = 52;
/// Weeks a series needs before its first backtest origin.
pub const MIN_TRAINING_WEEKS: usize = 13;

/// Chooses and fits the forecast of a weekly series for a lead time of `lead_weeks` (see the
/// [module docs](self)); `dense` backtests over the last two years instead of one, smooth and
/// erratic series at every second week instead of every fourth (the empirical fill-rate stock
/// needs 20 errors, and the tail of its expected shortage more).
pub fn forecast_demand(units: &[f64], lead_weeks: f64, dense: bool) -> DemandForecast {
    forecast_demand_with(units, lead_weeks, dense, false)
}

/// Weeks of history before the first backtest origin that an ARIMA candidate needs.
pub const MIN_ARIMA_WEEKS: usize = 52;

/// [`forecast_demand`], with an ARIMA candidate for smooth and erratic series when `arima`:
/// auto-ARIMA (non-seasonal, R's stepwise defaults) picks the order on the weeks before the
/// first backtest origin (at least [`MIN_ARIMA_WEEKS`] of them); that order is refitted at every
/// origin, so no backtest forecast sees the weeks it forecasts, and on the whole series for the
/// forecast itself.
pub fn forecast_demand_with(
    units: &[f64],
    lead_weeks: f64,
    dense: bool,
    arima: bool,
) -> DemandForecast {
    let pattern = classify(units);
    let class = pattern.map(|p| p.class);
    let mut candidates: Vec<DemandModel> = match class {
        Some(DemandClass::Intermittent | DemandClass::Lumpy) => vec![
            DemandModel::CrostonSba,
            DemandModel::Croston,
            DemandModel::Tsb,
            DemandModel::Adida,
        ],
        _ => vec![DemandModel::Ses, DemandModel::Naive],
    };
    if !matches!(class, Some(DemandClass::Intermittent | DemandClass::Lumpy)) && units.len() >= 104
    {
        candidates.push(DemandModel::SeasonalNaive);
    }
    let horizon = lead_weeks.ceil().max(1.0) as usize;
    let n = units.len();
    // Origins: forecasts made after week `o - 1` for weeks `o .. o + horizon`.
    // Every week for intermittent demand (its quantiles need many errors), every 4th week for
    // smooth and erratic demand (a standard deviation needs fewer, and SES refits cost more).
    let step = if matches!(class, Some(DemandClass::Intermittent | DemandClass::Lumpy)) {
        1
    } else if dense {
        2
    } else {
        4
    };
    let origins: Vec<usize> = if n >= MIN_TRAINING_WEEKS + horizon {
        let last = n - horizon;
        let span = if dense { 2 * MAX_ORIGINS } else { MAX_ORIGINS };
        let first = last.saturating_sub(span - 1).max(MIN_TRAINING_WEEKS);
        (first..=last).rev().step_by(step).collect()
    } else {
        Vec::new()
    };
    let smooth = !matches!(class, Some(DemandClass::Intermittent | DemandClass::Lumpy));
    if arima
        && smooth
        && let Some(&first) = origins.last()
        && first >= MIN_ARIMA_WEEKS
        && let Ok(search) = AutoArima::params(1).check()
        && let Ok(fit) = search.fit(&units[..first])
    {
        let spec = fit.spec();
        let (p, d, q) = spec.order();
        if let (Ok(p), Ok(d), Ok(q)) = (u8::try_from(p), u8::try_from(d), u8::try_from(q)) {
            candidates.push(DemandModel::Arima {
                p,
                d,
                q,
                constant: spec.has_constant(),
            });
        }
    }
    let mut best: Option<(f64, DemandModel, Vec<f64>)> = None;
    for &model in &candidates {
        let mut errors = Vec::with_capacity(origins.len());
        for &o in &origins {
            let Some((_, forecast)) = model.lead_forecast(&units[..o], lead_weeks) else {
                break;
            };
            // Demand over the lead time: whole weeks, and the fraction of the last one.
            let actual: f64 = (0..horizon)
                .map(|k| {
                    let w = (lead_weeks - k as f64).clamp(0.0, 1.0);
                    units[o + k] * w
                })
                .sum();
            errors.push(actual - forecast);
        }
        if errors.len() < origins.len() || errors.is_empty() {
            continue;
        }
        let mae = errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len() as f64;
        if best.as_ref().is_none_or(|b| mae < b.0) {
            best = Some((mae, model, errors));
        }
    }
    let (mae, model, errors) = match best {
        Some((mae, m, e)) => (Some(mae), m, e),
        None => (None, candidates[0], Vec::new()),
    };
    let (weekly_mean, lead_demand) = model
        .lead_forecast(units, lead_weeks)
        .or_else(|| DemandModel::Naive.lead_forecast(units, lead_weeks))
        .unwrap_or_else(|| {
            let m = units.iter().sum::<f64>() / n.max(1) as f64;
            (m, m * lead_weeks)
        });
    DemandForecast {
        class,
        model,
        weekly_mean,
        lead_demand,
        errors,
        mae,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_reads_the_curve() {
        assert_eq!(lifecycle(&[1.0; 10]), Lifecycle::Launch);
        let mut rising = vec![2.0; 40];
        rising.extend([5.0; 13]);
        assert_eq!(lifecycle(&rising), Lifecycle::Growth);
        let mut falling = vec![10.0; 40];
        falling.extend([3.0; 13]);
        assert_eq!(lifecycle(&falling), Lifecycle::Decline);
        assert_eq!(lifecycle(&[4.0; 60]), Lifecycle::Maturity);
        // Two years with a peak in the last 13 weeks of each: a season, not growth.
        let mut seasonal = Vec::new();
        for _ in 0..2 {
            seasonal.extend([4.0; 39]);
            seasonal.extend([12.0; 13]);
        }
        assert_eq!(lifecycle(&seasonal), Lifecycle::Maturity);
    }

    /// Growing demand (+1.5 units a week with AR(1) noise, four years; backtest at every second
    /// week of the last two): the ARIMA candidate (with drift) forecasts the growth where SES
    /// and naive stay at the last level, and it wins the backtest.
    #[test]
    fn arima_wins_on_growing_demand() {
        // Normal noise by Box-Muller over SplitMix64 (no RNG crate needed here).
        let mut state: u64 = 3;
        let mut uniform = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            ((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        };
        let (mut y, mut noise) = (Vec::with_capacity(208), 0.0);
        for t in 0..208 {
            let z = (-2.0 * uniform().ln()).sqrt() * (std::f64::consts::TAU * uniform()).cos();
            noise = 0.5 * noise + 4.0 * z;
            y.push((10.0 + 1.5 * t as f64 + noise).max(0.0));
        }
        let plain = forecast_demand(&y, 3.0, true);
        let with = forecast_demand_with(&y, 3.0, true, true);
        assert!(
            matches!(with.model, DemandModel::Arima { .. }),
            "{:?}",
            with.model
        );
        assert!(with.model.label().starts_with("arima("));
        assert!(with.mae.unwrap() < plain.mae.unwrap(), "{with:?} {plain:?}");
        assert!(with.lead_demand > 0.0 && with.lead_demand.is_finite());
        // Without the option no ARIMA is tried.
        assert!(!matches!(plain.model, DemandModel::Arima { .. }));
    }

    #[test]
    fn intermittent_series_get_an_intermittent_model() {
        let y: Vec<f64> = (0..80)
            .map(|k| {
                if k % 4 == 0 {
                    3.0 + f64::from(k % 3)
                } else {
                    0.0
                }
            })
            .collect();
        let f = forecast_demand(&y, 2.0, false);
        assert_eq!(f.class, Some(DemandClass::Intermittent));
        assert!(matches!(
            f.model,
            DemandModel::Croston | DemandModel::CrostonSba | DemandModel::Tsb | DemandModel::Adida
        ));
        assert!(f.weekly_mean > 0.5 && f.weekly_mean < 2.0, "{f:?}");
        assert!(!f.errors.is_empty());
    }
}
