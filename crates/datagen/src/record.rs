//! What a generation did: the parameters, the counts of everything written, and the latent values
//! of each customer.

use chrono::{NaiveDate, NaiveDateTime};
use custalyze_transaction_types::load::ExclusionReason;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::params::GeneratorConfig;
use crate::prices::{ProductPricing, StockPosition};

/// The kinds of deliberately bad rows, each with exactly one defect, so that a loader excludes it
/// for one known reason (see [`BadRowKind::exclusion_reason`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BadRowKind {
    /// An invoice of one line with an empty `CustomerID` (a guest checkout).
    MissingCustomer,
    /// A line whose `InvoiceDate` is not a date (`25:` hours, day 32, empty, `#VALUE!`).
    UnparsableDate,
    /// A line with `UnitPrice` `0.00`.
    ZeroPrice,
    /// A line with a negative `UnitPrice` (a bad-debt adjustment).
    NegativePrice,
    /// A line with `Quantity` `0`.
    ZeroQuantity,
    /// A line with a negative `Quantity` in an ordinary (not `C`) invoice: a return.
    Return,
}

impl BadRowKind {
    /// Every kind, in the order of [`BadRowCounts`]' fields.
    pub const ALL: [BadRowKind; 6] = [
        Self::MissingCustomer,
        Self::UnparsableDate,
        Self::ZeroPrice,
        Self::NegativePrice,
        Self::ZeroQuantity,
        Self::Return,
    ];

    /// The relative frequency of the kind among bad rows.
    pub(crate) fn weight(self) -> f64 {
        match self {
            Self::MissingCustomer => 0.35,
            Self::UnparsableDate => 0.10,
            Self::ZeroPrice => 0.15,
            Self::NegativePrice => 0.05,
            Self::ZeroQuantity => 0.10,
            Self::Return => 0.25,
        }
    }

    /// The reason under which the `online-retail` loader of `custalyze-transaction-types` (with
    /// default options) excludes such a row.
    pub fn exclusion_reason(self) -> ExclusionReason {
        match self {
            Self::MissingCustomer => ExclusionReason::MissingCustomer,
            Self::UnparsableDate => ExclusionReason::UnparsableDate,
            Self::ZeroPrice => ExclusionReason::ZeroAmount,
            Self::NegativePrice => ExclusionReason::InvalidPrice,
            Self::ZeroQuantity => ExclusionReason::InvalidQuantity,
            Self::Return => ExclusionReason::Return,
        }
    }
}

/// Bad rows written, by kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadRowCounts {
    /// Rows without a customer id.
    pub missing_customer: u64,
    /// Rows with an unparsable date.
    pub unparsable_date: u64,
    /// Rows with a zero price.
    pub zero_price: u64,
    /// Rows with a negative price.
    pub negative_price: u64,
    /// Rows with a zero quantity.
    pub zero_quantity: u64,
    /// Rows with a negative quantity outside a cancellation.
    #[serde(rename = "return")]
    pub returns: u64,
}

impl BadRowCounts {
    /// The count for one kind.
    pub fn get(&self, kind: BadRowKind) -> u64 {
        match kind {
            BadRowKind::MissingCustomer => self.missing_customer,
            BadRowKind::UnparsableDate => self.unparsable_date,
            BadRowKind::ZeroPrice => self.zero_price,
            BadRowKind::NegativePrice => self.negative_price,
            BadRowKind::ZeroQuantity => self.zero_quantity,
            BadRowKind::Return => self.returns,
        }
    }

    pub(crate) fn add(&mut self, kind: BadRowKind) {
        let c = match kind {
            BadRowKind::MissingCustomer => &mut self.missing_customer,
            BadRowKind::UnparsableDate => &mut self.unparsable_date,
            BadRowKind::ZeroPrice => &mut self.zero_price,
            BadRowKind::NegativePrice => &mut self.negative_price,
            BadRowKind::ZeroQuantity => &mut self.zero_quantity,
            BadRowKind::Return => &mut self.returns,
        };
        *c += 1;
    }

    /// All bad rows.
    pub fn total(&self) -> u64 {
        BadRowKind::ALL.iter().map(|k| self.get(*k)).sum()
    }
}

/// The population parameters, flat, as the fitting crates name them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PopulationTruth {
    /// BG/NBD `r`.
    pub r: f64,
    /// BG/NBD `α` (weeks).
    pub alpha: f64,
    /// BG/NBD `a`.
    pub a: f64,
    /// BG/NBD `b`.
    pub b: f64,
    /// Gamma-Gamma `p`.
    pub p: f64,
    /// Gamma-Gamma `q`.
    pub q: f64,
    /// Gamma-Gamma `γ`.
    pub gamma: f64,
    /// `r / α`: mean purchases per week while alive.
    pub mean_purchase_rate: f64,
    /// `a / (a + b)`: mean dropout probability after a repeat purchase.
    pub mean_dropout: f64,
    /// `p γ / (q - 1)`: mean order value (absent when `q <= 1`).
    pub mean_order_value: Option<f64>,
}

