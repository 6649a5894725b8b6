//! What is classified (products or customers) and by which value (revenue, quantity, margin).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

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

/// The value of each row of a log under a metric, and the entity index of each row (borrowed
/// from the log where the metric is a column of it).
pub(crate) struct RowValues<'a> {
    /// Entity ids (customer or item ids of the log, by index).
    pub ids: &'a [Id],
    /// Entity index of each row.
    pub entity: &'a [u32],
    /// Value of each row.
    pub value: Cow<'a, [f64]>,
    /// Whether each entity's rows are contiguous and in entity order (customers: the log is
    /// sorted by customer).
    pub grouped: bool,
}

/// Checks that every unit cost is finite and non-negative; reports the smallest offending item
/// id so that the error does not depend on the map's order.
pub(crate) fn check_unit_costs(costs: &UnitCosts) -> Result<()> {
    match costs
        .iter()
        .filter(|(_, c)| !c.is_finite() || **c < 0.0)
        .min_by(|a, b| a.0.cmp(b.0))
    {
        Some((item, &cost)) => Err(Error::InvalidUnitCost {
            item: item.clone(),
            cost,
        }),
        None => Ok(()),
    }
}

pub(crate) fn row_values<'a>(
    log: &'a TransactionLog,
    by: Dimension,
    metric: Metric,
    costs: &UnitCosts,
) -> Result<RowValues<'a>> {
    let (ids, entity, grouped) = match by {
        Dimension::Customer => (log.customer_ids(), log.customers(), true),
        Dimension::Product => {
            let items = log.items().ok_or(Error::NoItems)?;
            (log.item_ids(), items, false)
        }
    };
    let value = match metric {
        Metric::Revenue => Cow::Borrowed(log.amounts()),
        Metric::Quantity => Cow::Borrowed(log.quantities()),
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
            Cow::Owned(v)
        }
    };
    Ok(RowValues {
        ids,
        entity,
        value,
        grouped,
    })
}

/// Rows per parallel chunk of [`entity_totals`] on grouped rows.
const CHUNK_ROWS: usize = 1 << 16;

/// Kahan sum of `v`, as pandas' `group_sum`; a NaN compensation restarts at 0.
fn kahan(v: &[f64]) -> f64 {
    let (mut s, mut c) = (0.0f64, 0.0f64);
    for &x in v {
        let y = x - c;
        let t = s + y;
        c = t - s - y;
        if c.is_nan() {
            c = 0.0;
        }
        s = t;
    }
    s
}

/// Sums the value of each entity that has at least one row, in entity-index order (which is id
/// order for customers, first-seen order for items).
///
/// Sums run in row order with Kahan compensation, exactly as pandas' `groupby(...).sum()` does
/// (`pandas/_libs/groupby.pyx::group_sum`), so that entities whose totals are equal in decimal
/// (`23.54 + 16.76 + ...`) tie exactly and are ordered by id as in the reference, instead of by
/// rounding noise. When each entity's rows are contiguous (customers), chunks that end at an
/// entity boundary are summed in parallel: every entity is still summed by one thread in row
/// order, so the totals are the same bits.
pub(crate) fn entity_totals(rows: &RowValues<'_>) -> (Vec<Id>, Vec<f64>) {
    if rows.grouped
        && let Some(totals) = grouped_totals(rows)
    {
        return totals;
    }
    let n = rows.ids.len();
    let mut sum = vec![0.0; n];
    let mut compensation = vec![0.0; n];
    let mut seen = vec![false; n];
    for (&e, &v) in rows.entity.iter().zip(rows.value.iter()) {
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

/// [`entity_totals`] for rows grouped by entity in ascending entity order; `None` when they are
/// not (then the general path runs).
fn grouped_totals(rows: &RowValues<'_>) -> Option<(Vec<Id>, Vec<f64>)> {
    let entity = rows.entity;
    let value: &[f64] = &rows.value;
    if entity.len() != value.len() || !entity.windows(2).all(|w| w[0] <= w[1]) {
        return None;
    }
    // Chunk starts: every CHUNK_ROWS rows, moved forward to the next entity boundary.
    let mut starts = vec![0usize];
    let mut at = CHUNK_ROWS;
    while at < entity.len() {
        let e = entity[at - 1];
        let next = at + entity[at..].partition_point(|&x| x == e);
        if next >= entity.len() {
            break;
        }
        starts.push(next);
        at = next + CHUNK_ROWS;
    }
    starts.push(entity.len());
    let pieces: Vec<Vec<(u32, f64)>> = starts
        .par_windows(2)
        .map(|w| {
            let (mut lo, hi) = (w[0], w[1]);
            let mut out = Vec::new();
            while lo < hi {
                let e = entity[lo];
                let end = lo + entity[lo..hi].partition_point(|&x| x == e);
                out.push((e, kahan(&value[lo..end])));
                lo = end;
            }
            out
        })
        .collect();
    let count: usize = pieces.iter().map(Vec::len).sum();
    let mut ids = Vec::with_capacity(count);
    let mut values = Vec::with_capacity(count);
    for (e, v) in pieces.into_iter().flatten() {
        ids.push(rows.ids.get(e as usize)?.clone());
        values.push(v);
    }
    Some((ids, values))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    /// The parallel grouped path and the serial scatter path give the same bits, across chunk
    /// boundaries (entities of 1 to 40 rows, 300k rows, values with decimal ties).
    #[test]
    fn grouped_totals_equal_the_serial_sums() {
        let mut entity = Vec::new();
        let mut value = Vec::new();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut e = 0u32;
        while entity.len() < 300_000 {
            for _ in 0..1 + next() % 40 {
                entity.push(e);
                value.push((next() % 10_000) as f64 / 100.0);
            }
            e += 2; // every other entity has no rows
        }
        let ids: Vec<Id> = (0..=e).map(|k| Id::Int(i64::from(k))).collect();
        let rows = |grouped| RowValues {
            ids: &ids,
            entity: &entity,
            value: Cow::Borrowed(&value),
            grouped,
        };
        let fast = grouped_totals(&rows(true)).expect("rows are grouped");
        let slow = entity_totals(&rows(false));
        assert_eq!(fast.0, slow.0);
        assert_eq!(fast.0.len(), (e / 2) as usize);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&fast.1), bits(&slow.1));
        // Not grouped: the grouped path declines.
        let mut shuffled = entity.clone();
        shuffled.swap(0, 1000);
        let r = RowValues {
            ids: &ids,
            entity: &shuffled,
            value: Cow::Borrowed(&value),
            grouped: true,
        };
        assert!(grouped_totals(&r).is_none());
    }
}
