//! The crate's error type.

use custalyze_transaction_types::{DataError, InvalidParameter};

/// Errors raised while reading touchpoints, building journeys and attributing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A parameter is out of its range (the shared layout: `name`, `value`, `reason`).
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The touchpoint file lacks a column.
    #[error("the touchpoint file has no `{column}` column (columns: {available})")]
    MissingColumn {
        /// The column needed.
        column: String,
        /// The header as read.
        available: String,
    },
    /// The touchpoint file could not be read.
    #[error("cannot read touchpoints: {0}")]
    Csv(#[from] csv::Error),
    /// No usable touchpoint: the file is empty or every row was excluded.
    #[error("no usable touchpoints: {reason}")]
    NoTouchpoints {
        /// Why (the exclusions by reason).
        reason: String,
    },
    /// No journey converted: nothing to attribute.
    #[error(
        "no journey converted ({journeys} journeys, {unmatched} touched customers never bought): check that the touchpoints' customer ids are the log's and the lookback window covers the purchases"
    )]
    NoConversions {
        /// Journeys built.
        journeys: usize,
        /// Touched customers with no purchase in the log.
        unmatched: usize,
    },
    /// A Markov model has more states than the limit.
    #[error(
        "{states} Markov states of order {order} exceed the limit of {limit}: use a lower order or fewer channels"
    )]
    TooManyStates {
        /// States needed.
        states: usize,
        /// The order.
        order: usize,
        /// The limit.
        limit: usize,
    },
    /// The Gauss-Seidel solve of a large Markov chain did not reach `1e-14` within its share of
    /// the work budget (a chain whose walks loop for very long).
    #[error(
        "the Markov chain of {states} states did not converge in {sweeps} Gauss-Seidel sweeps: use a lower order or drop looping channels"
    )]
    NotConverged {
        /// Sweeps made.
        sweeps: usize,
        /// States of the chain.
        states: usize,
    },
    /// Shapley values over more channels than the limit (2^n coalitions per journey).
    #[error(
        "a journey touches {channels} distinct channels; Shapley values are computed for at most {limit}"
    )]
    TooManyChannels {
        /// Distinct channels of the journey.
        channels: usize,
        /// The limit.
        limit: usize,
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
