//! Loading transaction files: schemas, validation and the [`LoadReport`].
//!
//! Every row of the input ends up either in the log or counted under one [`ExclusionReason`] in the
//! [`LoadReport`], with the line numbers of the first few such rows, so that nothing is dropped
//! silently. The checks run in a fixed order and a row is counted under the first that fails:
//! malformed row, cancellation, missing customer, missing order, unparsable date, quantity (returns
//! first), price and amount, zero amount.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};

use crate::error::{DataError, Result};
use crate::id::Id;
use crate::log::{RawRow, TransactionLog, TransactionLogBuilder, datetime_to_timestamp};

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
    /// Keep them as purchases of value 0 (counted in [`LoadReport::zero_amount_rows_kept`]).
    Keep,
    /// Exclude them under [`ExclusionReason::ZeroAmount`].
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
    /// as [`ExclusionReason::DateOutOfRange`].
    pub date_range: (NaiveDate, NaiveDate),
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
        }
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

    fn zero_policy(&self) -> ZeroAmounts {
        self.zero_amounts.unwrap_or(match self.schema {
            Schema::Cdnow => ZeroAmounts::Keep,
            _ => ZeroAmounts::Exclude,
        })
    }
}

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
    /// The date parses but lies outside [`LoadOptions::date_range`] (default 1900-01-01 to
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
    /// 1-based line numbers of the first rows (at most [`LoadOptions::example_lines`]).
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
    /// Rows identical to another row (removed only when [`LoadOptions::drop_duplicates`]).
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

    fn describe_exclusions(&self) -> String {
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

/// A log with the report of how it was loaded.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The validated, sorted log.
    pub log: TransactionLog,
    /// What was read, loaded and excluded.
    pub report: LoadReport,
}

/// Receives the validated rows of a load: a [`TransactionLogBuilder`], or a streaming consumer such
/// as [`crate::summary::SummaryAccumulator`] that never holds the whole log.
pub trait RowSink {
    /// Takes one validated row.
    fn accept(&mut self, row: RawRow);
}

impl RowSink for TransactionLogBuilder {
    fn accept(&mut self, row: RawRow) {
        self.push_row(row);
    }
}

/// Loads a file into a [`TransactionLog`].
///
/// # Errors
/// [`DataError::Io`] when the file cannot be read, [`DataError::MissingColumn`] for a header without
/// a needed column, [`DataError::Csv`] for a broken CSV stream, [`DataError::NoUsableRows`] when no
/// row survives validation (the message lists the exclusions).
///
/// # Examples
/// ```no_run
/// use custalyze_transaction_types::load::{load_path, LoadOptions, Schema};
/// let loaded = load_path("CDNOW_master.txt", &LoadOptions::new(Schema::Cdnow))?;
/// eprintln!("{}", loaded.report);
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
pub fn load_path(path: impl AsRef<Path>, options: &LoadOptions) -> Result<Loaded> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    load_reader(
        BufReader::with_capacity(1 << 20, file),
        &path.display().to_string(),
        options,
    )
}

/// Loads from any reader (`source` names it in the report and in errors).
///
/// # Errors
/// As [`load_path`].
pub fn load_reader<R: Read>(reader: R, source: &str, options: &LoadOptions) -> Result<Loaded> {
    let mut builder = TransactionLogBuilder::new().drop_duplicates(options.drop_duplicates);
    let mut report = load_into(reader, source, options, &mut builder)?;
    let (log, duplicates) = builder.build_counting()?;
    report.duplicate_rows = duplicates as u64;
    if options.drop_duplicates && duplicates > 0 {
        report.excluded.insert(
            ExclusionReason::Duplicate,
            ExclusionCount {
                count: duplicates as u64,
                first_lines: Vec::new(),
            },
        );
    }
    report.describe_log(&log);
    Ok(Loaded { log, report })
}

