//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use custalyze_transaction_types::{DataError, Id};

/// Errors raised while estimating elasticities and recommending prices.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A setting is outside its documented range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The log records no items: elasticities are per product.
    #[error("the log records no items: pricing needs an item column")]
    NoItems,
    /// No row of the log is a sale with a positive quantity and a positive price.
    #[error("no sale with a positive quantity and a positive price: {excluded} rows were excluded")]
    NoSales {
        /// Rows left out (returns, zero or negative prices).
        excluded: u64,
    },
    /// A unit cost is negative or not finite.
    #[error("invalid unit cost {cost} for item {item}: costs must be finite and non-negative")]
    InvalidUnitCost {
        /// The item.
        item: Id,
        /// The cost as given.
        cost: f64,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
