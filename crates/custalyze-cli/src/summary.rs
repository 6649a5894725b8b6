//! `custalyze summary`.

use crate::output::writer;
use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::Args;
use custalyze_cltv_core::TimeUnit;
use custalyze_transaction_types::summary::{
    CalibrationHoldout, SummaryAccumulator, SummaryOptions, summarize,
};
use custalyze_transaction_types::{CustomerTable, CustomerTableColumns, Period, PeriodUnit};

use crate::CliError;
use crate::input::InputArgs;

/// Arguments of `custalyze summary`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze summary --freq W --output summary.csv
  custalyze summary --input CDNOW_master.txt --schema cdnow --freq D --end 1998-06-30 --output summary.csv
  custalyze summary --input retail.csv --schema online-retail --freq D --freq-multiplier 7 \\
      --calibration-end 2011-06-30 --end 2011-12-09 --output cal_holdout.csv
  custalyze summary --input log.csv --schema generic --customer-col cust --date-col day --amount-col spend --output s.csv
  custalyze summary --input flo_data_20k.csv --schema customers --customer-col master_id \
      --cap-outliers 0.01,0.99 --freq D --freq-multiplier 7 --output flo_weekly.csv

A generic file needs only customer and date columns (without amount or price every amount is 0).
--schema customers reads one row per customer (FLO-style: first/last order dates, order counts
and values, summed over the --orders-cols and --value-cols): frequency = orders - 1, recency =
last - first order, T = --end (default: the latest last order) - first order, monetary_value =
value / orders for repeat buyers.

Columns written: customer_id,frequency,recency,T,monetary_value; with --calibration-end:
customer_id,frequency_cal,recency_cal,T_cal,monetary_value_cal,frequency_holdout,monetary_value_holdout,duration_holdout.
The load report (rows read, loaded, excluded by reason) is printed on stderr.")]
pub struct SummaryArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Period: H (hours), D, W (Monday-Sunday weeks) or M, optionally with a multiplier such as 7D.
    #[arg(long, value_name = "FREQ", default_value = "D")]
    freq: String,
    /// Divide elapsed times by this (lifetimes' freq_multiplier): --freq D --freq-multiplier 7 gives weeks.
    #[arg(long, value_name = "N")]
    freq_multiplier: Option<u32>,
    /// Observation end, YYYY-MM-DD (inclusive; default: the last transaction date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    end: Option<String>,
    /// Calibration end, YYYY-MM-DD: write the calibration/holdout split instead.
    #[arg(long, value_name = "YYYY-MM-DD")]
    calibration_end: Option<String>,
    /// Count the first purchase in frequency and monetary value.
    #[arg(long)]
    include_first_transaction: bool,
    /// Summarise while reading, without holding the log in memory (plain summaries only).
    #[arg(long)]
    streaming: bool,
    /// Output CSV ("-" for standard output). A file gets a sidecar OUT.csv.meta.json recording
    /// the period and its time unit (read by `cltv fit` and `cltv predict`).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
    /// Also write the load report as JSON.
    #[arg(long, value_name = "FILE")]
    report_json: Option<PathBuf>,
    /// --schema customers: the first order date column.
    #[arg(long, value_name = "COL", default_value = "first_order_date")]
    first_order_col: String,
    /// --schema customers: the last order date column.
    #[arg(long, value_name = "COL", default_value = "last_order_date")]
    last_order_col: String,
    /// --schema customers: order count columns, summed (comma-separated).
    #[arg(
        long,
        value_name = "COLS",
        value_delimiter = ',',
        default_value = "order_num_total_ever_online,order_num_total_ever_offline"
    )]
    orders_cols: Vec<String>,
    /// --schema customers: value columns, summed (comma-separated).
    #[arg(
        long,
        value_name = "COLS",
        value_delimiter = ',',
        default_value = "customer_value_total_ever_online,customer_value_total_ever_offline"
    )]
    value_cols: Vec<String>,
    /// --schema customers: cap every order and value column at the outlier thresholds of these
    /// quantiles (q1 - 1.5 IQR, q3 + 1.5 IQR, rounded), e.g. 0.01,0.99 as the FLO notebooks.
    #[arg(long, value_name = "LOW,HIGH", value_delimiter = ',', num_args = 2)]
    cap_outliers: Option<Vec<f64>>,
}

/// `--schema customers`: one row per customer (first and last order dates, order counts and
/// values), summarised as a log would be.
fn run_customer_table(args: &SummaryArgs, period: Period) -> Result<(), CliError> {
    if args.calibration_end.is_some() || args.streaming || args.include_first_transaction {
        return Err(CliError(
            "--schema customers takes no --calibration-end, --streaming or --include-first-transaction: a customer table has no transactions to split".into(),
        ));
    }
    let path = args
        .input
        .input
        .as_ref()
        .ok_or_else(|| CliError("--schema customers needs --input".into()))?;
    let file =
        File::open(path).map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let columns = CustomerTableColumns {
        customer: args.input.customer_col.clone(),
        first_order: args.first_order_col.clone(),
        last_order: args.last_order_col.clone(),
        orders: args.orders_cols.clone(),
        values: args.value_cols.clone(),
    };
    let delimiter = u8::try_from(args.input.delimiter)
        .map_err(|_| CliError("the delimiter must be a single-byte character".into()))?;
    let (mut table, report) = CustomerTable::read(
        std::io::BufReader::new(file),
        &path.display().to_string(),
        &columns,
        delimiter,
    )?;
    if let Some(q) = &args.cap_outliers {
        let changed = table.cap_outliers(q[0], q[1])?;
        eprintln!(
            "capped {changed} order or value entries at the {}/{} outlier thresholds",
            q[0], q[1]
        );
    }
    let end = args
        .end
        .as_deref()
        .map(|s| crate::input::parse_date("--end", s))
        .transpose()?;
    let summary = table.summarize(period, end)?;
    summary.write_csv(writer(&args.output)?)?;
    write_meta(&args.output, period, Some(summary.observation_end), None)?;
    eprintln!("{report}");
    Ok(())
}

