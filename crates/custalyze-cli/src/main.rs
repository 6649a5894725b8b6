//! `custalyze`: customer analytics on a retail transaction file.
//!
//! Exit codes: 0 on success, 2 on bad usage (clap), 1 with a one-line message on bad data or I/O.

mod abc;
mod cltv;
mod cohort;
mod forecast;
mod generate;
mod input;
mod progress;
mod rfm;
mod summary;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Customer analytics for retail transaction logs.
#[derive(Debug, Parser)]
#[command(name = "custalyze", version, about, long_about = None, after_help = "\
Examples:
  custalyze summary --freq W --output summary.csv          # on the embedded sample
  custalyze summary --input CDNOW_master.txt --schema cdnow --freq D --end 1998-06-30 --output s.csv
  custalyze generate --customers 5000 --seed 7 --output sample.csv")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Per-customer summaries (frequency, recency, T, monetary value) as lifetimes computes them,
    /// optionally with a calibration/holdout split.
    Summary(Box<summary::SummaryArgs>),
    /// Write a realistic synthetic retail log (online-retail schema) and its parameters.
    Generate(generate::GenerateArgs),
    /// Customer-lifetime-value models: fit BG/NBD, Pareto/NBD, MBG/NBD, Gamma-Gamma, BG/BB; predict.
    #[command(subcommand)]
    Cltv(cltv::CltvCommand),
    /// RFM scores and segments of every customer at a date.
    Rfm(Box<rfm::RfmArgs>),
    /// ABC (and XYZ) classes of products or customers.
    Abc(Box<abc::AbcArgs>),
    /// Acquisition cohorts: customers, retention or revenue per cohort and period.
    Cohort(Box<cohort::CohortArgs>),
    /// Time-series forecasts: ARIMA with exact likelihood, auto-ARIMA.
    #[command(subcommand)]
    Forecast(forecast::ForecastCommand),
}

/// An error for the user: printed as one line, exit code 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::error::Error> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Summary(args) => summary::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Cltv(cmd) => cltv::run(&cmd),
        Command::Rfm(args) => rfm::run(&args),
        Command::Abc(args) => abc::run(&args),
        Command::Cohort(args) => cohort::run(&args),
        Command::Forecast(cmd) => forecast::run(&cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}
