//! Reading the transaction input: a file with a schema, or the embedded sample.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use clap::Args;
use custalyze_transaction_types::load::{
    GenericColumns, LoadOptions, Loaded, RowSink, Schema, ZeroAmounts, load_into, load_reader,
};

use crate::CliError;
use crate::progress;

/// Input options shared by every command that reads transactions.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Transaction file; without it the embedded generated sample (online-retail schema) is used.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// File layout: generic, online-retail or cdnow (default: detected from the first line).
    #[arg(long, value_name = "SCHEMA")]
    pub schema: Option<String>,
    /// Customer id column (generic schema).
    #[arg(long, value_name = "C", default_value = "customer_id")]
    pub customer_col: String,
    /// Date column (generic schema).
    #[arg(long, value_name = "D", default_value = "date")]
    pub date_col: String,
    /// Amount column (generic schema; without it, quantity x unit_price).
    #[arg(long, value_name = "A", default_value = "amount")]
    pub amount_col: String,
    /// Order id column (generic schema; without it, one order per customer and timestamp).
    #[arg(long, value_name = "O", default_value = "order_id")]
    pub order_col: String,
    /// Item id column (generic schema).
    #[arg(long, value_name = "I", default_value = "item_id")]
    pub item_col: String,
    /// Field delimiter for delimited files.
    #[arg(long, value_name = "CHAR", default_value = ",")]
    pub delimiter: char,
    /// Date format in chrono syntax, e.g. "%d/%m/%Y %H:%M" (default: common formats are tried).
    #[arg(long, value_name = "FMT")]
    pub date_format: Option<String>,
    /// Zero-amount rows: keep or exclude (default: keep for cdnow, exclude otherwise).
    #[arg(long, value_name = "POLICY", value_parser = ["keep", "exclude"])]
    pub zero_amounts: Option<String>,
    /// Remove rows identical in every field to another row.
    #[arg(long)]
    pub drop_duplicates: bool,
    /// Column holding each row's location (store, warehouse, region; e.g. Country in the
    /// online-retail files): inventory then plans per product x location.
    #[arg(long, value_name = "COL")]
    pub location_col: Option<String>,
}

/// Guesses the schema from the first line of a file.
fn detect_schema(path: &Path) -> Result<&'static str, CliError> {
    let file =
        File::open(path).map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let mut first = String::new();
    BufReader::new(file)
        .read_line(&mut first)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let lower = first.to_ascii_lowercase();
    if lower.contains("invoice") && lower.contains("stockcode") {
        Ok("online-retail")
    } else if lower.contains("customer_id") && lower.contains("dollar_value")
        || first.split_whitespace().count() >= 4
            && first.split_whitespace().all(|t| t.parse::<f64>().is_ok())
    {
        Ok("cdnow")
    } else {
        Ok("generic")
    }
}

impl InputArgs {
    /// The load options these arguments describe.
    pub fn options(&self) -> Result<LoadOptions, CliError> {
        let name = match (&self.schema, &self.input) {
            (Some(s), _) => s.clone(),
            (None, Some(path)) => detect_schema(path)?.to_string(),
            (None, None) => "online-retail".to_string(),
        };
        let schema = match Schema::from_name(&name)? {
            Schema::Generic(_) => Schema::Generic(GenericColumns {
                customer: self.customer_col.clone(),
                date: self.date_col.clone(),
                amount: self.amount_col.clone(),
                order: self.order_col.clone(),
                item: self.item_col.clone(),
                ..GenericColumns::default()
            }),
            s => s,
        };
        let delimiter = u8::try_from(self.delimiter).map_err(|_| {
            CliError(format!(
                "the delimiter {:?} is not a single-byte character",
                self.delimiter
            ))
        })?;
        let mut opts = LoadOptions::new(schema)
            .delimiter(delimiter)
            .drop_duplicates(self.drop_duplicates);
        if let Some(f) = &self.date_format {
            opts = opts.date_format(f.clone());
        }
        if let Some(c) = &self.location_col {
            opts = opts.location_column(c.clone());
        }
        match self.zero_amounts.as_deref() {
            Some("keep") => opts = opts.zero_amounts(ZeroAmounts::Keep),
            Some(_) => opts = opts.zero_amounts(ZeroAmounts::Exclude),
            None => {}
        }
        Ok(opts)
    }

    /// A display name for the input.
    pub fn source_name(&self) -> String {
        self.input.as_ref().map_or_else(
            || "embedded sample".to_string(),
            |p| p.display().to_string(),
        )
    }

    /// Opens the input as a reader with a progress bar over its bytes.
    fn open(&self) -> Result<(Box<dyn Read>, indicatif::ProgressBar), CliError> {
        match &self.input {
            Some(path) => {
                let file = File::open(path)
                    .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
                let len = file.metadata().ok().map(|m| m.len());
                let pb = progress::bytes(len, "loading");
                Ok((
                    Box::new(pb.wrap_read(BufReader::with_capacity(1 << 20, file))),
                    pb,
                ))
            }
            None => {
                let pb = progress::stage("generating sample");
                let csv = crate::generate::embedded_sample()?;
                pb.set_message("loading");
                Ok((Box::new(std::io::Cursor::new(csv.into_bytes())), pb))
            }
        }
    }

    /// Loads the whole log.
    pub fn load(&self) -> Result<Loaded, CliError> {
        let opts = self.options()?;
        let (reader, pb) = self.open()?;
        let loaded = load_reader(reader, &self.source_name(), &opts);
        pb.finish_and_clear();
        Ok(loaded?)
    }

    /// Streams the rows into a sink without building the log.
    pub fn stream_into<S: RowSink>(
        &self,
        sink: &mut S,
    ) -> Result<custalyze_transaction_types::load::LoadReport, CliError> {
        let opts = self.options()?;
        let (reader, pb) = self.open()?;
        let report = load_into(reader, &self.source_name(), &opts, sink);
        pb.finish_and_clear();
        Ok(report?)
    }
}

/// Rows of `log` dated on or after `date`, for the note of a command that leaves them out.
pub fn rows_on_or_after(
    log: &custalyze_transaction_types::TransactionLog,
    date: chrono::NaiveDate,
) -> usize {
    let day = custalyze_transaction_types::period::days_from_epoch(date);
    (0..log.len()).filter(|&r| log.day(r) >= day).count()
}

/// Parses the YYYY-MM-DD value of option `flag` (surrounding spaces ignored): the one date parser
/// of every command's date options.
///
/// # Errors
/// [`CliError`] naming the option and the expected form.
pub fn parse_date(flag: &str, s: &str) -> Result<chrono::NaiveDate, CliError> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        CliError(format!(
            "{flag} {s:?} is not a date in the form YYYY-MM-DD ({e})"
        ))
    })
}

/// The date of a series row: `YYYY-MM-DD`, or `YYYY-MM` for the first day of that month; `None`
/// for anything else (the series then has no calendar).
pub fn parse_series_date(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| chrono::NaiveDate::parse_from_str(&format!("{s}-01"), "%Y-%m-%d").ok())
}
