//! One transaction line.

use chrono::NaiveDateTime;

use crate::error::{DataError, Result};
use crate::id::Id;

/// One line of a transaction log: a customer bought `quantity` units of an item at `unit_price`
/// in an order at a time. `amount` is the line's total (`quantity * unit_price` unless the source
/// states it).
///
/// # Examples
/// ```
/// use custalyze_transaction_types::{Id, Transaction};
/// use chrono::NaiveDate;
/// let at = NaiveDate::from_ymd_opt(2024, 3, 1).and_then(|d| d.and_hms_opt(10, 30, 0)).unwrap_or_default();
/// let t = Transaction::new(Id::Int(17850), Id::from("536365"), at, Some(Id::from("85123A")), 6.0, 2.55)?;
/// assert!((t.amount - 15.3).abs() < 1e-12);
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Transaction {
    /// Who bought.
    pub customer: Id,
    /// The order (invoice) the line belongs to.
    pub order: Id,
    /// When.
    pub timestamp: NaiveDateTime,
    /// What was bought, when the source records items.
    pub item: Option<Id>,
    /// Units bought (positive).
    pub quantity: f64,
    /// Price per unit (non-negative).
    pub unit_price: f64,
    /// Line total.
    pub amount: f64,
}

impl Transaction {
    /// A validated transaction with `amount = quantity * unit_price`.
    ///
    /// # Errors
    /// [`DataError::InvalidTransaction`] when the quantity is not finite and positive, or the unit
    /// price is not finite and non-negative.
    pub fn new(
        customer: Id,
        order: Id,
        timestamp: NaiveDateTime,
        item: Option<Id>,
        quantity: f64,
        unit_price: f64,
    ) -> Result<Self> {
        Self::with_amount(
            customer,
            order,
            timestamp,
            item,
            quantity,
            unit_price,
            quantity * unit_price,
        )
    }

    /// A validated transaction whose line total is given (as in files that state it).
    ///
    /// # Errors
    /// [`DataError::InvalidTransaction`] as for [`Transaction::new`], and when `amount` is not finite
    /// and non-negative.
    pub fn with_amount(
        customer: Id,
        order: Id,
        timestamp: NaiveDateTime,
        item: Option<Id>,
        quantity: f64,
        unit_price: f64,
        amount: f64,
    ) -> Result<Self> {
        let t = Transaction {
            customer,
            order,
            timestamp,
            item,
            quantity,
            unit_price,
            amount,
        };
        t.validate()?;
        Ok(t)
    }

    /// Checks the numeric fields (see [`Transaction::new`]).
    ///
    /// # Errors
    /// [`DataError::InvalidTransaction`] naming the offending field.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str, v: f64| {
            Err(DataError::InvalidTransaction {
                reason: format!(
                    "customer {} order {}: {what} is {v}",
                    self.customer, self.order
                ),
            })
        };
        if !(self.quantity.is_finite() && self.quantity > 0.0) {
            return bad("quantity (must be finite and > 0)", self.quantity);
        }
        if !(self.unit_price.is_finite() && self.unit_price >= 0.0) {
            return bad("unit price (must be finite and >= 0)", self.unit_price);
        }
        if !(self.amount.is_finite() && self.amount >= 0.0) {
            return bad("amount (must be finite and >= 0)", self.amount);
        }
        Ok(())
    }
}
