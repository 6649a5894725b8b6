//! Acquisition cohorts: options, the cohort table and its matrices.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::str::FromStr;

use chrono::NaiveDate;
use custalyze_transaction_types::period::{date_from_days, days_from_epoch};
use custalyze_transaction_types::{Period, PeriodUnit, TransactionLog};

use crate::error::{Error, Result};

/// How period indices (the columns of the matrices) are numbered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum IndexBase {
    /// The acquisition period is index 0 (pandas' `period - cohort`; the default).
    #[default]
    Zero,
    /// The acquisition period is index 1 ("month 1" in spreadsheet-style reports).
    One,
}

impl IndexBase {
    /// The label of the column at offset `offset` (0 for the acquisition period).
    pub fn label(self, offset: usize) -> usize {
        match self {
            IndexBase::Zero => offset,
            IndexBase::One => offset + 1,
        }
    }
}

/// The quantity shown in a cohort matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Metric {
    /// Distinct customers of the cohort with at least one transaction in the period.
    ActiveCustomers,
    /// Active customers divided by the cohort size (1 at index 0).
    Retention,
    /// Sum of the amounts of the cohort's transactions in the period.
    Revenue,
    /// Revenue divided by the active customers of that period (0 when none is active).
    RevenuePerActiveCustomer,
    /// Revenue divided by the cohort size (every acquired customer, active or not).
    RevenuePerAcquiredCustomer,
    /// Revenue of all periods up to and including this one, divided by the cohort size.
    CumulativeRevenuePerAcquiredCustomer,
}

impl FromStr for Metric {
    type Err = Error;

    /// Parses `customers` / `active`, `retention`, `revenue`, `revenue-per-active`,
    /// `revenue-per-customer` and `cumulative-revenue-per-customer` (case-insensitive).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "customers" | "active" | "active-customers" => Ok(Metric::ActiveCustomers),
            "retention" => Ok(Metric::Retention),
            "revenue" => Ok(Metric::Revenue),
            "revenue-per-active" | "revenue-per-active-customer" => {
                Ok(Metric::RevenuePerActiveCustomer)
            }
            "revenue-per-customer" | "revenue-per-acquired-customer" => {
                Ok(Metric::RevenuePerAcquiredCustomer)
            }
            "cumulative-revenue-per-customer" | "cumulative-revenue" => {
                Ok(Metric::CumulativeRevenuePerAcquiredCustomer)
            }
            _ => Err(Error::UnknownMetric {
                name: s.to_string(),
            }),
        }
    }
}

/// Acquisition cohorts: [`Cohorts::params`] starts the builder, `check()` gives
/// [`ValidCohortParams`], `fit(&log)` the [`CohortTable`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cohorts;

impl Cohorts {
    /// Cohorts and columns of one `period`, with the defaults of [`CohortParams`].
    pub fn params(period: Period) -> CohortParams {
        CohortParams {
            period,
            observation_end: None,
            index_base: IndexBase::Zero,
        }
    }
}

/// Settings of a cohort table, unchecked.
///
/// | Setting | Default |
/// |---|---|
/// | `period` | given to [`Cohorts::params`]: [`Period::DAY`], [`Period::WEEK`] (Monday to Sunday) or [`Period::MONTH`] |
/// | `observation_end` | the last transaction date of the log |
/// | `index_base` | [`IndexBase::Zero`] |
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CohortParams {
    period: Period,
    observation_end: Option<NaiveDate>,
    index_base: IndexBase,
}

impl CohortParams {
    /// Sets the observation end (inclusive): transactions after it are ignored.
    #[must_use]
    pub fn observation_end(mut self, end: NaiveDate) -> Self {
        self.observation_end = Some(end);
        self
    }

