//! One test per error variant and per validation rule, plus Send + Sync.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_anomaly::{
    AnomalyDetector, CustomerInputs, Error, IsolationForest, Matrix, OrderFeatures,
    average_precision, precision_at_k,
};
use custalyze_transaction_types::{Id, Transaction, TransactionLog};
use proptest::prelude::*;

fn log() -> TransactionLog {
    let at = |d: u32| {
        chrono::NaiveDate::from_ymd_opt(2024, 1, d)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .unwrap()
    };
    TransactionLog::from_transactions((1..=6).map(|i| {
        Transaction::new(
            Id::Int(i % 2),
            Id::Int(i),
            at(i as u32),
            None,
            1.0,
            10.0 * i as f64,
        )
        .unwrap()
    }))
    .unwrap()
}

#[test]
fn invalid_forest_settings() {
    assert!(
        matches!(IsolationForest::params().trees(0).check(), Err(Error::InvalidParameter(p)) if p.name == "trees")
    );
    assert!(
        matches!(IsolationForest::params().sample_size(1).check(), Err(Error::InvalidParameter(p)) if p.name == "sample_size")
    );
}

#[test]
fn invalid_detector_settings() {
    let name = |r: Result<_, Error>| match r {
        Err(Error::InvalidParameter(p)) => p.name,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        name(AnomalyDetector::params().rule_z(f64::NAN).check()),
        "rule_z"
    );
    assert_eq!(
        name(AnomalyDetector::params().medium_score(0.0).check()),
        "medium_score"
    );
    assert_eq!(
        name(AnomalyDetector::params().high_score(0.5).check()),
        "high_score"
    );
    assert_eq!(
        name(AnomalyDetector::params().high_score(1.0).check()),
        "high_score"
    );
    assert_eq!(name(AnomalyDetector::params().trees(0).check()), "trees");
}

#[test]
fn shape_errors() {
    assert!(matches!(
        Matrix::new(vec![1.0; 5], 2),
        Err(Error::Shape { .. })
    ));
    assert!(matches!(
        Matrix::new(vec![1.0; 4], 0),
        Err(Error::Shape { .. })
    ));
    let x = Matrix::new(vec![0.0, 1.0, 2.0, 3.0], 2).unwrap();
    let f = IsolationForest::params().fit(&x).unwrap();
    assert!(matches!(f.score(&[1.0]), Err(Error::Shape { .. })));
    let wide = Matrix::new(vec![0.0; 3], 3).unwrap();
    assert!(matches!(f.score_all(&wide), Err(Error::Shape { .. })));
}

#[test]
fn non_finite_values() {
    assert!(matches!(
        Matrix::new(vec![0.0, f64::NAN], 1),
        Err(Error::NonFinite {
            row: 1,
            column: 0,
            ..
        })
    ));
    let x = Matrix::new(vec![0.0, 1.0, 2.0], 1).unwrap();
    let f = IsolationForest::params().fit(&x).unwrap();
    assert!(matches!(
        f.score(&[f64::INFINITY]),
        Err(Error::NonFinite { .. })
    ));
    assert!(matches!(
        average_precision(&[f64::NAN], &[true]),
        Err(Error::NonFinite { .. })
    ));
}

#[test]
fn too_few_rows_to_fit() {
    let x = Matrix::new(vec![1.0], 1).unwrap();
    assert!(matches!(
        IsolationForest::params().fit(&x),
        Err(Error::Empty { .. })
    ));
}

#[test]
fn expected_spend_of_the_wrong_length() {
    let spend = [1.0];
    let inputs = CustomerInputs {
        expected_spend: Some(&spend),
        ..CustomerInputs::default()
    };
    assert!(matches!(
        OrderFeatures::from_log(&log(), &inputs),
        Err(Error::CustomerLength {
            got: 1,
            customers: 2,
            ..
        })
    ));
}

#[test]
fn features_of_another_shape_are_refused() {
    let log = log();
    let plain = OrderFeatures::from_log(&log, &CustomerInputs::default()).unwrap();
    let spend = [10.0, 20.0];
    let with_spend = OrderFeatures::from_log(
        &log,
        &CustomerInputs {
            expected_spend: Some(&spend),
            ..CustomerInputs::default()
        },
    )
    .unwrap();
    let detector = AnomalyDetector::params().fit(&plain).unwrap();
    assert!(matches!(
        detector.score(&log, &with_spend),
        Err(Error::Shape { .. })
    ));
    assert!(detector.score(&log, &plain).is_ok());
}

#[test]
fn labels_of_another_length() {
    assert!(matches!(
        precision_at_k(&[0.1, 0.2], &[true], 1),
        Err(Error::LengthMismatch {
            scores: 2,
            labels: 1
        })
    ));
}

#[test]
fn types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Error>();
    check::<custalyze_anomaly::FittedAnomalyDetector>();
    check::<custalyze_anomaly::RiskScores>();
    check::<custalyze_anomaly::FittedIsolationForest>();
}

/// Average precision by its definition: the mean, over positives, of the precision among the
/// rows scoring at least as high as that positive.
fn naive_ap(scores: &[f64], labels: &[bool]) -> f64 {
    let positives: Vec<usize> = (0..scores.len()).filter(|&i| labels[i]).collect();
    if positives.is_empty() {
        return 0.0;
    }
    positives
        .iter()
        .map(|&i| {
            let above: Vec<usize> = (0..scores.len())
                .filter(|&j| scores[j] >= scores[i])
                .collect();
            above.iter().filter(|&&j| labels[j]).count() as f64 / above.len() as f64
        })
        .sum::<f64>()
        / positives.len() as f64
}

proptest! {
    #[test]
    fn average_precision_equals_its_definition(
        rows in prop::collection::vec((0u8..6, any::<bool>()), 1..40)
    ) {
        let scores: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
        let labels: Vec<bool> = rows.iter().map(|r| r.1).collect();
        let ap = average_precision(&scores, &labels).unwrap();
        prop_assert!((ap - naive_ap(&scores, &labels)).abs() < 1e-12);
    }

    #[test]
    fn scores_lie_in_the_unit_interval(values in prop::collection::vec(-1e3f64..1e3, 4..200)) {
        let x = Matrix::new(values, 2).unwrap_or_else(|_| Matrix::new(vec![0.0; 4], 2).unwrap());
        let f = IsolationForest::params().trees(20).fit(&x).unwrap();
        for s in f.score_all(&x).unwrap() {
            prop_assert!(s > 0.0 && s <= 1.0);
        }
    }
}