/// Parses and validates rows into any [`RowSink`], returning the report (without the log-derived
/// counts, which only the sink can know).
///
/// # Errors
/// As [`load_path`]; [`DataError::NoUsableRows`] when no row reached the sink.
pub fn load_into<R: Read, S: RowSink>(
    reader: R,
    source: &str,
    options: &LoadOptions,
    sink: &mut S,
) -> Result<LoadReport> {
    let mut report = LoadReport::new(source);
    let mut parser = RowParser::new(options);
    match &options.schema {
        Schema::Cdnow => load_cdnow(reader, &mut parser, &mut report, sink, options)?,
        Schema::Generic(cols) => {
            let mut csv = csv_reader(reader, options);
            let header = read_header(&mut csv)?;
            let layout = Layout::generic(cols, &header)?;
            load_delimited(&mut csv, &layout, &mut parser, &mut report, sink, options)?;
        }
        Schema::OnlineRetail => {
            let mut csv = csv_reader(reader, options);
            let header = read_header(&mut csv)?;
            let layout = Layout::online_retail(&header)?;
            load_delimited(&mut csv, &layout, &mut parser, &mut report, sink, options)?;
        }
    }
    let accepted = report.rows_read - report.rows_excluded();
    if accepted == 0 {
        let reason = if report.rows_read == 0 {
            format!("{source} has no data rows")
        } else {
            format!(
                "all {} rows of {source} were excluded: {}",
                report.rows_read,
                report.describe_exclusions()
            )
        };
        return Err(DataError::NoUsableRows { reason });
    }
    report.rows_loaded = accepted;
    Ok(report)
}

fn csv_reader<R: Read>(reader: R, options: &LoadOptions) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter)
        .from_reader(reader)
}

fn csv_error(e: csv::Error) -> DataError {
    DataError::Csv {
        line: e.position().map(|p| p.line()),
        message: e.to_string(),
    }
}

fn read_header<R: Read>(csv: &mut csv::Reader<R>) -> Result<Vec<String>> {
    let mut rec = csv::StringRecord::new();
    if !csv.read_record(&mut rec).map_err(csv_error)? {
        return Err(DataError::NoUsableRows {
            reason: "the file is empty (no header)".into(),
        });
    }
    Ok(rec
        .iter()
        .map(|s| s.trim_start_matches('\u{feff}').trim().to_string())
        .collect())
}

/// Input quoted in a message, cut to 200 characters (a 10 MB header line is not echoed whole).
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 200;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}... ({} characters)", &s[..i], s.chars().count()),
        None => s.to_string(),
    }
}

/// Column positions for a delimited file.
struct Layout {
    customer: usize,
    date: usize,
    order: Option<usize>,
    item: Option<usize>,
    description: Option<usize>,
    quantity: Option<usize>,
    price: Option<usize>,
    amount: Option<usize>,
    /// False when the file has neither an amount nor a price column: every amount is 0.
    money: bool,
    cancellations: bool,
    min_fields: usize,
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h == n))
        .or_else(|| {
            names
                .iter()
                .find_map(|n| header.iter().position(|h| normalise(h) == normalise(n)))
        })
}

fn require(header: &[String], names: &[&str]) -> Result<usize> {
    find(header, names).ok_or_else(|| DataError::MissingColumn {
        column: clip(names.first().copied().unwrap_or_default()),
        available: clip(&header.join(", ")),
    })
}

impl Layout {
    fn generic(cols: &GenericColumns, header: &[String]) -> Result<Self> {
        let customer = require(header, &[&cols.customer])?;
        let date = require(header, &[&cols.date])?;
        let amount = find(header, &[&cols.amount]);
        let quantity = find(header, &[&cols.quantity]);
        let price = find(header, &[&cols.price]);
        // Without an amount or a price column the log still has customers and dates (lifetimes'
        // summary_data_from_transaction_data without monetary_value_col): amounts are 0.
        let money = amount.is_some() || price.is_some();
        let mut l = Layout {
            customer,
            date,
            order: find(header, &[&cols.order]),
            item: find(header, &[&cols.item]),
            description: find(header, &[&cols.description]),
            quantity,
            price,
            amount,
            money,
            cancellations: false,
            min_fields: 0,
        };
        l.min_fields = l.max_index() + 1;
        Ok(l)
    }

