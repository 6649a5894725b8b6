//! The columnar, sorted, validated transaction log.

use std::ops::Range;

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rayon::prelude::*;

use crate::error::{DataError, Result};
use crate::id::{Id, Interner};
use crate::period::date_from_days;
use crate::transaction::Transaction;

const SECONDS_PER_DAY: i64 = 86_400;

/// A transaction log stored by column, sorted by customer (in [`Id`] order), then time, order and
/// item, with every row validated (finite, positive quantity; finite, non-negative price and
/// amount).
///
/// Identifiers are interned: customers, orders and items are stored as dense `u32` indices into
/// [`TransactionLog::customer_ids`], [`TransactionLog::order_ids`] and
/// [`TransactionLog::item_ids`]. Customer indices follow the order of the ids, so the rows of
/// customer `c` are the contiguous range [`TransactionLog::customer_rows`]`(c)`.
///
/// Build one with [`TransactionLogBuilder`], [`TransactionLog::from_transactions`] or the loaders in
/// [`crate::load`].
#[derive(Clone, Debug, Default)]
pub struct TransactionLog {
    pub(crate) customer_ids: Vec<Id>,
    pub(crate) order_ids: Vec<Id>,
    pub(crate) item_ids: Vec<Id>,
    pub(crate) item_descriptions: Vec<Option<Box<str>>>,
    pub(crate) customer: Vec<u32>,
    pub(crate) order: Vec<u32>,
    pub(crate) timestamp: Vec<i64>,
    pub(crate) item: Option<Vec<u32>>,
    pub(crate) quantity: Vec<f64>,
    pub(crate) unit_price: Vec<f64>,
    pub(crate) amount: Vec<f64>,
    pub(crate) customer_offsets: Vec<usize>,
    pub(crate) location_ids: Vec<Id>,
    pub(crate) location: Option<Vec<u32>>,
}

impl TransactionLog {
    /// Builds a log from transactions in any order.
    ///
    /// # Errors
    /// [`DataError::InvalidTransaction`] for the first transaction that fails
    /// [`Transaction::validate`]; [`DataError::NoUsableRows`] for an empty input.
    pub fn from_transactions<I: IntoIterator<Item = Transaction>>(transactions: I) -> Result<Self> {
        let mut b = TransactionLogBuilder::new();
        for t in transactions {
            b.push(t)?;
        }
        b.build()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// True when the log has no rows (only possible for [`TransactionLog::default`]).
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Distinct customers, ascending; customer index `c` is `customer_ids()[c]`.
    pub fn customer_ids(&self) -> &[Id] {
        &self.customer_ids
    }

    /// Distinct orders; order index `o` is `order_ids()[o]`.
    pub fn order_ids(&self) -> &[Id] {
        &self.order_ids
    }

    /// Distinct items (empty when the source records no items).
    pub fn item_ids(&self) -> &[Id] {
        &self.item_ids
    }

    /// The first description seen for item index `item`, when the source has descriptions.
    pub fn item_description(&self, item: u32) -> Option<&str> {
        self.item_descriptions
            .get(item as usize)
            .and_then(|d| d.as_deref())
    }

    /// True when the log records items.
    pub fn has_items(&self) -> bool {
        self.item.is_some()
    }

    /// The customer index of each row.
    pub fn customers(&self) -> &[u32] {
        &self.customer
    }

    /// The order index of each row.
    pub fn orders(&self) -> &[u32] {
        &self.order
    }

    /// The item index of each row, when the source records items.
    pub fn items(&self) -> Option<&[u32]> {
        self.item.as_deref()
    }

    /// Timestamps as seconds since 1970-01-01T00:00:00 (naive, no time zone).
    pub fn timestamps(&self) -> &[i64] {
        &self.timestamp
    }

    /// Quantities.
    pub fn quantities(&self) -> &[f64] {
        &self.quantity
    }

    /// Unit prices.
    pub fn unit_prices(&self) -> &[f64] {
        &self.unit_price
    }

    /// Line amounts.
    pub fn amounts(&self) -> &[f64] {
        &self.amount
    }

    /// Day number (days since 1970-01-01) of row `row`.
    pub fn day(&self, row: usize) -> i64 {
        self.timestamp[row].div_euclid(SECONDS_PER_DAY)
    }

    /// The rows of customer index `customer` (empty for an index out of range).
    pub fn customer_rows(&self, customer: usize) -> Range<usize> {
        match (
            self.customer_offsets.get(customer),
            self.customer_offsets.get(customer + 1),
        ) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    /// The customer index of `id`, if the customer is in the log (binary search).
    pub fn customer_index(&self, id: &Id) -> Option<usize> {
        self.customer_ids.binary_search(id).ok()
    }

    /// Row `row` as an owned [`Transaction`], `None` out of range.
    pub fn transaction(&self, row: usize) -> Option<Transaction> {
        if row >= self.len() {
            return None;
        }
        Some(Transaction {
            customer: self.customer_ids[self.customer[row] as usize].clone(),
            order: self.order_ids[self.order[row] as usize].clone(),
            timestamp: timestamp_to_datetime(self.timestamp[row]),
            item: self
                .item
                .as_ref()
                .map(|it| self.item_ids[it[row] as usize].clone()),
            quantity: self.quantity[row],
            unit_price: self.unit_price[row],
            amount: self.amount[row],
        })
    }

    /// All rows as owned [`Transaction`]s, in log order.
    pub fn iter(&self) -> impl Iterator<Item = Transaction> + '_ {
        (0..self.len()).filter_map(|r| self.transaction(r))
    }

    /// The earliest transaction date, `None` for an empty log.
    pub fn first_date(&self) -> Option<NaiveDate> {
        self.timestamp
            .par_iter()
            .min()
            .map(|&t| date_from_days(t.div_euclid(SECONDS_PER_DAY)))
    }

    /// The latest transaction date, `None` for an empty log.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.timestamp
            .par_iter()
            .max()
            .map(|&t| date_from_days(t.div_euclid(SECONDS_PER_DAY)))
    }

