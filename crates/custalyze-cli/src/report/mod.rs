//! `custalyze report`: the whole analysis of a transaction log as a self-contained HTML page and
//! CSV/JSON files.
//!
//! Layout: [`svg`] (generic charts), [`html`] (sections, tables, the page), [`sections`] (one
//! function per analysis, taking plain data), [`analysis`] (runs the analyses of this build and
//! converts their results to plain data), [`files`] (the CSV/JSON outputs).
//!
//! Each analysis runs inside [`sections::guard`]: an error (or a panic) becomes a failed section
//! with its reason, and the rest of the report completes.

pub mod analysis;
pub mod files;
pub mod html;
pub mod sections;
pub mod segments;
pub mod svg;

use std::path::PathBuf;
use std::time::Instant;

use chrono::NaiveDate;
use clap::Args;

use crate::CliError;
use crate::input::InputArgs;
use crate::progress;

pub use analysis::{Analysis, ReportOptions};

/// Arguments of `custalyze report`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze report --out report                              # on the embedded sample
  custalyze report --input retail.csv --schema online-retail --as-of 2011-12-01 --out report
  custalyze report --input CDNOW_master.txt --schema cdnow --out cdnow-report

Writes DIR/index.html (one self-contained page: inline SVG charts, no script, no network),
DIR/customers.csv, DIR/products.csv, DIR/rules.csv, DIR/forecast.csv, DIR/cohorts.csv,
DIR/segment_best_sellers.csv, DIR/customer_products.csv and DIR/report.json (headline figures).
Only transactions dated before --as-of count (default: the day after the last transaction).
An analysis that fails (e.g. too few repeat buyers for Gamma-Gamma) is shown in its section with
the reason; the rest of the report still completes. `custalyze customer ID --report DIR` prints
one customer's card from these files.")]
pub struct ReportArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Analysis date, YYYY-MM-DD: transactions before it count (default: the day after the last).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<String>,
    /// CLV and expected-purchase horizon in months.
    #[arg(long, value_name = "M", default_value_t = 12)]
    months: u32,
    /// Monthly discount rate for CLV.
    #[arg(long, value_name = "RATE", default_value_t = 0.01)]
    discount_rate: f64,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Parses a YYYY-MM-DD option.
pub fn parse_date(flag: &str, s: &str) -> Result<NaiveDate, CliError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        CliError(format!(
            "{flag} {s:?} is not a date in the form YYYY-MM-DD ({e})"
        ))
    })
}

/// The options these arguments describe.
pub fn options(
    as_of: Option<&str>,
    months: u32,
    discount_rate: f64,
) -> Result<ReportOptions, CliError> {
    if months == 0 || months > 120 {
        return Err(CliError(format!(
            "--months must be between 1 and 120, got {months}"
        )));
    }
    if !(discount_rate.is_finite() && discount_rate > -1.0) {
        return Err(CliError(format!(
            "--discount-rate must be a finite number > -1, got {discount_rate}"
        )));
    }
    Ok(ReportOptions {
        as_of: as_of.map(|s| parse_date("--as-of", s)).transpose()?,
        months,
        discount_rate,
        ..ReportOptions::default()
    })
}

/// Loads the input and runs every analysis, with a progress bar over the stages.
pub fn analyse(input: &InputArgs, options: &ReportOptions) -> Result<Analysis, CliError> {
    let loaded = input.load()?;
    eprintln!("{}", loaded.report);
    let pb = progress::stages(analysis::STAGES.len() as u64);
    let a = Analysis::run(loaded, options, &mut |stage| {
        // The bar counts the stages done; the message names the one running.
        let done = analysis::STAGES.iter().position(|s| *s == stage);
        pb.set_position(done.unwrap_or(0) as u64);
        pb.set_message(stage.to_string());
    })?;
    pb.finish_and_clear();
    Ok(a)
}

/// Runs the command.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let start = Instant::now();
    let options = options(args.as_of.as_deref(), args.months, args.discount_rate)?;
    let a = analyse(&args.input, &options)?;
    let analysed = start.elapsed().as_secs_f64();
    let pb = progress::stage("writing files");
    files::write_all(&a, &args.out)?;
    pb.finish_and_clear();
    for s in &a.sections {
        if let Some(reason) = s.status.reason() {
            eprintln!("note: {} {}: {reason}", s.title, s.status.key());
        }
    }
    eprintln!(
        "report on {} customers written to {} in {:.1} s (analyses {:.1} s)",
        a.customers.len(),
        args.out.join("index.html").display(),
        start.elapsed().as_secs_f64(),
        analysed
    );
    Ok(())
}
