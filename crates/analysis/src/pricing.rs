//! The pricing stage: price elasticity, recommended prices and promotion effects per product
//! ([`custalyze_pricing`]), from the weekly prices of the log.

use custalyze_pricing::{FittedPricing, ItemTable, Pricing};
use custalyze_transaction_types::TransactionLog;

use crate::error::{Error, Result};

/// Elasticities and recommended prices (revenue objective, −30% to +30%) of every product of
/// `log`; products without enough selling weeks or price variation carry their status and no
/// number. The log has no categories or unit costs, so every product is pooled in one group and
/// no margin is computed.
///
/// # Errors
/// [`Error::NoProducts`] for a log without items; [`Error::Pricing`] otherwise.
pub fn pricing(log: &TransactionLog) -> Result<FittedPricing> {
    if log.items().is_none() {
        return Err(Error::NoProducts);
    }
    Ok(Pricing::params().fit(log, &ItemTable::new())?)
}

/// The outcome of an analysis saved before the pricing stage existed.
#[cfg(feature = "serde")]
pub(crate) fn not_run() -> crate::error::Outcome<FittedPricing> {
    Err(crate::error::StageError::from(Error::Restored(
        "not run: the analysis was saved before the pricing stage existed".into(),
    )))
}