    /// Total of all amounts.
    pub fn total_amount(&self) -> f64 {
        self.amount.par_iter().sum()
    }

    /// The location (store, warehouse, region) of each row as an index into
    /// [`TransactionLog::location_ids`], when the source has a location column
    /// ([`LoadOptions::location_column`](crate::load::LoadOptions::location_column)); rows with an
    /// empty location field have the location [`MISSING_LOCATION`].
    pub fn locations(&self) -> Option<&[u32]> {
        self.location.as_deref()
    }

    /// Distinct locations; location index `l` is `location_ids()[l]` (empty without locations).
    pub fn location_ids(&self) -> &[Id] {
        &self.location_ids
    }

    /// A new log with only the rows for which `keep(row)` is true (ids are re-interned, so unused
    /// customers, orders and items disappear).
    ///
    /// # Errors
    /// [`DataError::EmptySelection`] when no row is kept.
    pub fn filter_rows(&self, keep: impl Fn(usize) -> bool) -> Result<Self> {
        let mut b = TransactionLogBuilder::new();
        for row in (0..self.len()).filter(|&r| keep(r)) {
            b.push_row(RawRow {
                customer: self.customer_ids[self.customer[row] as usize].clone(),
                order: self.order_ids[self.order[row] as usize].clone(),
                timestamp: self.timestamp[row],
                item: self
                    .item
                    .as_ref()
                    .map(|it| self.item_ids[it[row] as usize].clone()),
                description: self
                    .item
                    .as_ref()
                    .and_then(|it| self.item_description(it[row]))
                    .map(Box::from),
                quantity: self.quantity[row],
                unit_price: self.unit_price[row],
                amount: self.amount[row],
                location: self
                    .location
                    .as_ref()
                    .map(|l| self.location_ids[l[row] as usize].clone()),
            });
        }
        if b.is_empty() {
            return Err(DataError::EmptySelection {
                reason: "the filter kept no transaction".into(),
            });
        }
        b.build()
    }

    /// The rows dated on or before `end` (whole days).
    ///
    /// # Errors
    /// [`DataError::EmptySelection`] when no transaction is that early.
    pub fn until(&self, end: NaiveDate) -> Result<Self> {
        let end_day = crate::period::days_from_epoch(end);
        self.filter_rows(|r| self.day(r) <= end_day)
    }
}