    /// Sets the numbering of the period index.
    #[must_use]
    pub fn index_base(mut self, base: IndexBase) -> Self {
        self.index_base = base;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::Data`] for an hour period; [`Error::UnsupportedMultiplier`] when the period has
    /// a multiplier other than 1.
    pub fn check(&self) -> Result<ValidCohortParams> {
        self.period.require_calendar("cohorts")?;
        if self.period.multiplier() != 1 {
            return Err(Error::UnsupportedMultiplier {
                period: self.period,
            });
        }
        Ok(ValidCohortParams(self.clone()))
    }

    /// Checks the settings, then builds the table: [`ValidCohortParams::fit`].
    ///
    /// # Errors
    /// As [`CohortParams::check`] and [`ValidCohortParams::fit`].
    pub fn fit(&self, log: &TransactionLog) -> Result<CohortTable> {
        self.check()?.fit(log)
    }
}

/// Checked cohort settings, from [`CohortParams::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCohortParams(CohortParams);

/// One acquisition cohort: the customers whose first transaction falls in one period.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Cohort {
    /// First day of the acquisition period.
    pub start: NaiveDate,
    /// Unit ordinal of the acquisition period ([`Period::unit_ordinal`]).
    pub ordinal: i64,
    /// Number of customers acquired (first transaction) in the period.
    pub size: u64,
    /// Number of periods observed for this cohort, the acquisition period included: the periods
    /// from acquisition to the one containing the observation end. Entries of
    /// [`Cohort::active`] and [`Cohort::revenue`] at offsets `>= observed_periods` are zero
    /// because the cohort could not have reached them, not because nobody bought.
    pub observed_periods: usize,
    /// Active customers per period offset (0 = acquisition period); length
    /// [`CohortTable::periods`].
    pub active: Vec<u64>,
    /// Revenue per period offset; length [`CohortTable::periods`].
    pub revenue: Vec<f64>,
}

impl Cohort {
    /// Whether the cohort was observed at period offset `offset`.
    pub fn is_observed(&self, offset: usize) -> bool {
        offset < self.observed_periods
    }

    /// The value of `metric` at period offset `offset`: `None` when the cohort had not reached
    /// that period by the observation end (or the offset is past the table).
    pub fn value(&self, metric: Metric, offset: usize) -> Option<f64> {
        if !self.is_observed(offset) {
            return None;
        }
        let active = *self.active.get(offset)? as f64;
        let revenue = *self.revenue.get(offset)?;
        let size = self.size as f64;
        Some(match metric {
            Metric::ActiveCustomers => active,
            Metric::Retention => active / size,
            Metric::Revenue => revenue,
            Metric::RevenuePerActiveCustomer => {
                if active > 0.0 {
                    revenue / active
                } else {
                    0.0
                }
            }
            Metric::RevenuePerAcquiredCustomer => revenue / size,
            Metric::CumulativeRevenuePerAcquiredCustomer => {
                self.revenue.get(..=offset)?.iter().sum::<f64>() / size
            }
        })
    }
}

/// Acquisition cohorts of a transaction log, with one row per cohort (oldest first) and one
/// column per period offset since acquisition.
///
/// Only non-empty cohorts are listed. There are [`CohortTable::periods`] columns: from the
/// acquisition period of the oldest cohort to the period of the observation end. Younger cohorts
/// have fewer observed periods ([`Cohort::observed_periods`]); the matrices return `None` for the
/// others, and [`CohortTable::write_csv`] writes `0` there, as the pandas reference does.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CohortTable {
    /// The period of cohorts and columns.
    pub period: Period,
    /// Last observed day (inclusive).
    pub observation_end: NaiveDate,
    /// Numbering of the period index in labels and CSV headers.
    pub index_base: IndexBase,
    /// Number of period columns.
    pub periods: usize,
    /// The cohorts, oldest first.
    pub cohorts: Vec<Cohort>,
}

/// Per-cohort accumulator.
#[derive(Default)]
struct Acc {
    size: u64,
    active: Vec<u64>,
    revenue: Vec<f64>,
}

/// The most cells (cohorts x periods) a cohort table holds: 20 million, about 320 MB with the
/// revenue and activity columns (55 years of daily cohorts).
pub const MAX_CELLS: usize = 20_000_000;

impl ValidCohortParams {
    /// The settings.
    pub fn params(&self) -> &CohortParams {
        &self.0
    }

    /// Builds the acquisition cohorts of `log`.
    ///
    /// A customer belongs to the cohort of the period of their first transaction on or before the
    /// observation end; they are active at offset `k` when they have at least one transaction
    /// (whatever its amount) in the `k`-th period after that one. Revenue is the sum of amounts.
    ///
    /// # Errors
    /// - [`Error::EmptyLog`] for an empty log.
    /// - [`Error::NothingBeforeEnd`] when no transaction falls on or before the observation end.
    ///
    /// # Examples
    /// ```
    /// use custalyze_cohort::{Cohorts, Metric};
    /// use custalyze_transaction_types::{Period, Transaction, TransactionLog};
    ///
    /// let t = |c: i64, day: &str, amount: f64| {
    ///     let ts = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")?.and_hms_opt(0, 0, 0).unwrap_or_default();
    ///     Ok::<_, Box<dyn std::error::Error>>(Transaction::with_amount(c.into(), day.into(), ts, None, 1.0, amount, amount)?)
    /// };
    /// let log = TransactionLog::from_transactions([
    ///     t(1, "2024-01-03", 10.0)?, t(1, "2024-02-10", 5.0)?, t(2, "2024-01-20", 7.0)?,
    /// ])?;
    /// let table = Cohorts::params(Period::MONTH).check()?.fit(&log)?;
    /// assert_eq!(table.labels(), ["2024-01"]);
    /// assert_eq!(table.matrix(Metric::Retention), [vec![Some(1.0), Some(0.5)]]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fit(&self, log: &TransactionLog) -> Result<CohortTable> {
        let options = &self.0;
        let period = options.period;
        if log.is_empty() {
            return Err(Error::EmptyLog);
        }
        let end = match options.observation_end.or_else(|| log.last_date()) {
            Some(e) => e,
            None => return Err(Error::EmptyLog),
        };
        let end_day = days_from_epoch(end);
        let end_ordinal = period.unit_ordinal_of_day(end_day);
        let amounts = log.amounts();

