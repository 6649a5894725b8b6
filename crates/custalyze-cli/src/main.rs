//! `custalyze`: customer analytics on a retail transaction file.
//!
//! Exit codes: 0 on success, 2 on bad usage (clap), 1 with a one-line message on bad data or I/O.

mod abc;
mod anomalies;
mod attribution;
mod churn;
mod cltv;
mod cltv_covariates;
mod cltv_dynamic;
mod cltv_plot;
mod cohort;
mod customer;
mod forecast;
mod forecast_ml;
mod generate;
mod input;
mod inventory;
mod output;
mod pricing;
mod progress;
mod recommend;
mod report;
mod rfm;
mod rules;
mod segment;
mod serve;
mod summary;
mod tables;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Customer analytics for retail transaction logs.
#[derive(Debug, Parser)]
#[command(name = "custalyze", version, about, long_about = None, after_help = "\
Examples:
  custalyze report --out report                            # the whole analysis, embedded sample
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
    /// Frequent itemsets (FP-Growth) and association rules of baskets.
    Rules(Box<rules::RulesArgs>),
    /// The whole analysis of a transaction log as a self-contained HTML report and CSV/JSON files.
    Report(Box<report::ReportArgs>),
    /// One customer's card: CLV, P(alive), segment and recommended products.
    Customer(Box<customer::CustomerArgs>),
    /// Churn probabilities, risk bands and revenue at risk, with an out-of-time evaluation.
    Churn(Box<churn::ChurnArgs>),
    /// Top-k product recommendations for one customer.
    Recommend(Box<recommend::RecommendArgs>),
    /// Price elasticity, recommended prices and promotion effects per product.
    Pricing(Box<pricing::PricingArgs>),
    /// Order risk scores (isolation forest and robust rules), bands and reasons: the alerts.
    Anomalies(Box<anomalies::AnomaliesArgs>),
    /// Marketing attribution: channels credited by heuristic, Markov and Shapley models; ROI,
    /// funnel and budget reallocation.
    Attribution(Box<attribution::AttributionArgs>),
    /// The customer app and the scoring API over HTTP (127.0.0.1:8080 by default).
    Serve(Box<serve::ServeArgs>),
    /// Safety stock, reorder points, order quantities and what to order now, per product.
    Inventory(Box<inventory::InventoryArgs>),
    /// Customer segmentation: K-Means, hierarchical clustering, segments from a transaction log.
    #[command(subcommand)]
    Segment(segment::SegmentCommand),
    /// Time-series forecasts: ARIMA with exact likelihood, auto-ARIMA, LSTM / linear strategies,
    /// model comparison.
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
        Command::Anomalies(args) => anomalies::run(&args),
        Command::Attribution(args) => attribution::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Cohort(args) => cohort::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Customer(args) => customer::run(&args),
        Command::Churn(args) => churn::run(&args),
        Command::Recommend(args) => recommend::run(&args),
        Command::Pricing(args) => pricing::run(&args),
        Command::Inventory(args) => inventory::run(&args),
        Command::Segment(cmd) => segment::run(&cmd),
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
