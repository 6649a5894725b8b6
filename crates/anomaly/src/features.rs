//! Order-level features of a transaction log, each built so that a large value is the unusual
//! direction.

use std::collections::HashMap;

use chrono::Timelike;
use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::forest::Matrix;

/// The scale factor that makes the median absolute deviation a consistent estimate of the
/// standard deviation of a normal distribution (`1 / Φ⁻¹(3/4)`).
pub const MAD_SCALE: f64 = 1.482_602_218_505_602;

/// One feature of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Feature {
    /// `ln(1 + order value)`.
    OrderValue,
    /// The order's log value against the customer's other orders, robustly:
    /// `(ln v − median) / max(1.4826 · MAD, s₀/2)` over the customer's other orders, where `s₀`
    /// is the robust scale of log order values over the whole log; 0 for customers with fewer
    /// than three orders (too little history).
    ValueVsOwnHistory,
    /// `ln(1 + lines)` of the order.
    BasketSize,
    /// How rare the order's hour of day is: `−ln(share of all orders placed in that hour)`.
    /// Dropped for logs with dates only (every hour the same).
    HourRarity,
    /// `ln(1 + n)` for the `n` other orders of the customer within an hour either side.
    OrdersWithinHour,
    /// `ln(1 + n)` for the `n` other orders of the customer within a day either side.
    OrdersWithinDay,
    /// For a customer's first order: its log value's robust z-score against every order of the
    /// log, floored at 0; 0 for later orders.
    LargeFirstOrder,
    /// The customer's returned or cancelled rows over all their rows (given the load report's
    /// per-customer counts).
    ReturnRatio,
    /// `ln(v / E[spend])` against the customer's expected order value (given one per customer,
    /// e.g. the Gamma-Gamma conditional expectation).
    SpendVsExpected,
    /// `ln((1 + s) / (1 + w))`: the customer's spend `s` in the seven days ending with the order
    /// against their expected weekly spend `w` (given one per customer, e.g. BG/NBD expected
    /// purchases per week × the Gamma-Gamma expected order value): a burst of spending that the
    /// customer's purchase rate does not explain.
    WeekSpendVsExpected,
}

impl Feature {
    /// The snake-case name used in reasons and files.
    pub fn name(self) -> &'static str {
        match self {
            Feature::OrderValue => "order_value",
            Feature::ValueVsOwnHistory => "value_vs_own_history",
            Feature::BasketSize => "basket_size",
            Feature::HourRarity => "hour_rarity",
            Feature::OrdersWithinHour => "orders_within_hour",
            Feature::OrdersWithinDay => "orders_within_day",
            Feature::LargeFirstOrder => "large_first_order",
            Feature::ReturnRatio => "return_ratio",
            Feature::SpendVsExpected => "spend_vs_expected",
            Feature::WeekSpendVsExpected => "week_spend_vs_expected",
        }
    }
}

/// Optional per-customer inputs of [`OrderFeatures::from_log`].
#[derive(Clone, Copy, Debug, Default)]
pub struct CustomerInputs<'a> {
    /// Rows excluded as returns or cancellations, by customer id (the load report's
    /// `returned_rows_by_customer`); adds [`Feature::ReturnRatio`].
    pub returned_rows: Option<&'a HashMap<Id, u64>>,
    /// Each customer's expected order value, indexed like the log's customers; adds
    /// [`Feature::SpendVsExpected`]. Non-positive or non-finite entries mean "unknown" (0).
    pub expected_spend: Option<&'a [f64]>,
    /// Each customer's expected spend per week, indexed like the log's customers; adds
    /// [`Feature::WeekSpendVsExpected`]. Negative or non-finite entries mean "unknown" (0).
    pub expected_weekly_spend: Option<&'a [f64]>,
}

/// One order of the log.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Order {
    /// The order id.
    pub order_id: Id,
    /// The customer index in the log.
    pub customer: u32,
    /// The order's (first row's) timestamp, seconds since the epoch.
    pub timestamp: i64,
    /// The order's value (sum of its rows' amounts).
    pub value: f64,
    /// Rows of the order.
    pub lines: u32,
}

