//! Customer-level input: one row per customer (first and last order dates, order counts and
//! values, possibly split by channel), as retailers' CRM exports hold them (e.g. the FLO data:
//! `master_id, first_order_date, last_order_date, order_num_total_ever_online, ...`), turned into
//! the same [`SummaryTable`] a transaction log gives.
//!
//! Conventions (lifetimes' on a log): `frequency` = total orders - 1 (repeat purchases),
//! `recency` = last - first order date, `T` = observation end - first order date, both in the
//! period's unit ([`Period::elapsed`] of the dates' ordinals), and `monetary_value` = total value /
//! total orders for repeat buyers (0 for one-time buyers). A customer table knows orders, not
//! purchase days, so two orders on one day count twice (a log collapses them), and the mean
//! value includes the first order (a log's `monetary_value` is over repeat purchases only).

use std::io::Read;

use chrono::NaiveDate;

use crate::error::{DataError, Result};
use crate::id::Id;
use crate::load::{ExclusionReason, LoadOptions, LoadReport, RowParser, Schema};
use crate::period::Period;
use crate::stats::cap_outliers;
use crate::summary::{CustomerSummary, SummaryTable};

/// Column names of a customer table. Defaults: the FLO names (`master_id`, `first_order_date`,
/// `last_order_date`, orders and values online and offline).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerTableColumns {
    /// Customer id column.
    pub customer: String,
    /// First order date column.
    pub first_order: String,
    /// Last order date column.
    pub last_order: String,
    /// Order count columns, summed (e.g. online + offline).
    pub orders: Vec<String>,
    /// Value columns, summed.
    pub values: Vec<String>,
}

impl Default for CustomerTableColumns {
    fn default() -> Self {
        Self {
            customer: "master_id".into(),
            first_order: "first_order_date".into(),
            last_order: "last_order_date".into(),
            orders: vec![
                "order_num_total_ever_online".into(),
                "order_num_total_ever_offline".into(),
            ],
            values: vec![
                "customer_value_total_ever_online".into(),
                "customer_value_total_ever_offline".into(),
            ],
        }
    }
}

/// A customer table read from a file: one entry per valid row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CustomerTable {
    /// Customer ids.
    pub customers: Vec<Id>,
    /// First order dates.
    pub first_order: Vec<NaiveDate>,
    /// Last order dates.
    pub last_order: Vec<NaiveDate>,
    /// Orders per order column (`orders[k][i]`: column `k`, customer `i`).
    pub orders: Vec<Vec<f64>>,
    /// Values per value column.
    pub values: Vec<Vec<f64>>,
}

fn column(header: &csv::StringRecord, name: &str) -> Result<usize> {
    header
        .iter()
        .position(|h| h.trim() == name)
        .ok_or_else(|| DataError::MissingColumn {
            column: name.to_string(),
            available: header.iter().collect::<Vec<_>>().join(", "),
        })
}

