//! Pareto/NBD against the polished MLE, the published fit and lifetimes on CDNOW (fixtures:
//! `fixtures/SOURCES.md`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{fixture, rel};

use custalyze_cltv_core::Customer;
use custalyze_cltv_core::{ParetoNbd, ParetoNbdParameters, RfmData};
use serde_json::Value;

/// `(ID, x, t_x, T)` rows of the CDNOW calibration summary.
fn cdnow_rows() -> Vec<[f64; 4]> {
    fixture("cdnow_customers_summary_with_transactions.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect()
}

fn cdnow() -> RfmData {
    let rows = cdnow_rows();
    let col = |k: usize| rows.iter().map(|r| r[k]).collect::<Vec<f64>>();
    RfmData::new(&col(1), &col(2), &col(3), None).unwrap()
}

fn params(v: &Value) -> ParetoNbdParameters {
    let g = |k: &str| v[k].as_f64().unwrap();
    ParetoNbdParameters::new(g("r"), g("alpha"), g("s"), g("beta")).unwrap()
}

#[test]
fn log_likelihood_matches_lifetimes_at_its_parameters() {
    let reference: Value = serde_json::from_str(&fixture("paretonbd_cdnow.json")).unwrap();
    let data = cdnow();
    for key in ["lifetimes_fit", "polished_mle"] {
        let p = params(&reference[key]);
        let ll: f64 = (0..data.len())
            .map(|i| {
                p.log_likelihood(&Customer {
                    x: data.x[i],
                    t_x: data.t_x[i],
                    t: data.t[i],
                })
                .unwrap()
            })
            .sum();
        let want = reference[key]["log_likelihood"].as_f64().unwrap();
        // Same formula, same parameters: agreement to rounding (1e-9 relative).
        assert!(rel(ll, want) < 1e-9, "{key}: {ll} vs {want}");
    }
}

#[test]
fn fit_matches_polished_mle_and_published_values() {
    let reference: Value = serde_json::from_str(&fixture("paretonbd_cdnow.json")).unwrap();
    let fitted = ParetoNbd::params().fit(&cdnow()).unwrap();
    let p = fitted.params;
    let mle = &reference["polished_mle"];
    let published = &reference["published"];
    for (name, got) in [("r", p.r), ("alpha", p.alpha), ("s", p.s), ("beta", p.beta)] {
        // The likelihood is flat along a ridge in (s, β): 1e-2 relative against the polished MLE
        // (the brief's tolerance), 1e-3 against the three-decimal published values.
        let want = mle[name].as_f64().unwrap();
        assert!(rel(got, want) < 1e-2, "{name}: {got} vs polished {want}");
        let want = published[name].as_f64().unwrap();
        assert!(rel(got, want) < 1e-3, "{name}: {got} vs published {want}");
    }
    let ll = mle["log_likelihood"].as_f64().unwrap();
    assert!(
        (fitted.report.log_likelihood - ll).abs() < 1e-2,
        "{} vs {ll}",
        fitted.report.log_likelihood
    );
    // Not worse than the polished optimum by more than rounding.
    assert!(fitted.report.log_likelihood > ll - 1e-6);
    assert_eq!(fitted.report.n_customers, 2357.0);
    let se = fitted.report.standard_errors.clone().unwrap();
    assert!(se.iter().all(|s| *s > 0.0 && s.is_finite()), "{se:?}");
}

#[test]
fn predictions_match_lifetimes_given_its_parameters() {
    let reference: Value = serde_json::from_str(&fixture("paretonbd_cdnow.json")).unwrap();
    let p = params(&reference["lifetimes_fit"]);
    let rows = cdnow_rows();
    for c in reference["customers"].as_array().unwrap() {
        let f = |k: &str| c[k].as_f64().unwrap();
        let id = f("id");
        let row = rows.iter().find(|r| r[0] == id).unwrap();
        let (x, tx, t) = (row[1], row[2], row[3]);
        // Tolerance 1e-6 relative (the brief's); the same closed forms agree far closer.
        let got = p.p_alive(&Customer { x, t_x: tx, t }).unwrap();
        assert!(
            rel(got, f("p_alive")) < 1e-6,
            "p_alive id {id}: {got} vs {}",
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
                rel(got, f(key)) < 1e-6,
                "{key} id {id}: {got} vs {}",
                f(key)
            );
        }
    }
}

#[test]
fn unconditional_expectation_is_the_population_average() {
    // E[X(t)] of a new customer equals the conditional expectation of a customer with no history
    // observed for an instant (x = 0, t_x = 0, T -> 0).
    let p = ParetoNbdParameters::new(0.553, 10.578, 0.606, 11.669).unwrap();
    for t in [1.0, 10.0, 52.0] {
        let new = p.expected_purchases_new(t).unwrap();
        let cond = p
            .expected_purchases(
                t,
                &Customer {
                    x: 0.0,
                    t_x: 0.0,
                    t: 1e-12,
                },
            )
            .unwrap();
        assert!(rel(cond, new) < 1e-9, "t={t}: {cond} vs {new}");
    }
}

#[test]
fn stays_finite_at_frequency_1000() {
    let reference: Value = serde_json::from_str(&fixture("paretonbd_cdnow.json")).unwrap();
    // Both forms of A0: the fitted α < β, and a variant with α > β.
    for p in [
        params(&reference["lifetimes_fit"]),
        ParetoNbdParameters::new(0.553, 15.0, 0.606, 11.669).unwrap(),
    ] {
        for (tx, t) in [(38.0, 39.0), (20.0, 39.0), (1.0, 39.0)] {
            let a = p
                .p_alive(&Customer {
                    x: 1000.0,
                    t_x: tx,
                    t,
                })
                .unwrap();
            assert!((0.0..=1.0).contains(&a), "{p:?} {tx}: {a}");
            let ll = p
                .log_likelihood(&Customer {
                    x: 1000.0,
                    t_x: tx,
                    t,
                })
                .unwrap();
            assert!(ll.is_finite(), "{p:?} {tx}: {ll}");
            let e = p
                .expected_purchases(
                    52.0,
                    &Customer {
                        x: 1000.0,
                        t_x: tx,
                        t,
                    },
                )
                .unwrap();
            assert!(e.is_finite() && e >= 0.0, "{p:?} {tx}: {e}");
        }
        // A very recent heavy buyer is almost surely alive; one silent for 38 weeks is not.
        assert!(
            p.p_alive(&Customer {
                x: 1000.0,
                t_x: 38.9,
                t: 39.0
            })
            .unwrap()
                > 0.5
        );
        assert!(
            p.p_alive(&Customer {
                x: 1000.0,
                t_x: 1.0,
                t: 39.0
            })
            .unwrap()
                < 1e-6
        );
    }
}

#[test]
fn fit_rejects_empty_data() {
    assert!(ParetoNbd::params().fit(&RfmData::default()).is_err());
}
