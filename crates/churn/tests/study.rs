//! End-to-end churn studies: on generated data (always) and on CDNOW (when ../shared is present),
//! the out-of-time forest must beat `1 - P(alive)` on ROC AUC and PR AUC. Also the bad-input
//! errors of the study and the frame.

use std::path::Path;

use chrono::NaiveDate;
use custalyze_churn::{
    ChurnFrame, ChurnOptions, Error, FEATURE_NAMES, Forest, RiskBand, run_study, score_at,
};
use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_transaction_types::TransactionLog;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path, load_reader};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate, Box<dyn std::error::Error>> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| "bad date".into())
}

fn generated(customers: usize, seed: u64) -> Result<TransactionLog, Box<dyn std::error::Error>> {
    let csv =
        generate(&GeneratorConfig::default().customers(customers).seed(seed))?.to_csv_string()?;
    Ok(load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )?
    .log)
}

#[test]
fn forest_beats_p_alive_on_generated_data() -> TestResult {
    let log = generated(1500, 11)?;
    let options = ChurnOptions::new(date(2023, 6, 30)?)
        .holdout_days(90)
        .forest(Forest::params().n_trees(30));
    let study = run_study(&log, &options)?;
    let e = &study.evaluation;
    println!(
        "generated: forest AUC {:.4} AP {:.4}; tree AUC {:.4}; P(alive) AUC {:.4} AP {:.4}",
        e.random_forest.roc_auc,
        e.random_forest.pr_auc,
        e.decision_tree.roc_auc,
        e.p_alive_baseline.roc_auc,
        e.p_alive_baseline.pr_auc
    );
    assert!(e.random_forest.roc_auc > e.p_alive_baseline.roc_auc);
    assert!(e.random_forest.pr_auc > e.p_alive_baseline.pr_auc);
    assert_eq!(e.train.snapshot, date(2023, 4, 1)?);
    assert_eq!(e.test.window_end, date(2023, 9, 28)?);
    // Scores: one per customer active at the calibration end, bands and revenue at risk agree.
    assert_eq!(study.scores.len(), e.test.customers);
    for s in &study.scores {
        assert!((0.0..=1.0).contains(&s.churn_probability));
        assert_eq!(s.risk_band, options.band(s.churn_probability));
        assert!((s.revenue_at_risk - s.clv * s.churn_probability).abs() < 1e-9);
    }
    assert!(study.scores.iter().any(|s| s.risk_band == RiskBand::High));
    // Importance sums to 1 over the named features.
    let total: f64 = e.feature_importance.iter().map(|f| f.1).sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert_eq!(e.feature_importance.len(), FEATURE_NAMES.len());
    // The first decile of the forest holds more churners than the average.
    assert!(e.random_forest.lift[0].lift > 1.0);
    // Scoring today (no labels after the last date).
    let last = log.last_date().ok_or("empty")?;
    let today = score_at(&log, &study.forest, last, &options)?;
    assert!(today.iter().all(|s| s.churned.is_none()));
    Ok(())
}

#[test]
fn labels_match_the_holdout_window() -> TestResult {
    let log = generated(300, 5)?;
    let snapshot = date(2023, 1, 31)?;
    let frame = ChurnFrame::build_labelled(&log, snapshot, 60)?;
    let labels = frame.labels.as_ref().ok_or("labels")?;
    let end = date(2023, 4, 1)?;
    for (i, id) in frame.customers.iter().enumerate() {
        let c = log.customer_index(id).ok_or("id")?;
        let bought = log.customer_rows(c).any(|r| {
            log.transaction(r)
                .is_some_and(|t| t.timestamp.date() > snapshot && t.timestamp.date() <= end)
        });
        assert_eq!(labels[i], !bought, "customer {id}");
        let p_alive = frame.features[(i, custalyze_churn::features::P_ALIVE_COLUMN)];
        assert!((0.0..=1.0).contains(&p_alive));
    }
    Ok(())
}

#[test]
fn bad_inputs_are_errors() -> TestResult {
    let log = generated(200, 3)?;
    // Window past the data.
    let late = run_study(
        &log,
        &ChurnOptions::new(date(2023, 12, 1)?).holdout_days(90),
    );
    assert!(matches!(late, Err(Error::HoldoutBeyondData { .. })));
    // Zero holdout.
    let zero = ChurnFrame::build(&log, date(2023, 1, 1)?, 0);
    assert!(matches!(
        zero,
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    // Nobody before the snapshot.
    let early = ChurnFrame::build(&log, date(2020, 1, 1)?, 30);
    assert!(matches!(early, Err(Error::NoCustomers { .. })));
    // Bands out of order.
    let mut options = ChurnOptions::new(date(2023, 6, 30)?);
    options.medium_band = 0.9;
    options.high_band = 0.5;
    assert!(matches!(
        run_study(&log, &options),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
    Ok(())
}

/// CDNOW, calibration end 1998-03-31, 91 days: trained on 1997-12-30 with labels to 1998-03-31,
/// evaluated on purchases 1998-04-01..1998-06-30. Fewer trees than the default keep the debug
/// test short; docs/churn.md reports the 100-tree figures.
#[test]
fn forest_beats_p_alive_on_cdnow() -> TestResult {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cdnow/CDNOW_master.txt");
    if !path.exists() {
        eprintln!("skipping: {} not found", path.display());
        return Ok(());
    }
    let log = load_path(&path, &LoadOptions::new(Schema::Cdnow))?.log;
    let options = ChurnOptions::new(date(1998, 3, 31)?)
        .holdout_days(91)
        .forest(Forest::params().n_trees(20));
    let e = run_study(&log, &options)?.evaluation;
    println!(
        "CDNOW: forest AUC {:.4} AP {:.4}; P(alive) AUC {:.4} AP {:.4}",
        e.random_forest.roc_auc,
        e.random_forest.pr_auc,
        e.p_alive_baseline.roc_auc,
        e.p_alive_baseline.pr_auc
    );
    assert_eq!(e.test.customers, 23_570);
    assert!(e.random_forest.roc_auc > e.p_alive_baseline.roc_auc);
    assert!(e.random_forest.pr_auc > e.p_alive_baseline.pr_auc);
    Ok(())
}