        let mut accs: BTreeMap<i64, Acc> = BTreeMap::new();
        let mut ages: Vec<(usize, f64)> = Vec::new();
        // Cells allocated so far: the bound holds while the table is built, not only at the end.
        let mut cells: usize = 0;
        for customer in 0..log.customer_ids().len() {
            ages.clear();
            let mut first: Option<i64> = None;
            for row in log.customer_rows(customer) {
                let day = log.day(row);
                if day <= end_day {
                    first = Some(first.map_or(day, |f: i64| f.min(day)));
                }
            }
            let Some(first) = first else { continue };
            let cohort = period.unit_ordinal_of_day(first);
            for row in log.customer_rows(customer) {
                let day = log.day(row);
                if day > end_day {
                    continue;
                }
                // `day >= first`, so the offset is non-negative.
                let offset = usize::try_from(period.unit_ordinal_of_day(day) - cohort).unwrap_or(0);
                ages.push((offset, amounts.get(row).copied().unwrap_or(0.0)));
            }
            ages.sort_by_key(|&(offset, _)| offset);
            let acc = accs.entry(cohort).or_default();
            acc.size += 1;
            let mut last = None;
            for &(offset, amount) in &ages {
                if acc.active.len() <= offset {
                    cells += offset + 1 - acc.active.len();
                    if cells > MAX_CELLS {
                        return Err(Error::TooManyCells {
                            cohorts: accs.len(),
                            periods: offset + 1,
                            limit: MAX_CELLS,
                        });
                    }
                    acc.active.resize(offset + 1, 0);
                    acc.revenue.resize(offset + 1, 0.0);
                }
                if last != Some(offset) {
                    acc.active[offset] += 1;
                    last = Some(offset);
                }
                acc.revenue[offset] += amount;
            }
        }

        let Some(&oldest) = accs.keys().next() else {
            return Err(Error::NothingBeforeEnd { end });
        };
        let periods = usize::try_from(end_ordinal - oldest + 1).unwrap_or(0);
        if accs.len().saturating_mul(periods) > MAX_CELLS {
            return Err(Error::TooManyCells {
                cohorts: accs.len(),
                periods,
                limit: MAX_CELLS,
            });
        }
        let cohorts = accs
            .into_iter()
            .map(|(ordinal, mut acc)| {
                acc.active.resize(periods, 0);
                acc.revenue.resize(periods, 0.0);
                Cohort {
                    start: date_from_days(period.unit_start_day(ordinal)),
                    ordinal,
                    size: acc.size,
                    observed_periods: usize::try_from(end_ordinal - ordinal + 1).unwrap_or(0),
                    active: acc.active,
                    revenue: acc.revenue,
                }
            })
            .collect();
        Ok(CohortTable {
            period,
            observation_end: end,
            index_base: options.index_base,
            periods,
            cohorts,
        })
    }
}

impl CohortTable {
    /// The cohort labels: `YYYY-MM` for months, the first day `YYYY-MM-DD` of the period for
    /// days and weeks.
    pub fn labels(&self) -> Vec<String> {
        self.cohorts.iter().map(|c| self.label(c)).collect()
    }

    fn label(&self, cohort: &Cohort) -> String {
        match self.period.unit() {
            PeriodUnit::Month => cohort.start.format("%Y-%m").to_string(),
            _ => cohort.start.format("%Y-%m-%d").to_string(),
        }
    }

    /// The period index labels of the columns (`0..periods`, or `1..=periods` with
    /// [`IndexBase::One`]).
    pub fn column_labels(&self) -> Vec<usize> {
        (0..self.periods)
            .map(|k| self.index_base.label(k))
            .collect()
    }

    /// The cohort sizes, in row order.
    pub fn sizes(&self) -> Vec<u64> {
        self.cohorts.iter().map(|c| c.size).collect()
    }

    /// The matrix of `metric`: one row per cohort, one column per period offset; `None` where the
    /// cohort had not reached the period by the observation end (see [`Cohort::value`]).
    pub fn matrix(&self, metric: Metric) -> Vec<Vec<Option<f64>>> {
        self.cohorts
            .iter()
            .map(|c| (0..self.periods).map(|k| c.value(metric, k)).collect())
            .collect()
    }

