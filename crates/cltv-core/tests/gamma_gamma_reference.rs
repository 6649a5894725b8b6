//! Gamma-Gamma against the polished MLE, the published fit and lifetimes on CDNOW (fixtures:
//! `fixtures/SOURCES.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{fixture, rel};

use custalyze_cltv_core::{GammaGamma, GammaGammaParameters, SpendData};
use serde_json::Value;

/// All CDNOW customers: (x, zbar).
fn cdnow() -> (Vec<f64>, Vec<f64>) {
    let text = fixture("cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut m) = (vec![], vec![]);
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        x.push(v[1]);
        m.push(v[4]);
    }
    (x, m)
}

#[test]
fn fit_matches_polished_mle_and_published_values() {
    let reference: Value = serde_json::from_str(&fixture("gammagamma_cdnow.json")).unwrap();
    let (x, m) = cdnow();
    let (data, dropped) = SpendData::from_customers(&x, &m, None).unwrap();
    assert_eq!(
        data.len() as u64,
        reference["n_customers"].as_u64().unwrap()
    );
    assert_eq!(dropped, 2357 - 946);
    let fitted = GammaGamma::params().fit(&data).unwrap();
    let p = fitted.params;
    // The rearranged likelihood used by the fit equals the plain per-customer sum.
    let naive: f64 = (0..data.len())
        .map(|i| p.log_likelihood(data.x[i], data.m[i]))
        .sum();
    assert!(
        (naive - fitted.report.log_likelihood).abs() < 1e-8,
        "{naive} vs {}",
        fitted.report.log_likelihood
    );
    let mle = &reference["polished_mle"];
    for (name, got) in [("p", p.p), ("q", p.q), ("v", p.v)] {
        let want = mle[name].as_f64().unwrap();
        assert!(rel(got, want) < 1e-4, "{name}: {got} vs {want}");
    }
    // Published (Fader & Hardie 2013): p 6.25, q 3.74, v 15.44, printed to two decimals.
    let published = &reference["published"];
    for (name, got) in [("p", p.p), ("q", p.q), ("v", p.v)] {
        let want = published[name].as_f64().unwrap();
        assert!(
            (got - want).abs() < 0.01,
            "{name}: {got} vs published {want}"
        );
    }
    let ll = mle["log_likelihood"].as_f64().unwrap();
    assert!(
        (fitted.report.log_likelihood - ll).abs() < 1e-3,
        "{} vs {ll}",
        fitted.report.log_likelihood
    );
    assert_eq!(fitted.report.n_customers, 946.0);
    let se = fitted.report.standard_errors.clone().unwrap();
    assert!(se.iter().all(|s| *s > 0.0 && s.is_finite()), "{se:?}");
    let mean = reference["population_mean_spend_E[Z]"].as_f64().unwrap();
    // E[Z] at lifetimes' parameters (see below); the fit's differs by the parameter tolerance.
    assert!(rel(p.mean_spend(), mean) < 1e-4);
}

#[test]
fn predictions_match_lifetimes_given_its_parameters() {
    let reference: Value = serde_json::from_str(&fixture("gammagamma_cdnow.json")).unwrap();
    let lf = &reference["lifetimes_fit"];
    let g = |k: &str| lf[k].as_f64().unwrap();
    let params = GammaGammaParameters::new(g("p"), g("q"), g("v")).unwrap();
    let mean = reference["population_mean_spend_E[Z]"].as_f64().unwrap();
    assert!(rel(params.mean_spend(), mean) < 1e-12);
    for c in reference["customers"].as_array().unwrap() {
        let f = |k: &str| c[k].as_f64().unwrap();
        let got = params.conditional_expected_average_profit(f("frequency"), f("monetary_value"));
        let want = f("conditional_expected_average_profit");
        // Tolerance 1e-9 relative (the formula is closed-form; rounding only).
        assert!(rel(got, want) < 1e-9, "id {}: {got} vs {want}", c["id"]);
    }
}
