//! What happened to every row: [`ExclusionReason`]s and the [`LoadReport`].

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;

use crate::log::TransactionLog;

/// Why a row was not loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ExclusionReason {
    /// Too few fields, or a record the reader could not split.
    MalformedRow,
    /// A cancelled invoice (online retail: invoice number starting with `C`).
    Cancellation,
    /// No customer id.
    MissingCustomer,
    /// No order id where the schema has an order column.
    MissingOrder,
    /// The date could not be parsed.
    UnparsableDate,
    /// A negative quantity or amount outside a cancellation: a return.
    Return,
    /// The quantity is missing, not a number, not finite, or zero.
    InvalidQuantity,
    /// The unit price or amount is missing, not a number, not finite, or negative.
    InvalidPrice,
    /// The amount (or price) is zero and the policy excludes such rows.
    ZeroAmount,
    /// Identical in every field to another row, removed on request.
    Duplicate,
    /// The date parses but lies outside [`LoadOptions::date_range`](super::LoadOptions::date_range) (default 1900-01-01 to
    /// 2200-12-31): a typo or a sentinel such as year 9999 that would make every per-day and
    /// per-month table huge.
    DateOutOfRange,
    /// A quantity, price or amount beyond [`MAX_VALUE`] in magnitude: sums of such values lose
    /// all precision or overflow.
    ValueTooLarge,
    /// The row is not valid UTF-8.
    InvalidUtf8,
}

/// The largest magnitude of a quantity, price or amount a row may carry (1e12: sums over a
/// billion rows stay exact to the cent and far from overflow).
pub const MAX_VALUE: f64 = 1e12;

impl ExclusionReason {
    /// A short human description.
    pub fn describe(&self) -> &'static str {
        match self {
            Self::MalformedRow => "malformed row (too few fields)",
            Self::Cancellation => "cancellation (invoice starting with C)",
            Self::MissingCustomer => "missing customer id",
            Self::MissingOrder => "missing order id",
            Self::UnparsableDate => "unparsable date",
            Self::Return => "return (negative quantity or amount)",
            Self::InvalidQuantity => "missing, non-finite or zero quantity",
            Self::InvalidPrice => "missing, non-finite or negative price/amount",
            Self::ZeroAmount => "zero price or amount",
            Self::Duplicate => "duplicate row (dropped on request)",
            Self::DateOutOfRange => "date outside the accepted range",
            Self::ValueTooLarge => "quantity, price or amount too large (beyond 1e12)",
            Self::InvalidUtf8 => "not valid UTF-8",
        }
    }
}

/// The count of rows excluded for one reason, with the first few line numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ExclusionCount {
    /// Rows excluded for this reason.
    pub count: u64,
    /// 1-based line numbers of the first rows (at most [`LoadOptions::example_lines`](super::LoadOptions::example_lines)).
    pub first_lines: Vec<u64>,
}

/// What a load did: rows read, loaded and excluded (by reason), and what the log holds.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct LoadReport {
    /// The file or stream name.
    pub source: String,
    /// Data rows read (header excluded; blank lines are not rows).
    pub rows_read: u64,
    /// Rows that made it into the log.
    pub rows_loaded: u64,
    /// Excluded rows by reason.
    pub excluded: BTreeMap<ExclusionReason, ExclusionCount>,
    /// Rows with a zero amount that were kept as purchases.
    pub zero_amount_rows_kept: u64,
    /// The file has no amount or price column: every amount is 0 (summaries have
    /// `monetary_value` 0, as lifetimes without `monetary_value_col`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub no_amounts: bool,
    /// Rows whose fields hold line breaks (a quoted field over several lines; an unterminated
    /// quote makes one row swallow the lines after it, and this count shows it).
    #[cfg_attr(feature = "serde", serde(default))]
    pub multiline_rows: u64,
    /// Rows identical to another row (removed only when [`LoadOptions::drop_duplicates`](super::LoadOptions::drop_duplicates)).
    pub duplicate_rows: u64,
    /// Distinct customers loaded.
    pub customers: u64,
    /// Distinct orders loaded.
    pub orders: u64,
    /// Distinct items loaded (0 when the source has no items).
    pub items: u64,
    /// Earliest date loaded.
    pub first_date: Option<NaiveDate>,
    /// Latest date loaded.
    pub last_date: Option<NaiveDate>,
    /// Rows excluded as returns or cancellations, by the customer they name (rows without a
    /// customer are not in it). Anomaly scoring reads it for each customer's return ratio; it is
    /// not serialised (it grows with the customers).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub returned_rows_by_customer: std::collections::HashMap<crate::id::Id, u64>,
}

impl LoadReport {
    pub(crate) fn new(source: &str) -> Self {
        Self {
            source: source.to_string(),
            ..Self::default()
        }
    }

    /// Total rows excluded, all reasons.
    pub fn rows_excluded(&self) -> u64 {
        self.excluded.values().map(|e| e.count).sum()
    }

    /// Rows excluded for `reason`.
    pub fn count(&self, reason: ExclusionReason) -> u64 {
        self.excluded.get(&reason).map_or(0, |e| e.count)
    }

    pub(crate) fn exclude(&mut self, reason: ExclusionReason, line: u64, keep: usize) {
        let e = self.excluded.entry(reason).or_default();
        e.count += 1;
        if e.first_lines.len() < keep {
            e.first_lines.push(line);
        }
    }

    pub(super) fn describe_exclusions(&self) -> String {
        if self.excluded.is_empty() {
            return "no row was excluded".into();
        }
        self.excluded
            .iter()
            .map(|(r, e)| {
                format!(
                    "{} x {} (first lines {:?})",
                    e.count,
                    r.describe(),
                    e.first_lines
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Fills the log-derived fields from a built log.
    pub(crate) fn describe_log(&mut self, log: &TransactionLog) {
        self.rows_loaded = log.len() as u64;
        self.customers = log.customer_ids().len() as u64;
        self.orders = log.order_ids().len() as u64;
        self.items = log.item_ids().len() as u64;
        self.first_date = log.first_date();
        self.last_date = log.last_date();
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "loaded {} of {} rows from {} ({} excluded)",
            self.rows_loaded,
            self.rows_read,
            self.source,
            self.rows_excluded()
        )?;
        for (r, e) in &self.excluded {
            writeln!(
                f,
                "  excluded {:>8}  {} (first lines: {:?})",
                e.count,
                r.describe(),
                e.first_lines
            )?;
        }
        if self.no_amounts {
            writeln!(
                f,
                "  note           no amount or price column: every amount is 0"
            )?;
        }
        if self.multiline_rows > 0 {
            writeln!(
                f,
                "  warning  {:>8}  rows span several lines (quoted line breaks; an unterminated quote swallows the lines after it)",
                self.multiline_rows
            )?;
        }
        if self.zero_amount_rows_kept > 0 {
            writeln!(
                f,
                "  kept     {:>8}  rows with zero amount",
                self.zero_amount_rows_kept
            )?;
        }
        if self.duplicate_rows > 0 && !self.excluded.contains_key(&ExclusionReason::Duplicate) {
            writeln!(
                f,
                "  kept     {:>8}  duplicate rows (use drop-duplicates to remove)",
                self.duplicate_rows
            )?;
        }
        write!(
            f,
            "  {} customers, {} orders, {} items",
            self.customers, self.orders, self.items
        )?;
        if let (Some(a), Some(b)) = (self.first_date, self.last_date) {
            write!(f, ", {a} to {b}")?;
        }
        Ok(())
    }
}
