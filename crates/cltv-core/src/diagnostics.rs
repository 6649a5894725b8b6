//! The numbers behind the BTYD diagnostic plots (lifetimes' `plotting` module, Fader-Hardie's
//! CDNOW figures), for any fitted purchase model. Each function returns plain numbers; the
//! `custalyze-plot` crate draws them as SVG (`custalyze cltv plot KIND`, and the report's model
//! check).
//!
//! | function | plot | lifetimes |
//! |---|---|---|
//! | [`frequency_recency_matrix`] | expected purchases in the next `t` by frequency and recency | `plot_frequency_recency_matrix` |
//! | [`p_alive_matrix`] | P(alive) by frequency and recency | `plot_probability_alive_matrix` |
//! | [`period_transactions`] | customers by repeat purchases: model vs actual | `plot_period_transactions` (which simulates; this is its expectation) |
//! | [`calibration_holdout`] | mean holdout purchases by calibration frequency: model vs actual | `plot_calibration_purchases_vs_holdout_purchases` |
//! | [`tracking`] | cumulative (and incremental) repeat transactions over time: model vs actual | `plot_cumulative_transactions`, `plot_incremental_transactions` |
//! | [`probability_of_purchases`] | `P(X(t) = n)` of a new customer | `probability_of_n_purchases_up_to_time` |
//!
//! tests/diagnostics.rs checks every one against lifetimes 0.11.3 on the CDNOW sample.

use crate::bgnbd::BgNbdParameters;
use crate::clv::PurchaseModel;
use crate::data::{Customer, RfmData, check_horizon};
use crate::error::{Error, InvalidParameter, Result};
use crate::mbgnbd::MbgNbdParameters;
use crate::pareto_nbd::ParetoNbdParameters;
use crate::scorecard::HoldoutData;

/// Models that predict for a newly acquired customer: `E[X(t)]` (needed by [`tracking`]).
pub trait NewCustomerModel {
    /// Expected repeat purchases in `(0, t]` after the first purchase.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite `t`.
    fn expected_purchases_new(&self, t: f64) -> Result<f64>;
}

macro_rules! new_customer_model {
    ($($t:ty),*) => {$(
        impl NewCustomerModel for $t {
            fn expected_purchases_new(&self, t: f64) -> Result<f64> {
                <$t>::expected_purchases_new(self, t)
            }
        }
    )*};
}

new_customer_model!(
    BgNbdParameters,
    MbgNbdParameters,
    ParetoNbdParameters,
    crate::FittedBgNbd,
    crate::FittedMbgNbd,
    crate::FittedParetoNbd
);

/// A matrix over histories `(x, t_x)` of customers of age `T = max_recency`:
/// `values[t_x][x]` for `t_x = 0..=max_recency`, `x = 0..=max_frequency` (lifetimes' layout:
/// rows recency, columns frequency).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HistoryMatrix {
    /// Largest frequency (columns `0..=max_frequency`).
    pub max_frequency: u32,
    /// Largest recency, also the customers' age `T` (rows `0..=max_recency`).
    pub max_recency: u32,
    /// `values[recency][frequency]`.
    pub values: Vec<Vec<f64>>,
}

/// The largest side of a [`HistoryMatrix`] (a plot of more cells than this is unreadable, and
/// the bound keeps adversarial sizes from running for long).
pub const MAX_MATRIX_SIDE: u32 = 2_000;

