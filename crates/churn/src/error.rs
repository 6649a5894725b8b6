//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use chrono::NaiveDate;
use custalyze_transaction_types::DataError;

/// Errors raised while building churn features, fitting models and evaluating scores.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation, splits).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The BG/NBD or Gamma-Gamma fit behind the P(alive), expected-purchase and CLV features failed.
    #[error("CLV model: {0}")]
    Clv(#[from] custalyze_cltv_core::Error),
    /// A decision tree fit in linfa-trees failed.
    #[error("decision tree: {0}")]
    Tree(#[source] linfa::Error),
    /// No customer has a transaction on or before the snapshot date.
    #[error("no customer has a transaction on or before {snapshot}")]
    NoCustomers {
        /// The snapshot date.
        snapshot: NaiveDate,
    },
    /// The label window `(snapshot, snapshot + holdout_days]` runs past the last transaction date,
    /// so absent purchases there cannot be told from missing data.
    #[error(
        "the holdout window ({snapshot}, {window_end}] ends after the last transaction on {last}; \
         choose an earlier calibration end or fewer holdout days"
    )]
    HoldoutBeyondData {
        /// The snapshot (calibration end).
        snapshot: NaiveDate,
        /// The end of the label window.
        window_end: NaiveDate,
        /// The last date in the log.
        last: NaiveDate,
    },
    /// A parameter is outside its documented range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// Scores, labels or feature rows do not fit together (lengths, classes, non-finite values).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Only one class is present where two are needed (training labels, or the labels an AUC is
    /// computed on).
    #[error("only one class present in {what}: every label is {label}; AUC and training need both")]
    OneClass {
        /// Which labels.
        what: &'static str,
        /// The only label present.
        label: bool,
    },
    /// Writing a CSV failed.
    #[error("cannot write CSV: {0}")]
    Io(#[from] std::io::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