fn period(args: &SummaryArgs) -> Result<Period, CliError> {
    let p: Period = args.freq.parse()?;
    match args.freq_multiplier {
        None => Ok(p),
        Some(m) if p.multiplier() == 1 => Ok(Period::new(p.unit(), m)?),
        Some(_) => Err(CliError(format!(
            "--freq {} already has a multiplier; drop --freq-multiplier",
            args.freq
        ))),
    }
}

/// The sidecar of a summary CSV: `OUT.csv.meta.json`.
pub fn meta_path(csv: &std::path::Path) -> PathBuf {
    let mut name = csv.as_os_str().to_owned();
    name.push(".meta.json");
    PathBuf::from(name)
}

/// The time unit a summary's sidecar records (`None` without a sidecar or without a unit).
///
/// # Errors
/// When the sidecar exists but is not readable JSON.
pub fn summary_unit(csv: &std::path::Path) -> Result<Option<TimeUnit>, CliError> {
    let path = meta_path(csv);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| CliError(format!("{} is not JSON: {e}", path.display())))?;
    Ok(v.get("time_unit")
        .and_then(|u| u.as_str())
        .and_then(crate::cltv::parse_unit))
}

/// Writes the sidecar of a summary file (nothing for standard output).
fn write_meta(
    output: &std::path::Path,
    period: Period,
    end: Option<NaiveDate>,
    calibration_end: Option<&str>,
) -> Result<(), CliError> {
    if output.as_os_str() == "-" {
        return Ok(());
    }
    let unit = TimeUnit::try_from(period).ok();
    let meta = serde_json::json!({
        "written_by": format!("custalyze {} summary", env!("CARGO_PKG_VERSION")),
        "period": period.to_string(),
        "time_unit": unit.map(crate::cltv::unit_name),
        "observation_end": end.map(|d| d.to_string()),
        "calibration_end": calibration_end,
        "note": "recency, T (and duration_holdout) are in time_unit; null: a period with no BTYD unit (e.g. 14D)",
    });
    let path = meta_path(output);
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    serde_json::to_writer_pretty(BufWriter::new(f), &meta)?;
    Ok(())
}

/// Runs the command.
pub fn run(args: &SummaryArgs) -> Result<(), CliError> {
    let period = period(args)?;
    if args.input.schema.as_deref() == Some("customers") {
        return run_customer_table(args, period);
    }
    let end = args
        .end
        .as_deref()
        .map(|s| crate::input::parse_date("--end", s))
        .transpose()?;
    let out = writer(&args.output)?;
    let report = if args.streaming {
        if args.calibration_end.is_some() {
            return Err(CliError(
                "--streaming cannot be combined with --calibration-end".into(),
            ));
        }
        let end =
            end.ok_or_else(|| CliError("--streaming needs --end (the observation end)".into()))?;
        let mut acc = SummaryAccumulator::new(period, end)
            .include_first_transaction(args.include_first_transaction);
        let report = args.input.stream_into(&mut acc)?;
        let after = acc.rows_after_end();
        if after > 0 {
            eprintln!("note: {after} rows after the observation end {end} were not summarised");
        }
        acc.finish()?.write_csv(out)?;
        report
    } else {
        let loaded = args.input.load()?;
        let log = &loaded.log;
        if let Some(cal) = &args.calibration_end {
            let cal = crate::input::parse_date("--calibration-end", cal)?;
            let end = match end.or_else(|| log.last_date()) {
                Some(e) => e,
                None => return Err(CliError("the log is empty".into())),
            };
            let split = CalibrationHoldout::split(log, period, cal, end)?;
            if args.include_first_transaction {
                eprintln!(
                    "note: --include-first-transaction is not used by the calibration/holdout split"
                );
            }
            split.write_csv(out)?;
        } else {
            let mut opts = SummaryOptions::new(period)
                .include_first_transaction(args.include_first_transaction);
            if let Some(e) = end {
                opts = opts.observation_end(e);
            }
            let table = summarize(log, &opts)?;
            if let Some(after) = end
                .and_then(|e| e.succ_opt())
                .map(|d| crate::input::rows_on_or_after(log, d))
                .filter(|n| *n > 0)
            {
                eprintln!("note: {after} rows after the observation end were not summarised");
            }
            table.write_csv(out)?;
        }
        loaded.report
    };
    write_meta(&args.output, period, end, args.calibration_end.as_deref())?;
    eprintln!("{report}");
    if period.unit() == PeriodUnit::Month {
        eprintln!("note: with --freq M, recency and T count calendar months");
    }
    if let Some(path) = &args.report_json {
        let f = File::create(path)
            .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
        serde_json::to_writer_pretty(BufWriter::new(f), &report)?;
    }
    Ok(())
}
