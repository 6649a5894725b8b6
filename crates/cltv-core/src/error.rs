//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use std::fmt;

use custalyze_transaction_types::{DataError, Id};

use crate::clv::TimeUnit;

/// What is wrong with one customer's (or row's) input: the typed kind of
/// [`Error::InvalidInput`] and [`Error::InvalidCustomer`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum InputProblem {
    /// A value is NaN or infinite.
    NonFinite {
        /// Which value (`x`, `t_x`, `T`, `m`, `weight`, `t`).
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// A frequency, recency, age or weight below zero.
    Negative {
        /// Which value.
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// The last purchase is after the end of observation: `t_x > T`.
    RecencyAfterAge {
        /// `t_x`.
        recency: f64,
        /// `T`.
        age: f64,
    },
    /// A positive recency without a repeat purchase (`x = 0`, `t_x > 0`).
    RecencyWithoutRepeat {
        /// `t_x`.
        recency: f64,
    },
    /// More repeat purchases than periods of recency (discrete-time data).
    FrequencyAboveRecency {
        /// `x`.
        frequency: f64,
        /// `t_x`.
        recency: f64,
    },
    /// A count (discrete-time frequency, recency or periods) that is not a whole number.
    NotACount {
        /// Which value.
        field: &'static str,
        /// The value.
        value: f64,
    },
    /// A value beyond what the models take (times and counts up to [`crate::data::MAX_MAGNITUDE`],
    /// BG/BB opportunities up to [`crate::bgbb::MAX_OPPORTUNITIES`]): the work of the likelihood
    /// grows with it.
    TooLarge {
        /// Which value.
        field: &'static str,
        /// The value.
        value: f64,
        /// The largest accepted.
        limit: f64,
    },
    /// The Gamma-Gamma model needs a repeat purchase (`x > 0`).
    NoRepeatPurchase,
    /// The Gamma-Gamma model needs a positive mean repeat spend.
    NonPositiveSpend {
        /// The mean spend `m`.
        spend: f64,
    },
    /// A cohort's survivor count grows from one period to the next (sBG survivor curves only
    /// fall).
    SurvivorsIncrease {
        /// Survivors at the previous period.
        previous: f64,
        /// Survivors at this period.
        value: f64,
    },
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InputProblem::NonFinite { field, value } => {
                write!(f, "{field} is not finite ({value})")
            }
            InputProblem::Negative { field, value } => write!(f, "{field} is negative ({value})"),
            InputProblem::RecencyAfterAge { recency, age } => {
                write!(f, "recency {recency} is larger than T {age}")
            }
            InputProblem::RecencyWithoutRepeat { recency } => {
                write!(f, "recency {recency} > 0 with no repeat purchase")
            }
            InputProblem::FrequencyAboveRecency { frequency, recency } => {
                write!(f, "frequency {frequency} is larger than recency {recency}")
            }
            InputProblem::NotACount { field, value } => {
                write!(
                    f,
                    "{field} must be a non-negative whole number, got {value}"
                )
            }
            InputProblem::TooLarge {
                field,
                value,
                limit,
            } => write!(
                f,
                "{field} = {value} is beyond the largest accepted value {limit}"
            ),
            InputProblem::NoRepeatPurchase => {
                write!(f, "the Gamma-Gamma model needs repeat buyers (x > 0)")
            }
            InputProblem::SurvivorsIncrease { previous, value } => write!(
                f,
                "survivors rise from {previous} to {value}: a cohort's survivor counts only fall"
            ),
            InputProblem::NonPositiveSpend { spend } => {
                write!(f, "mean repeat spend must be > 0, got {spend}")
            }
        }
    }
}

/// Errors of fitting and predicting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error of the shared data layer (loading, summaries).
    #[error(transparent)]
    Data(#[from] DataError),
    /// Input rows that no model can take (column APIs: the row index is the position in the
    /// columns given).
    #[error("invalid input at row {row}: {problem}")]
    InvalidInput {
        /// 0-based row index in the columns given.
        row: usize,
        /// What is wrong with it.
        problem: InputProblem,
    },
    /// A customer that no model can take (table APIs: named by the customer's id).
    #[error("customer {customer}: {problem}")]
    InvalidCustomer {
        /// The customer's id.
        customer: Id,
        /// What is wrong with her history.
        problem: InputProblem,
    },
    /// A model fitted on one time unit asked to predict in another.
    #[error(
        "time unit mismatch: the model was fitted with times in {model:?}s but the prediction asks for {requested:?}s; fit on summaries in the same unit or convert the times"
    )]
    UnitMismatch {
        /// The unit of the fitted model.
        model: TimeUnit,
        /// The unit asked for.
        requested: TimeUnit,
    },
    /// A period with no time unit (e.g. `14D`): BTYD models need hours, days, weeks or months.
    #[error("period {period} has no time unit (use H, D, 7D = W, or M)")]
    UnsupportedPeriod {
        /// The period as written.
        period: String,
    },
    /// No data to fit on.
    #[error("nothing to fit: {reason}")]
    EmptyInput {
        /// Why the input is empty.
        reason: String,
    },
    /// A parameter or option outside its domain.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The optimiser did not reach a maximum of the likelihood.
    #[error("{model} fit did not converge: {reason} (last parameters {last_params:?})")]
    NotConverged {
        /// Which model.
        model: &'static str,
        /// Why: the optimiser's termination reason or a gradient that is still large.
        reason: String,
        /// The parameters when it stopped (natural scale).
        last_params: Vec<f64>,
    },
    /// The optimisation library failed.
    #[error("optimiser error: {0}")]
    Optimizer(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl From<argmin::core::Error> for Error {
    fn from(e: argmin::core::Error) -> Self {
        Error::Optimizer(e.into())
    }
}

/// [`Error::InvalidParameter`] for `name` = `value`, and why.
pub(crate) fn invalid(
    name: &'static str,
    value: impl std::fmt::Display,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Error {
    Error::InvalidParameter(InvalidParameter::new(name, value, reason))
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