fn history_matrix(
    max_frequency: u32,
    max_recency: u32,
    cell: impl Fn(&Customer) -> Result<f64>,
) -> Result<HistoryMatrix> {
    for (name, v) in [
        ("max_frequency", max_frequency),
        ("max_recency", max_recency),
    ] {
        if v > MAX_MATRIX_SIDE {
            return Err(Error::InvalidParameter(InvalidParameter::new(
                name,
                v,
                format!("at most {MAX_MATRIX_SIDE}"),
            )));
        }
    }
    let big_t = f64::from(max_recency);
    let values = (0..=max_recency)
        .map(|rec| {
            (0..=max_frequency)
                .map(|x| {
                    // A customer without repeat purchases has recency 0 whatever the row (the
                    // BG/NBD and MBG/NBD do not look at it then; lifetimes passes the row's).
                    let t_x = if x == 0 { 0.0 } else { f64::from(rec) };
                    cell(&Customer::new(f64::from(x), t_x, big_t)?)
                })
                .collect::<Result<Vec<f64>>>()
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(HistoryMatrix {
        max_frequency,
        max_recency,
        values,
    })
}

/// Expected purchases in the next `t` of customers of age `max_recency` by frequency and
/// recency (lifetimes' `plot_frequency_recency_matrix`, whose default `t` is 1 period): the
/// best customers bought often and recently (bottom right).
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad `t` or a side above [`MAX_MATRIX_SIDE`]; a model's
/// prediction error.
pub fn frequency_recency_matrix<M: PurchaseModel + ?Sized>(
    model: &M,
    t: f64,
    max_frequency: u32,
    max_recency: u32,
) -> Result<HistoryMatrix> {
    check_horizon(t)?;
    history_matrix(max_frequency, max_recency, |c| {
        model.expected_purchases(t, c)
    })
}

/// P(alive) of customers of age `max_recency` by frequency and recency (lifetimes'
/// `plot_probability_alive_matrix`).
///
/// # Errors
/// As [`frequency_recency_matrix`].
pub fn p_alive_matrix<M: PurchaseModel + ?Sized>(
    model: &M,
    max_frequency: u32,
    max_recency: u32,
) -> Result<HistoryMatrix> {
    history_matrix(max_frequency, max_recency, |c| model.p_alive(c))
}

/// Customers by number of repeat purchases in their observation period: the model's expected
/// count `Σ_i P(X(T_i) = n)` and the actual count, for `n = 0..buckets-1`, the last bucket
/// holding `buckets - 1` or more.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PeriodTransactions {
    /// Expected customers per bucket.
    pub model: Vec<f64>,
    /// Actual customers per bucket.
    pub actual: Vec<f64>,
}

/// The expectation of lifetimes' `plot_period_transactions` (which draws one simulated data
/// set): with `P(X(T_i) = n)` of the BG/NBD at each customer's own age `T_i`.
///
/// # Errors
/// [`Error::InvalidParameter`] for `buckets` under 2 or over 1,000.
pub fn period_transactions(
    model: &BgNbdParameters,
    data: &RfmData,
    buckets: u32,
) -> Result<PeriodTransactions> {
    if !(2..=1_000).contains(&buckets) {
        return Err(Error::InvalidParameter(InvalidParameter::new(
            "buckets",
            buckets,
            "from 2 to 1,000",
        )));
    }
    let k = buckets as usize;
    let (mut expected, mut actual) = (vec![0.0; k], vec![0.0; k]);
    for i in 0..data.len() {
        let w = data.weight[i];
        let mut below = 0.0;
        for (n, e) in expected.iter_mut().enumerate().take(k - 1) {
            let p = model.probability_of_purchases(data.t[i], n as u32)?;
            *e += w * p;
            below += p;
        }
        expected[k - 1] += w * (1.0 - below).max(0.0);
        actual[(data.x[i] as usize).min(k - 1)] += w;
    }
    Ok(PeriodTransactions {
        model: expected,
        actual,
    })
}

/// Mean holdout purchases by calibration frequency: what customers did and what the model
/// predicted from their calibration history (lifetimes'
/// `plot_calibration_purchases_vs_holdout_purchases` with `kind = "frequency_cal"`).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibrationHoldout {
    /// Calibration frequency of each group (the smallest `groups` present).
    pub frequency: Vec<f64>,
    /// Customers per group.
    pub customers: Vec<usize>,
    /// Mean actual holdout purchases.
    pub actual: Vec<f64>,
    /// Mean predicted holdout purchases.
    pub predicted: Vec<f64>,
}

