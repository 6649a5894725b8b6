//! The crate's error type.

use custalyze_transaction_types::DataError;

/// Errors raised while fitting forecasters and forecasting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
