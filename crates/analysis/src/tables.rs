//! Product data beside the transaction log: categories and unit costs, stock positions.

use custalyze_inventory::{StockKey, StockTable};
use custalyze_pricing::ItemTable;

/// What the log does not say about products, for the pricing and inventory stages: the item
/// table (category, unit cost) and the stock table (on hand, on order, unit cost). Both may be
/// empty (the default): pricing then pools every product in one group and maximises revenue,
/// and inventory plans without an order-now list.
///
/// # Examples
/// ```
/// use custalyze_analysis::ProductTables;
/// let tables = ProductTables::default();
/// assert!(tables.items.is_empty() && tables.stock.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProductTables {
    /// Category and unit cost by item.
    pub items: ItemTable,
    /// Stock positions (and unit costs) by item.
    pub stock: StockTable,
    /// Rows the load excluded as returns or cancellations, by customer (the load report's
    /// `returned_rows_by_customer`): the anomaly stage's return ratio. Empty when unknown.
    pub returned_rows: std::collections::HashMap<custalyze_transaction_types::Id, u64>,
    /// Marketing touchpoints for the attribution stage (`None`: the stage is not available).
    pub touchpoints: Option<custalyze_attribution::Touchpoints>,
}

impl ProductTables {
    /// The stock table with each item's unit cost filled from the item table where the stock
    /// table has none (an item only in the item table gets an item-wide row with its cost
    /// alone, which located plans take their cost from).
    pub fn stock_with_costs(&self) -> StockTable {
        let mut stock = self.stock.clone();
        for (id, attributes) in &self.items {
            if let Some(cost) = attributes.unit_cost {
                let row = stock.entry(StockKey::from(id.clone())).or_default();
                row.unit_cost = row.unit_cost.or(Some(cost));
            }
        }
        stock
    }
}
