//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use chrono::NaiveDate;

/// Errors raised while validating a configuration or writing a generated log.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration value is out of its range (negative, NaN, infinite, zero where a positive
    /// value is needed, a rate outside `[0, 1)`, ...).
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The simulated span (`start` plus `months`) does not fit chrono's calendar.
    #[error("the span of {months} months from {start} does not fit the calendar")]
    DateRange {
        /// The first day of the span.
        start: NaiveDate,
        /// Its length in months.
        months: u32,
    },
    /// A sampling distribution rejected its parameters (not expected after validation; reported
    /// rather than panicking).
    #[error("cannot build the {distribution} distribution: {reason}")]
    Distribution {
        /// The distribution (`Gamma`, `Beta`, ...).
        distribution: &'static str,
        /// The sampler's message.
        reason: String,
    },
    /// Building a transaction log from generated lines failed (not expected: the lines are
    /// valid by construction).
    #[error("building the transaction log: {0}")]
    Log(#[from] custalyze_transaction_types::DataError),
    /// Writing the CSV failed.
    #[error("CSV output failed: {0}")]
    Csv(#[from] csv::Error),
    /// Writing a file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Serialising the generation record to JSON failed.
    #[error("JSON serialisation failed: {0}")]
    Json(#[from] serde_json::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Maps a sampler's construction error to [`Error::Distribution`].
pub(crate) fn distribution<E: std::fmt::Display>(
    distribution: &'static str,
) -> impl FnOnce(E) -> Error {
    move |e| Error::Distribution {
        distribution,
        reason: e.to_string(),
    }
}
