//! Weekly sales per product from a transaction log, and promotion weeks found from prices.
//!
//! A product's week holds its units (the sum of positive quantities) and its revenue (the sum of
//! the amounts of those rows); the week's price is the volume-weighted average unit price,
//! `revenue / units`. Rows with a quantity or an amount of zero or less (returns, free items,
//! bad prices) are left out and counted. Weeks run Monday to Sunday.
//!
//! # Promotion weeks
//! The log has prices, not promotion flags. A selling week `w` is a promotion week when its price
//! is more than [`PROMO_THRESHOLD`] below the regular price on **both** sides: the highest price
//! of the product's selling weeks in `[w - 8, w - 1]` and in `[w + 1, w + 8]` (one side when the
//! other has no sale). A temporary cut recovers and is a promotion; a permanent list-price cut
//! does not recover and is not. The regular price of a promotion week is the lower of the two
//! maxima. The week after a promotion week, when it is not one itself, is a post-promotion week.

use custalyze_transaction_types::{Id, Period, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, Result};

/// A week's price must be this far (5%) below the regular price to count as a promotion.
pub const PROMO_THRESHOLD: f64 = 0.05;
/// Weeks looked at on each side for the regular price.
pub const REGULAR_PRICE_WINDOW: i64 = 8;

/// One selling week of one product.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WeekSales {
    /// Week ordinal ([`Period::unit_ordinal`] of weeks: Monday-based weeks since 1970).
    pub week: i64,
    /// Units sold.
    pub units: f64,
    /// Revenue.
    pub revenue: f64,
    /// Whether the week is a promotion week.
    pub promo: bool,
    /// Whether the week follows a promotion week (and is not one).
    pub post_promo: bool,
    /// The regular price of the week (its own price outside promotions).
    pub regular_price: f64,
}

impl WeekSales {
    /// The volume-weighted average unit price.
    pub fn price(&self) -> f64 {
        self.revenue / self.units
    }
}

/// The selling weeks of one product, oldest first.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProductWeeks {
    /// The product.
    pub item: Id,
    /// Weeks with at least one sale.
    pub weeks: Vec<WeekSales>,
}

/// Weekly sales of every product of a log.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct WeeklyPanel {
    /// The first and last week ordinals of the log.
    pub week_range: (i64, i64),
    /// One entry per product with at least one sale, in the log's item order.
    pub products: Vec<ProductWeeks>,
    /// Rows left out: quantity or amount zero or less, or not finite.
    pub excluded_rows: u64,
}

impl WeeklyPanel {
    /// Aggregates a log.
    ///
    /// # Errors
    /// [`Error::NoItems`] for a log without items; [`Error::NoSales`] when no row is a sale.
    pub fn from_log(log: &TransactionLog) -> Result<Self> {
        let items = log.items().ok_or(Error::NoItems)?;
        let ids = log.item_ids();
        let mut per_item: Vec<Vec<(i64, f64, f64)>> = vec![Vec::new(); ids.len()];
        let mut excluded = 0u64;
        let (mut first, mut last) = (i64::MAX, i64::MIN);
        for (r, ((&item, &q), &amount)) in items
            .iter()
            .zip(log.quantities())
            .zip(log.amounts())
            .enumerate()
        {
            if !(q > 0.0 && amount > 0.0 && q.is_finite() && amount.is_finite()) {
                excluded += 1;
                continue;
            }
            let week = Period::WEEK.unit_ordinal_of_day(log.day(r));
            first = first.min(week);
            last = last.max(week);
            match per_item.get_mut(item as usize) {
                Some(v) => v.push((week, q, amount)),
                None => excluded += 1,
            }
        }
        if first > last {
            return Err(Error::NoSales { excluded });
        }
        let products = per_item
            .into_par_iter()
            .zip(ids.par_iter())
            .filter(|(rows, _)| !rows.is_empty())
            .map(|(mut rows, id)| {
                rows.sort_unstable_by_key(|r| r.0);
                let mut weeks: Vec<WeekSales> = Vec::new();
                for (week, q, amount) in rows {
                    match weeks.last_mut() {
                        Some(w) if w.week == week => {
                            w.units += q;
                            w.revenue += amount;
                        }
                        _ => weeks.push(WeekSales {
                            week,
                            units: q,
                            revenue: amount,
                            promo: false,
                            post_promo: false,
                            regular_price: 0.0,
                        }),
                    }
                }
                mark_promotions(&mut weeks);
                ProductWeeks {
                    item: id.clone(),
                    weeks,
                }
            })
            .collect();
        Ok(Self {
            week_range: (first, last),
            products,
            excluded_rows: excluded,
        })
    }
}

