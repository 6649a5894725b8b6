//! The same seed grows the same trees and forests, in one process and across processes (linfa
//! breaks ties between equally weighted classes by HashMap order; see `Forest::fit`).
#![allow(clippy::unwrap_used)]

use custalyze_churn::{ChurnFrame, Forest};
use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};

#[test]
fn refits_with_one_seed_predict_the_same() {
    let csv = generate(&GeneratorConfig::default().customers(400).seed(11))
        .unwrap()
        .to_csv_string()
        .unwrap();
    let log = load_reader(
        csv.as_bytes(),
        "sample",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap()
    .log;
    for (y, m, d) in [(2023, 7, 4), (2023, 4, 1), (2023, 9, 1)] {
        let snapshot = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let frame = ChurnFrame::build_labelled(&log, snapshot, 90).unwrap();
        let labels = frame.labels.clone().unwrap();
        for params in [Forest::decision_tree(), Forest::params().n_trees(30)] {
            let first = params
                .fit(frame.features.view(), &labels)
                .unwrap()
                .predict_proba(frame.features.view())
                .unwrap();
            for _ in 0..4 {
                let again = params
                    .fit(frame.features.view(), &labels)
                    .unwrap()
                    .predict_proba(frame.features.view())
                    .unwrap();
                assert_eq!(
                    first,
                    again,
                    "snapshot {snapshot}, {} trees",
                    params.trees()
                );
            }
        }
    }
}
