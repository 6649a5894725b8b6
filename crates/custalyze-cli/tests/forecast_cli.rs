//! End-to-end tests of `custalyze forecast arima` / `auto-arima`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, stderr};

const AIRLINE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../forecast/tests/fixtures/airline_passengers.csv"
);
const REF: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../forecast/tests/fixtures/sarimax_airline.json"
);

fn read(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The airline model through the CLI: statsmodels names, back-transformed forecasts within 1e-3
/// relative of statsmodels' exp(mean).
#[test]
fn arima_airline_log() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fc.json");
    let o = run(&[
        "forecast",
        "arima",
        "--input",
        AIRLINE,
        "--log",
        "--order",
        "0,1,1",
        "--seasonal",
        "0,1,1,12",
        "--horizon",
        "12",
        "--levels",
        "80,95",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read(&out);
    let r = read(std::path::Path::new(REF));
    assert_eq!(j["order"], serde_json::json!([0, 1, 1]));
    assert_eq!(j["seasonal_order"], serde_json::json!([0, 1, 1, 12]));
    for name in ["ma.L1", "ma.S.L12", "sigma2"] {
        let got = j["params"][name].as_f64().unwrap();
        let want = r["default"]["params"][name].as_f64().unwrap();
        assert!((got - want).abs() < 1e-3, "{name}");
    }
    let mean = j["forecast"]["mean"].as_array().unwrap();
    let want = r["default"]["forecast"]["exp_mean"].as_array().unwrap();
    assert_eq!(mean.len(), 12);
    for (g, w) in mean.iter().zip(want) {
        let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
        assert!((g - w).abs() < 1e-3 * w, "{g} vs {w}");
    }
    let lo80 = j["forecast"]["lower"]["80"][0].as_f64().unwrap();
    let lo95 = j["forecast"]["lower"]["95"][0].as_f64().unwrap();
    assert!(lo95 < lo80 && lo80 < mean[0].as_f64().unwrap());
    for key in ["log_likelihood", "aic", "aicc", "bic"] {
        assert!(j[key].is_f64(), "{key}");
    }
}

/// auto-arima infers period 12 from YYYY-MM and picks R's model.
#[test]
fn auto_arima_airline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fc.json");
    let o = run(&[
        "forecast",
        "auto-arima",
        "--input",
        AIRLINE,
        "--horizon",
        "6",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read(&out);
    assert_eq!(j["order"], serde_json::json!([2, 1, 1]));
    assert_eq!(j["seasonal_order"], serde_json::json!([0, 1, 0, 12]));
    assert_eq!(j["forecast"]["upper"]["95"].as_array().unwrap().len(), 6);
}

#[test]
fn unknown_column_is_one_line_error() {
    let o = run(&[
        "forecast",
        "arima",
        "--input",
        AIRLINE,
        "--column",
        "nope",
        "--order",
        "1,0,0",
        "--horizon",
        "2",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no column \"nope\""), "{}", stderr(&o));
}

#[test]
fn bad_order_is_rejected() {
    let o = run(&[
        "forecast",
        "arima",
        "--input",
        AIRLINE,
        "--order",
        "1,0",
        "--horizon",
        "2",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("three integers"), "{}", stderr(&o));
}