/// Sets `promo`, `post_promo` and `regular_price` of selling weeks (oldest first).
pub(crate) fn mark_promotions(weeks: &mut [WeekSales]) {
    let prices: Vec<f64> = weeks.iter().map(WeekSales::price).collect();
    let ordinals: Vec<i64> = weeks.iter().map(|w| w.week).collect();
    let n = weeks.len();
    // Highest price among selling weeks in [lo, hi] (week ordinals), by scanning; windows are
    // short (8 weeks each side), so this is O(n * 8).
    let window_max = |from: usize, lo: i64, hi: i64, forward: bool| -> Option<f64> {
        let mut best: Option<f64> = None;
        let mut k = from;
        loop {
            if forward {
                k += 1;
                if k >= n {
                    break;
                }
            } else {
                if k == 0 {
                    break;
                }
                k -= 1;
            }
            if ordinals[k] < lo || ordinals[k] > hi {
                break;
            }
            best = Some(best.map_or(prices[k], |b: f64| b.max(prices[k])));
        }
        best
    };
    for i in 0..n {
        let w = ordinals[i];
        let before = window_max(i, w - REGULAR_PRICE_WINDOW, w - 1, false);
        let after = window_max(i, w + 1, w + REGULAR_PRICE_WINDOW, true);
        let regular = match (before, after) {
            (Some(b), Some(a)) => Some(b.min(a)),
            (Some(b), None) => Some(b),
            (None, Some(a)) => Some(a),
            (None, None) => None,
        };
        let promo = regular.is_some_and(|r| prices[i] < r * (1.0 - PROMO_THRESHOLD));
        weeks[i].promo = promo;
        weeks[i].regular_price = if promo {
            regular.unwrap_or(prices[i])
        } else {
            prices[i]
        };
    }
    for i in 1..n {
        weeks[i].post_promo =
            !weeks[i].promo && weeks[i - 1].promo && weeks[i].week == weeks[i - 1].week + 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn week(week: i64, price: f64) -> WeekSales {
        WeekSales {
            week,
            units: 2.0,
            revenue: 2.0 * price,
            promo: false,
            post_promo: false,
            regular_price: 0.0,
        }
    }

    #[test]
    fn temporary_cuts_are_promotions_permanent_cuts_are_not() {
        // 10 for 6 weeks, 7.5 for 2 weeks (promotion), 10 for 4 weeks, then 9 for good.
        let mut prices = vec![10.0; 6];
        prices.extend([7.5, 7.5]);
        prices.extend([10.0; 4]);
        prices.extend([9.0; 10]);
        let mut weeks: Vec<WeekSales> = prices
            .iter()
            .enumerate()
            .map(|(k, &p)| week(k as i64, p))
            .collect();
        mark_promotions(&mut weeks);
        let promo: Vec<usize> = (0..weeks.len()).filter(|&k| weeks[k].promo).collect();
        assert_eq!(promo, [6, 7]);
        assert!(weeks[8].post_promo);
        assert_eq!(weeks[6].regular_price, 10.0);
        assert!(weeks[12..].iter().all(|w| !w.promo));
    }
}