/// The parameters and counts of one generated log; serialises to the `<output>.params.json` that
/// the `custalyze generate` command writes beside the CSV.
///
/// The counts are of rows and invoices **as written**, so that a loader's report can be checked
/// against them: `cancellation_rows` rows start with `C`, `bad_rows` holds one count per defect,
/// and `sale_rows` rows are the clean purchases (`rows = sale_rows + cancellation_rows +
/// bad_rows.total()`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerationRecord {
    /// The generator and its version, e.g. `custalyze-datagen 0.1.0`.
    pub generator: String,
    /// The configuration used.
    pub config: GeneratorConfig,
    /// The population parameters.
    pub population: PopulationTruth,
    /// First day of the span.
    pub start: NaiveDate,
    /// The day after the span.
    pub end: NaiveDate,
    /// Earliest timestamp written.
    pub first_timestamp: Option<NaiveDateTime>,
    /// Latest timestamp written.
    pub last_timestamp: Option<NaiveDateTime>,
    /// Customers (each with at least one purchase).
    pub customers: u64,
    /// Customers with at least one repeat purchase.
    pub repeat_buyers: u64,
    /// Purchases (invoices of known customers, first purchases included).
    pub purchases: u64,
    /// Repeat purchases (`purchases - customers`).
    pub repeat_purchases: u64,
    /// Customers who had not dropped out by the end of the span.
    pub alive_at_end: u64,
    /// Customers whose purchases were cut at the per-customer maximum.
    pub truncated_customers: u64,
    /// Distinct invoice numbers written (purchases, cancellations and guest invoices).
    pub invoices: u64,
    /// Data rows written (header excluded).
    pub rows: u64,
    /// Clean purchase rows.
    pub sale_rows: u64,
    /// Cancellation invoices (`C<number>`).
    pub cancellation_invoices: u64,
    /// Rows of cancellation invoices.
    pub cancellation_rows: u64,
    /// Bad rows by kind.
    pub bad_rows: BadRowCounts,
    /// Guest invoices (their rows are the `missing_customer` bad rows).
    pub guest_invoices: u64,
    /// Value of the clean purchase rows, in currency units.
    pub revenue: f64,
    /// Products in the catalogue.
    pub products: u64,
    /// With moving prices: every product's price path, elasticity, lifecycle and unit cost.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_pricing: Vec<PricedProduct>,
    /// With moving prices: the stock snapshot written as `<path>.stock.csv`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stock: Vec<StockPosition>,
    /// The bundles, as stock codes.
    pub bundles: Vec<Vec<String>>,
    /// The fraud cases injected by [`inject_fraud`](crate::inject_fraud) (empty for a clean log).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fraud: Vec<crate::fraud::InjectedFraud>,
}

/// One product's pricing truth in the record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PricedProduct {
    /// The stock code.
    pub stock_code: String,
    /// The category.
    pub category: String,
    /// The base (first list) price, in currency units.
    pub base_price: f64,
    /// The popularity weight (sums to 1 over the catalogue).
    pub popularity: f64,
    /// Elasticity, promotion effects, unit cost, lifecycle weeks, list prices and promotions.
    #[serde(flatten)]
    pub pricing: ProductPricing,
}

impl GenerationRecord {
    /// Pretty-printed JSON.
    ///
    /// # Errors
    /// [`Error::Json`](crate::Error::Json) if serialisation fails.
    pub fn to_json(&self) -> Result<String> {
        Ok(serde_json::to_string_pretty(self)?)
    }

    /// Parses a record written by [`GenerationRecord::to_json`].
    ///
    /// # Errors
    /// [`Error::Json`](crate::Error::Json) for malformed JSON or missing fields.
    pub fn from_json(json: &str) -> Result<Self> {
        Ok(serde_json::from_str(json)?)
    }
}

/// The latent values of one customer, for checking what a model recovers (P(alive), expected
/// purchases, expected spend) against the truth.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerTruth {
    /// The customer id written in the CSV.
    pub customer_id: u64,
    /// The customer's country.
    pub country: String,
    /// `λ_i`: purchases per week while alive.
    pub purchase_rate: f64,
    /// `p_i`: the probability of dropping out after each repeat purchase.
    pub dropout_probability: f64,
    /// `ν_i`: the Gamma-Gamma spend scale.
    pub spend_scale: f64,
    /// `p / ν_i`: the customer's expected order value.
    pub mean_order_value: f64,
    /// Date of the first purchase.
    pub first_purchase: NaiveDate,
    /// Purchases, the first included.
    pub purchases: u64,
    /// Value of all the customer's purchases as written (before cancellations), currency units.
    pub realised_value: f64,
    /// Date of the purchase after which the customer dropped out; `None` if alive at the end.
    pub dropped_out: Option<NaiveDate>,
    /// Whether the purchases were cut at the per-customer maximum.
    pub truncated: bool,
}

impl CustomerTruth {
    /// Whether the customer was still alive at the end of the span.
    pub fn alive_at_end(&self) -> bool {
        self.dropped_out.is_none() && !self.truncated
    }
}
