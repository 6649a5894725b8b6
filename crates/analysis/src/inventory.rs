//! The inventory stage: weekly demand, the forecast chosen for it and the stock policy of every
//! product ([`custalyze_inventory`]), with the defaults: a 14-day lead time, a 95% cycle service
//! level, continuous review. With stock positions ([`ProductTables::stock`]) it adds what to
//! order now, days of cover, stockout risk, overstock and the money tied up; with unit costs
//! (from the stock table or else the item table) the EOQ.

use custalyze_inventory::{FittedInventory, Inventory};
use custalyze_transaction_types::TransactionLog;

use crate::error::{Error, Result};
use crate::tables::ProductTables;

/// Plans every product of `log` with the default settings.
///
/// # Errors
/// [`Error::NoProducts`] for a log without items; [`Error::Inventory`] otherwise.
pub fn inventory(log: &TransactionLog, tables: &ProductTables) -> Result<FittedInventory> {
    if log.items().is_none() {
        return Err(Error::NoProducts);
    }
    Ok(Inventory::params().fit(log, &tables.stock_with_costs())?)
}

/// The outcome of an analysis saved before the inventory stage existed.
#[cfg(feature = "serde")]
pub(crate) fn not_run() -> crate::error::Outcome<FittedInventory> {
    Err(crate::error::StageError::from(Error::Restored(
        "not run: the analysis was saved before the inventory stage existed".into(),
    )))
}
