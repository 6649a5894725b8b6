//! `custalyze cohort`: acquisition cohort matrices.

use crate::output::writer;
use std::path::PathBuf;

use clap::Args;
use custalyze_cohort::{Cohorts, IndexBase, Metric};
use custalyze_transaction_types::Period;

use crate::CliError;

/// Arguments of `custalyze cohort`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze cohort --metric retention --output retention.csv
  custalyze cohort --input CDNOW_master.txt --schema cdnow --period M --metric customers --output active.csv
  custalyze cohort --input retail.csv --schema online-retail --period W --metric revenue --output revenue.csv
  custalyze cohort --input log.csv --schema generic --period M --metric retention --one-based --unobserved NA --output r.csv

One row per cohort (customers grouped by the period of their first purchase): the first column
`cohort` is YYYY-MM for months and the first day (YYYY-MM-DD) of the period for days and weeks
(weeks run Monday to Sunday). Then one column per period index since acquisition (0 = the
acquisition period; 1-based with --one-based). Cells a cohort cannot have reached by the end of the
data are written as 0 (like pandas' unstack(fill_value=0)) unless --unobserved says otherwise.
Metrics: customers (active customers), retention (active / cohort size), revenue,
revenue-per-active, revenue-per-customer (per acquired customer), cumulative-revenue-per-customer.
The load report and the size-weighted average retention curve are printed on stderr.")]
pub struct CohortArgs {
    #[command(flatten)]
    input: crate::input::InputArgs,
    /// Cohort period: D (days), W (Monday-Sunday weeks) or M (calendar months).
    #[arg(long, value_name = "M|W|D", default_value = "M")]
    period: String,
    /// Matrix to write: customers, retention, revenue, revenue-per-active, revenue-per-customer
    /// or cumulative-revenue-per-customer.
    #[arg(long, value_name = "METRIC", default_value = "retention")]
    metric: String,
    /// Last observed day, YYYY-MM-DD (inclusive; default: the last transaction date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    end: Option<String>,
    /// Number the period columns from 1 instead of 0.
    #[arg(long)]
    one_based: bool,
    /// Text written in cells a cohort has not reached yet (default: 0, as the pandas reference).
    #[arg(long, value_name = "TEXT")]
    unobserved: Option<String>,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// Runs the command.
pub fn run(args: &CohortArgs) -> Result<(), CliError> {
    let period: Period = args.period.parse()?;
    let metric: Metric = args.metric.parse()?;
    let mut options = Cohorts::params(period);
    let mut end_date = None;
    if args.one_based {
        options = options.index_base(IndexBase::One);
    }
    if let Some(end) = &args.end {
        let end = crate::input::parse_date("--end", end)?;
        options = options.observation_end(end);
        end_date = Some(end);
    }
    // Settings are checked before the log is read.
    let options = options.check()?;

    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    if let Some(after) = end_date
        .and_then(|e| e.succ_opt())
        .map(|d| crate::input::rows_on_or_after(&loaded.log, d))
        .filter(|n| *n > 0)
    {
        eprintln!("note: {after} rows dated after --end were left out");
    }
    let table = options.fit(&loaded.log)?;

    let out = writer(&args.output)?;
    match &args.unobserved {
        Some(text) => table.write_csv_with(metric, text, out)?,
        None => table.write_csv(metric, out)?,
    }

    let curve = table.average_retention();
    let shown: Vec<String> = curve
        .iter()
        .take(13)
        .map(|r| format!("{:.1}%", 100.0 * r))
        .collect();
    eprintln!(
        "{} cohorts, {} customers, {} periods observed up to {}",
        table.cohorts.len(),
        table.sizes().iter().sum::<u64>(),
        table.periods,
        table.observation_end
    );
    eprintln!(
        "average retention (weighted by cohort size){}: {}",
        if curve.len() > shown.len() {
            ", first 13 periods"
        } else {
            ""
        },
        shown.join(" ")
    );
    Ok(())
}
