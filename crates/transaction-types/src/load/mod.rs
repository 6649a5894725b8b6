//! Loading transaction files: schemas, validation and the [`LoadReport`].
//!
//! Every row of the input ends up either in the log or counted under one [`ExclusionReason`] in the
//! [`LoadReport`], with the line numbers of the first few such rows, so that nothing is dropped
//! silently. The checks run in a fixed order and a row is counted under the first that fails:
//! malformed row, cancellation, missing customer, missing order, unparsable date, quantity (returns
//! first), price and amount, zero amount.
//!
//! The module is split by concept: `options` (schemas, column names, [`LoadOptions`]), `report`
//! ([`ExclusionReason`], [`LoadReport`]), `parse` (header layout, dates, the row checks) and
//! `formats` (delimited files, CDNOW lines); this file holds the entry points.

mod formats;
mod options;
mod parse;
mod report;

pub use options::{GenericColumns, LoadOptions, Schema, ZeroAmounts, default_date_range};
pub use report::{ExclusionCount, ExclusionReason, LoadReport, MAX_VALUE};

pub(crate) use parse::RowParser;

use formats::{load_cdnow, load_delimited};
use parse::{Layout, csv_reader, read_header};

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{DataError, Result};
use crate::log::{RawRow, TransactionLog, TransactionLogBuilder};

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
        Schema::Cdnow => {
            if let Some(name) = &options.location_column {
                return Err(DataError::MissingColumn {
                    column: parse::clip(name),
                    available: "none: the CDNOW layout has no named columns".into(),
                });
            }
            load_cdnow(reader, &mut parser, &mut report, sink, options)?
        }
        Schema::Generic(cols) => {
            let mut csv = csv_reader(reader, options);
            let header = read_header(&mut csv)?;
            let layout = Layout::generic(cols, &header)?
                .with_location(&header, options.location_column.as_deref())?;
            load_delimited(&mut csv, &layout, &mut parser, &mut report, sink, options)?;
        }
        Schema::OnlineRetail => {
            let mut csv = csv_reader(reader, options);
            let header = read_header(&mut csv)?;
            let layout = Layout::online_retail(&header)?
                .with_location(&header, options.location_column.as_deref())?;
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