impl CustomerTable {
    /// Reads a delimited customer table. Rows with a missing id, an unparsable date, a last order
    /// before the first, a missing, negative or non-finite order count or value, or no order at
    /// all are left out and counted in the [`LoadReport`] (dates as the loaders parse them).
    ///
    /// # Errors
    /// [`DataError::MissingColumn`] for a column not in the header; [`DataError::Csv`];
    /// [`DataError::NoUsableRows`] when no row is left.
    pub fn read<R: Read>(
        reader: R,
        source: &str,
        columns: &CustomerTableColumns,
        delimiter: u8,
    ) -> Result<(Self, LoadReport)> {
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(reader);
        let header = csv.headers().map_err(csv_error)?.clone();
        let id_col = column(&header, &columns.customer)?;
        let first_col = column(&header, &columns.first_order)?;
        let last_col = column(&header, &columns.last_order)?;
        let order_cols = columns
            .orders
            .iter()
            .map(|c| column(&header, c))
            .collect::<Result<Vec<_>>>()?;
        let value_cols = columns
            .values
            .iter()
            .map(|c| column(&header, c))
            .collect::<Result<Vec<_>>>()?;
        let options = LoadOptions::new(Schema::Cdnow);
        let mut parser = RowParser::new(&options);
        let mut report = LoadReport::new(source);
        let mut t = Self {
            orders: vec![Vec::new(); order_cols.len()],
            values: vec![Vec::new(); value_cols.len()],
            ..Self::default()
        };
        let number = |s: Option<&str>| {
            s.and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|v| v.is_finite() && *v >= 0.0)
        };
        for rec in csv.records() {
            let rec = rec.map_err(csv_error)?;
            let line = rec.position().map_or(0, |p| p.line());
            report.rows_read += 1;
            let mut bad = |reason| report.exclude(reason, line, options.example_lines);
            let Some(id) = rec.get(id_col).and_then(Id::parse) else {
                bad(ExclusionReason::MissingCustomer);
                continue;
            };
            let first = rec.get(first_col).and_then(|d| parser.parse_date(d));
            let last = rec.get(last_col).and_then(|d| parser.parse_date(d));
            let (Some(first), Some(last)) = (first, last) else {
                bad(ExclusionReason::UnparsableDate);
                continue;
            };
            let (first, last) = (first.date(), last.date());
            if last < first {
                bad(ExclusionReason::UnparsableDate);
                continue;
            }
            let orders: Option<Vec<f64>> = order_cols.iter().map(|&c| number(rec.get(c))).collect();
            let Some(orders) = orders.filter(|o| o.iter().sum::<f64>() >= 1.0) else {
                bad(ExclusionReason::InvalidQuantity);
                continue;
            };
            let values: Option<Vec<f64>> = value_cols.iter().map(|&c| number(rec.get(c))).collect();
            let Some(values) = values else {
                bad(ExclusionReason::InvalidPrice);
                continue;
            };
            t.customers.push(id);
            t.first_order.push(first);
            t.last_order.push(last);
            for (k, o) in orders.into_iter().enumerate() {
                t.orders[k].push(o);
            }
            for (k, v) in values.into_iter().enumerate() {
                t.values[k].push(v);
            }
            report.rows_loaded += 1;
        }
        if t.customers.is_empty() {
            return Err(DataError::NoUsableRows {
                reason: format!(
                    "{source}: no valid customer row ({} read)",
                    report.rows_read
                ),
            });
        }
        report.customers = t.customers.len() as u64;
        report.orders = t.total_orders().iter().sum::<f64>().round() as u64;
        report.first_date = t.first_order.iter().min().copied();
        report.last_date = t.last_order.iter().max().copied();
        Ok((t, report))
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.customers.len()
    }

    /// True without customers.
    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
    }

    /// Total orders of every customer (the order columns summed).
    pub fn total_orders(&self) -> Vec<f64> {
        (0..self.len())
            .map(|i| self.orders.iter().map(|c| c[i]).sum())
            .collect()
    }

    /// Total value of every customer.
    pub fn total_values(&self) -> Vec<f64> {
        (0..self.len())
            .map(|i| self.values.iter().map(|c| c[i]).sum())
            .collect()
    }

    /// Caps every order and value column at its outlier thresholds, as the FLO notebooks do
    /// ([`crate::stats::cap_outliers`] with rounded thresholds, e.g. `low_q = 0.01`,
    /// `high_q = 0.99`); order counts are kept at least 1 in total. Returns the values changed.
    ///
    /// # Errors
    /// As [`crate::stats::quantile`].
    pub fn cap_outliers(&mut self, low_q: f64, high_q: f64) -> Result<usize> {
        let mut changed = 0;
        for c in self.orders.iter_mut().chain(self.values.iter_mut()) {
            changed += cap_outliers(c, low_q, high_q, true)?;
            c.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        for (i, total) in self.total_orders().into_iter().enumerate() {
            if total < 1.0
                && let Some(first) = self.orders.first_mut()
            {
                first[i] += 1.0 - total;
            }
        }
        Ok(changed)
    }

    /// The customer summary (module docs for the conventions) with times in `period` units up to
    /// `observation_end` (inclusive; default: the latest last order date).
    ///
    /// # Errors
    /// [`DataError::InvalidDate`] for an observation end before a customer's last order.
    pub fn summarize(
        &self,
        period: Period,
        observation_end: Option<NaiveDate>,
    ) -> Result<SummaryTable> {
        let end = match observation_end.or_else(|| self.last_order.iter().max().copied()) {
            Some(e) => e,
            None => {
                return Err(DataError::EmptySelection {
                    reason: "the customer table is empty".into(),
                });
            }
        };
        if let Some(i) = (0..self.len()).find(|&i| self.last_order[i] > end) {
            return Err(DataError::InvalidDate {
                value: end.to_string(),
                reason: format!(
                    "customer {} ordered last on {}, after the observation end",
                    self.customers[i], self.last_order[i]
                ),
            });
        }
        let orders = self.total_orders();
        let values = self.total_values();
        let end_ordinal = period.unit_ordinal(end);
        let rows = (0..self.len())
            .map(|i| {
                let first = period.unit_ordinal(self.first_order[i]);
                let last = period.unit_ordinal(self.last_order[i]);
                let x = orders[i] - 1.0;
                CustomerSummary {
                    customer: self.customers[i].clone(),
                    frequency: x,
                    recency: if x > 0.0 {
                        period.elapsed(first, last)
                    } else {
                        0.0
                    },
                    t: period.elapsed(first, end_ordinal),
                    monetary_value: if x > 0.0 { values[i] / orders[i] } else { 0.0 },
                }
            })
            .collect();
        Ok(SummaryTable {
            period,
            observation_end: end,
            rows,
        })
    }
}

fn csv_error(e: csv::Error) -> DataError {
    DataError::Csv {
        line: e.position().map(|p| p.line()),
        message: e.to_string(),
    }
}