    fn online_retail(header: &[String]) -> Result<Self> {
        let mut l = Layout {
            order: Some(require(header, &["InvoiceNo", "Invoice"])?),
            item: Some(require(header, &["StockCode"])?),
            description: find(header, &["Description"]),
            quantity: Some(require(header, &["Quantity"])?),
            date: require(header, &["InvoiceDate"])?,
            price: Some(require(header, &["UnitPrice", "Price"])?),
            customer: require(header, &["CustomerID", "Customer ID"])?,
            amount: None,
            money: true,
            cancellations: true,
            min_fields: 0,
        };
        l.min_fields = l.max_index() + 1;
        Ok(l)
    }

    fn max_index(&self) -> usize {
        [
            Some(self.customer),
            Some(self.date),
            self.order,
            self.item,
            self.quantity,
            self.price,
            self.amount,
        ]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(0)
    }
}

/// The fields of one row, before validation.
struct Fields<'a> {
    customer: &'a str,
    order: Option<&'a str>,
    date: &'a str,
    item: Option<&'a str>,
    description: Option<&'a str>,
    quantity: Option<&'a str>,
    price: Option<&'a str>,
    amount: Option<&'a str>,
}

/// Validates rows (date parsing with a remembered format).
pub(crate) struct RowParser {
    explicit: Option<String>,
    last_format: usize,
    zero: ZeroAmounts,
    cancellations: bool,
    /// For logs without an order column: the next synthetic order number.
    next_order: i64,
    last_key: Option<(Id, i64)>,
    /// Accepted dates (inclusive).
    date_range: (NaiveDate, NaiveDate),
}

/// Date formats tried in order when no explicit format is given: (format, has a time part).
const DATE_FORMATS: &[(&str, bool)] = &[
    ("%Y-%m-%d", false),
    ("%Y-%m-%d %H:%M:%S", true),
    ("%Y-%m-%d %H:%M", true),
    ("%Y-%m-%dT%H:%M:%S", true),
    ("%Y-%m-%d %H:%M:%S%.f", true),
    ("%Y-%m-%dT%H:%M:%S%.f", true),
    ("%Y%m%d", false),
    ("%m/%d/%Y %H:%M", true),
    ("%m/%d/%Y %H:%M:%S", true),
    ("%m/%d/%Y", false),
    ("%Y/%m/%d", false),
    ("%Y/%m/%d %H:%M:%S", true),
    ("%d.%m.%Y", false),
];