/// The features of every order of a log: one row per order in [`Self::orders`] order, one column
/// per [`Self::features`] entry. Features that are constant over the log (hours in a log of dates,
/// for instance) are left out.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderFeatures {
    /// The orders, by customer then time.
    pub orders: Vec<Order>,
    /// The columns of [`Self::matrix`].
    pub features: Vec<Feature>,
    /// The values.
    pub matrix: Matrix,
}

/// The median of a non-empty slice (sorted in place).
pub(crate) fn median(values: &mut [f64]) -> f64 {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// Median and the robust scale `1.4826 · MAD` (0 when more than half the values are equal).
pub(crate) fn median_and_scale(values: &[f64]) -> (f64, f64) {
    let mut v = values.to_vec();
    let m = median(&mut v);
    for x in &mut v {
        *x = (*x - m).abs();
    }
    (m, MAD_SCALE * median(&mut v))
}

/// Orders of one customer's rows, in time order.
fn customer_orders(log: &TransactionLog, customer: usize) -> Vec<Order> {
    let rows = log.customer_rows(customer);
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut out: Vec<Order> = Vec::new();
    for r in rows {
        let o = log.orders()[r];
        let i = *index.entry(o).or_insert_with(|| {
            out.push(Order {
                order_id: log.order_ids()[o as usize].clone(),
                customer: customer as u32,
                timestamp: log.timestamps()[r],
                value: 0.0,
                lines: 0,
            });
            out.len() - 1
        });
        out[i].value += log.amounts()[r];
        out[i].lines += 1;
    }
    out
}

impl OrderFeatures {
    /// Builds the order features of `log` (in parallel over customers).
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty log; [`Error::CustomerLength`] when `expected_spend` does
    /// not have one value per customer.
    pub fn from_log(log: &TransactionLog, inputs: &CustomerInputs<'_>) -> Result<Self> {
        let customers = log.customer_ids().len();
        if log.is_empty() {
            return Err(Error::Empty {
                what: "orders",
                action: "build features for",
            });
        }
        for (what, given) in [
            ("expected_spend", inputs.expected_spend),
            ("expected_weekly_spend", inputs.expected_weekly_spend),
        ] {
            if let Some(e) = given
                && e.len() != customers
            {
                return Err(Error::CustomerLength {
                    what,
                    got: e.len(),
                    customers,
                });
            }
        }
        let per_customer: Vec<Vec<Order>> = (0..customers)
            .into_par_iter()
            .map(|c| customer_orders(log, c))
            .collect();
        let orders: Vec<Order> = per_customer.into_iter().flatten().collect();
        let n = orders.len();
        let log_values: Vec<f64> = orders.iter().map(|o| o.value.max(0.0).ln_1p()).collect();
        let (global_median, global_scale) = median_and_scale(&log_values);
        let floor = (0.5 * global_scale).max(1e-6);

        // Hour-of-day shares.
        let hour = |ts: i64| {
            chrono::DateTime::from_timestamp(ts, 0).map_or(0, |d| d.naive_utc().hour() as usize)
        };
        let mut hour_counts = [0usize; 24];
        for o in &orders {
            hour_counts[hour(o.timestamp)] += 1;
        }

        // Per-customer spans in `orders`.
        let mut starts = vec![0usize; customers + 1];
        for o in &orders {
            starts[o.customer as usize + 1] += 1;
        }
        for c in 0..customers {
            starts[c + 1] += starts[c];
        }

        let mut columns: Vec<(Feature, Vec<f64>)> = vec![
            (Feature::OrderValue, log_values.clone()),
            (Feature::ValueVsOwnHistory, vec![0.0; n]),
            (
                Feature::BasketSize,
                orders.iter().map(|o| f64::from(o.lines).ln_1p()).collect(),
            ),
            (
                Feature::HourRarity,
                orders
                    .iter()
                    .map(|o| -(hour_counts[hour(o.timestamp)] as f64 / n as f64).ln())
                    .collect(),
            ),
            (Feature::OrdersWithinHour, vec![0.0; n]),
            (Feature::OrdersWithinDay, vec![0.0; n]),
            (Feature::LargeFirstOrder, vec![0.0; n]),
        ];
        for c in 0..customers {
            let span = starts[c]..starts[c + 1];
            let k = span.len();
            let times: Vec<i64> = orders[span.clone()].iter().map(|o| o.timestamp).collect();
            for (offset, i) in span.clone().enumerate() {
                // Velocity: orders within an hour and a day either side (times are sorted).
                let t = times[offset];
                let within = |w: i64| {
                    let lo = times.partition_point(|&s| s < t - w);
                    let hi = times.partition_point(|&s| s <= t + w);
                    (hi - lo - 1) as f64
                };
                columns[4].1[i] = within(3600).ln_1p();
                columns[5].1[i] = within(86_400).ln_1p();
                if offset == 0 && global_scale > 0.0 {
                    columns[6].1[i] = ((log_values[i] - global_median) / global_scale).max(0.0);
                }
            }
            if k >= 3 {
                let own = &log_values[span.clone()];
                for (offset, i) in span.enumerate() {
                    // Leave-one-out for short histories; for long ones one order barely moves
                    // the median, so the whole history is used.
                    let (m, s) = if k <= 64 {
                        let others: Vec<f64> = own
                            .iter()
                            .enumerate()
                            .filter(|&(j, _)| j != offset)
                            .map(|(_, &v)| v)
                            .collect();
                        median_and_scale(&others)
                    } else {
                        median_and_scale(own)
                    };
                    columns[1].1[i] = (log_values[i] - m) / s.max(floor);
                }
            }
        }
        if let Some(returned) = inputs.returned_rows {
            let mut kept = vec![0u64; customers];
            for &c in log.customers() {
                kept[c as usize] += 1;
            }
            let ratio: Vec<f64> = (0..customers)
                .map(|c| {
                    let r = returned
                        .get(&log.customer_ids()[c])
                        .copied()
                        .unwrap_or_default();
                    r as f64 / (r + kept[c]).max(1) as f64
                })
                .collect();
            columns.push((
                Feature::ReturnRatio,
                orders.iter().map(|o| ratio[o.customer as usize]).collect(),
            ));
        }
        if let Some(expected) = inputs.expected_spend {
            columns.push((
                Feature::SpendVsExpected,
                orders
                    .iter()
                    .map(|o| {
                        let e = expected[o.customer as usize];
                        if e.is_finite() && e > 0.0 && o.value > 0.0 {
                            (o.value / e).ln()
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            ));
        }
        if let Some(weekly) = inputs.expected_weekly_spend {
            let mut column = vec![0.0; n];
            for c in 0..customers {
                let span = starts[c]..starts[c + 1];
                let w = weekly[c];
                if !(w.is_finite() && w >= 0.0) {
                    continue;
                }
                // Spend in the seven days ending with each order (orders are in time order).
                let own = &orders[span.clone()];
                let mut lo = 0;
                let mut window = 0.0;
                for (k, o) in own.iter().enumerate() {
                    window += o.value;
                    while own[lo].timestamp < o.timestamp - 7 * 86_400 {
                        window -= own[lo].value;
                        lo += 1;
                    }
                    column[span.start + k] = ((1.0 + window.max(0.0)) / (1.0 + w)).ln();
                }
            }
            columns.push((Feature::WeekSpendVsExpected, column));
        }
        columns.retain(|(_, v)| v.iter().any(|&x| x != v[0]));
        if columns.is_empty() {
            // Every order alike: keep the value so that scoring still works (every score equal).
            columns.push((Feature::OrderValue, log_values));
        }
        let features: Vec<Feature> = columns.iter().map(|(f, _)| *f).collect();
        let d = columns.len();
        let mut values = vec![0.0; n * d];
        for (j, (_, col)) in columns.iter().enumerate() {
            for (i, &v) in col.iter().enumerate() {
                values[i * d + j] = if v.is_finite() { v } else { 0.0 };
            }
        }
        Ok(Self {
            orders,
            features,
            matrix: Matrix::new(values, d)?,
        })
    }

    /// The value of `feature` for order `i`, when the feature is present.
    pub fn value(&self, i: usize, feature: Feature) -> Option<f64> {
        let j = self.features.iter().position(|&f| f == feature)?;
        Some(self.matrix.row(i)[j])
    }
}
