//! `custalyze report`: the whole analysis of a transaction log as a self-contained HTML page and
//! CSV/JSON files.
//!
//! The analysis itself is custalyze-analysis ([`Analysis::run`]); this module only renders it.
//! Layout: [`svg`] (generic charts), [`html`] (sections, tables, the page), [`sections`] (one
//! function per section, taking plain data), [`build`] (typed analysis -> sections and header),
//! [`files`] (the CSV/JSON outputs). A stage that failed is shown in its section with the reason;
//! the rest of the report completes.

pub mod build;
pub mod files;
pub mod html;
pub mod sections;
pub mod svg;

use std::path::PathBuf;
use std::time::Instant;

use clap::Args;
use custalyze_analysis::{Analysis, AnalysisOptions, ProductTables, Stage};
use custalyze_rfm::FrequencyRule;
use custalyze_transaction_types::TransactionLog;
use custalyze_transaction_types::load::LoadReport;

use crate::CliError;
use crate::input::InputArgs;
use crate::progress;
use crate::tables::TableArgs;

/// Arguments of `custalyze report`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze report --out report                              # on the embedded sample
  custalyze report --input retail.csv --schema online-retail --as-of 2011-12-01 --out report
  custalyze report --input CDNOW_master.txt --schema cdnow --out cdnow-report
  custalyze report --input sales.csv --items items.csv --stock stock.csv --out report

Writes DIR/index.html (one self-contained page: inline SVG charts, no script, no network),
DIR/customers.csv, DIR/products.csv, DIR/rules.csv, DIR/forecast.csv, DIR/cohorts.csv,
DIR/segment_best_sellers.csv, DIR/customer_products.csv and DIR/report.json (headline figures).
Only transactions dated before --as-of count (default: the day after the last transaction).
An analysis that fails (e.g. too few repeat buyers for Gamma-Gamma) is shown in its section with
the reason; the rest of the report still completes. `custalyze customer ID --report DIR` prints
one customer's card from these files. --items (item_id,category,unit_cost) pools price
elasticities by category and makes the price objective the margin; --stock
(product,on_hand,on_order,unit_cost) adds what to order now to the stock section; the embedded
sample brings its own (custalyze generate writes both beside the log).")]
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
    /// What the RFM frequency counts: orders (as every other table of the report) or rows.
    #[arg(long, value_name = "RULE", default_value = "orders", value_parser = ["orders", "rows"])]
    rfm_frequency: String,
    /// Currency code shown with every money figure (e.g. USD); none by default.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    #[command(flatten)]
    tables: TableArgs,
    /// Output directory (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

pub use crate::input::parse_date;

/// The options these arguments describe.
pub fn options(
    as_of: Option<&str>,
    months: u32,
    discount_rate: f64,
    rfm_frequency: &str,
    currency: Option<&str>,
) -> Result<AnalysisOptions, CliError> {
    let options = AnalysisOptions::new()
        .as_of(as_of.map(|s| parse_date("--as-of", s)).transpose()?)
        .months(months)
        .discount_rate(discount_rate)
        .rfm_frequency(if rfm_frequency == "rows" {
            FrequencyRule::Rows
        } else {
            FrequencyRule::Orders
        })
        .currency(currency.map(|c| c.trim().to_uppercase()));
    options.check().map_err(|e| {
        CliError(match e {
            custalyze_analysis::Error::InvalidParameter(
                custalyze_transaction_types::InvalidParameter { name, .. },
            ) => {
                format!("--{}: {e}", name.replace('_', "-"))
            }
            other => other.to_string(),
        })
    })?;
    Ok(options)
}

/// A loaded input analysed: the load report, the analysed log and the analysis.
pub struct Report {
    /// The load report.
    pub load: LoadReport,
    /// The log as loaded (every row, also those after the analysis date).
    pub log: TransactionLog,
    /// The analysis.
    pub analysis: Analysis,
}

/// Loads the input and runs every stage, with a progress bar.
pub fn analyse(
    input: &InputArgs,
    tables: &ProductTables,
    options: &AnalysisOptions,
) -> Result<Report, CliError> {
    let loaded = input.load()?;
    eprintln!("{}", loaded.report);
    let mut tables = std::borrow::Cow::Borrowed(tables);
    if tables.returned_rows.is_empty() && !loaded.report.returned_rows_by_customer.is_empty() {
        tables.to_mut().returned_rows = loaded.report.returned_rows_by_customer.clone();
    }
    let pb = progress::stages(Stage::ALL.len() as u64);
    let mut analysis = Analysis::run_with_tables(&loaded.log, options, &tables, &mut |stage| {
        let done = Stage::ALL.iter().position(|s| *s == stage);
        pb.set_position(done.unwrap_or(0) as u64);
        pb.set_message(stage.name());
    })
    .map_err(|e| CliError(e.to_string()))?;
    pb.finish_and_clear();
    let after = loaded.log.len() - analysis.window.transactions;
    analysis.set_rows_after_as_of(after);
    Ok(Report {
        load: loaded.report,
        log: loaded.log,
        analysis,
    })
}

/// Runs the command.
pub fn run(args: &ReportArgs) -> Result<(), CliError> {
    let start = Instant::now();
    let options = options(
        args.as_of.as_deref(),
        args.months,
        args.discount_rate,
        &args.rfm_frequency,
        args.currency.as_deref(),
    )?;
    let tables = args.tables.tables(&args.input)?;
    let r = analyse(&args.input, &tables, &options)?;
    let analysed = start.elapsed().as_secs_f64();
    let pb = progress::stage("writing files");
    let log = custalyze_analysis::analysed_rows(&r.log, r.analysis.window.as_of)
        .map_err(|e| CliError(e.to_string()))?;
    files::write_all(&r.analysis, &r.load, &log, &args.out)?;
    pb.finish_and_clear();
    for (stage, e) in r.analysis.failures() {
        eprintln!("note: {} failed: {e}", stage.name());
    }
    eprintln!(
        "report on {} customers written to {} in {:.1} s (analyses {:.1} s)",
        r.analysis.facts.len(),
        args.out.join("index.html").display(),
        start.elapsed().as_secs_f64(),
        analysed
    );
    Ok(())
}