/// Parses the two most common layouts without chrono's format interpreter: `YYYYMMDD` and
/// `YYYY-MM-DD[( |T)HH:MM[:SS]]`. Anything else (or an invalid date) falls through to the
/// format list.
fn fast_date(b: &[u8]) -> Option<NaiveDateTime> {
    fn num(b: &[u8]) -> Option<u32> {
        b.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    }
    let (y, m, d, rest) = match b.len() {
        8 => (num(&b[0..4])?, num(&b[4..6])?, num(&b[6..8])?, &b[8..]),
        n if n >= 10 && b[4] == b'-' && b[7] == b'-' => {
            (num(&b[0..4])?, num(&b[5..7])?, num(&b[8..10])?, &b[10..])
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)?;
    let (h, mi, sec) = match rest.len() {
        0 => (0, 0, 0),
        6 if (rest[0] == b' ' || rest[0] == b'T') && rest[3] == b':' => {
            (num(&rest[1..3])?, num(&rest[4..6])?, 0)
        }
        9 if (rest[0] == b' ' || rest[0] == b'T') && rest[3] == b':' && rest[6] == b':' => {
            (num(&rest[1..3])?, num(&rest[4..6])?, num(&rest[7..9])?)
        }
        _ => return None,
    };
    date.and_hms_opt(h, mi, sec)
}

fn parse_with(s: &str, fmt: &str, has_time: bool) -> Option<NaiveDateTime> {
    if has_time {
        NaiveDateTime::parse_from_str(s, fmt).ok()
    } else {
        NaiveDate::parse_from_str(s, fmt)
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
    }
}

impl RowParser {
    pub(crate) fn new(options: &LoadOptions) -> Self {
        Self {
            explicit: options.date_format.clone(),
            last_format: 0,
            zero: options.zero_policy(),
            cancellations: false,
            next_order: 0,
            last_key: None,
            date_range: options.date_range,
        }
    }

    pub(crate) fn parse_date(&mut self, s: &str) -> Option<NaiveDateTime> {
        let s = s.trim();
        if self.explicit.is_none()
            && let Some(d) = fast_date(s.as_bytes())
        {
            return Some(d);
        }
        if let Some(fmt) = &self.explicit {
            let has_time = fmt.contains("%H") || fmt.contains("%T") || fmt.contains("%R");
            return parse_with(s, fmt, has_time);
        }
        let (fmt, t) = DATE_FORMATS[self.last_format];
        if let Some(d) = parse_with(s, fmt, t) {
            return Some(d);
        }
        for (i, &(fmt, t)) in DATE_FORMATS.iter().enumerate() {
            if let Some(d) = parse_with(s, fmt, t) {
                self.last_format = i;
                return Some(d);
            }
        }
        None
    }

    fn number(s: Option<&str>) -> Option<f64> {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| s.parse::<f64>().ok())
    }

    fn row(&mut self, f: &Fields<'_>) -> std::result::Result<(RawRow, bool), ExclusionReason> {
        use ExclusionReason::*;
        if self.cancellations
            && f.order
                .map(str::trim)
                .is_some_and(|o| o.starts_with('C') || o.starts_with('c'))
        {
            return Err(Cancellation);
        }
        let customer = Id::parse(f.customer).ok_or(MissingCustomer)?;
        let order = match f.order {
            Some(o) => Some(Id::parse(o).ok_or(MissingOrder)?),
            None => None,
        };
        let at = self.parse_date(f.date).ok_or(UnparsableDate)?;
        if at.date() < self.date_range.0 || at.date() > self.date_range.1 {
            return Err(DateOutOfRange);
        }
        let quantity = match f.quantity {
            Some(q) => Self::number(Some(q)).ok_or(InvalidQuantity)?,
            None => 1.0,
        };
        if !quantity.is_finite() {
            return Err(InvalidQuantity);
        }
        if quantity < 0.0 {
            return Err(Return);
        }
        if quantity == 0.0 {
            return Err(InvalidQuantity);
        }
        let price = match f.price {
            Some(p) => Some(Self::number(Some(p)).ok_or(InvalidPrice)?),
            None => None,
        };
        let amount = match f.amount {
            Some(a) => Self::number(Some(a)).ok_or(InvalidPrice)?,
            None => price.map_or(f64::NAN, |p| p * quantity),
        };
        if price.is_some_and(|p| !p.is_finite()) || !amount.is_finite() {
            return Err(InvalidPrice);
        }
        if price.is_some_and(|p| p < 0.0) {
            return Err(InvalidPrice);
        }
        if amount < 0.0 {
            return Err(Return);
        }
        if quantity.abs() > MAX_VALUE
            || amount.abs() > MAX_VALUE
            || price.is_some_and(|p| p.abs() > MAX_VALUE)
        {
            return Err(ValueTooLarge);
        }
        let unit_price = price.unwrap_or(amount / quantity);
        let zero = amount == 0.0 || unit_price == 0.0;
        if zero && self.zero == ZeroAmounts::Exclude {
            return Err(ZeroAmount);
        }
        let timestamp = datetime_to_timestamp(at);
        let order = match order {
            Some(o) => o,
            None => {
                // One synthetic order per (customer, timestamp) run of consecutive rows.
                let key = (customer.clone(), timestamp);
                if self.last_key.as_ref() != Some(&key) {
                    self.next_order += 1;
                    self.last_key = Some(key);
                }
                Id::Int(self.next_order)
            }
        };
        let item = f.item.and_then(Id::parse);
        let description = f
            .description
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(Box::from);
        Ok((
            RawRow {
                customer,
                order,
                timestamp,
                item,
                description,
                quantity,
                unit_price,
                amount,
            },
            zero,
        ))
    }
}

