//! Parameters and fitted models survive a JSON round trip.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::{
    ClvOptions, FitReport, FittedGammaGamma, FittedMbgNbd, GammaGamma, GammaGammaParameters,
    MbgNbd, MbgNbdParameters, RfmData, SpendData, TimeUnit,
};

/// CDNOW columns x, t_x, T, zbar.
fn cdnow() -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cdnow_customers_summary_with_transactions.csv"),
    )
    .unwrap();
    let mut cols = (vec![], vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        cols.0.push(v[1]);
        cols.1.push(v[2]);
        cols.2.push(v[3]);
        cols.3.push(v[4]);
    }
    cols
}

/// serde_json (without its `float_roundtrip` feature) may parse a float one ulp off, so
/// numbers are compared to 1e-15 relative; everything else exactly.
fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-15 * a.abs().max(b.abs())
}

fn same_report(a: &FitReport, b: &FitReport) {
    assert!(close(a.log_likelihood, b.log_likelihood), "{a:?} vs {b:?}");
    match (&a.standard_errors, &b.standard_errors) {
        (Some(x), Some(y)) => {
            assert_eq!(x.len(), y.len());
            assert!(
                x.iter().zip(y).all(|(p, q)| close(*p, *q)),
                "{x:?} vs {y:?}"
            );
        }
        (x, y) => assert_eq!(x, y),
    }
    assert_eq!(a.n_customers, b.n_customers);
    assert_eq!(a.iterations, b.iterations);
    assert_eq!(a.method, b.method);
}

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) -> T {
    serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap()
}

#[test]
fn gamma_gamma_round_trips() {
    let p = GammaGammaParameters::new(6.25, 3.74, 15.44).unwrap();
    assert_eq!(round_trip(&p), p);
    let (x, _, _, m) = cdnow();
    let (data, _) = SpendData::from_customers(&x, &m, None).unwrap();
    assert_eq!(round_trip(&data), data);
    let fitted = GammaGamma::params().fit(&data).unwrap();
    let back: FittedGammaGamma = round_trip(&fitted);
    let (p, q) = (back.params, fitted.params);
    assert!(
        close(p.p, q.p) && close(p.q, q.q) && close(p.v, q.v),
        "{p:?} vs {q:?}"
    );
    same_report(&back.report, &fitted.report);
}

#[test]
fn mbgnbd_round_trips() {
    let p = MbgNbdParameters::new(0.52, 6.18, 0.89, 1.61).unwrap();
    assert_eq!(round_trip(&p), p);
    let (x, tx, t, _) = cdnow();
    let data = RfmData::new(&x, &tx, &t, None).unwrap();
    let fitted = MbgNbd::params().fit(&data).unwrap();
    let back: FittedMbgNbd = round_trip(&fitted);
    let (p, q) = (back.params, fitted.params);
    assert!(
        close(p.r, q.r) && close(p.alpha, q.alpha) && close(p.a, q.a) && close(p.b, q.b),
        "{p:?} vs {q:?}"
    );
    same_report(&back.report, &fitted.report);
}

#[test]
fn clv_options_round_trip() {
    let o = ClvOptions {
        months: 24,
        monthly_discount_rate: 0.02,
        unit: TimeUnit::Week,
    };
    assert_eq!(round_trip(&o), o);
}
