//! Per-customer facts straight from the log, the product catalogue, and what each customer bought.

use std::collections::HashMap;

use chrono::NaiveDate;
use custalyze_transaction_types::period::date_from_days;
use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

/// One customer's facts from the log (no model).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerFacts {
    /// The customer's id as loaded (`00001` and `1` are the same id).
    pub customer: Id,
    /// Date of the first purchase.
    pub first_purchase: NaiveDate,
    /// Date of the last purchase.
    pub last_purchase: NaiveDate,
    /// Distinct orders.
    pub orders: u64,
    /// Sum of the line amounts.
    pub revenue: f64,
}

impl CustomerFacts {
    /// Acquisition cohort, `YYYY-MM` of the first purchase.
    pub fn cohort(&self) -> String {
        self.first_purchase.format("%Y-%m").to_string()
    }
}

/// The facts of every customer of `log`, in the log's customer order (ascending id).
pub fn customer_facts(log: &TransactionLog) -> Vec<CustomerFacts> {
    let ids = log.customer_ids();
    let amounts = log.amounts();
    let orders = log.orders();
    (0..ids.len())
        .into_par_iter()
        .map(|c| {
            let rows = log.customer_rows(c);
            let d0 = rows.clone().map(|r| log.day(r)).min().unwrap_or(0);
            let d1 = rows.clone().map(|r| log.day(r)).max().unwrap_or(0);
            let mut seen: Vec<u32> = rows.clone().map(|r| orders[r]).collect();
            seen.sort_unstable();
            seen.dedup();
            CustomerFacts {
                customer: ids[c].clone(),
                first_purchase: date_from_days(d0),
                last_purchase: date_from_days(d1),
                orders: seen.len() as u64,
                revenue: rows.map(|r| amounts[r]).sum(),
            }
        })
        .collect()
}

/// A product of the catalogue: its id and description (first seen; empty when none).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemRef {
    /// Item id as loaded.
    pub id: Id,
    /// Description, empty when the file has none.
    pub description: String,
}

/// The catalogue of `log` in item-index order (empty when the log records no items).
pub fn catalogue(log: &TransactionLog) -> Vec<ItemRef> {
    if !log.has_items() {
        return Vec::new();
    }
    log.item_ids()
        .iter()
        .enumerate()
        .map(|(k, id)| ItemRef {
            id: id.clone(),
            description: log.item_description(k as u32).unwrap_or("").to_string(),
        })
        .collect()
}

/// One product a customer bought.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Purchase {
    /// Index of the item in the catalogue.
    pub item: u32,
    /// Units bought.
    pub quantity: f64,
    /// Revenue.
    pub revenue: f64,
}

/// The products customer index `c` of `log` bought, by revenue descending (ties by item id);
/// empty when the log records no items.
pub fn customer_products(log: &TransactionLog, c: usize) -> Vec<Purchase> {
    let Some(items) = log.items() else {
        return Vec::new();
    };
    let mut agg: HashMap<u32, (f64, f64)> = HashMap::new();
    for r in log.customer_rows(c) {
        let e = agg.entry(items[r]).or_default();
        e.0 += log.quantities()[r];
        e.1 += log.amounts()[r];
    }
    let mut v: Vec<Purchase> = agg
        .into_iter()
        .map(|(item, (quantity, revenue))| Purchase {
            item,
            quantity,
            revenue,
        })
        .collect();
    let ids = log.item_ids();
    v.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then_with(|| ids[a.item as usize].cmp(&ids[b.item as usize]))
    });
    v
}
