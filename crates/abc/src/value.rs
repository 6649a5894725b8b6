//! What is classified (products or customers) and by which value (revenue, quantity, margin).

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use custalyze_transaction_types::{Id, TransactionLog};

use crate::error::{Error, Result};

/// The entities that are classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Dimension {
    /// Products (items); the log must record items.
    Product,
    /// Customers.
    Customer,
}

/// The value that is summed per entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Metric {
    /// Line amounts ([`TransactionLog::amounts`]).
    Revenue,
    /// Quantities ([`TransactionLog::quantities`]).
    Quantity,
    /// Gross margin: `amount - quantity * unit_cost[item]` per row, with unit costs from
    /// [`UnitCosts`]. Needs items in the log and a cost for every item sold. Margins can be
    /// negative.
    Margin,
}

impl FromStr for Dimension {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "product" | "products" | "item" | "items" => Ok(Dimension::Product),
            "customer" | "customers" => Ok(Dimension::Customer),
            _ => Err(format!("unknown dimension {s:?}: use product or customer")),
        }
    }
}

impl FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "revenue" => Ok(Metric::Revenue),
            "quantity" => Ok(Metric::Quantity),
            "margin" => Ok(Metric::Margin),
            _ => Err(format!(
                "unknown value {s:?}: use revenue, quantity or margin"
            )),
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Dimension::Product => "product",
            Dimension::Customer => "customer",
        })
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Metric::Revenue => "revenue",
            Metric::Quantity => "quantity",
            Metric::Margin => "margin",
        })
    }
}

/// Unit costs per item, for [`Metric::Margin`]: a map item id -> cost of one unit, in the
/// currency of the amounts. Items that are never sold need no cost.
pub type UnitCosts = HashMap<Id, f64>;

/// The value of each row of a log under a metric, and the entity index of each row.
pub(crate) struct RowValues {
    /// Entity ids (customer or item ids of the log, by index).
    pub ids: Vec<Id>,
    /// Entity index of each row.
    pub entity: Vec<u32>,
    /// Value of each row.
    pub value: Vec<f64>,
}

pub(crate) fn row_values(
    log: &TransactionLog,
    by: Dimension,
    metric: Metric,
    costs: &UnitCosts,
) -> Result<RowValues> {
    let (ids, entity) = match by {
        Dimension::Customer => (log.customer_ids().to_vec(), log.customers().to_vec()),
        Dimension::Product => {
            let items = log.items().ok_or(Error::NoItems)?;
            (log.item_ids().to_vec(), items.to_vec())
        }
    };
    let value = match metric {
        Metric::Revenue => log.amounts().to_vec(),
        Metric::Quantity => log.quantities().to_vec(),
        Metric::Margin => {
            let items = log.items().ok_or(Error::NoItems)?;
            let item_ids = log.item_ids();
            // Resolve each item's cost once.
            let mut cost_of: Vec<Option<f64>> = vec![None; item_ids.len()];
            for (k, id) in item_ids.iter().enumerate() {
                if let Some(&c) = costs.get(id) {
                    if !c.is_finite() || c < 0.0 {
                        return Err(Error::InvalidUnitCost {
                            item: id.clone(),
                            cost: c,
                        });
                    }
                    cost_of[k] = Some(c);
                }
            }
            let mut v = Vec::with_capacity(log.len());
            for ((&item, &amount), &q) in items.iter().zip(log.amounts()).zip(log.quantities()) {
                let c = cost_of
                    .get(item as usize)
                    .copied()
                    .flatten()
                    .ok_or_else(|| Error::MissingUnitCost {
                        item: item_ids
                            .get(item as usize)
                            .cloned()
                            .unwrap_or(Id::Int(i64::from(item))),
                    })?;
                v.push(amount - q * c);
            }
            v
        }
    };
    Ok(RowValues { ids, entity, value })
}

/// Sums the value of each entity that has at least one row, in entity-index order (which is id
/// order for customers, first-seen order for items).
///
/// Sums run in row order with Kahan compensation, exactly as pandas' `groupby(...).sum()` does
/// (`pandas/_libs/groupby.pyx::group_sum`), so that entities whose totals are equal in decimal
/// (`23.54 + 16.76 + ...`) tie exactly and are ordered by id as in the reference, instead of by
/// rounding noise.
pub(crate) fn entity_totals(rows: &RowValues) -> (Vec<Id>, Vec<f64>) {
    let n = rows.ids.len();
    let mut sum = vec![0.0; n];
    let mut compensation = vec![0.0; n];
    let mut seen = vec![false; n];
    for (&e, &v) in rows.entity.iter().zip(&rows.value) {
        let k = e as usize;
        if let (Some(s), Some(c), Some(f)) =
            (sum.get_mut(k), compensation.get_mut(k), seen.get_mut(k))
        {
            let y = v - *c;
            let t = *s + y;
            *c = t - *s - y;
            if c.is_nan() {
                *c = 0.0;
            }
            *s = t;
            *f = true;
        }
    }
    let mut ids = Vec::new();
    let mut values = Vec::new();
    for ((id, s), f) in rows.ids.iter().zip(sum).zip(seen) {
        if f {
            ids.push(id.clone());
            values.push(s);
        }
    }
    (ids, values)
}