    /// Active customers per cohort and period; `None` where not observed.
    pub fn active_customers(&self) -> Vec<Vec<Option<u64>>> {
        self.cohorts
            .iter()
            .map(|c| {
                (0..self.periods)
                    .map(|k| c.is_observed(k).then(|| c.active[k]))
                    .collect()
            })
            .collect()
    }

    /// Retention (active / cohort size); `None` where not observed.
    pub fn retention(&self) -> Vec<Vec<Option<f64>>> {
        self.matrix(Metric::Retention)
    }

    /// Revenue per cohort and period; `None` where not observed.
    pub fn revenue(&self) -> Vec<Vec<Option<f64>>> {
        self.matrix(Metric::Revenue)
    }

    /// Revenue per *active* customer of the period (0 where nobody was active); `None` where not
    /// observed. Compare [`CohortTable::revenue_per_acquired_customer`], which divides by the
    /// cohort size and so mixes spend with retention.
    pub fn revenue_per_active_customer(&self) -> Vec<Vec<Option<f64>>> {
        self.matrix(Metric::RevenuePerActiveCustomer)
    }

    /// Revenue per *acquired* customer (revenue / cohort size); `None` where not observed.
    pub fn revenue_per_acquired_customer(&self) -> Vec<Vec<Option<f64>>> {
        self.matrix(Metric::RevenuePerAcquiredCustomer)
    }

    /// Cumulative revenue per acquired customer: revenue of the acquisition period through this
    /// one, divided by the cohort size; `None` where not observed. Non-decreasing along a row
    /// when amounts are non-negative.
    pub fn cumulative_revenue_per_acquired_customer(&self) -> Vec<Vec<Option<f64>>> {
        self.matrix(Metric::CumulativeRevenuePerAcquiredCustomer)
    }

    /// The average retention curve: at each period offset, the active customers of all cohorts
    /// observed at that offset divided by their total size (a mean of retention rates weighted by
    /// cohort size). Cohorts that had not reached an offset are left out of it, so the curve is
    /// not pulled down by periods that have not happened yet. Index 0 is 1.
    pub fn average_retention(&self) -> Vec<f64> {
        (0..self.periods)
            .map(|k| {
                let (active, size) = self
                    .cohorts
                    .iter()
                    .filter(|c| c.is_observed(k))
                    .fold((0u64, 0u64), |(a, s), c| (a + c.active[k], s + c.size));
                // The oldest cohort is observed at every offset, so `size > 0`; NaN guards the
                // division for a hand-built table without cohorts.
                if size == 0 {
                    f64::NAN
                } else {
                    active as f64 / size as f64
                }
            })
            .collect()
    }

    /// Writes the matrix of `metric` as CSV: a header `cohort,0,1,...` (or `cohort,1,2,...`) and
    /// one row per cohort, with `0` (`0.0` for rates and amounts) in the cells the cohort had not
    /// reached, exactly as the pandas reference (`unstack(fill_value=0)`) writes them. Use [`CohortTable::write_csv_with`] to
    /// write something else there (an empty cell, `NA`).
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn write_csv<W: Write>(&self, metric: Metric, out: W) -> Result<()> {
        self.write(metric, None, out)
    }

    /// [`CohortTable::write_csv`] with `unobserved` written in the cells the cohort had not
    /// reached.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn write_csv_with<W: Write>(&self, metric: Metric, unobserved: &str, out: W) -> Result<()> {
        self.write(metric, Some(unobserved), out)
    }

    fn write<W: Write>(&self, metric: Metric, unobserved: Option<&str>, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Io(e.into());
        let mut record = vec!["cohort".to_string()];
        record.extend(self.column_labels().iter().map(|k| k.to_string()));
        w.write_record(&record).map_err(err)?;
        for c in &self.cohorts {
            record.clear();
            record.push(self.label(c));
            for k in 0..self.periods {
                record.push(match (c.value(metric, k), unobserved) {
                    (None, Some(text)) => text.to_string(),
                    (None, None) => CsvNumber(metric, 0.0).to_string(),
                    (Some(v), _) => CsvNumber(metric, v).to_string(),
                });
            }
            w.write_record(&record).map_err(err)?;
        }
        w.flush()?;
        Ok(())
    }
}

/// A number as pandas' `to_csv` writes it: integers for counts, floats with a decimal point.
struct CsvNumber(Metric, f64);

impl fmt::Display for CsvNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Metric::ActiveCustomers => write!(f, "{}", self.1),
            // `{:?}` is the shortest round-trip form with a decimal point (`1.0`, `0.25`).
            _ => write!(f, "{:?}", self.1),
        }
    }
}
