//! `custalyze anomalies`: order risk scores, bands and reasons.

use std::path::PathBuf;

use clap::Args;
use custalyze_analysis::anomalies::score_orders;
use custalyze_analysis::clv::{PurchaseModelKind, fit_clv, weekly_summaries};
use custalyze_anomaly::{RiskBand, write_alerts};
use custalyze_cltv_core::clv::ClvOptions;

use crate::CliError;
use crate::input::InputArgs;
use crate::output::writer;

/// Arguments of `custalyze anomalies`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze anomalies --output alerts.csv                    # flagged orders of the embedded sample
  custalyze anomalies --input tx.csv --schema online-retail --top 50 --output top50.csv
  custalyze anomalies --all --customers customers.csv --output orders.csv

Columns written: order_id,customer_id,date,value,score,band,reasons, highest score first. By
default the medium and high orders (the alerts); --top N the N highest whatever their band; --all
every order. Score: isolation-forest score in (0, 1] (0.5 is an ordinary order; near 1 isolated at
once). Bands: high when the score is >= 0.62, or >= 0.56 with two features beyond a robust
z-score of 3.5; medium when the score is >= 0.56; low otherwise.
Reasons: the features beyond 3.5, largest robust z first (order_value, value_vs_own_history,
basket_size, hour_rarity, orders_within_hour, orders_within_day, large_first_order, return_ratio,
spend_vs_expected, week_spend_vs_expected). The return ratio uses the rows the load excluded as
returns or cancellations; spend_vs_expected the customer's Gamma-Gamma expected order value and
week_spend_vs_expected the spend of the seven days to the order against BG/NBD expected purchases
per week times that value (weekly summaries to the last date). The totals
(orders per band, share of revenue flagged) are printed on stderr.")]
pub struct AnomaliesArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Write the N highest-scoring orders, whatever their band.
    #[arg(long, value_name = "N", conflicts_with = "all")]
    top: Option<usize>,
    /// Write every order.
    #[arg(long)]
    all: bool,
    /// Also write one row per flagged customer: customer_id,score,band,orders,flagged_orders,flagged_value,reasons.
    #[arg(long, value_name = "FILE")]
    customers: Option<PathBuf>,
    /// Seed of the isolation forest.
    #[arg(long, value_name = "S", default_value_t = 0)]
    seed: u64,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// Runs the command.
pub fn run(args: &AnomaliesArgs) -> Result<(), CliError> {
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let log = &loaded.log;
    let end = log
        .last_date()
        .ok_or_else(|| CliError("the log is empty".into()))?;
    // The customer's expected order value and weekly spend, when BG/NBD and Gamma-Gamma can be
    // fitted (else those features are left out, and said so).
    let clv = weekly_summaries(log, end)
        .ok()
        .and_then(|s| fit_clv(&s, 52.0, &ClvOptions::default(), PurchaseModelKind::BgNbd).ok());
    let spend: Option<Vec<f64>> = clv
        .as_ref()
        .and_then(|c| c.customers.iter().map(|v| v.expected_spend).collect());
    let weekly: Option<Vec<f64>> = clv.as_ref().and_then(|c| {
        c.customers
            .iter()
            .map(|v| v.expected_revenue.map(|r| r / c.horizon_weeks))
            .collect()
    });
    if spend.is_none() {
        eprintln!(
            "note: BG/NBD and Gamma-Gamma could not be fitted; spend_vs_expected and week_spend_vs_expected are left out"
        );
    }
    let scores = score_orders(
        log,
        spend.as_deref(),
        weekly.as_deref(),
        &loaded.report.returned_rows_by_customer,
        args.seed,
    )
    .map_err(|e| CliError(e.to_string()))?;
    let ranked = scores.top_orders(scores.orders.len());
    let chosen: Vec<_> = match (args.top, args.all) {
        (Some(k), _) => ranked.into_iter().take(k).collect(),
        (None, true) => ranked,
        (None, false) => ranked
            .into_iter()
            .filter(|o| o.band != RiskBand::Low)
            .collect(),
    };
    write_alerts(chosen, writer(&args.output)?).map_err(|e| CliError(e.to_string()))?;
    if let Some(path) = &args.customers {
        let mut c = csv::Writer::from_writer(writer(path)?);
        c.write_record([
            "customer_id",
            "score",
            "band",
            "orders",
            "flagged_orders",
            "flagged_value",
            "reasons",
        ])?;
        let mut flagged: Vec<_> = scores
            .customers
            .iter()
            .filter(|c| c.flagged_orders > 0)
            .collect();
        flagged.sort_by(|a, b| b.score.total_cmp(&a.score));
        for r in flagged {
            c.write_record([
                r.customer_id.to_string(),
                format!("{:.4}", r.score),
                r.band.name().to_string(),
                r.orders.to_string(),
                r.flagged_orders.to_string(),
                format!("{:.2}", r.flagged_value),
                r.reasons
                    .iter()
                    .map(|f| f.name())
                    .collect::<Vec<_>>()
                    .join("; "),
            ])?;
        }
        c.flush()?;
    }
    let s = &scores.summary;
    eprintln!(
        "{} orders scored on {} features: {} high, {} medium ({} customers); {:.2}% of revenue flagged ({:.2} of {:.2})",
        s.orders,
        scores.features.len(),
        s.high,
        s.medium,
        s.flagged_customers,
        100.0 * s.flagged_revenue_share,
        s.flagged_revenue,
        s.revenue
    );
    Ok(())
}
