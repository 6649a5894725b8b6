//! Per-customer churn features at a snapshot date, and churn labels from the window after it.
//!
//! For a snapshot `s` (the calibration end) every customer with a transaction on or before `s`
//! gets one row. Purchases are counted by day, as lifetimes does: several orders on one day are
//! one purchase occasion. With `d_1 < ... < d_n` the customer's purchase days up to `s` and `v_k`
//! the money spent on day `d_k`:
//!
//! | feature | definition |
//! |---|---|
//! | `recency_days` | `s - d_n` |
//! | `frequency` | `n` (purchase days, the first included) |
//! | `monetary_mean` | `Σ v_k / n` |
//! | `monetary_total` | `Σ v_k` |
//! | `tenure_days` | `s - d_1` |
//! | `gap_mean` | mean of `d_{k+1} - d_k`; `-1` when `n = 1` |
//! | `gap_std` | population standard deviation of the gaps; `-1` when `n < 3` |
//! | `recency_over_gap` | `recency_days / gap_mean`; `-1` when `n = 1` |
//! | `purchases_last_window` | purchase days in `(s - h, s]`, `h` the holdout length |
//! | `spend_trend` | `(S_2 - S_1) / (S_1 + S_2)` with `S_1`, `S_2` the spend in the first and second half of `[d_1, s]`; 0 when both are 0 |
//! | `p_alive` | BG/NBD `P(alive | x = n - 1, t_x = d_n - d_1, T = s - d_1)` (days) |
//! | `expected_purchases` | BG/NBD expected purchases in `(s, s + h]` |
//!
//! The BG/NBD model (Fader, Hardie & Lee 2005) is fitted on the same customers' histories up to
//! `s`, so no information from after the snapshot enters the features. The customer's CLV for
//! revenue at risk uses the same BG/NBD fit and a Gamma-Gamma fit of the mean repeat spend
//! (Fader & Hardie 2013), 12 months at 1 % a month, days as the time unit.
//!
//! The label of a customer is `churned = true` when she makes no purchase in `(s, s + h]`.
//! The tree models are invariant to monotone transforms of a feature, so raw values (not RFM
//! quantile scores, which are monotone in them) carry the RFM information.

use chrono::{Days, NaiveDate};
use custalyze_cltv_core::clv::{ClvOptions, TimeUnit, customer_lifetime_values};
use custalyze_cltv_core::{BgNbd, Customer, GammaGamma, RfmData, SpendData};
use custalyze_transaction_types::period::days_from_epoch;
use custalyze_transaction_types::{Id, TransactionLog};
use ndarray::Array2;
use rayon::prelude::*;

use crate::error::{Error, Result};

/// The feature names, in column order.
pub const FEATURE_NAMES: [&str; 12] = [
    "recency_days",
    "frequency",
    "monetary_mean",
    "monetary_total",
    "tenure_days",
    "gap_mean",
    "gap_std",
    "recency_over_gap",
    "purchases_last_window",
    "spend_trend",
    "p_alive",
    "expected_purchases",
];

/// Column of `p_alive` in the feature matrix.
pub const P_ALIVE_COLUMN: usize = 10;

/// Features (and labels when the window after the snapshot is observed) of every customer
/// active on or before a snapshot.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChurnFrame {
    /// The snapshot (calibration end, inclusive).
    pub snapshot: NaiveDate,
    /// Length `h` of the label window `(snapshot, snapshot + h]` in days.
    pub holdout_days: u32,
    /// Customer ids, one per row.
    pub customers: Vec<Id>,
    /// `customers.len() x FEATURE_NAMES.len()` features.
    pub features: Array2<f64>,
    /// `churned` labels, when the log covers the whole window.
    pub labels: Option<Vec<bool>>,
    /// CLV over the next 12 months (BG/NBD x Gamma-Gamma), in money units.
    pub clv: Vec<f64>,
}

