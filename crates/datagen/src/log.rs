//! The generated log: its rows, and writing them as an online-retail CSV.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::catalogue::Catalogue;
use crate::error::{Error, Result};
use crate::prices::StockPosition;
use crate::record::{BadRowKind, CustomerTruth, GenerationRecord};

/// The CSV header, the UCI "Online Retail" columns.
pub const HEADER: [&str; 8] = [
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
];

/// What a row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    /// A clean purchase line of a known customer.
    Sale,
    /// A line of a cancellation invoice (`C<number>`, negative quantity).
    Cancellation,
    /// A deliberately bad row.
    Bad(BadRowKind),
}

/// One row of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct RetailRow {
    /// The invoice number (without the `C` of cancellations).
    pub invoice: u64,
    /// Whether the invoice is a cancellation (written `C<number>`).
    pub cancellation: bool,
    /// The product, an index into [`Catalogue::products`].
    pub product: usize,
    /// Units; negative in cancellations and returns.
    pub quantity: i64,
    /// When the invoice was made (for an unparsable-date row, the time it would have had).
    pub timestamp: NaiveDateTime,
    /// The unit price in hundredths of the currency unit.
    pub price_cents: i64,
    /// The customer id; `None` for a guest (written empty).
    pub customer: Option<u64>,
    /// The country.
    pub country: &'static str,
    /// What the row is.
    pub kind: RowKind,
    /// The text written instead of the timestamp (unparsable-date rows only).
    pub date_text: Option<String>,
}

impl RetailRow {
    /// The `InvoiceNo` as written: `536365` or `C536379`.
    pub fn invoice_no(&self) -> String {
        if self.cancellation {
            format!("C{}", self.invoice)
        } else {
            self.invoice.to_string()
        }
    }

    /// `quantity * price`, in hundredths of the currency unit.
    pub fn amount_cents(&self) -> i64 {
        self.quantity * self.price_cents
    }
}

/// A generated transaction log: the rows in file order (by time, then invoice number), the
/// catalogue they refer to, each customer's latent values, and the record of what was generated.
#[derive(Clone, Debug)]
pub struct GeneratedLog {
    /// The rows, sorted by invoice time, then invoice number.
    pub rows: Vec<RetailRow>,
    /// The products and bundles.
    pub catalogue: Catalogue,
    /// The latent values of each customer, by id.
    pub customers: Vec<CustomerTruth>,
    /// With moving prices ([`GeneratorConfig::prices`](crate::GeneratorConfig::prices)): the
    /// stock of every product at the end of the span; empty otherwise.
    pub stock: Vec<StockPosition>,
    /// Parameters and counts.
    pub record: GenerationRecord,
}

/// The header of [`GeneratedLog::write_items_csv`] (the item table `custalyze pricing --items`
/// and `custalyze report --items` read).
pub const ITEMS_HEADER: [&str; 3] = ["item_id", "category", "unit_cost"];

/// The header of [`GeneratedLog::write_stock_csv`] (the stock table `custalyze inventory --stock`
/// and `custalyze report --stock` read).
pub const STOCK_HEADER: [&str; 4] = ["product", "on_hand", "on_order", "unit_cost"];

impl GeneratedLog {
    /// The week of the span a time falls in: weeks run Monday to Sunday, week 0 holds the first
    /// day of the span (0 before the start).
    pub fn week_of(&self, t: NaiveDateTime) -> usize {
        let offset = i64::from(self.record.start.weekday().num_days_from_monday());
        usize::try_from(((t.date() - self.record.start).num_days() + offset) / 7).unwrap_or(0)
    }

    /// Whether the log has moving prices, unit costs and a stock snapshot.
    pub fn has_prices(&self) -> bool {
        self.record.config.prices.is_some()
    }

    /// Writes the item table: `item_id,category,unit_cost` for every product (unit cost empty
    /// without moving prices).
    ///
    /// # Errors
    /// [`Error::Csv`] or [`Error::Io`] when writing fails.
    pub fn write_items_csv<W: Write>(&self, writer: W) -> Result<()> {
        let mut csv = csv::WriterBuilder::new().from_writer(writer);
        csv.write_record(ITEMS_HEADER)?;
        let mut cost = String::new();
        for p in &self.catalogue.products {
            cost.clear();
            if let Some(x) = &p.pricing {
                format_cents(&mut cost, x.unit_cost_cents);
            }
            csv.write_record([p.stock_code.as_str(), p.category.as_str(), cost.as_str()])?;
        }
        csv.flush()?;
        Ok(())
    }

    /// Writes the stock snapshot: `product,on_hand,on_order,unit_cost` (no rows without moving
    /// prices).
    ///
    /// # Errors
    /// [`Error::Csv`] or [`Error::Io`] when writing fails.
    pub fn write_stock_csv<W: Write>(&self, writer: W) -> Result<()> {
        let mut csv = csv::WriterBuilder::new().from_writer(writer);
        csv.write_record(STOCK_HEADER)?;
        let mut cost = String::new();
        for s in &self.stock {
            let p = &self.catalogue.products[s.product];
            cost.clear();
            if let Some(x) = &p.pricing {
                format_cents(&mut cost, x.unit_cost_cents);
            }
            csv.write_record([
                p.stock_code.as_str(),
                s.on_hand.to_string().as_str(),
                s.on_order.to_string().as_str(),
                cost.as_str(),
            ])?;
        }
        csv.flush()?;
        Ok(())
    }

