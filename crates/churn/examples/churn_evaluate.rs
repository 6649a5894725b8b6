//! Out-of-time churn evaluation on generated data and on CDNOW, printed as JSON.
//!
//! ```text
//! cargo run --release -p custalyze-churn --example churn_evaluate
//! ```
//! Generated: 4000 customers, seed 11, 2022-01..2023-12, calibration end 2023-06-30, 90 days.
//! CDNOW (when ../shared/data/cdnow is present): calibration end 1998-03-31, 91 days (train on
//! 1997-12-30 with labels to 1998-03-31, evaluate on labels 1998-04-01..1998-06-30).

use std::path::Path;

use custalyze_churn::metrics::{average_precision, roc_auc};
use custalyze_churn::{ChurnFrame, ChurnOptions, run_study};
use custalyze_transaction_types::TransactionLog;

/// A second, stronger BG/NBD baseline: minus the expected purchases in the window.
fn expected_purchases_baseline(
    log: &TransactionLog,
    end: chrono::NaiveDate,
    days: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    let f = ChurnFrame::build_labelled(log, end, days)?;
    let y = f.labels.clone().ok_or("labels")?;
    let s: Vec<f64> = f.features.column(11).iter().map(|v| -v).collect();
    eprintln!(
        "baseline -expected_purchases: ROC AUC {:.4}, PR AUC {:.4}",
        roc_auc(&s, &y)?,
        average_precision(&s, &y)?
    );
    Ok(())
}
use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path, load_reader};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let csv = generate(&GeneratorConfig::default().customers(4000).seed(11))?.to_csv_string()?;
    let log = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )?
    .log;
    let end = chrono::NaiveDate::from_ymd_opt(2023, 6, 30).ok_or("date")?;
    let t = std::time::Instant::now();
    let study = run_study(&log, &ChurnOptions::new(end).holdout_days(90))?;
    eprintln!("generated: {:.2} s", t.elapsed().as_secs_f64());
    println!("{}", serde_json::to_string_pretty(&study.evaluation)?);
    expected_purchases_baseline(&log, end, 90)?;

    let cdnow =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cdnow/CDNOW_master.txt");
    if cdnow.exists() {
        let log = load_path(&cdnow, &LoadOptions::new(Schema::Cdnow))?.log;
        let end = chrono::NaiveDate::from_ymd_opt(1998, 3, 31).ok_or("date")?;
        let t = std::time::Instant::now();
        let study = run_study(&log, &ChurnOptions::new(end).holdout_days(91))?;
        eprintln!("cdnow: {:.2} s", t.elapsed().as_secs_f64());
        println!("{}", serde_json::to_string_pretty(&study.evaluation)?);
        expected_purchases_baseline(&log, end, 91)?;
    }
    Ok(())
}
