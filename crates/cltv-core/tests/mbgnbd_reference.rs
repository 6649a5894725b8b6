//! MBG/NBD against the polished MLE and lifetimes' `ModifiedBetaGeoFitter` on CDNOW (fixtures:
//! `fixtures/SOURCES.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{fixture, rel};

use std::collections::HashMap;

use custalyze_cltv_core::Customer;
use custalyze_cltv_core::{MbgNbd, MbgNbdParameters, RfmData};
use serde_json::Value;

/// CDNOW rows and (x, t_x, T) by customer ID.
fn cdnow() -> (RfmData, HashMap<u64, (f64, f64, f64)>) {
    let text = fixture("cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut tx, mut t) = (vec![], vec![], vec![]);
    let mut by_id = HashMap::new();
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        x.push(v[1]);
        tx.push(v[2]);
        t.push(v[3]);
        by_id.insert(v[0] as u64, (v[1], v[2], v[3]));
    }
    (RfmData::new(&x, &tx, &t, None).unwrap(), by_id)
}

#[test]
fn fit_matches_polished_mle() {
    let reference: Value = serde_json::from_str(&fixture("mbgnbd_cdnow.json")).unwrap();
    let fitted = MbgNbd::params().fit(&cdnow().0).unwrap();
    let p = fitted.params;
    let mle = &reference["polished_mle"];
    for (name, got) in [("r", p.r), ("alpha", p.alpha), ("a", p.a), ("b", p.b)] {
        let want = mle[name].as_f64().unwrap();
        // 1e-4 relative against the polished MLE.
        assert!(rel(got, want) < 1e-4, "{name}: {got} vs {want}");
    }
    let ll = mle["log_likelihood"].as_f64().unwrap();
    assert!(
        (fitted.report.log_likelihood - ll).abs() < 1e-4,
        "{} vs {ll}",
        fitted.report.log_likelihood
    );
    assert_eq!(fitted.report.n_customers, 2357.0);
    let se = fitted.report.standard_errors.clone().unwrap();
    assert!(se.iter().all(|s| *s > 0.0 && s.is_finite()), "{se:?}");
}

#[test]
fn predictions_match_lifetimes_given_its_parameters() {
    let reference: Value = serde_json::from_str(&fixture("mbgnbd_cdnow.json")).unwrap();
    let lf = &reference["lifetimes_fit"];
    let g = |k: &str| lf[k].as_f64().unwrap();
    let p = MbgNbdParameters::new(g("r"), g("alpha"), g("a"), g("b")).unwrap();
    for (t, want) in reference["unconditional_expected_purchases"]
        .as_object()
        .unwrap()
    {
        let got = p.expected_purchases_new(t.parse().unwrap()).unwrap();
        // 1e-9 relative: the same formula, evaluated with a different 2F1.
        assert!(
            rel(got, want.as_f64().unwrap()) < 1e-9,
            "E[X({t})]: {got} vs {want}"
        );
    }
    let by_id = cdnow().1;
    for c in reference["customers"].as_array().unwrap() {
        let f = |k: &str| c[k].as_f64().unwrap();
        let (x, tx, t) = by_id[&c["id"].as_u64().unwrap()];
        assert!(
            rel(
                p.p_alive(&Customer { x, t_x: tx, t }).unwrap(),
                f("p_alive")
            ) < 1e-9,
            "p_alive id {}: {} vs {}",
            c["id"],
            p.p_alive(&Customer { x, t_x: tx, t }).unwrap(),
            f("p_alive")
        );
        for (h, key) in [
            (1.0, "expected_purchases_1w"),
            (10.0, "expected_purchases_10w"),
            (52.0, "expected_purchases_52w"),
        ] {
            let got = p
                .expected_purchases(h, &Customer { x, t_x: tx, t })
                .unwrap();
            assert!(
                rel(got, f(key)) < 1e-9,
                "{key} id {}: {got} vs {}",
                c["id"],
                f(key)
            );
        }
    }
}
