//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use custalyze_transaction_types::{DataError, Id};

/// Errors raised while planning inventory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation, writing).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A setting is outside its documented range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The log records no items: stock is planned per product.
    #[error("the log records no items: inventory planning needs an item column")]
    NoItems,
    /// No row of the log is a sale with a positive quantity.
    #[error("no sale with a positive quantity: {excluded} rows were excluded")]
    NoSales {
        /// Rows left out.
        excluded: u64,
    },
    /// A stock position or a unit cost is negative or not finite.
    #[error("invalid {field} {value} for item {item}: must be finite and non-negative")]
    InvalidItemValue {
        /// The item.
        item: Id,
        /// `on_hand`, `on_order` or `unit_cost`.
        field: &'static str,
        /// The value as given.
        value: f64,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
