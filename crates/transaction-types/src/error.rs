//! The crate's error type.

use std::path::PathBuf;

/// Errors raised while loading, validating or summarising transaction data.
///
/// Every variant carries enough context for a person to fix the input: the file, the column, the
/// line or the value that was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DataError {
    /// The input file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file that failed.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The CSV reader failed (malformed quoting, invalid UTF-8, ...).
    #[error("CSV error{}: {message}", line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    Csv {
        /// The 1-based line number, when known.
        line: Option<u64>,
        /// What the reader reported.
        message: String,
    },
    /// A column the schema needs is not in the header.
    #[error("column {column:?} not found in the header (columns present: {available})")]
    MissingColumn {
        /// The column that was asked for.
        column: String,
        /// The header's columns, comma-separated.
        available: String,
    },
    /// The file held no usable row: every row was excluded, or there were none.
    #[error("no usable transactions: {reason}")]
    NoUsableRows {
        /// Why: an empty file, or the exclusion counts.
        reason: String,
    },
    /// A date given as an argument (an observation or calibration end) is not usable.
    #[error("invalid date {value:?}: {reason}")]
    InvalidDate {
        /// The date as given.
        value: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A period specification such as `"W"` or `"7D"` could not be understood.
    #[error(
        "invalid period {value:?}: expected D, W or M with an optional positive multiplier, e.g. \"7D\""
    )]
    InvalidPeriod {
        /// The text as given.
        value: String,
    },
    /// Two dates were given in the wrong order (for example a calibration end after the
    /// observation end).
    #[error("{what}: {first} must not be after {second}")]
    DateOrder {
        /// Which pair of dates.
        what: &'static str,
        /// The date that should come first.
        first: String,
        /// The date that should come second.
        second: String,
    },
    /// A schema name that is not one of `generic`, `online-retail`, `cdnow`.
    #[error("unknown schema {name:?}: use generic, online-retail or cdnow")]
    UnknownSchema {
        /// The name as given.
        name: String,
    },
    /// The log records no items, so item-level results (baskets, per-item series) are undefined.
    #[error("the log records no items: load it with a schema that has an item column")]
    NoItems,
    /// A transaction built in code failed validation.
    #[error("invalid transaction: {reason}")]
    InvalidTransaction {
        /// What is wrong.
        reason: String,
    },
    /// A value given as an argument is outside its domain (a quantile level, a number of groups).
    #[error("invalid {what}: {value}")]
    InvalidValue {
        /// What the value is.
        what: &'static str,
        /// The value as given.
        value: String,
    },
    /// The selection (period, date range, customer) contains no data.
    #[error("empty selection: {reason}")]
    EmptySelection {
        /// What was selected and why it is empty.
        reason: String,
    },
}

/// The crate's result type.
pub type Result<T, E = DataError> = std::result::Result<T, E>;

/// A setting that a model or computation cannot take: the one field layout every custalyze
/// crate uses for invalid parameters (each crate's `Error::InvalidParameter` wraps it), so a
/// service can report any of them the same way.
///
/// # Examples
/// ```
/// use custalyze_transaction_types::InvalidParameter;
/// let e = InvalidParameter::new("penalizer", -1.0, "must be finite and >= 0");
/// assert_eq!(e.name, "penalizer");
/// assert_eq!(e.to_string(), "invalid parameter penalizer = -1: must be finite and >= 0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct InvalidParameter {
    /// The parameter, as the builder or options struct names it (dotted for nested ones,
    /// `bgnbd.r`).
    pub name: &'static str,
    /// The value given, as text (empty when the problem is a combination of settings).
    pub value: String,
    /// What is wrong and what is accepted (`"must be finite and > 0"`).
    pub reason: std::borrow::Cow<'static, str>,
}

impl InvalidParameter {
    /// A parameter `name` whose `value` is not accepted, and why (`"must be finite and > 0"`).
    pub fn new(
        name: &'static str,
        value: impl std::fmt::Display,
        reason: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Self {
            name,
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// A problem with a combination of settings (no single value to show): `reason` is a
    /// whole sentence.
    pub fn combination(
        name: &'static str,
        reason: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Self {
        Self {
            name,
            value: String::new(),
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for InvalidParameter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "invalid parameter {}: {}", self.name, self.reason)
        } else {
            write!(
                f,
                "invalid parameter {} = {}: {}",
                self.name, self.value, self.reason
            )
        }
    }
}

impl std::error::Error for InvalidParameter {}