/// [`CalibrationHoldout`] for the `groups` smallest calibration frequencies present (lifetimes'
/// default is 7).
///
/// # Errors
/// [`Error::EmptyInput`] for no customers; a model's prediction error.
pub fn calibration_holdout<M: PurchaseModel + ?Sized>(
    model: &M,
    holdout: &HoldoutData,
    groups: usize,
) -> Result<CalibrationHoldout> {
    if holdout.customers.is_empty() || holdout.purchases.len() != holdout.customers.len() {
        return Err(Error::EmptyInput {
            reason: "the calibration/holdout data has no customers".into(),
        });
    }
    let mut by_x: std::collections::BTreeMap<u64, (usize, f64, f64)> = Default::default();
    for (i, c) in holdout.customers.iter().enumerate() {
        let e = model.expected_purchases(holdout.duration[i], c)?;
        let entry = by_x.entry(c.x.to_bits()).or_insert((0, 0.0, 0.0));
        entry.0 += 1;
        entry.1 += holdout.purchases[i];
        entry.2 += e;
    }
    // Frequencies are non-negative, so their bit patterns sort like the numbers.
    let mut out = CalibrationHoldout {
        frequency: vec![],
        customers: vec![],
        actual: vec![],
        predicted: vec![],
    };
    for (bits, (n, actual, predicted)) in by_x.into_iter().take(groups) {
        out.frequency.push(f64::from_bits(bits));
        out.customers.push(n);
        out.actual.push(actual / n as f64);
        out.predicted.push(predicted / n as f64);
    }
    Ok(out)
}

/// Cumulative repeat transactions over time, actual and predicted (Fader, Hardie & Lee 2005,
/// figure 3; lifetimes' `expected_cumulative_transactions`).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Tracking {
    /// The evaluation times (from the origin, in the model's unit).
    pub time: Vec<f64>,
    /// Repeat transactions before each time.
    pub actual_cumulative: Vec<f64>,
    /// `Σ_{first_i < t} E[X(t - first_i)]`.
    pub predicted_cumulative: Vec<f64>,
}

impl Tracking {
    /// Per-step (incremental) actual transactions: differences of the cumulative series, the
    /// first step counted from 0.
    pub fn actual_incremental(&self) -> Vec<f64> {
        differences(&self.actual_cumulative)
    }

    /// Per-step predicted transactions.
    pub fn predicted_incremental(&self) -> Vec<f64> {
        differences(&self.predicted_cumulative)
    }

    /// The tracking error over the steps from `from` on (an index into [`Tracking::time`]):
    /// `Σ |predicted − actual| / Σ actual` of the incremental series (the weighted mean
    /// absolute percentage error of weekly transactions, when the steps are weeks); NaN when
    /// nothing was bought.
    pub fn incremental_error(&self, from: usize) -> f64 {
        let (a, p) = (self.actual_incremental(), self.predicted_incremental());
        let (mut err, mut total) = (0.0, 0.0);
        for (x, y) in a.iter().zip(&p).skip(from) {
            err += (y - x).abs();
            total += x;
        }
        if total > 0.0 { err / total } else { f64::NAN }
    }
}

fn differences(v: &[f64]) -> Vec<f64> {
    let mut prev = 0.0;
    v.iter()
        .map(|x| {
            let d = x - prev;
            prev = *x;
            d
        })
        .collect()
}

/// Most evaluation times of a [`tracking`] (a week-by-week track of 200 years).
pub const MAX_TRACKING_STEPS: usize = 10_000;

