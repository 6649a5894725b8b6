//! The pricing stage: price elasticity, recommended prices and promotion effects per product
//! ([`custalyze_pricing`]), from the weekly prices of the log.

use custalyze_pricing::{FittedPricing, Objective, Pricing};
use custalyze_transaction_types::TransactionLog;

use crate::error::{Error, Result};
use crate::tables::ProductTables;

/// Elasticities and recommended prices (−30% to +30%) of every product of `log`; products
/// without enough selling weeks or price variation carry their status and no number. Products
/// are pooled by their category in [`ProductTables::items`] (all in one group without one). The
/// objective is the margin when the item table has unit costs, the revenue otherwise.
///
/// # Errors
/// [`Error::NoProducts`] for a log without items; [`Error::Pricing`] otherwise.
pub fn pricing(log: &TransactionLog, tables: &ProductTables) -> Result<FittedPricing> {
    if log.items().is_none() {
        return Err(Error::NoProducts);
    }
    let objective = if tables.items.values().any(|a| a.unit_cost.is_some()) {
        Objective::Margin
    } else {
        Objective::Revenue
    };
    Ok(Pricing::params()
        .objective(objective)
        .fit(log, &tables.items)?)
}

/// The outcome of an analysis saved before the pricing stage existed.
#[cfg(feature = "serde")]
pub(crate) fn not_run() -> crate::error::Outcome<FittedPricing> {
    Err(crate::error::StageError::from(Error::Restored(
        "not run: the analysis was saved before the pricing stage existed".into(),
    )))
}
