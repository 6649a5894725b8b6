//! Per-customer summaries (frequency, recency, T, monetary value) and calibration/holdout splits,
//! with exactly the conventions of lifetimes' `summary_data_from_transaction_data` and
//! `calibration_and_holdout_data`.
//!
//! # Conventions
//! For a [`Period`] of unit `u` and multiplier `m` and an observation end `E`:
//! - transactions are mapped to their calendar unit (day, Monday-to-Sunday week, month); all
//!   transactions of a customer in one unit count as one purchase, with their amounts summed;
//!   units after the unit of `E` are ignored;
//! - `frequency` = number of purchase units - 1 (repeat purchases);
//! - `recency` = time from the start of the first purchase unit to the start of the last, and
//!   `T` = time from the start of the first purchase unit to the start of the unit of `E`, both in
//!   units of `m x u` (for months: whole calendar months, see [`Period::elapsed`]);
//! - `monetary_value` = mean of the per-unit amount sums over the repeat units (the first is left
//!   out), 0 for a customer without repeat purchases.
//!
//! In the calibration/holdout split, calibration is the summary at the calibration end;
//! `frequency_holdout` counts the distinct purchase units in (calibration end, observation end],
//! `monetary_value_holdout` is the mean *transaction* amount in the holdout (not per unit, as in
//! lifetimes), and `duration_holdout` is the number of whole units between the two ends divided by `m`.
//! Only customers seen in calibration are in the split. Dates bound the windows as whole days
//! (a transaction at 15:00 on the calibration end day is in calibration); lifetimes compares the raw
//! time stamps with midnight, which is the same for date-only data.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::error::{DataError, Result};
use crate::id::Id;
use crate::load::RowSink;
use crate::log::{RawRow, TransactionLog};
use crate::period::{Period, date_from_days, days_from_epoch};

const SECONDS_PER_DAY: i64 = 86_400;

/// One customer's purchase summary in the form the buy-till-you-die models take.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerSummary {
    /// The customer.
    pub customer: Id,
    /// Repeat purchase periods (`x`).
    pub frequency: f64,
    /// Time of the last purchase since the first, in periods (`t_x`).
    pub recency: f64,
    /// Time since the first purchase until the observation end, in periods (`T`).
    pub t: f64,
    /// Mean spend per repeat purchase period; 0 without repeats.
    pub monetary_value: f64,
}

/// Options of [`summarize`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SummaryOptions {
    /// The period unit and multiplier (lifetimes' `freq` and `freq_multiplier`).
    pub period: Period,
    /// The observation end (inclusive day); `None` = the last transaction date.
    pub observation_end: Option<NaiveDate>,
    /// Count the first purchase in `frequency` and `monetary_value` (lifetimes'
    /// `include_first_transaction`; default false).
    pub include_first_transaction: bool,
}

impl SummaryOptions {
    /// Options for `period`, observation end at the last transaction.
    pub fn new(period: Period) -> Self {
        Self {
            period,
            observation_end: None,
            include_first_transaction: false,
        }
    }

    /// Sets the observation end.
    pub fn observation_end(mut self, end: NaiveDate) -> Self {
        self.observation_end = Some(end);
        self
    }

    /// Sets `include_first_transaction`.
    pub fn include_first_transaction(mut self, yes: bool) -> Self {
        self.include_first_transaction = yes;
        self
    }
}

/// Summaries of all customers, sorted by customer id.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SummaryTable {
    /// The period the times are measured in.
    pub period: Period,
    /// The observation end used.
    pub observation_end: NaiveDate,
    /// One row per customer with a purchase on or before the observation end.
    pub rows: Vec<CustomerSummary>,
}

impl SummaryTable {
    /// Number of customers.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when no customer is summarised.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The summary of one customer (binary search).
    pub fn get(&self, customer: &Id) -> Option<&CustomerSummary> {
        self.rows
            .binary_search_by(|r| r.customer.cmp(customer))
            .ok()
            .map(|i| &self.rows[i])
    }

    /// Writes `customer_id,frequency,recency,T,monetary_value` CSV.
    ///
    /// # Errors
    /// [`DataError::Csv`] when writing fails.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| DataError::Csv {
            line: None,
            message: e.to_string(),
        };
        w.write_record(["customer_id", "frequency", "recency", "T", "monetary_value"])
            .map_err(err)?;
        for r in &self.rows {
            w.write_record([
                r.customer.to_string(),
                fmt_f64(r.frequency),
                fmt_f64(r.recency),
                fmt_f64(r.t),
                fmt_f64(r.monetary_value),
            ])
            .map_err(err)?;
        }
        w.flush().map_err(|e| DataError::Csv {
            line: None,
            message: e.to_string(),
        })
    }
}

