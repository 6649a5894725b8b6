//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use custalyze_transaction_types::{DataError, Id};

/// Errors raised while building interaction matrices, fitting recommenders and evaluating them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation, a log without items).
    #[error(transparent)]
    Data(#[from] DataError),
    /// An error from the RFM crate (segments of the hybrid).
    #[error("RFM segments: {0}")]
    Rfm(#[from] custalyze_rfm::Error),
    /// An error from the association-rules crate (FP-Growth parameters or mining).
    #[cfg(feature = "assoc-rules")]
    #[cfg_attr(docsrs, doc(cfg(feature = "assoc-rules")))]
    #[error("association rules: {0}")]
    AssocRules(#[from] custalyze_assoc_rules::Error),
    /// The customer is not in the data.
    #[error("unknown customer {0}; check the id against the input file")]
    UnknownCustomer(Id),
    /// An item index is outside the catalogue.
    #[error("item index {item} is outside the catalogue of {items} items")]
    UnknownItem {
        /// The index.
        item: u32,
        /// The catalogue size.
        items: usize,
    },
    /// There is nothing to learn from or to evaluate.
    #[error("empty input: {0}")]
    Empty(String),
    /// A parameter is outside its documented range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// A rule's numbers are not finite or out of range.
    #[error("invalid association rule {index}: {reason}")]
    InvalidRule {
        /// Position in the rule slice.
        index: usize,
        /// What is wrong.
        reason: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
