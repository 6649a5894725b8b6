//! The crate's error type.

use custalyze_transaction_types::DataError;

/// Errors raised while fitting forecasters and forecasting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A hyper-parameter is out of range (horizon 0, negative penalty, unknown strategy, ...).
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
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
    Backend(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