fn load_delimited<R: Read, S: RowSink>(
    csv: &mut csv::Reader<R>,
    layout: &Layout,
    parser: &mut RowParser,
    report: &mut LoadReport,
    sink: &mut S,
    options: &LoadOptions,
) -> Result<()> {
    parser.cancellations = layout.cancellations;
    if !layout.money {
        parser.zero = ZeroAmounts::Keep;
        report.no_amounts = true;
    }
    let mut rec = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            // A row that is not UTF-8 is excluded and counted; the reader goes on after it.
            Err(e) if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) => {
                report.rows_read += 1;
                let line = e.position().map_or(0, |p| p.line());
                report.exclude(ExclusionReason::InvalidUtf8, line, options.example_lines);
                continue;
            }
            Err(e) => return Err(csv_error(e)),
        }
        let line = rec.position().map_or(0, |p| p.line());
        if rec.as_slice().contains('\n') {
            report.multiline_rows += 1;
        }
        if rec.len() == 1 && rec.get(0).is_some_and(|s| s.trim().is_empty()) {
            continue;
        }
        report.rows_read += 1;
        if rec.len() < layout.min_fields {
            report.exclude(ExclusionReason::MalformedRow, line, options.example_lines);
            continue;
        }
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i));
        let fields = Fields {
            customer: rec.get(layout.customer).unwrap_or_default(),
            order: get(layout.order),
            date: rec.get(layout.date).unwrap_or_default(),
            item: get(layout.item),
            description: get(layout.description),
            quantity: get(layout.quantity),
            price: get(layout.price),
            amount: get(layout.amount).or((!layout.money).then_some("0")),
        };
        match parser.row(&fields) {
            Ok((row, zero)) => {
                if zero && layout.money {
                    report.zero_amount_rows_kept += 1;
                }
                sink.accept(row);
            }
            Err(reason) => report.exclude(reason, line, options.example_lines),
        }
    }
    Ok(())
}

fn load_cdnow<R: Read, S: RowSink>(
    reader: R,
    parser: &mut RowParser,
    report: &mut LoadReport,
    sink: &mut S,
    options: &LoadOptions,
) -> Result<()> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut columns: Option<usize> = None;
    let mut bytes: Vec<u8> = Vec::new();
    for i in 0u64.. {
        let line_no = i + 1;
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| DataError::Csv {
                line: Some(line_no),
                message: e.to_string(),
            })?;
        if read == 0 {
            break;
        }
        let Ok(line) = std::str::from_utf8(&bytes) else {
            report.rows_read += 1;
            report.exclude(ExclusionReason::InvalidUtf8, line_no, options.example_lines);
            continue;
        };
        // At most 6 fields are kept: a row with more is malformed anyway.
        let mut fields = [""; 6];
        let mut count = 0;
        for token in line.split_whitespace() {
            if count < fields.len() {
                fields[count] = token;
            }
            count += 1;
        }
        let fields = &fields[..count.min(6)];
        let count_ok = count <= 6;
        if fields.is_empty() {
            continue;
        }
        // The master file's header: a first line none of whose fields is a number (a data row
        // whose customer id is text still has a date, a quantity and an amount).
        if i == 0 && fields.iter().all(|f| f.parse::<f64>().is_err()) {
            continue;
        }
        report.rows_read += 1;
        let n = *columns.get_or_insert(count);
        if !count_ok || count != n || !(n == 4 || n == 5) {
            report.exclude(
                ExclusionReason::MalformedRow,
                line_no,
                options.example_lines,
            );
            continue;
        }
        let off = n - 4;
        let f = Fields {
            customer: fields[off],
            order: None,
            date: fields[off + 1],
            item: None,
            description: None,
            quantity: Some(fields[off + 2]),
            price: None,
            amount: Some(fields[off + 3]),
        };
        match parser.row(&f) {
            Ok((row, zero)) => {
                if zero {
                    report.zero_amount_rows_kept += 1;
                }
                sink.accept(row);
            }
            Err(reason) => report.exclude(reason, line_no, options.example_lines),
        }
    }
    Ok(())
}