impl ChurnFrame {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// `true` when there are no customers.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// The P(alive) column.
    pub fn p_alive(&self) -> Vec<f64> {
        self.features.column(P_ALIVE_COLUMN).to_vec()
    }

    /// Builds the frame at `snapshot` with a label window of `holdout_days` days. Labels are
    /// computed when the log's last date is on or after `snapshot + holdout_days`, and left out
    /// otherwise (scoring "now").
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `holdout_days == 0`; [`Error::NoCustomers`] when nobody
    /// bought on or before the snapshot; [`Error::Clv`] when the BG/NBD fit fails.
    pub fn build(log: &TransactionLog, snapshot: NaiveDate, holdout_days: u32) -> Result<Self> {
        let window_end = window_end(snapshot, holdout_days)?;
        let labelled = log.last_date().is_some_and(|last| last >= window_end);
        Self::build_inner(log, snapshot, holdout_days, labelled)
    }

    /// As [`ChurnFrame::build`], but labels are required.
    ///
    /// # Errors
    /// As [`ChurnFrame::build`]; also [`Error::HoldoutBeyondData`] when the log ends before
    /// `snapshot + holdout_days`.
    pub fn build_labelled(
        log: &TransactionLog,
        snapshot: NaiveDate,
        holdout_days: u32,
    ) -> Result<Self> {
        let window_end = window_end(snapshot, holdout_days)?;
        let last = log.last_date().ok_or(Error::NoCustomers { snapshot })?;
        if last < window_end {
            return Err(Error::HoldoutBeyondData {
                snapshot,
                window_end,
                last,
            });
        }
        Self::build_inner(log, snapshot, holdout_days, true)
    }