/// Formats a float with the shortest representation that round-trips, always with a decimal point
/// (`3.0`, `27.139999999999997`), as pandas writes them.
pub fn fmt_f64(v: f64) -> String {
    let s = format!("{v:?}");
    if s.contains(['.', 'e', 'E', 'N', 'n']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// Running totals of one customer's purchase units, in time order.
#[derive(Clone, Copy, Debug)]
struct Acc {
    first: i64,
    last: i64,
    units: u64,
    first_sum: f64,
    repeat_sum: f64,
}

impl Acc {
    fn new(ordinal: i64, amount: f64) -> Self {
        Self {
            first: ordinal,
            last: ordinal,
            units: 1,
            first_sum: amount,
            repeat_sum: 0.0,
        }
    }

    /// Adds a transaction whose unit is not earlier than `last`.
    fn push(&mut self, ordinal: i64, amount: f64) {
        if ordinal == self.last {
            if self.units == 1 {
                self.first_sum += amount;
            } else {
                self.repeat_sum += amount;
            }
        } else {
            self.units += 1;
            self.last = ordinal;
            self.repeat_sum += amount;
        }
    }

    fn finish(
        &self,
        customer: Id,
        period: &Period,
        end_ordinal: i64,
        include_first: bool,
    ) -> CustomerSummary {
        let repeats = (self.units - 1) as f64;
        let (frequency, monetary_value) = if include_first {
            (
                self.units as f64,
                (self.first_sum + self.repeat_sum) / self.units as f64,
            )
        } else if self.units > 1 {
            (repeats, self.repeat_sum / repeats)
        } else {
            (0.0, 0.0)
        };
        CustomerSummary {
            customer,
            frequency,
            recency: period.elapsed(self.first, self.last),
            t: period.elapsed(self.first, end_ordinal),
            monetary_value,
        }
    }
}

fn end_date(log: &TransactionLog, end: Option<NaiveDate>) -> Result<NaiveDate> {
    match end.or_else(|| log.last_date()) {
        Some(d) => Ok(d),
        None => Err(DataError::EmptySelection {
            reason: "the log is empty".into(),
        }),
    }
}

/// Summarises every customer of `log` (in parallel over customers).
///
/// # Errors
/// [`DataError::EmptySelection`] when no transaction falls on or before the observation end.
///
/// # Examples
/// ```
/// use custalyze_transaction_types::{Id, Period, Transaction, TransactionLog};
/// use custalyze_transaction_types::summary::{summarize, SummaryOptions};
/// use chrono::NaiveDate;
/// let day = |d| NaiveDate::from_ymd_opt(2024, 1, d).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default();
/// let log = TransactionLog::from_transactions([
///     Transaction::new(Id::Int(1), Id::Int(1), day(1), None, 1.0, 10.0)?,
///     Transaction::new(Id::Int(1), Id::Int(2), day(4), None, 1.0, 20.0)?,
///     Transaction::new(Id::Int(1), Id::Int(3), day(4), None, 1.0, 5.0)?,
/// ])?;
/// let end = NaiveDate::from_ymd_opt(2024, 1, 11).unwrap_or_default();
/// let table = summarize(&log, &SummaryOptions::new(Period::DAY).observation_end(end))?;
/// let c = &table.rows[0];
/// assert_eq!((c.frequency, c.recency, c.t, c.monetary_value), (1.0, 3.0, 10.0, 25.0));
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
pub fn summarize(log: &TransactionLog, options: &SummaryOptions) -> Result<SummaryTable> {
    let end = end_date(log, options.observation_end)?;
    let period = options.period;
    let end_ordinal = period.end_ordinal(end);
    let ts = log.timestamps();
    let amounts = log.amounts();
    let rows: Vec<CustomerSummary> = (0..log.customer_ids().len())
        .into_par_iter()
        .with_min_len(256)
        .filter_map(|c| {
            let mut acc: Option<Acc> = None;
            for r in log.customer_rows(c) {
                let ordinal = period.unit_ordinal_of_timestamp(ts[r]);
                if ordinal > end_ordinal {
                    break;
                }
                match acc.as_mut() {
                    Some(a) => a.push(ordinal, amounts[r]),
                    None => acc = Some(Acc::new(ordinal, amounts[r])),
                }
            }
            acc.map(|a| {
                a.finish(
                    log.customer_ids()[c].clone(),
                    &period,
                    end_ordinal,
                    options.include_first_transaction,
                )
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(DataError::EmptySelection {
            reason: format!("no transaction on or before the observation end {end}"),
        });
    }
    Ok(SummaryTable {
        period,
        observation_end: end,
        rows,
    })
}

/// A streaming summariser: feed it rows in any order (directly from a loader through [`RowSink`],
/// or with [`SummaryAccumulator::push`]) and it keeps only per-customer purchase units, never the
/// log. Accumulators built on separate chunks merge with [`SummaryAccumulator::merge`], so a large
/// input can be summarised in parallel.
///
/// # Examples
/// ```
/// use custalyze_transaction_types::{Id, Period};
/// use custalyze_transaction_types::summary::SummaryAccumulator;
/// use chrono::NaiveDate;
/// let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap_or_default();
/// let mut acc = SummaryAccumulator::new(Period::WEEK, d(3, 31));
/// acc.push(Id::Int(7), d(2, 14), 30.0);
/// acc.push(Id::Int(7), d(1, 2), 10.0);
/// let table = acc.finish()?;
/// assert_eq!(table.rows[0].frequency, 1.0);
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
#[derive(Clone, Debug)]
pub struct SummaryAccumulator {
    period: Period,
    end: NaiveDate,
    end_ordinal: i64,
    include_first: bool,
    customers: HashMap<Id, Units>,
    rows_after_end: u64,
}

/// One customer's `(period ordinal, amount)` entries while streaming. Rows of one period that
/// arrive apart (customers' dates interleave) are merged whenever the list doubles, so memory is
/// bounded by twice the customer's distinct periods, not by her rows; amounts of one period are
/// added in arrival order, as the in-memory summary adds them.
#[derive(Clone, Debug, Default)]
struct Units {
    entries: Vec<(i64, f64)>,
    /// Length after the last merge.
    merged: usize,
}

impl Units {
    fn push(&mut self, ordinal: i64, amount: f64) {
        match self.entries.last_mut() {
            Some((o, s)) if *o == ordinal => *s += amount,
            _ => self.entries.push((ordinal, amount)),
        }
        if self.entries.len() >= 64 && self.entries.len() >= 2 * self.merged {
            self.merge();
        }
    }

    /// Sorts by ordinal (stable) and adds up entries of one ordinal.
    fn merge(&mut self) {
        self.entries.sort_by_key(|&(o, _)| o);
        let mut out: Vec<(i64, f64)> = Vec::with_capacity(self.entries.len());
        for &(o, a) in &self.entries {
            match out.last_mut() {
                Some((p, s)) if *p == o => *s += a,
                _ => out.push((o, a)),
            }
        }
        self.merged = out.len();
        self.entries = out;
    }
}

impl SummaryAccumulator {
    /// An empty accumulator for a period and an observation end (inclusive day).
    pub fn new(period: Period, observation_end: NaiveDate) -> Self {
        Self {
            period,
            end: observation_end,
            end_ordinal: period.end_ordinal(observation_end),
            include_first: false,
            customers: HashMap::new(),
            rows_after_end: 0,
        }
    }

    /// Sets `include_first_transaction` (see [`SummaryOptions`]).
    pub fn include_first_transaction(mut self, yes: bool) -> Self {
        self.include_first = yes;
        self
    }

    /// Rows seen after the observation end (ignored, as lifetimes does).
    pub fn rows_after_end(&self) -> u64 {
        self.rows_after_end
    }

    /// Adds one transaction.
    pub fn push(&mut self, customer: Id, date: NaiveDate, amount: f64) {
        self.push_timestamp(customer, days_from_epoch(date) * SECONDS_PER_DAY, amount);
    }

    fn push_timestamp(&mut self, customer: Id, seconds: i64, amount: f64) {
        let ordinal = self.period.unit_ordinal_of_timestamp(seconds);
        if ordinal > self.end_ordinal {
            self.rows_after_end += 1;
            return;
        }
        self.customers
            .entry(customer)
            .or_default()
            .push(ordinal, amount);
    }

    /// Merges another accumulator built with the same period and end.
    ///
    /// # Errors
    /// [`DataError::EmptySelection`] when the two were built with different periods or ends.
    pub fn merge(mut self, other: SummaryAccumulator) -> Result<Self> {
        if self.period != other.period || self.end != other.end {
            return Err(DataError::EmptySelection {
                reason: "cannot merge summaries of different periods or observation ends".into(),
            });
        }
        self.rows_after_end += other.rows_after_end;
        for (c, u) in other.customers {
            let mine = self.customers.entry(c).or_default();
            for (o, a) in u.entries {
                mine.push(o, a);
            }
        }
        Ok(self)
    }

    /// The summary table, sorted by customer id.
    ///
    /// # Errors
    /// [`DataError::EmptySelection`] when no row fell on or before the observation end.
    pub fn finish(self) -> Result<SummaryTable> {
        let (period, end_ordinal, include_first) =
            (self.period, self.end_ordinal, self.include_first);
        let mut rows: Vec<CustomerSummary> = self
            .customers
            .into_par_iter()
            .filter_map(|(customer, units)| {
                let mut units = units.entries;
                units.sort_by_key(|&(o, _)| o);
                let mut it = units.into_iter();
                let (o, a) = it.next()?;
                let mut acc = Acc::new(o, a);
                for (o, a) in it {
                    acc.push(o, a);
                }
                Some(acc.finish(customer, &period, end_ordinal, include_first))
            })
            .collect();
        if rows.is_empty() {
            return Err(DataError::EmptySelection {
                reason: format!(
                    "no transaction on or before the observation end {}",
                    self.end
                ),
            });
        }
        rows.par_sort_unstable_by(|a, b| a.customer.cmp(&b.customer));
        Ok(SummaryTable {
            period,
            observation_end: self.end,
            rows,
        })
    }
}

impl RowSink for SummaryAccumulator {
    fn accept(&mut self, row: RawRow) {
        self.push_timestamp(row.customer, row.timestamp, row.amount);
    }
}

/// One customer's calibration summary and holdout outcome.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibrationHoldoutRow {
    /// The customer.
    pub customer: Id,
    /// Repeat purchase periods in calibration.
    pub frequency_cal: f64,
    /// Recency at the calibration end.
    pub recency_cal: f64,
    /// `T` at the calibration end.
    pub t_cal: f64,
    /// Mean repeat-period spend in calibration.
    pub monetary_value_cal: f64,
    /// Distinct purchase periods in the holdout.
    pub frequency_holdout: f64,
    /// Mean transaction amount in the holdout (0 without holdout purchases).
    pub monetary_value_holdout: f64,
    /// Holdout length in periods.
    pub duration_holdout: f64,
}

/// A calibration/holdout split of a log.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CalibrationHoldout {
    /// The period used.
    pub period: Period,
    /// Last day of calibration.
    pub calibration_end: NaiveDate,
    /// Last day of the holdout.
    pub observation_end: NaiveDate,
    /// One row per customer seen in calibration, sorted by customer id.
    pub rows: Vec<CalibrationHoldoutRow>,
}

impl CalibrationHoldout {
    /// Splits `log` at `calibration_end` (see the module docs for the conventions).
    ///
    /// # Errors
    /// [`DataError::DateOrder`] when `calibration_end` is not before `observation_end`;
    /// [`DataError::EmptySelection`] when calibration or holdout holds no transaction.
    pub fn split(
        log: &TransactionLog,
        period: Period,
        calibration_end: NaiveDate,
        observation_end: NaiveDate,
    ) -> Result<Self> {
        if calibration_end >= observation_end {
            return Err(DataError::DateOrder {
                what: "calibration end must be before the observation end",
                first: calibration_end.to_string(),
                second: observation_end.to_string(),
            });
        }
        let cal_day = days_from_epoch(calibration_end);
        let obs_day = days_from_epoch(observation_end);
        let ts = log.timestamps();
        let amounts = log.amounts();
        let any_holdout = ts.par_iter().any(|&t| {
            let d = t.div_euclid(SECONDS_PER_DAY);
            d > cal_day && d <= obs_day
        });
        if !any_holdout {
            return Err(DataError::EmptySelection {
                reason: format!(
                    "no transaction in the holdout ({calibration_end}, {observation_end}]"
                ),
            });
        }
        let cal_ordinal = period.end_ordinal(date_from_days(cal_day));
        let duration_holdout =
            period.ordinal_span(cal_ordinal, period.end_ordinal(date_from_days(obs_day)));
        let rows: Vec<CalibrationHoldoutRow> = (0..log.customer_ids().len())
            .into_par_iter()
            .with_min_len(256)
            .filter_map(|c| {
                let mut acc: Option<Acc> = None;
                let (mut units, mut last_unit, mut n, mut sum) = (0u64, i64::MIN, 0u64, 0.0);
                for r in log.customer_rows(c) {
                    let day = ts[r].div_euclid(SECONDS_PER_DAY);
                    let ordinal = period.unit_ordinal_of_timestamp(ts[r]);
                    if day <= cal_day {
                        match acc.as_mut() {
                            Some(a) => a.push(ordinal, amounts[r]),
                            None => acc = Some(Acc::new(ordinal, amounts[r])),
                        }
                    } else if day <= obs_day {
                        if ordinal != last_unit {
                            units += 1;
                            last_unit = ordinal;
                        }
                        n += 1;
                        sum += amounts[r];
                    } else {
                        break;
                    }
                }
                let cal = acc?.finish(log.customer_ids()[c].clone(), &period, cal_ordinal, false);
                Some(CalibrationHoldoutRow {
                    customer: cal.customer,
                    frequency_cal: cal.frequency,
                    recency_cal: cal.recency,
                    t_cal: cal.t,
                    monetary_value_cal: cal.monetary_value,
                    frequency_holdout: units as f64,
                    monetary_value_holdout: if n > 0 { sum / n as f64 } else { 0.0 },
                    duration_holdout,
                })
            })
            .collect();
        if rows.is_empty() {
            return Err(DataError::EmptySelection {
                reason: format!(
                    "no transaction on or before the calibration end {calibration_end}"
                ),
            });
        }
        Ok(Self {
            period,
            calibration_end,
            observation_end,
            rows,
        })
    }

    /// The calibration part as a [`SummaryTable`] (what the models are fitted on).
    pub fn calibration(&self) -> SummaryTable {
        SummaryTable {
            period: self.period,
            observation_end: self.calibration_end,
            rows: self
                .rows
                .iter()
                .map(|r| CustomerSummary {
                    customer: r.customer.clone(),
                    frequency: r.frequency_cal,
                    recency: r.recency_cal,
                    t: r.t_cal,
                    monetary_value: r.monetary_value_cal,
                })
                .collect(),
        }
    }

    /// Writes the lifetimes column layout: `customer_id,frequency_cal,recency_cal,T_cal,
    /// monetary_value_cal,frequency_holdout,monetary_value_holdout,duration_holdout`.
    ///
    /// # Errors
    /// [`DataError::Csv`] when writing fails.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| DataError::Csv {
            line: None,
            message: e.to_string(),
        };
        w.write_record([
            "customer_id",
            "frequency_cal",
            "recency_cal",
            "T_cal",
            "monetary_value_cal",
            "frequency_holdout",
            "monetary_value_holdout",
            "duration_holdout",
        ])
        .map_err(err)?;
        for r in &self.rows {
            w.write_record([
                r.customer.to_string(),
                fmt_f64(r.frequency_cal),
                fmt_f64(r.recency_cal),
                fmt_f64(r.t_cal),
                fmt_f64(r.monetary_value_cal),
                fmt_f64(r.frequency_holdout),
                fmt_f64(r.monetary_value_holdout),
                fmt_f64(r.duration_holdout),
            ])
            .map_err(err)?;
        }
        w.flush().map_err(|e| DataError::Csv {
            line: None,
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    /// Streaming memory is bounded by distinct periods, not rows: 200,000 rows of one customer
    /// alternating between two days keep a handful of entries (before: 200,000), and the summary
    /// is the same.
    #[test]
    fn interleaved_dates_keep_streaming_memory_bounded() {
        let end = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let mut acc = SummaryAccumulator::new(Period::DAY, end);
        let days = [
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
        ];
        for k in 0..200_000 {
            acc.push(Id::Int(1), days[k % 2], 1.0);
            acc.push(Id::Int(2), days[(k + 1) % 2], 0.5);
        }
        let longest = acc
            .customers
            .values()
            .map(|u| u.entries.len())
            .max()
            .unwrap_or(0);
        assert!(longest <= 128, "{longest} entries for 2 distinct days");
        let table = acc.finish().unwrap();
        assert_eq!(table.rows.len(), 2);
        assert_eq!(table.rows[0].frequency, 1.0);
        assert_eq!(table.rows[0].monetary_value, 100_000.0);
    }
}
