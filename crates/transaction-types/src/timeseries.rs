//! Regular, dated time series built from a log.

use chrono::NaiveDate;

use crate::error::{DataError, Result};
use crate::id::Id;
use crate::log::TransactionLog;
use crate::period::Period;

const SECONDS_PER_DAY: i64 = 86_400;

/// What to add up per period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Measure {
    /// Sum of line amounts.
    Revenue,
    /// Sum of quantities.
    Units,
    /// Number of distinct orders.
    Orders,
    /// Number of distinct customers who bought.
    Customers,
}

/// A regular time series: one value per period, consecutive, with no gaps.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeSeries {
    /// The spacing.
    pub period: Period,
    /// The first day of each period.
    pub dates: Vec<NaiveDate>,
    /// The values.
    pub values: Vec<f64>,
}

impl TimeSeries {
    /// A series from dates and values.
    ///
    /// # Errors
    /// [`DataError::EmptySelection`] when the lengths differ or the series is empty.
    pub fn new(period: Period, dates: Vec<NaiveDate>, values: Vec<f64>) -> Result<Self> {
        if dates.len() != values.len() || dates.is_empty() {
            return Err(DataError::EmptySelection {
                reason: format!(
                    "a time series needs as many dates ({}) as values ({}), at least one",
                    dates.len(),
                    values.len()
                ),
            });
        }
        Ok(Self {
            period,
            dates,
            values,
        })
    }

    /// Number of periods.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when empty (never, for a series made by this crate).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Aggregates `measure` per period over the whole log, zero-filling periods without sales.
    /// The first bucket starts at the unit containing the first transaction.
    ///
    /// # Errors
    /// [`DataError::EmptySelection`] for an empty log.
    ///
    /// # Examples
    /// ```
    /// use custalyze_transaction_types::{Id, Period, Transaction, TransactionLog};
    /// use custalyze_transaction_types::timeseries::{Measure, TimeSeries};
    /// use chrono::NaiveDate;
    /// let at = |d| NaiveDate::from_ymd_opt(2024, 1, d).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default();
    /// let log = TransactionLog::from_transactions([
    ///     Transaction::new(Id::Int(1), Id::Int(1), at(1), None, 1.0, 10.0)?,
    ///     Transaction::new(Id::Int(2), Id::Int(2), at(3), None, 2.0, 5.0)?,
    /// ])?;
    /// let s = TimeSeries::from_log(&log, Period::DAY, Measure::Revenue, None)?;
    /// assert_eq!(s.values, vec![10.0, 0.0, 10.0]);
    /// # Ok::<(), custalyze_transaction_types::DataError>(())
    /// ```
    pub fn from_log(
        log: &TransactionLog,
        period: Period,
        measure: Measure,
        item: Option<&Id>,
    ) -> Result<Self> {
        period.require_calendar("time series")?;
        let item_index = match item {
            None => None,
            Some(id) => {
                let items = log.items().ok_or(DataError::NoItems)?;
                let idx = log.item_ids().iter().position(|i| i == id).ok_or_else(|| {
                    DataError::EmptySelection {
                        reason: format!("item {id} is not in the log"),
                    }
                })? as u32;
                Some((items, idx))
            }
        };
        let rows: Vec<usize> = (0..log.len())
            .filter(|&r| item_index.is_none_or(|(items, idx)| items[r] == idx))
            .collect();
        let ts = log.timestamps();
        let (min_t, max_t) = rows.iter().fold((i64::MAX, i64::MIN), |(a, b), &r| {
            (a.min(ts[r]), b.max(ts[r]))
        });
        if rows.is_empty() {
            return Err(DataError::EmptySelection {
                reason: "no transaction to aggregate".into(),
            });
        }
        let origin = period.unit_ordinal_of_day(min_t.div_euclid(SECONDS_PER_DAY));
        let last = period.bucket(
            origin,
            period.unit_ordinal_of_day(max_t.div_euclid(SECONDS_PER_DAY)),
        );
        let n = usize::try_from(last + 1).unwrap_or(0);
        let mut values = vec![0.0; n];
        let mut seen: Vec<std::collections::HashSet<u32>> = match measure {
            Measure::Orders | Measure::Customers => vec![Default::default(); n],
            _ => Vec::new(),
        };
        for &r in &rows {
            let b = period.bucket(
                origin,
                period.unit_ordinal_of_day(ts[r].div_euclid(SECONDS_PER_DAY)),
            ) as usize;
            match measure {
                Measure::Revenue => values[b] += log.amounts()[r],
                Measure::Units => values[b] += log.quantities()[r],
                Measure::Orders => {
                    seen[b].insert(log.orders()[r]);
                }
                Measure::Customers => {
                    seen[b].insert(log.customers()[r]);
                }
            }
        }
        if !seen.is_empty() {
            values = seen.iter().map(|s| s.len() as f64).collect();
        }
        let m = i64::from(period.multiplier());
        let dates = (0..n as i64)
            .map(|b| period.unit_start(origin + b * m))
            .collect();
        Ok(Self {
            period,
            dates,
            values,
        })
    }
}
