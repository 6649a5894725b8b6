//! Baskets: the set of items in each order.

use chrono::NaiveDateTime;
use rayon::prelude::*;

use crate::error::{DataError, Result};
use crate::id::Id;
use crate::log::{TransactionLog, timestamp_to_datetime};

/// The distinct items of one order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Basket {
    /// The order (index into [`Baskets::order_ids`]).
    pub order: u32,
    /// The customer (index into the log's customer ids).
    pub customer: u32,
    /// When the order was placed (its earliest line).
    pub timestamp: NaiveDateTime,
    /// Item indices (into [`Baskets::item_ids`]), ascending, without duplicates.
    pub items: Vec<u32>,
}

/// All baskets of a log, with the id tables to read them.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Baskets {
    /// Item ids by index.
    pub item_ids: Vec<Id>,
    /// Order ids by index.
    pub order_ids: Vec<Id>,
    /// Customer ids by index.
    pub customer_ids: Vec<Id>,
    /// One basket per order, sorted by time then order id.
    pub baskets: Vec<Basket>,
}

impl Baskets {
    /// The baskets of every order in `log`.
    ///
    /// # Errors
    /// [`DataError::NoItems`] when the log records no items.
    ///
    /// # Examples
    /// ```
    /// use custalyze_transaction_types::{Baskets, Id, Transaction, TransactionLog};
    /// use chrono::NaiveDate;
    /// let at = NaiveDate::from_ymd_opt(2024, 5, 1).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default();
    /// let line = |item: &str| Transaction::new(Id::Int(1), Id::Int(100), at, Some(Id::from(item)), 1.0, 2.0);
    /// let log = TransactionLog::from_transactions([line("milk")?, line("bread")?, line("milk")?])?;
    /// let b = Baskets::from_log(&log)?;
    /// assert_eq!(b.baskets.len(), 1);
    /// // Items are listed by index, i.e. in the order they were first seen in the log.
    /// assert_eq!(b.basket_items(&b.baskets[0]), vec![&Id::from("milk"), &Id::from("bread")]);
    /// # Ok::<(), custalyze_transaction_types::DataError>(())
    /// ```
    pub fn from_log(log: &TransactionLog) -> Result<Self> {
        let items = log.items().ok_or(DataError::NoItems)?;
        let n_orders = log.order_ids().len();
        let mut first: Vec<(i64, u32)> = vec![(i64::MAX, u32::MAX); n_orders];
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n_orders];
        for (r, &item) in items.iter().enumerate() {
            let o = log.orders()[r] as usize;
            let t = log.timestamps()[r];
            if t < first[o].0 {
                first[o] = (t, log.customers()[r]);
            }
            lists[o].push(item);
        }
        let mut baskets: Vec<Basket> = lists
            .into_par_iter()
            .enumerate()
            .filter(|(_, l)| !l.is_empty())
            .map(|(o, mut l)| {
                l.sort_unstable();
                l.dedup();
                Basket {
                    order: o as u32,
                    customer: first[o].1,
                    timestamp: timestamp_to_datetime(first[o].0),
                    items: l,
                }
            })
            .collect();
        baskets.par_sort_unstable_by(|a, b| {
            a.timestamp.cmp(&b.timestamp).then_with(|| {
                log.order_ids()[a.order as usize].cmp(&log.order_ids()[b.order as usize])
            })
        });
        Ok(Self {
            item_ids: log.item_ids().to_vec(),
            order_ids: log.order_ids().to_vec(),
            customer_ids: log.customer_ids().to_vec(),
            baskets,
        })
    }

    /// The item ids of a basket.
    pub fn basket_items<'a>(&'a self, basket: &Basket) -> Vec<&'a Id> {
        basket
            .items
            .iter()
            .filter_map(|&i| self.item_ids.get(i as usize))
            .collect()
    }

    /// Number of baskets.
    pub fn len(&self) -> usize {
        self.baskets.len()
    }

    /// True when there is no basket.
    pub fn is_empty(&self) -> bool {
        self.baskets.is_empty()
    }
}
