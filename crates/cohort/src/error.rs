//! The error type of this crate.

use chrono::NaiveDate;
use custalyze_transaction_types::{DataError, Period};

/// Everything that can go wrong when building cohorts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types (loading, dates, periods).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The period has a multiplier other than 1: cohorts are built on whole calendar days,
    /// weeks or months.
    #[error("cohort periods must be one day, week or month (got {period}); drop the multiplier")]
    UnsupportedMultiplier {
        /// The period that was given.
        period: Period,
    },
    /// The log has no transactions, so there is no cohort.
    #[error("the transaction log is empty: there is no cohort to build")]
    EmptyLog,
    /// No transaction falls on or before the observation end, so there is no cohort.
    #[error("no transactions on or before the observation end {end}")]
    NothingBeforeEnd {
        /// The observation end (inclusive).
        end: NaiveDate,
    },
    /// A metric name that [`Metric`](crate::Metric)'s `FromStr` does not know.
    #[error(
        "unknown metric {name:?}: use customers, retention, revenue, revenue-per-active, \
         revenue-per-customer or cumulative-revenue-per-customer"
    )]
    UnknownMetric {
        /// The name that was given.
        name: String,
    },
    /// The table would hold more cells (cohorts x periods) than the limit (20 million):
    /// daily cohorts over centuries of data.
    #[error(
        "{cohorts} cohorts x {periods} periods is more than {limit} cells: use a longer period (--period W or M) or a later first date"
    )]
    TooManyCells {
        /// Cohorts.
        cohorts: usize,
        /// Periods.
        periods: usize,
        /// The largest table built.
        limit: usize,
    },
    /// Writing a table failed.
    #[error("cannot write the cohort table: {0}")]
    Io(#[from] std::io::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
