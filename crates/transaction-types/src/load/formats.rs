//! The two input formats: delimited files with a header (generic and Online Retail) and
//! CDNOW's whitespace-separated lines.

use std::io::{BufRead, BufReader, Read};

use super::parse::{Fields, Layout, RowParser, csv_error};
use super::{ExclusionReason, LoadOptions, LoadReport, RowSink, ZeroAmounts};
use crate::error::{DataError, Result};

pub(super) fn load_delimited<R: Read, S: RowSink>(
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
            location: get(layout.location).or(layout.location.map(|_| "")),
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
            Err(reason) => {
                if matches!(
                    reason,
                    ExclusionReason::Return | ExclusionReason::Cancellation
                ) && let Some(customer) = crate::id::Id::parse(fields.customer)
                {
                    *report
                        .returned_rows_by_customer
                        .entry(customer)
                        .or_default() += 1;
                }
                report.exclude(reason, line, options.example_lines);
            }
        }
    }
    Ok(())
}

pub(super) fn load_cdnow<R: Read, S: RowSink>(
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
            location: None,
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
