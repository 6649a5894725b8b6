//! The inventory stage: weekly demand, the forecast chosen for it and the stock policy of every
//! product ([`custalyze_inventory`]), with the defaults: a 14-day lead time, a 95% cycle service
//! level, continuous review. The log has no stock positions or unit costs, so there is no
//! order-now list and no EOQ; `custalyze inventory --stock FILE` gives them.

use custalyze_inventory::{FittedInventory, Inventory, StockTable};
use custalyze_transaction_types::TransactionLog;

use crate::error::{Error, Result};

/// Plans every product of `log` with the default settings.
///
/// # Errors
/// [`Error::NoProducts`] for a log without items; [`Error::Inventory`] otherwise.
pub fn inventory(log: &TransactionLog) -> Result<FittedInventory> {
    if log.items().is_none() {
        return Err(Error::NoProducts);
    }
    Ok(Inventory::params().fit(log, &StockTable::new())?)
}

/// The outcome of an analysis saved before the inventory stage existed.
#[cfg(feature = "serde")]
pub(crate) fn not_run() -> crate::error::Outcome<FittedInventory> {
    Err(crate::error::StageError::from(Error::Restored(
        "not run: the analysis was saved before the inventory stage existed".into(),
    )))
}
