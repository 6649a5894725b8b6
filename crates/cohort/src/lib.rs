#![doc = include_str!("../README.md")]
//!
//! ## What is here
//! - [`Cohorts::params`] starts a [`CohortParams`] builder (period, observation end, 0- or
//!   1-based period index); `check()` gives [`ValidCohortParams`], whose `fit` builds a
//!   [`CohortTable`] from a [`TransactionLog`](custalyze_transaction_types::TransactionLog).
//! - [`CohortTable`] holds one [`Cohort`] per acquisition period and gives every matrix
//!   ([`Metric`]), the weighted [`CohortTable::average_retention`] curve and CSV output.
//!
//! ## Definitions
//! - A customer's cohort is the period of their first transaction on or before the observation end.
//! - Period index `k` of a cohort is the `k`-th period after the acquisition period (0-based by
//!   default, [`IndexBase::One`] for 1-based labels).
//! - Active: at least one transaction in the period, whatever its amount. Retention = active /
//!   cohort size.
//! - Revenue per *active* customer divides by that period's active customers (spend of those who
//!   came back; 0 in a period where nobody was active); revenue per *acquired* customer divides by the cohort size (spend per customer
//!   won, which includes the effect of churn). The cumulative variant sums the latter over periods.
//! - Unobserved cells: a cohort acquired `j` periods after the oldest one has `j` fewer observed
//!   periods ([`Cohort::observed_periods`]). The matrices return `None` there (never a zero that
//!   could be read as "nobody bought"); [`CohortTable::write_csv`] writes `0` there to match the
//!   pandas reference, [`CohortTable::write_csv_with`] any text (`NA`, an empty cell).

mod cohort;
pub mod error;

pub use cohort::{
    Cohort, CohortParams, CohortTable, Cohorts, IndexBase, MAX_CELLS, Metric, ValidCohortParams,
};
pub use error::{Error, Result};
