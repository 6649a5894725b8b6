//! A summary on which the Pareto/NBD fit drifts to `s, β → ∞` (no spread in the dropout
//! rates): the fit ends with a typed error that says so and names the alternative, instead of
//! crawling (it took over a minute of 2F1 series before the series was bounded); BG/NBD fits the
//! same data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use custalyze_cltv_core::{BgNbd, Error, ParetoNbd, RfmData};

#[test]
fn degenerate_dropout_is_a_clear_error() {
    let text = common::fixture("degenerate_dropout_summary.csv");
    let (mut x, mut tx, mut t) = (vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.parse().unwrap_or(f64::NAN))
            .collect();
        x.push(f[1]);
        tx.push(f[2]);
        t.push(f[3]);
    }
    let data = RfmData::new(&x, &tx, &t, None).unwrap();
    match ParetoNbd::params().fit(&data) {
        Err(Error::NotConverged { reason, .. }) => {
            assert!(reason.contains("fit BG/NBD"), "{reason}");
        }
        other => panic!("expected NotConverged, got {other:?}"),
    }
    assert!(BgNbd::params().fit(&data).is_ok());
}
