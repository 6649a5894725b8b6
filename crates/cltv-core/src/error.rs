//! The crate's error type.

use custalyze_transaction_types::DataError;

/// Errors of fitting and predicting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error of the shared data layer (loading, summaries).
    #[error(transparent)]
    Data(#[from] DataError),
    /// Input rows that no model can take.
    #[error("invalid input at row {row}: {reason}")]
    InvalidInput {
        /// 0-based row (customer) index.
        row: usize,
        /// What is wrong with it.
        reason: String,
    },
    /// No data to fit on.
    #[error("nothing to fit: {reason}")]
    EmptyInput {
        /// Why the input is empty.
        reason: String,
    },
    /// A parameter or option outside its domain.
    #[error("invalid parameter {name} = {value}: {reason}")]
    InvalidParameter {
        /// The parameter.
        name: &'static str,
        /// Its value.
        value: f64,
        /// The rule it breaks.
        reason: &'static str,
    },
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
    Optimizer(String),
}

impl From<argmin::core::Error> for Error {
    fn from(e: argmin::core::Error) -> Self {
        Error::Optimizer(e.to_string())
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
