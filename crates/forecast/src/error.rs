//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use custalyze_transaction_types::DataError;

/// Errors raised while fitting forecasters and forecasting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The series cannot be used: empty, NaN/infinite values, non-positive values under a log
    /// transform, or too short for the lags and horizon.
    #[error("invalid series: {0}")]
    InvalidSeries(String),
    /// Exogenous columns missing, of the wrong length, or not finite.
    #[error("invalid exogenous columns: {0}")]
    InvalidExog(String),
    /// A numerical failure: a matrix that is not positive definite, a diverging learner.
    #[error("numerical failure: {0}")]
    Numerical(String),
    /// The neural-network backend (candle) failed while training the LSTM.
    #[error("LSTM backend error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The series is empty.
    #[error("the series is empty: at least one observation is needed")]
    EmptySeries,
    /// The series contains a value that is NaN or infinite.
    #[error("the series has a non-finite value ({value}) at position {index}; remove or impute it")]
    NonFiniteValue {
        /// Position (0-based) of the first offending value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The series is too short for the requested model or operation.
    #[error("the series has {got} observations but {what} needs at least {needed}")]
    SeriesTooShort {
        /// What needs the observations (a model, a differencing order, a backtest).
        what: String,
        /// Observations needed.
        needed: usize,
        /// Observations given.
        got: usize,
    },
    /// A model setting or argument is out of its valid range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// `forecast` was called on a forecaster that has not been fitted.
    #[error("the forecaster is not fitted: call `fit` first")]
    NotFitted,
    /// A value cannot be transformed (Box-Cox/log of a non-positive value).
    #[error(
        "cannot apply the {transform} transform to {value} at position {index}: values must be > 0"
    )]
    NonPositiveForTransform {
        /// The transform ("log" or "Box-Cox").
        transform: &'static str,
        /// Position (0-based) of the value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Fitting failed: the likelihood could not be evaluated or no model could be fitted.
    #[error("the fit failed: {0}")]
    FitFailed(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Checks that `y` is non-empty and finite.
pub(crate) fn check_series(y: &[f64]) -> Result<()> {
    if y.is_empty() {
        return Err(Error::EmptySeries);
    }
    if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFiniteValue { index, value });
    }
    Ok(())
}
