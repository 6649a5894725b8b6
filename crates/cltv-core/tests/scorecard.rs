//! The scorecard on the CDNOW calibration/holdout split (39 + 39 weeks, Fader, Hardie & Lee 2005):
//! BG/NBD, MBG/NBD and Pareto/NBD fitted on the calibration weeks, scored on the holdout weeks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::scorecard::{Candidate, HoldoutData, SelectionRule, scorecard};
use custalyze_cltv_core::{BgNbd, MbgNbd, ParetoNbd, RfmData, compare_holdout};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};
use custalyze_transaction_types::{CalibrationHoldout, Period, PeriodUnit};

#[test]
fn cdnow_scorecard() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../transaction-types/tests/fixtures/CDNOW_sample.txt");
    let log = load_path(data, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    let split = CalibrationHoldout::split(
        &log,
        Period::new(PeriodUnit::Day, 7).unwrap(),
        d(1997, 9, 30),
        d(1998, 6, 30),
    )
    .unwrap();
    let cal = RfmData::from_summary(&split.calibration()).unwrap();
    let bg = BgNbd::params().fit(&cal).unwrap();
    let mbg = MbgNbd::params().fit(&cal).unwrap();
    let pareto = ParetoNbd::params().fit(&cal).unwrap();
    let holdout = HoldoutData::from_split(&split).unwrap();
    let card = scorecard(
        &[
            Candidate {
                name: "BG/NBD",
                model: &bg,
                report: &bg.report,
            },
            Candidate {
                name: "MBG/NBD",
                model: &mbg,
                report: &mbg.report,
            },
            Candidate {
                name: "Pareto/NBD",
                model: &pareto,
                report: &pareto.report,
            },
        ],
        &holdout,
        &[],
    )
    .unwrap();
    for r in &card.rows {
        println!(
            "{:<11} LL {:>10.2} BIC {:>9.2} MAE {:.4} RMSE {:.4} total {:.1}/{:.0} ({:+.1}%) AUC {:.4}",
            r.model,
            r.log_likelihood,
            r.bic,
            r.mae,
            r.rmse,
            r.total_predicted,
            r.total_actual,
            100.0 * r.total_error,
            r.auc
        );
    }
    assert_eq!(card.customers, 2357);
    // The BG/NBD total equals the holdout comparison's (and lifetimes' 1653.41, tests/holdout.rs).
    let cmp = compare_holdout(&bg.params, &split, 7).unwrap();
    assert!((card.rows[0].total_predicted - cmp.total_predicted).abs() < 1e-9);
    assert_eq!(card.rows[0].total_actual, 1882.0);
    // AUC by brute force over all (buyer, non-buyer) pairs.
    let prob: Vec<f64> = holdout
        .customers
        .iter()
        .zip(&holdout.duration)
        .map(|(c, t)| bg.params.probability_of_a_purchase(*t, c).unwrap())
        .collect();
    let (mut wins, mut pairs) = (0.0, 0.0);
    for i in 0..prob.len() {
        for j in 0..prob.len() {
            if holdout.purchases[i] > 0.0 && holdout.purchases[j] == 0.0 {
                pairs += 1.0;
                wins += if prob[i] > prob[j] {
                    1.0
                } else if prob[i] == prob[j] {
                    0.5
                } else {
                    0.0
                };
            }
        }
    }
    assert!((card.rows[0].auc - wins / pairs).abs() < 1e-12);
    assert!(
        card.rows
            .iter()
            .all(|r| r.auc > 0.75 && r.total_error.abs() < 0.2)
    );
    let best = card.select(SelectionRule::Bic).unwrap();
    let min_bic = card
        .rows
        .iter()
        .map(|r| r.bic)
        .fold(f64::INFINITY, f64::min);
    assert_eq!(best.bic, min_bic);
    assert!(card.select(SelectionRule::HoldoutMae).is_some());
}
