//! BG/BB against the published fit and lifetimes on the donation data of Fader, Hardie & Shang
//! (2010) (fixtures: `fixtures/SOURCES.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{fixture, rel};

use custalyze_cltv_core::{BgBb, BgBbCustomer, BgBbData, BgBbParameters};
use serde_json::Value;

fn donations() -> BgBbData {
    let text = fixture("donations.csv");
    let mut cols = [vec![], vec![], vec![], vec![]];
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "frequency,recency,periods,weights");
    for line in lines {
        for (c, s) in cols.iter_mut().zip(line.split(',')) {
            c.push(s.parse::<f64>().unwrap());
        }
    }
    let [f, r, n, w] = cols;
    BgBbData::new(&f, &r, &n, Some(&w)).unwrap()
}

fn params(v: &Value) -> BgBbParameters {
    let g = |k: &str| v[k].as_f64().unwrap();
    BgBbParameters::new(g("alpha"), g("beta"), g("gamma"), g("delta")).unwrap()
}

#[test]
fn fit_matches_polished_mle_and_published_values() {
    let reference: Value = serde_json::from_str(&fixture("bgbb_donations.json")).unwrap();
    let fitted = BgBb::params().fit(&donations()).unwrap();
    let p = fitted.params;
    let mle = &reference["polished_mle"];
    let published = &reference["published"];
    for (name, got) in [
        ("alpha", p.alpha),
        ("beta", p.beta),
        ("gamma", p.gamma),
        ("delta", p.delta),
    ] {
        let want = mle[name].as_f64().unwrap();
        assert!(rel(got, want) < 1e-4, "{name}: {got} vs polished {want}");
        // Published values have three decimals: 1e-3 relative.
        let want = published[name].as_f64().unwrap();
        assert!(rel(got, want) < 1e-3, "{name}: {got} vs published {want}");
    }
    let ll = mle["log_likelihood"].as_f64().unwrap();
    assert!(
        (fitted.report.log_likelihood - ll).abs() < 1e-3,
        "{} vs {ll}",
        fitted.report.log_likelihood
    );
    assert_eq!(fitted.report.n_customers, 11104.0);
    let se = fitted.report.standard_errors.clone().unwrap();
    assert!(se.iter().all(|s| *s > 0.0 && s.is_finite()), "{se:?}");
}

#[test]
fn log_likelihood_matches_lifetimes_at_its_parameters() {
    let reference: Value = serde_json::from_str(&fixture("bgbb_donations.json")).unwrap();
    let p = params(&reference["lifetimes_fit"]);
    let d = donations();
    let ll: f64 = (0..d.len())
        .map(|i| {
            d.weight[i]
                * p.log_likelihood(
                    &BgBbCustomer::new(d.frequency[i], d.recency[i], d.periods[i]).unwrap(),
                )
                .unwrap()
        })
        .sum();
    let want = reference["lifetimes_fit"]["log_likelihood"]
        .as_f64()
        .unwrap();
    // lifetimes adds 1e-15 inside the sum term; the difference is far below 1e-6.
    assert!((ll - want).abs() < 1e-6, "{ll} vs {want}");
}

#[test]
fn predictions_match_lifetimes_given_its_parameters() {
    let reference: Value = serde_json::from_str(&fixture("bgbb_donations.json")).unwrap();
    let p = params(&reference["lifetimes_fit"]);
    for row in reference["patterns"].as_array().unwrap() {
        let f = |k: &str| row[k].as_f64().unwrap();
        let (x, tx, n) = (f("frequency"), f("recency"), f("periods"));
        let customer = BgBbCustomer::new(x, tx, n).unwrap();
        let got = p.expected_purchases(5, &customer).unwrap();
        let want = f("expected_purchases_next_5");
        assert!(rel(got, want) < 1e-6, "E[next 5] {row}: {got} vs {want}");
        let got = p.p_alive(1, &customer).unwrap();
        let want = f("p_alive_next_period");
        assert!(rel(got, want) < 1e-6, "P(alive) {row}: {got} vs {want}");
    }
    let total = reference["n_customers"].as_f64().unwrap();
    for row in reference["expected_transactions_in_first_n_periods_n6"]
        .as_array()
        .unwrap()
    {
        let x = row["frequency"].as_u64().unwrap();
        let got = total * p.probability_of_transactions(u32::try_from(x).unwrap(), 6);
        let want = row["model"].as_f64().unwrap();
        assert!(rel(got, want) < 1e-6, "P(X(6) = {x}): {got} vs {want}");
    }
}

#[test]
fn fit_rejects_empty_data() {
    assert!(BgBb::params().fit(&BgBbData::default()).is_err());
}
