//! The crate's error type.

use chrono::NaiveDate;
use custalyze_transaction_types::DataError;

/// Errors raised while computing RFM tables, scores and segments.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
    /// No customer has a transaction before the as-of date.
    #[error("no transaction before the as-of date {as_of}")]
    NoCustomers {
        /// The as-of date that was asked for.
        as_of: NaiveDate,
    },
    /// The number of score bins is outside `1..=9` (scores are written as single digits in the
    /// RF / RFM score strings).
    #[error("invalid number of score bins {bins}: expected 1 to 9")]
    InvalidBins {
        /// The number given.
        bins: usize,
    },
    /// Quantile bin edges are not unique, so the values cannot be cut into the requested number
    /// of bins (pandas `qcut` raises `ValueError: Bin edges must be unique` in this case).
    #[error(
        "bin edges of {column} must be unique, got {edges:?}: too many tied values for quantile scoring; use rank-first scoring (Scoring::RankFirst, `custalyze rfm --scoring pandas`), the R rfm package scoring (--scoring rfm-package, ties share a score) or fewer bins"
    )]
    DuplicateBinEdges {
        /// The column being scored (`"recency"`, `"frequency"`, `"monetary"` or `"values"`).
        column: &'static str,
        /// The computed edges.
        edges: Vec<f64>,
    },
    /// There is nothing to score.
    #[error("cannot score an empty set of values")]
    EmptyValues,
    /// A value to be scored is not finite.
    #[error("value at position {index} is not finite ({value})")]
    NonFiniteValue {
        /// The position of the value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A segment rule is malformed (an empty label, a score range with `min > max` or outside
    /// `1..=9`).
    #[error("invalid segment rule {label:?}: {reason}")]
    InvalidRule {
        /// The rule's label.
        label: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The two dates of a migration are not in order.
    #[error("the migration start {from} must be before its end {to}")]
    DatesOutOfOrder {
        /// The earlier snapshot date.
        from: NaiveDate,
        /// The later snapshot date.
        to: NaiveDate,
    },
    /// Writing a CSV failed.
    #[error("cannot write CSV: {0}")]
    Io(#[from] std::io::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
