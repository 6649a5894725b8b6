//! The cohort stage: monthly acquisition cohorts, retention and revenue.

use chrono::NaiveDate;
use custalyze_cohort::{CohortTable, Cohorts};
use custalyze_transaction_types::{Period, TransactionLog};

use crate::error::Result;

/// Monthly acquisition cohorts of `log` observed up to `observation_end` (unobserved cells are
/// `None` in the table, never 0).
///
/// # Errors
/// [`crate::Error::Cohort`] from the table.
pub fn cohorts(log: &TransactionLog, observation_end: NaiveDate) -> Result<CohortTable> {
    Ok(Cohorts::params(Period::MONTH)
        .observation_end(observation_end)
        .fit(log)?)
}
