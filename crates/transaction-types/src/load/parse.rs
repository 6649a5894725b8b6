//! From text to validated rows: the CSV reader, the header `Layout`, date formats and the
//! `RowParser` that applies the checks in their fixed order.

use std::io::Read;

use chrono::{NaiveDate, NaiveDateTime};

use super::{ExclusionReason, GenericColumns, LoadOptions, MAX_VALUE, ZeroAmounts};
use crate::error::{DataError, Result};
use crate::id::Id;
use crate::log::{RawRow, datetime_to_timestamp};

pub(super) fn csv_reader<R: Read>(reader: R, options: &LoadOptions) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(options.delimiter)
        .from_reader(reader)
}

pub(super) fn csv_error(e: csv::Error) -> DataError {
    DataError::Csv {
        line: e.position().map(|p| p.line()),
        message: e.to_string(),
    }
}

pub(super) fn read_header<R: Read>(csv: &mut csv::Reader<R>) -> Result<Vec<String>> {
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
pub(super) struct Layout {
    pub(super) customer: usize,
    pub(super) date: usize,
    pub(super) order: Option<usize>,
    pub(super) item: Option<usize>,
    pub(super) description: Option<usize>,
    pub(super) location: Option<usize>,
    pub(super) quantity: Option<usize>,
    pub(super) price: Option<usize>,
    pub(super) amount: Option<usize>,
    /// False when the file has neither an amount nor a price column: every amount is 0.
    pub(super) money: bool,
    pub(super) cancellations: bool,
    pub(super) min_fields: usize,
}

pub(super) fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

pub(super) fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names
        .iter()
        .find_map(|n| header.iter().position(|h| h == n))
        .or_else(|| {
            names
                .iter()
                .find_map(|n| header.iter().position(|h| normalise(h) == normalise(n)))
        })
}

pub(super) fn require(header: &[String], names: &[&str]) -> Result<usize> {
    find(header, names).ok_or_else(|| DataError::MissingColumn {
        column: clip(names.first().copied().unwrap_or_default()),
        available: clip(&header.join(", ")),
    })
}

impl Layout {
    pub(super) fn generic(cols: &GenericColumns, header: &[String]) -> Result<Self> {
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
            location: None,
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

    pub(super) fn online_retail(header: &[String]) -> Result<Self> {
        let mut l = Layout {
            order: Some(require(header, &["InvoiceNo", "Invoice"])?),
            item: Some(require(header, &["StockCode"])?),
            description: find(header, &["Description"]),
            location: None,
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

    /// Sets the location column (`name`, required when given).
    pub(super) fn with_location(mut self, header: &[String], name: Option<&str>) -> Result<Self> {
        if let Some(name) = name {
            self.location = Some(require(header, &[name])?);
            self.min_fields = self.max_index() + 1;
        }
        Ok(self)
    }

    pub(super) fn max_index(&self) -> usize {
        [
            Some(self.customer),
            Some(self.date),
            self.order,
            self.item,
            self.location,
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
pub(super) struct Fields<'a> {
    pub(super) customer: &'a str,
    pub(super) order: Option<&'a str>,
    pub(super) date: &'a str,
    pub(super) item: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) location: Option<&'a str>,
    pub(super) quantity: Option<&'a str>,
    pub(super) price: Option<&'a str>,
    pub(super) amount: Option<&'a str>,
}

/// Validates rows (date parsing with a remembered format).
pub(crate) struct RowParser {
    pub(super) explicit: Option<String>,
    pub(super) last_format: usize,
    pub(super) zero: ZeroAmounts,
    pub(super) cancellations: bool,
    /// For logs without an order column: the next synthetic order number.
    pub(super) next_order: i64,
    pub(super) last_key: Option<(Id, i64)>,
    /// Accepted dates (inclusive).
    pub(super) date_range: (NaiveDate, NaiveDate),
}

/// Date formats tried in order when no explicit format is given: (format, has a time part).
pub(super) const DATE_FORMATS: &[(&str, bool)] = &[
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
pub(super) fn fast_date(b: &[u8]) -> Option<NaiveDateTime> {
    pub(super) fn num(b: &[u8]) -> Option<u32> {
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

pub(super) fn parse_with(s: &str, fmt: &str, has_time: bool) -> Option<NaiveDateTime> {
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

    pub(super) fn number(s: Option<&str>) -> Option<f64> {
        s.map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|s| s.parse::<f64>().ok())
    }

    pub(super) fn row(
        &mut self,
        f: &Fields<'_>,
    ) -> std::result::Result<(RawRow, bool), ExclusionReason> {
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
        // A located file keeps every row's location; an empty field is the missing location.
        let location = f
            .location
            .map(|l| Id::parse(l).unwrap_or_else(|| Id::from(crate::log::MISSING_LOCATION)));
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
                location,
            },
            zero,
        ))
    }
}
