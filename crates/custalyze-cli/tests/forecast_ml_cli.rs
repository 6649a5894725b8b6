//! End-to-end tests of `custalyze forecast lstm|compare` on the airline fixture of the forecast
//! crate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

const AIRLINE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../forecast/tests/fixtures/airline_passengers.csv"
);

fn read_json(path: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn compare_writes_forecasts_and_metrics_per_model() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp.json");
    let o = run(&[
        "forecast",
        "compare",
        "--input",
        AIRLINE,
        "--column",
        "passengers",
        "--horizon",
        "24",
        "--holdout",
        "24",
        "--models",
        "snaive,linear-recursive,linear-direct,arima",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("MASE"));
    let v = read_json(&out);
    assert_eq!(v["origins"], serde_json::json!([120]));
    assert_eq!(v["actual"].as_array().unwrap().len(), 24);
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 4);
    assert_eq!(models[3]["name"].as_str(), Some("arima"));
    let mase = |i: usize| models[i]["metrics"]["mase"].as_f64().unwrap();
    for m in models {
        assert_eq!(m["forecast"]["mean"].as_array().unwrap().len(), 24);
        assert_eq!(m["metrics_by_horizon"].as_array().unwrap().len(), 24);
    }
    // snaive at origin 120 repeats 1958 twice: its first forecast is Jan 1958 (340).
    assert_eq!(models[0]["forecast"]["mean"][0].as_f64(), Some(340.0));
    assert!(mase(1) < mase(0) && mase(2) < mase(0));
    // The airline model on the log scale beats seasonal naive too.
    assert!(mase(3) < mase(0), "{} vs {}", mase(3), mase(0));
}

#[cfg(feature = "lstm")]
#[test]
fn lstm_writes_the_arima_shaped_forecast_with_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lstm.json");
    let o = run(&[
        "forecast",
        "lstm",
        "--input",
        AIRLINE,
        "--strategy",
        "mimo",
        "--horizon",
        "6",
        "--holdout",
        "6",
        "--window",
        "12",
        "--hidden",
        "4",
        "--epochs",
        "15",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = read_json(&out);
    assert_eq!(v["strategy"], "mimo");
    let mean = v["forecast"]["mean"].as_array().unwrap();
    let lo = v["forecast"]["lower"]["95"].as_array().unwrap();
    let hi = v["forecast"]["upper"]["95"].as_array().unwrap();
    assert_eq!((mean.len(), lo.len(), hi.len()), (6, 6, 6));
    for i in 0..6 {
        let (l, m, h) = (
            lo[i].as_f64().unwrap(),
            mean[i].as_f64().unwrap(),
            hi[i].as_f64().unwrap(),
        );
        assert!(l < m && m < h, "{l} {m} {h}");
    }
    assert!(
        v["holdout"]["metrics"]["mase"]
            .as_f64()
            .unwrap()
            .is_finite()
    );
}

#[test]
fn bad_requests_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let out = out.to_str().unwrap();
    for args in [
        vec![
            "--models",
            "snaive,prophet",
            "--horizon",
            "12",
            "--holdout",
            "12",
        ],
        vec!["--column", "nope", "--horizon", "12", "--holdout", "12"],
        vec!["--horizon", "24", "--holdout", "12"],
    ] {
        let mut full = vec!["forecast", "compare", "--input", AIRLINE, "--output", out];
        full.extend(args);
        let o = run(&full);
        assert_eq!(o.status.code(), Some(1), "{full:?}");
        assert_eq!(stderr(&o).trim().lines().count(), 1, "{}", stderr(&o));
    }
    // A horizon outside 1..=10000 is a usage error (exit 2) naming the range.
    let o = run(&[
        "forecast",
        "compare",
        "--input",
        AIRLINE,
        "--output",
        out,
        "--models",
        "arima",
        "--horizon",
        "0",
        "--holdout",
        "12",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("10000"), "{}", stderr(&o));
    let o = run(&[
        "forecast",
        "lstm",
        "--input",
        AIRLINE,
        "--strategy",
        "sideways",
        "--horizon",
        "3",
        "--output",
        out,
    ]);
    assert_eq!(o.status.code(), Some(1));
}
