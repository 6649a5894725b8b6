//! The crate's error type.

use custalyze_transaction_types::{DataError, Id};

/// Errors raised by ABC and XYZ classification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, periods, ...).
    #[error(transparent)]
    Data(#[from] DataError),
    /// Classification by product (or by margin, which needs per-item costs) on a log without items.
    #[error(
        "the log records no items: classification by product or by margin needs an item column"
    )]
    NoItems,
    /// The cumulative-share cut-offs are not `0 < a <= b <= 1`.
    #[error("invalid ABC cut-offs a = {a}, b = {b}: need 0 < a <= b <= 1")]
    InvalidCutoffs {
        /// The A cut-off as given.
        a: f64,
        /// The B cut-off as given.
        b: f64,
    },
    /// The coefficient-of-variation thresholds are not `0 < x <= y` (finite).
    #[error("invalid XYZ thresholds x = {x}, y = {y}: need finite 0 < x <= y")]
    InvalidXyzThresholds {
        /// The X threshold as given.
        x: f64,
        /// The Y threshold as given.
        y: f64,
    },
    /// Margin was asked for and an item sold in the log has no unit cost.
    #[error("no unit cost for item {item}: margin needs a cost for every item sold")]
    MissingUnitCost {
        /// The item without a cost.
        item: Id,
    },
    /// A unit cost is negative, NaN or infinite.
    #[error("invalid unit cost {cost} for item {item}: costs must be finite and non-negative")]
    InvalidUnitCost {
        /// The item.
        item: Id,
        /// The cost as given.
        cost: f64,
    },
    /// A value passed to [`crate::classify_values`] is NaN or infinite.
    #[error("value {value} of {id} is not finite")]
    NonFiniteValue {
        /// The entity.
        id: Id,
        /// The value.
        value: f64,
    },
    /// Ids and values of different lengths were passed to [`crate::classify_values`].
    #[error("{ids} ids but {values} values")]
    LengthMismatch {
        /// Number of ids.
        ids: usize,
        /// Number of values.
        values: usize,
    },
    /// The same id appears twice in the input of [`crate::classify_values`].
    #[error("duplicate id {id}")]
    DuplicateId {
        /// The repeated id.
        id: Id,
    },
    /// There is nothing to classify.
    #[error("nothing to classify: the input has no entities")]
    Empty,
    /// The total value is zero or negative, so cumulative shares are undefined.
    #[error("the total value is {total}: cumulative shares need a positive total")]
    NonPositiveTotal {
        /// The total.
        total: f64,
    },
    /// An XYZ table and an ABC table do not describe the same entities.
    #[error("entity {id} is in the ABC table but not in the XYZ table")]
    UnmatchedEntity {
        /// The entity missing from the XYZ table.
        id: Id,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
