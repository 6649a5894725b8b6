//! `custalyze churn`: churn probabilities, risk bands and revenue at risk, with an out-of-time
//! evaluation printed as JSON.

use crate::output::writer;
use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use custalyze_churn::{ChurnOptions, Forest, run_study};

use crate::CliError;
use crate::input::InputArgs;

/// Arguments of `custalyze churn`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze churn --calibration-end 2023-06-30 --holdout-days 90 --output churn.csv   # embedded sample
  custalyze churn --input CDNOW_master.txt --schema cdnow --calibration-end 1998-03-31 \\
      --holdout-days 91 --output churn.csv

Design: a random forest is trained on the features at (calibration end - holdout days) with
labels from the window up to the calibration end, and evaluated on the features at the calibration
end with labels from the next holdout-days days (so the log must reach calibration end + holdout
days). A customer churned if she made no purchase in the window. The evaluation (ROC AUC, PR AUC,
precision/recall at 0.5, lift by decile, feature importance, the decision tree and the
1 - P(alive) baseline) is printed on stdout as JSON.
Columns written: customer_id,churn_probability,risk_band,revenue_at_risk (customers active at the
calibration end; revenue_at_risk = 12-month CLV x churn probability; bands high >= 0.7,
medium >= 0.4, low).")]
pub struct ChurnArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Calibration end, YYYY-MM-DD (inclusive): the evaluation snapshot.
    #[arg(long, value_name = "YYYY-MM-DD")]
    calibration_end: String,
    /// Length of the label windows in days.
    #[arg(long, value_name = "N", default_value_t = 90)]
    holdout_days: u32,
    /// Number of trees of the random forest.
    #[arg(long, value_name = "N", default_value_t = 100)]
    trees: usize,
    /// Seed of the forest.
    #[arg(long, value_name = "N", default_value_t = 42)]
    seed: u64,
    /// Output CSV ("-" for standard output; the JSON then goes to standard error).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// Runs the command.
pub fn run(args: &ChurnArgs) -> Result<(), CliError> {
    let end = crate::input::parse_date("--calibration-end", &args.calibration_end)?;
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let options = ChurnOptions::new(end)
        .holdout_days(args.holdout_days)
        .forest(Forest::params().n_trees(args.trees).seed(args.seed));
    let study = run_study(&loaded.log, &options)?;
    let to_stdout = args.output.as_os_str() == "-";
    let mut out = writer(&args.output)?;
    writeln!(
        out,
        "customer_id,churn_probability,risk_band,revenue_at_risk"
    )?;
    for s in &study.scores {
        writeln!(
            out,
            "{},{},{},{}",
            s.customer,
            s.churn_probability,
            s.risk_band.as_str(),
            s.revenue_at_risk
        )?;
    }
    out.flush()?;
    drop(out);
    let json = serde_json::to_string_pretty(&study.evaluation)?;
    if to_stdout {
        eprintln!("{json}");
    } else {
        println!("{json}");
    }
    Ok(())
}
