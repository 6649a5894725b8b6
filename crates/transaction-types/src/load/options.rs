//! What to load: the [`Schema`] of the input, its column names and the [`LoadOptions`].

use chrono::NaiveDate;

use crate::error::{DataError, Result};

/// Column names for the [`Schema::Generic`] schema.
///
/// Only `customer` and `date` are required; the line amount comes from `amount`, or from
/// `quantity * price` when there is no amount column. Optional columns that are not in the header are
/// ignored. Without an order column, rows of one customer at one timestamp form one order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct GenericColumns {
    /// Customer id column (default `customer_id`).
    pub customer: String,
    /// Date or date-time column (default `date`).
    pub date: String,
    /// Line amount column (default `amount`).
    pub amount: String,
    /// Order id column (default `order_id`).
    pub order: String,
    /// Item id column (default `item_id`).
    pub item: String,
    /// Quantity column (default `quantity`; 1 when absent).
    pub quantity: String,
    /// Unit price column (default `unit_price`).
    pub price: String,
    /// Item description column (default `description`).
    pub description: String,
}

impl Default for GenericColumns {
    fn default() -> Self {
        Self {
            customer: "customer_id".into(),
            date: "date".into(),
            amount: "amount".into(),
            order: "order_id".into(),
            item: "item_id".into(),
            quantity: "quantity".into(),
            price: "unit_price".into(),
            description: "description".into(),
        }
    }
}

/// The layout of a transaction file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Schema {
    /// A delimited file with a header and named columns.
    Generic(GenericColumns),
    /// The UCI Online Retail layout (`InvoiceNo, StockCode, Description, Quantity, InvoiceDate,
    /// UnitPrice, CustomerID, Country`; the Online Retail II names `Invoice`, `Price` and
    /// `Customer ID` are accepted too). Invoices starting with `C` are cancellations.
    OnlineRetail,
    /// The whitespace-separated CDNOW format: `customer_id date number_of_cds dollar_value` (the
    /// master file, with or without its header), or `master_id customer_id date number_of_cds
    /// dollar_value` (the 1/10 sample, no header), dates as `YYYYMMDD`.
    Cdnow,
}

impl Schema {
    /// Parses a schema name: `generic`, `online-retail` or `cdnow`.
    ///
    /// # Errors
    /// [`DataError::UnknownSchema`] for any other name.
    pub fn from_name(name: &str) -> Result<Self> {
        match name.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "generic" => Ok(Schema::Generic(GenericColumns::default())),
            "online-retail" | "onlineretail" => Ok(Schema::OnlineRetail),
            "cdnow" => Ok(Schema::Cdnow),
            _ => Err(DataError::UnknownSchema {
                name: name.to_string(),
            }),
        }
    }
}

/// What to do with rows whose amount (or unit price) is zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ZeroAmounts {
    /// Keep them as purchases of value 0 (counted in [`LoadReport::zero_amount_rows_kept`](super::LoadReport::zero_amount_rows_kept)).
    Keep,
    /// Exclude them under [`ExclusionReason::ZeroAmount`](super::ExclusionReason::ZeroAmount).
    Exclude,
}

/// How to load a file.
///
/// # Examples
/// ```
/// use custalyze_transaction_types::load::{LoadOptions, Schema};
/// let opts = LoadOptions::new(Schema::OnlineRetail).drop_duplicates(true).date_format("%d/%m/%Y %H:%M");
/// assert!(opts.drop_duplicates);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct LoadOptions {
    /// The file layout.
    pub schema: Schema,
    /// Field delimiter for delimited schemas (default `,`).
    pub delimiter: u8,
    /// A chrono format for the date column; when `None`, common formats are tried (ISO
    /// `YYYY-MM-DD[ HH:MM[:SS]]`, `YYYYMMDD`, US `M/D/YYYY[ H:MM]`, `YYYY/MM/DD`, `DD.MM.YYYY`).
    /// Day-first slashed dates (`31/12/2010`) need an explicit format.
    pub date_format: Option<String>,
    /// Zero-amount rows: `None` means the schema's default, [`ZeroAmounts::Keep`] for CDNOW (its
    /// 80 zero-dollar rows are purchases in the published analyses) and [`ZeroAmounts::Exclude`]
    /// otherwise.
    pub zero_amounts: Option<ZeroAmounts>,
    /// Remove rows identical in every field to another (default false: kept and counted).
    pub drop_duplicates: bool,
    /// How many line numbers to keep per exclusion reason (default 5).
    pub example_lines: usize,
    /// Dates accepted (inclusive; default 1900-01-01 to 2200-12-31); rows outside are excluded
    /// as [`ExclusionReason::DateOutOfRange`](super::ExclusionReason::DateOutOfRange).
    pub date_range: (NaiveDate, NaiveDate),
    /// The column holding each row's location (store, warehouse, region; e.g. `Country` in the
    /// Online Retail files), for per product × location analyses; `None` (the default): the log
    /// has no locations. Delimited schemas only; a named column that is missing is an error.
    pub location_column: Option<String>,
}

/// The default [`LoadOptions::date_range`].
pub fn default_date_range() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(2200, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

impl LoadOptions {
    /// Defaults for a schema.
    pub fn new(schema: Schema) -> Self {
        Self {
            schema,
            delimiter: b',',
            date_format: None,
            zero_amounts: None,
            drop_duplicates: false,
            example_lines: 5,
            date_range: default_date_range(),
            location_column: None,
        }
    }

    /// Reads each row's location from column `name` (see [`LoadOptions::location_column`]).
    pub fn location_column(mut self, name: impl Into<String>) -> Self {
        self.location_column = Some(name.into());
        self
    }

    /// Sets the accepted date range (inclusive).
    pub fn date_range(mut self, first: NaiveDate, last: NaiveDate) -> Self {
        self.date_range = (first, last);
        self
    }

    /// Sets the delimiter.
    pub fn delimiter(mut self, d: u8) -> Self {
        self.delimiter = d;
        self
    }

    /// Sets an explicit date format (chrono syntax).
    pub fn date_format(mut self, f: impl Into<String>) -> Self {
        self.date_format = Some(f.into());
        self
    }

    /// Sets the zero-amount policy.
    pub fn zero_amounts(mut self, z: ZeroAmounts) -> Self {
        self.zero_amounts = Some(z);
        self
    }

    /// Sets duplicate removal.
    pub fn drop_duplicates(mut self, d: bool) -> Self {
        self.drop_duplicates = d;
        self
    }

    pub(super) fn zero_policy(&self) -> ZeroAmounts {
        self.zero_amounts.unwrap_or(match self.schema {
            Schema::Cdnow => ZeroAmounts::Keep,
            _ => ZeroAmounts::Exclude,
        })
    }
}
