//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use custalyze_transaction_types::DataError;

/// Errors raised while building features, clustering and profiling segments.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The data matrix has no rows or no columns.
    #[error("the data matrix is empty ({rows} rows x {cols} columns)")]
    EmptyData {
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// A value of the data matrix is NaN, infinite, or so large (beyond [`MAX_MAGNITUDE`]) that
    /// squared distances overflow.
    #[error(
        "value at row {row}, column {col} is not finite or too large ({value}); drop, impute or scale it first"
    )]
    NonFinite {
        /// Row of the value.
        row: usize,
        /// Column of the value.
        col: usize,
        /// The value.
        value: f64,
    },
    /// Fewer observations than the method needs (2 for a linkage, `k` for K-Means).
    #[error("{what} needs at least {needed} observations, got {got}")]
    TooFewObservations {
        /// What was asked for.
        what: &'static str,
        /// The minimum number of observations.
        needed: usize,
        /// The number given.
        got: usize,
    },
    /// A parameter is outside its valid range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// Two inputs that must have the same length (or width) do not.
    #[error("{what}: expected {expected}, got {got}")]
    LengthMismatch {
        /// What is being compared.
        what: &'static str,
        /// The expected length.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// The silhouette needs between 2 and n - 1 distinct clusters.
    #[error(
        "the silhouette needs 2 to n - 1 clusters, got {clusters} clusters for {n} observations"
    )]
    SilhouetteClusters {
        /// Number of distinct labels.
        clusters: usize,
        /// Number of observations.
        n: usize,
    },
    /// A linkage matrix is malformed (ids out of range or used twice, wrong sizes, negative or
    /// non-finite heights).
    #[error("invalid linkage matrix at row {row}: {reason}")]
    InvalidLinkage {
        /// The offending row.
        row: usize,
        /// What is wrong.
        reason: String,
    },
    /// A feature column name is not known.
    #[error("unknown feature column {name:?}; available: {available}")]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The available names, comma-separated.
        available: String,
    },
    /// A user-provided feature column has no value for a customer.
    #[error("column {column:?} has no value for customer {customer}")]
    MissingValue {
        /// The column.
        column: String,
        /// The customer without a value.
        customer: String,
    },
    /// A value cannot be log-transformed (`ln(1 + x)` needs `x > -1`).
    #[error("column {column:?} has value {value} at row {row}; log1p needs values > -1")]
    LogDomain {
        /// The column.
        column: String,
        /// The row.
        row: usize,
        /// The value.
        value: f64,
    },
    /// No customer has a transaction before the as-of date.
    #[error("no transaction before the as-of date {as_of}")]
    NoCustomers {
        /// The as-of date that was asked for.
        as_of: chrono::NaiveDate,
    },
    /// Writing output failed.
    #[error("cannot write: {0}")]
    Io(#[from] std::io::Error),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The largest magnitude of a data value: squared distances between such values, summed over
/// columns and rows, stay finite.
pub const MAX_MAGNITUDE: f64 = 1e100;

/// Checks that a matrix is non-empty, finite and within [`MAX_MAGNITUDE`].
pub(crate) fn check_matrix(data: ndarray::ArrayView2<'_, f64>) -> Result<()> {
    let (rows, cols) = data.dim();
    if rows == 0 || cols == 0 {
        return Err(Error::EmptyData { rows, cols });
    }
    for (row, r) in data.outer_iter().enumerate() {
        for (col, &value) in r.iter().enumerate() {
            if !(value.is_finite() && value.abs() <= MAX_MAGNITUDE) {
                return Err(Error::NonFinite { row, col, value });
            }
        }
    }
    Ok(())
}