    /// Writes the log as CSV with the online-retail header; dates as `%Y-%m-%d %H:%M:%S`, prices
    /// with two decimals, missing customer ids empty.
    ///
    /// # Errors
    /// [`Error::Csv`] or [`Error::Io`] when writing fails.
    pub fn write_csv<W: Write>(&self, writer: W) -> Result<()> {
        let mut csv = csv::WriterBuilder::new().from_writer(writer);
        csv.write_record(HEADER)?;
        let mut invoice = String::new();
        let mut quantity = String::new();
        let mut date = String::new();
        let mut price = String::new();
        let mut customer = String::new();
        for row in &self.rows {
            let product = self.catalogue.products.get(row.product).ok_or_else(|| {
                Error::InvalidParameter(crate::error::InvalidParameter::new(
                    "rows.product",
                    row.product,
                    "an index into the catalogue",
                ))
            })?;
            invoice.clear();
            quantity.clear();
            date.clear();
            price.clear();
            customer.clear();
            // Writing to a String cannot fail.
            let _ = write!(
                invoice,
                "{}{}",
                if row.cancellation { "C" } else { "" },
                row.invoice
            );
            let _ = write!(quantity, "{}", row.quantity);
            match &row.date_text {
                Some(text) => date.push_str(text),
                None => format_timestamp(&mut date, row.timestamp),
            }
            format_cents(&mut price, row.price_cents);
            if let Some(c) = row.customer {
                let _ = write!(customer, "{c}");
            }
            csv.write_record([
                invoice.as_str(),
                product.stock_code.as_str(),
                product.description.as_str(),
                quantity.as_str(),
                date.as_str(),
                price.as_str(),
                customer.as_str(),
                row.country,
            ])?;
        }
        csv.flush()?;
        Ok(())
    }

    /// The CSV as a string.
    ///
    /// # Errors
    /// As [`GeneratedLog::write_csv`] (writing to memory does not fail in practice).
    pub fn to_csv_string(&self) -> Result<String> {
        let mut buf = Vec::with_capacity(self.rows.len() * 80);
        self.write_csv(&mut buf)?;
        String::from_utf8(buf)
            .map_err(|e| Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
    }

    /// Writes the CSV to `path` and the record beside it as `<path>.params.json` (with moving
    /// prices also the item table as `<path>.items.csv` and the stock snapshot as
    /// `<path>.stock.csv`); returns the record's path.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be created or written, [`Error::Csv`], [`Error::Json`].
    pub fn write_files(&self, path: impl AsRef<Path>) -> Result<PathBuf> {
        let path = path.as_ref();
        let file = std::fs::File::create(path)?;
        self.write_csv(std::io::BufWriter::with_capacity(1 << 20, file))?;
        let params = params_path(path);
        std::fs::write(&params, self.record.to_json()?)?;
        if self.has_prices() {
            for (suffix, stock) in [(".items.csv", false), (".stock.csv", true)] {
                let mut name = path.as_os_str().to_os_string();
                name.push(suffix);
                let out = std::io::BufWriter::new(std::fs::File::create(PathBuf::from(name))?);
                if stock {
                    self.write_stock_csv(out)?;
                } else {
                    self.write_items_csv(out)?;
                }
            }
        }
        Ok(params)
    }
}

/// The path of the record written beside a CSV: `<path>.params.json`.
///
/// ```
/// use std::path::Path;
/// assert_eq!(custalyze_datagen::params_path(Path::new("out/sample.csv")), Path::new("out/sample.csv.params.json"));
/// ```
pub fn params_path(csv_path: &Path) -> PathBuf {
    let mut s = csv_path.as_os_str().to_os_string();
    s.push(".params.json");
    PathBuf::from(s)
}

/// `%Y-%m-%d %H:%M:%S`, without chrono's formatting machinery (much faster in debug builds).
pub(crate) fn format_timestamp(out: &mut String, t: NaiveDateTime) {
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
}

/// Cents as a decimal with two places: `255` -> `2.55`, `-5` -> `-0.05`.
pub(crate) fn format_cents(out: &mut String, cents: i64) {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let _ = write!(out, "{sign}{}.{:02}", abs / 100, abs % 100);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_are_formatted_with_two_decimals() {
        for (cents, text) in [
            (255, "2.55"),
            (0, "0.00"),
            (-5, "-0.05"),
            (-1250, "-12.50"),
            (100_000, "1000.00"),
        ] {
            let mut s = String::new();
            format_cents(&mut s, cents);
            assert_eq!(s, text);
        }
    }

    #[test]
    fn timestamps_match_chrono() {
        let t = chrono::NaiveDate::from_ymd_opt(2022, 3, 7)
            .and_then(|d| d.and_hms_opt(8, 5, 9))
            .unwrap_or_default();
        let mut s = String::new();
        format_timestamp(&mut s, t);
        assert_eq!(s, t.format("%Y-%m-%d %H:%M:%S").to_string());
    }
}