/// Tracks repeat transactions: `first` holds each customer's first-purchase time and
/// `repeats` the time of every repeat transaction, both from a common origin in the model's
/// unit; at each of `times`, the actual count is the repeats strictly before it and the
/// prediction is `Σ_{first_i < t} E[X(t - first_i)]` (the model's unconditional expectation
/// for a customer acquired at `first_i`). Customers acquired at the same time share one
/// evaluation.
///
/// # Errors
/// [`Error::InvalidParameter`] for a non-finite time or more than [`MAX_TRACKING_STEPS`]
/// times; a model's prediction error.
pub fn tracking<M: NewCustomerModel + ?Sized>(
    model: &M,
    first: &[f64],
    repeats: &[f64],
    times: &[f64],
) -> Result<Tracking> {
    if times.len() > MAX_TRACKING_STEPS {
        return Err(Error::InvalidParameter(InvalidParameter::new(
            "times",
            times.len(),
            format!("at most {MAX_TRACKING_STEPS} evaluation times"),
        )));
    }
    if let Some(v) = first
        .iter()
        .chain(repeats)
        .chain(times)
        .find(|v| !v.is_finite())
    {
        return Err(Error::InvalidParameter(InvalidParameter::new(
            "tracking time",
            v,
            "must be finite",
        )));
    }
    // Acquisitions grouped by time.
    let mut sorted_first = first.to_vec();
    sorted_first.sort_by(f64::total_cmp);
    let mut cohorts: Vec<(f64, f64)> = vec![];
    for f in sorted_first {
        match cohorts.last_mut() {
            Some((t, n)) if *t == f => *n += 1.0,
            _ => cohorts.push((f, 1.0)),
        }
    }
    let mut sorted_repeats = repeats.to_vec();
    sorted_repeats.sort_by(f64::total_cmp);
    let mut out = Tracking {
        time: times.to_vec(),
        actual_cumulative: Vec::with_capacity(times.len()),
        predicted_cumulative: Vec::with_capacity(times.len()),
    };
    for &t in times {
        out.actual_cumulative
            .push(sorted_repeats.partition_point(|r| *r < t) as f64);
        let mut predicted = 0.0;
        for &(f, n) in cohorts.iter().take_while(|(f, _)| *f < t) {
            predicted += n * model.expected_purchases_new(t - f)?;
        }
        out.predicted_cumulative.push(predicted);
    }
    Ok(out)
}

/// Purchase times from a transaction log, the input of [`tracking`]: a purchase is a period
/// unit with at least one order (as in the summaries the models are fitted on), its time the
/// periods elapsed since the unit of `origin`.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PurchaseTimes {
    /// Each customer's first purchase.
    pub first: Vec<f64>,
    /// Every later purchase of the same customers.
    pub repeats: Vec<f64>,
}

impl PurchaseTimes {
    /// The purchases up to `end` of the customers whose first purchase is on or before
    /// `acquired_by`, in `period` units since the unit of `origin`.
    pub fn from_log(
        log: &custalyze_transaction_types::TransactionLog,
        period: &custalyze_transaction_types::Period,
        origin: chrono::NaiveDate,
        acquired_by: chrono::NaiveDate,
        end: chrono::NaiveDate,
    ) -> Self {
        use custalyze_transaction_types::period::days_from_epoch;
        let (acquired_by, end) = (days_from_epoch(acquired_by), days_from_epoch(end));
        let origin = period.unit_ordinal(origin);
        let mut out = Self::default();
        for c in 0..log.customer_ids().len() {
            let mut last: Option<i64> = None;
            for r in log.customer_rows(c) {
                let day = log.day(r);
                if day > end || (last.is_none() && day > acquired_by) {
                    break;
                }
                let unit = period.unit_ordinal_of_day(day);
                if last == Some(unit) {
                    continue;
                }
                let t = period.elapsed(origin, unit);
                if last.is_none() {
                    out.first.push(t);
                } else {
                    out.repeats.push(t);
                }
                last = Some(unit);
            }
        }
        out
    }

    /// The repeat purchases after `t0`, as times since `t0` (a scorecard's
    /// [`HoldoutData::purchase_times`] when `t0` is the end of the calibration period).
    pub fn repeats_after(&self, t0: f64) -> Vec<f64> {
        self.repeats
            .iter()
            .filter(|t| **t > t0)
            .map(|t| t - t0)
            .collect()
    }
}

/// `P(X(t) = n)` of a newly acquired BG/NBD customer for `n = 0..=max_n`.
///
/// # Errors
/// [`Error::InvalidParameter`] for a bad `t` or `max_n` over 10,000.
pub fn probability_of_purchases(model: &BgNbdParameters, t: f64, max_n: u32) -> Result<Vec<f64>> {
    if max_n > 10_000 {
        return Err(Error::InvalidParameter(InvalidParameter::new(
            "max_n",
            max_n,
            "at most 10,000",
        )));
    }
    (0..=max_n)
        .map(|n| model.probability_of_purchases(t, n))
        .collect()
}