    fn build_inner(
        log: &TransactionLog,
        snapshot: NaiveDate,
        holdout_days: u32,
        labelled: bool,
    ) -> Result<Self> {
        let s = days_from_epoch(snapshot);
        let h = i64::from(holdout_days);
        let amounts = log.amounts();
        // Per customer: (purchase days with spend up to s, purchased in (s, s + h]).
        let per: Vec<CustomerDays> = (0..log.customer_ids().len())
            .into_par_iter()
            .with_min_len(256)
            .filter_map(|c| {
                let mut days: Vec<(i64, f64)> = Vec::new();
                let mut future = false;
                for r in log.customer_rows(c) {
                    let d = log.day(r);
                    if d <= s {
                        match days.last_mut() {
                            Some((last, v)) if *last == d => *v += amounts[r],
                            _ => days.push((d, amounts[r])),
                        }
                    } else if d <= s + h {
                        future = true;
                    }
                }
                (!days.is_empty()).then_some((c, days, future))
            })
            .collect();
        if per.is_empty() {
            return Err(Error::NoCustomers { snapshot });
        }
        let n = per.len();
        let mut x = Vec::with_capacity(n);
        let mut t_x = Vec::with_capacity(n);
        let mut big_t = Vec::with_capacity(n);
        let mut m = Vec::with_capacity(n);
        for (_, days, _) in &per {
            let first = days[0].0;
            let last = days[days.len() - 1].0;
            x.push((days.len() - 1) as f64);
            t_x.push((last - first) as f64);
            // T = 0 for a customer whose first purchase is on the snapshot: the models need T > 0,
            // so such a customer is treated as observed for half a day.
            big_t.push(((s - first) as f64).max(0.5));
            let repeat: f64 = days[1..].iter().map(|d| d.1).sum();
            m.push(if days.len() > 1 {
                repeat / (days.len() - 1) as f64
            } else {
                0.0
            });
        }
        let bgnbd = BgNbd::params().fit(&RfmData::new(&x, &t_x, &big_t, None)?)?;
        let p = &bgnbd.params;
        // Gamma-Gamma on repeat buyers with positive mean spend; customers without one (or when
        // the fit fails) are valued at their own mean spend per purchase day.
        let gg_rows: Vec<usize> = (0..n).filter(|&i| x[i] > 0.0 && m[i] > 0.0).collect();
        let gg = if gg_rows.is_empty() {
            None
        } else {
            let gx: Vec<f64> = gg_rows.iter().map(|&i| x[i]).collect();
            let gm: Vec<f64> = gg_rows.iter().map(|&i| m[i]).collect();
            SpendData::new(&gx, &gm, None)
                .and_then(|d| GammaGamma::params().fit(&d))
                .ok()
        };
        let spend: Vec<f64> = (0..n)
            .map(|i| {
                let own = per[i].1.iter().map(|d| d.1).sum::<f64>() / per[i].1.len() as f64;
                match &gg {
                    Some(g) if x[i] > 0.0 && m[i] > 0.0 => {
                        g.params.conditional_expected_average_profit(x[i], m[i])
                    }
                    _ => own.max(0.0),
                }
            })
            .collect();
        let options = ClvOptions {
            months: 12,
            monthly_discount_rate: 0.01,
            unit: TimeUnit::Day,
        };
        let clv = customer_lifetime_values(p, &x, &t_x, &big_t, &spend, &options)?;

        let mut features = Array2::<f64>::zeros((n, FEATURE_NAMES.len()));
        for (i, (_, days, _)) in per.iter().enumerate() {
            let first = days[0].0;
            let last = days[days.len() - 1].0;
            let k = days.len() as f64;
            let total: f64 = days.iter().map(|d| d.1).sum();
            let gaps: Vec<f64> = days.windows(2).map(|w| (w[1].0 - w[0].0) as f64).collect();
            let gap_mean = if gaps.is_empty() {
                -1.0
            } else {
                gaps.iter().sum::<f64>() / gaps.len() as f64
            };
            let gap_std = if gaps.len() < 2 {
                -1.0
            } else {
                (gaps.iter().map(|g| (g - gap_mean).powi(2)).sum::<f64>() / gaps.len() as f64)
                    .sqrt()
            };
            let recency = (s - last) as f64;
            let mid = first as f64 + (s - first) as f64 / 2.0;
            let (mut s1, mut s2) = (0.0, 0.0);
            for &(d, v) in days {
                if (d as f64) <= mid {
                    s1 += v;
                } else {
                    s2 += v;
                }
            }
            let trend = if s1 + s2 > 0.0 {
                (s2 - s1) / (s1 + s2)
            } else {
                0.0
            };
            let history = Customer {
                x: x[i],
                t_x: t_x[i],
                t: big_t[i],
            };
            let row = [
                recency,
                k,
                total / k,
                total,
                (s - first) as f64,
                gap_mean,
                gap_std,
                if gap_mean > 0.0 {
                    recency / gap_mean
                } else {
                    -1.0
                },
                days.iter().filter(|d| d.0 > s - h).count() as f64,
                trend,
                bgnbd.p_alive(&history)?,
                bgnbd.expected_purchases(h as f64, &history)?,
            ];
            for (j, v) in row.into_iter().enumerate() {
                features[(i, j)] = if v.is_finite() { v } else { 0.0 };
            }
        }
        let ids = log.customer_ids();
        Ok(Self {
            snapshot,
            holdout_days,
            customers: per.iter().map(|(c, _, _)| ids[*c].clone()).collect(),
            features,
            labels: labelled.then(|| per.iter().map(|(_, _, future)| !future).collect()),
            clv,
        })
    }
}

/// (customer index, purchase days with spend up to the snapshot, bought in the window).
type CustomerDays = (usize, Vec<(i64, f64)>, bool);

fn window_end(snapshot: NaiveDate, holdout_days: u32) -> Result<NaiveDate> {
    if holdout_days == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("holdout_days", "0", "must be at least 1"),
        ));
    }
    snapshot
        .checked_add_days(Days::new(u64::from(holdout_days)))
        .ok_or(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "holdout_days",
                holdout_days,
                "the window end is outside the calendar",
            ),
        ))
}
