//! The crate's error type.

use custalyze_transaction_types::{DataError, InvalidParameter};

/// Errors raised by feature building, the isolation forest and the detector.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A parameter is out of its range (the shared layout: `name`, `value`, `reason`).
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The data to fit on or score has no rows.
    #[error("no {what} to {action}: the input is empty")]
    Empty {
        /// What was missing (`orders`, `rows`).
        what: &'static str,
        /// What was to be done with it (`fit`, `score`).
        action: &'static str,
    },
    /// A matrix's length is not a multiple of its column count, or rows to score have another
    /// width than the rows the model was fitted on.
    #[error("shape mismatch: {reason}")]
    Shape {
        /// What does not fit.
        reason: String,
    },
    /// A value is NaN or infinite.
    #[error("value at row {row}, column {column} is {value}: every value must be finite")]
    NonFinite {
        /// The row (0-based).
        row: usize,
        /// The column (0-based).
        column: usize,
        /// The value.
        value: f64,
    },
    /// Per-customer inputs of the wrong length (one value per customer of the log is needed).
    #[error("{what} has {got} values for {customers} customers")]
    CustomerLength {
        /// The input (`expected_spend`).
        what: &'static str,
        /// Values given.
        got: usize,
        /// Customers in the log.
        customers: usize,
    },
    /// Scores and labels of different lengths were passed to an evaluation function.
    #[error("{scores} scores but {labels} labels")]
    LengthMismatch {
        /// Number of scores.
        scores: usize,
        /// Number of labels.
        labels: usize,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(
    name: &'static str,
    value: impl std::fmt::Display,
    reason: &'static str,
) -> Error {
    Error::InvalidParameter(InvalidParameter::new(name, value, reason))
}