/// Converts seconds since the epoch to a naive date-time.
pub(crate) fn timestamp_to_datetime(secs: i64) -> NaiveDateTime {
    DateTime::from_timestamp(secs, 0)
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

/// Converts a naive date-time to seconds since the epoch.
pub(crate) fn datetime_to_timestamp(dt: NaiveDateTime) -> i64 {
    dt.and_utc().timestamp()
}

/// One validated row handed to [`TransactionLogBuilder::push_row`].
#[derive(Clone, Debug)]
pub struct RawRow {
    /// Customer id.
    pub customer: Id,
    /// Order id.
    pub order: Id,
    /// Seconds since 1970-01-01T00:00:00.
    pub timestamp: i64,
    /// Item id, when the source records items.
    pub item: Option<Id>,
    /// Item description, when the source has one.
    pub description: Option<Box<str>>,
    /// Units.
    pub quantity: f64,
    /// Price per unit.
    pub unit_price: f64,
    /// Line total.
    pub amount: f64,
    /// Location (store, warehouse, region), when the source has a location column.
    pub location: Option<Id>,
}

/// The location given to rows whose location field is empty in a log with locations.
pub const MISSING_LOCATION: &str = "(none)";

/// Collects rows and builds a sorted [`TransactionLog`].
///
/// Rows can come in any order; [`TransactionLogBuilder::build`] sorts them (in parallel).
#[derive(Debug, Default)]
pub struct TransactionLogBuilder {
    customers: Interner,
    orders: Interner,
    items: Interner,
    descriptions: Vec<Option<Box<str>>>,
    customer: Vec<u32>,
    order: Vec<u32>,
    timestamp: Vec<i64>,
    item: Vec<u32>,
    rows_without_item: usize,
    quantity: Vec<f64>,
    unit_price: Vec<f64>,
    amount: Vec<f64>,
    drop_duplicates: bool,
    duplicates: usize,
    locations: Interner,
    /// Empty until the first row with a location.
    location: Vec<u32>,
}

impl TransactionLogBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// When true, rows identical in every field to an earlier row are removed by
    /// [`TransactionLogBuilder::build`] (default: kept, but counted in
    /// [`TransactionLogBuilder::duplicates`]).
    pub fn drop_duplicates(mut self, drop: bool) -> Self {
        self.drop_duplicates = drop;
        self
    }

    /// Number of rows pushed so far.
    pub fn len(&self) -> usize {
        self.customer.len()
    }

    /// True before the first push.
    pub fn is_empty(&self) -> bool {
        self.customer.is_empty()
    }

    /// Duplicate rows found by the last [`TransactionLogBuilder::build_counting`].
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }

    /// Adds a transaction after validating it.
    ///
    /// # Errors
    /// [`DataError::InvalidTransaction`] from [`Transaction::validate`].
    pub fn push(&mut self, t: Transaction) -> Result<()> {
        t.validate()?;
        self.push_row(RawRow {
            customer: t.customer,
            order: t.order,
            timestamp: datetime_to_timestamp(t.timestamp),
            item: t.item,
            description: None,
            quantity: t.quantity,
            unit_price: t.unit_price,
            amount: t.amount,
            location: None,
        });
        Ok(())
    }

    /// Adds a row that the caller has validated (the loaders do).
    pub fn push_row(&mut self, row: RawRow) {
        self.customer.push(self.customers.intern(row.customer));
        self.order.push(self.orders.intern(row.order));
        self.timestamp.push(row.timestamp);
        match row.item {
            Some(item) => {
                let i = self.items.intern(item);
                if i as usize >= self.descriptions.len() {
                    self.descriptions.push(row.description);
                } else if self.descriptions[i as usize].is_none() && row.description.is_some() {
                    self.descriptions[i as usize] = row.description;
                }
                self.item.push(i);
            }
            None => {
                self.item.push(u32::MAX);
                self.rows_without_item += 1;
            }
        }
        self.quantity.push(row.quantity);
        self.unit_price.push(row.unit_price);
        self.amount.push(row.amount);
        if let Some(location) = row.location {
            // Rows before the first located one get the missing location.
            while self.location.len() + 1 < self.customer.len() {
                let none = self.locations.intern(Id::from(MISSING_LOCATION));
                self.location.push(none);
            }
            self.location.push(self.locations.intern(location));
        } else if !self.location.is_empty() {
            let none = self.locations.intern(Id::from(MISSING_LOCATION));
            self.location.push(none);
        }
    }

    /// Sorts and freezes the log.
    ///
    /// # Errors
    /// [`DataError::NoUsableRows`] when no row was pushed.
    pub fn build(self) -> Result<TransactionLog> {
        self.build_counting().map(|(log, _)| log)
    }

    /// As [`TransactionLogBuilder::build`], also returning the number of duplicate rows found
    /// (removed when [`TransactionLogBuilder::drop_duplicates`] is set, kept otherwise).
    ///
    /// # Errors
    /// [`DataError::NoUsableRows`] when no row was pushed.
    pub fn build_counting(self) -> Result<(TransactionLog, usize)> {
        if self.customer.is_empty() {
            return Err(DataError::NoUsableRows {
                reason: "the log has no rows".into(),
            });
        }
        let n = self.customer.len();
        // Customer indices in id order, so each customer's rows are contiguous and the table is
        // in the order users expect.
        let customer_ids = self.customers.into_ids();
        let mut by_id: Vec<u32> = (0..customer_ids.len() as u32).collect();
        by_id
            .par_sort_unstable_by(|&a, &b| customer_ids[a as usize].cmp(&customer_ids[b as usize]));
        let mut rank = vec![0u32; customer_ids.len()];
        for (r, &c) in by_id.iter().enumerate() {
            rank[c as usize] = r as u32;
        }
        let sorted_ids: Vec<Id> = by_id
            .iter()
            .map(|&c| customer_ids[c as usize].clone())
            .collect();

        let customer: Vec<u32> = self
            .customer
            .par_iter()
            .map(|&c| rank[c as usize])
            .collect();
        let mut perm: Vec<u32> = (0..n as u32).collect();
        let key = |i: u32| {
            let i = i as usize;
            (customer[i], self.timestamp[i], self.order[i], self.item[i])
        };
        // Ties on (customer, time, order, item) keep the input order, so per-customer sums run in
        // file order, as pandas' groupby does (matters for the last bit of a total).
        let order = |a: &u32, b: &u32| key(*a).cmp(&key(*b)).then(a.cmp(b));
        // Files sorted by customer and time (CDNOW, most exports) skip the sort: one linear check.
        if !perm.is_sorted_by(|a, b| order(a, b).is_le()) {
            perm.par_sort_unstable_by(order);
        }
        // Identical rows share the key, so they sit in one run of equal keys; runs are tiny, and
        // within a run every row is compared with the earlier ones. A row equal to an earlier row
        // is a duplicate (the first occurrence in the input is the one kept).
        let same_values = |a: u32, b: u32| {
            let (a, b) = (a as usize, b as usize);
            self.quantity[a] == self.quantity[b]
                && self.unit_price[a] == self.unit_price[b]
                && self.amount[a] == self.amount[b]
                && self.location.get(a) == self.location.get(b)
        };
        let mut is_duplicate = vec![false; perm.len()];
        let mut start = 0;
        for k in 1..=perm.len() {
            if k == perm.len() || key(perm[k]) != key(perm[start]) {
                for j in start + 1..k {
                    is_duplicate[j] =
                        (start..j).any(|i| !is_duplicate[i] && same_values(perm[i], perm[j]));
                }
                start = k;
            }
        }
        let duplicates = is_duplicate.iter().filter(|&&d| d).count();
        if self.drop_duplicates && duplicates > 0 {
            perm = perm
                .iter()
                .zip(&is_duplicate)
                .filter(|&(_, &d)| !d)
                .map(|(&p, _)| p)
                .collect();
        }
        let gather_u32 = |v: &[u32]| perm.par_iter().map(|&p| v[p as usize]).collect::<Vec<_>>();
        let gather_f64 = |v: &[f64]| perm.par_iter().map(|&p| v[p as usize]).collect::<Vec<_>>();
        let customer = gather_u32(&customer);
        let mut customer_offsets = Vec::with_capacity(sorted_ids.len() + 1);
        customer_offsets.push(0);
        for r in 1..customer.len() {
            if customer[r] != customer[r - 1] {
                customer_offsets.push(r);
            }
        }
        customer_offsets.push(customer.len());
        let item = (self.rows_without_item == 0).then(|| gather_u32(&self.item));
        let location = (!self.location.is_empty()).then(|| gather_u32(&self.location));
        let location_ids = if location.is_some() {
            self.locations.into_ids()
        } else {
            Vec::new()
        };
        let log = TransactionLog {
            location,
            location_ids,
            customer_ids: sorted_ids,
            order_ids: self.orders.into_ids(),
            item_ids: if item.is_some() {
                self.items.into_ids()
            } else {
                Vec::new()
            },
            item_descriptions: if item.is_some() {
                self.descriptions
            } else {
                Vec::new()
            },
            order: gather_u32(&self.order),
            timestamp: perm
                .par_iter()
                .map(|&p| self.timestamp[p as usize])
                .collect(),
            item,
            quantity: gather_f64(&self.quantity),
            unit_price: gather_f64(&self.unit_price),
            amount: gather_f64(&self.amount),
            customer,
            customer_offsets,
        };
        Ok((log, duplicates))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn sorts_by_customer_then_time() {
        let log = TransactionLog::from_transactions([
            Transaction::new(Id::from("b"), Id::Int(3), at(2024, 1, 3), None, 1.0, 2.0).unwrap(),
            Transaction::new(Id::Int(10), Id::Int(2), at(2024, 1, 2), None, 1.0, 5.0).unwrap(),
            Transaction::new(Id::Int(2), Id::Int(1), at(2024, 1, 5), None, 2.0, 1.0).unwrap(),
            Transaction::new(Id::Int(2), Id::Int(0), at(2024, 1, 1), None, 1.0, 1.0).unwrap(),
        ])
        .unwrap();
        assert_eq!(
            log.customer_ids(),
            &[Id::Int(2), Id::Int(10), Id::from("b")]
        );
        assert_eq!(log.customer_rows(0), 0..2);
        assert_eq!(log.customer_rows(2), 3..4);
        assert_eq!(log.customer_rows(9), 0..0);
        let first = log.transaction(0).unwrap();
        assert_eq!(first.timestamp, at(2024, 1, 1));
        assert!(!log.has_items());
        assert_eq!(log.first_date(), NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(log.last_date(), NaiveDate::from_ymd_opt(2024, 1, 5));
        assert!((log.total_amount() - 10.0).abs() < 1e-12);
        assert_eq!(log.customer_index(&Id::Int(10)), Some(1));
    }

    #[test]
    fn counts_and_drops_duplicates() {
        let t = Transaction::new(
            Id::Int(1),
            Id::Int(1),
            at(2024, 1, 1),
            Some(Id::Int(5)),
            1.0,
            2.0,
        )
        .unwrap();
        let mut b = TransactionLogBuilder::new();
        b.push(t.clone()).unwrap();
        b.push(t.clone()).unwrap();
        let (log, d) = b.build_counting().unwrap();
        assert_eq!((log.len(), d), (2, 1));
        let mut b = TransactionLogBuilder::new().drop_duplicates(true);
        b.push(t.clone()).unwrap();
        b.push(t).unwrap();
        let (log, d) = b.build_counting().unwrap();
        assert_eq!((log.len(), d), (1, 1));
    }

    #[test]
    fn rejects_invalid_transactions_and_empty_logs() {
        let bad = Transaction {
            quantity: f64::NAN,
            ..Transaction::new(Id::Int(1), Id::Int(1), at(2024, 1, 1), None, 1.0, 1.0).unwrap()
        };
        assert!(matches!(
            TransactionLog::from_transactions([bad]),
            Err(DataError::InvalidTransaction { .. })
        ));
        assert!(matches!(
            TransactionLog::from_transactions([]),
            Err(DataError::NoUsableRows { .. })
        ));
    }
}
