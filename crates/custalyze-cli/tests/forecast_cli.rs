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

/// `--lambda auto` and `--seasonal-test ocsb` reproduce R (forecast 8.20):
/// `auto.arima(AirPassengers, lambda = "auto")`, `auto.arima(AirPassengers, seasonal.test =
/// "ocsb")` and both together, with the first three back-transformed forecasts printed by
/// `forecast(fit, h = 3)$mean` (R 4.2.2 with Debian's r-cran-forecast).
#[test]
fn auto_arima_lambda_and_ocsb_match_r() {
    type Case<'a> = (&'a [&'a str], [usize; 3], [usize; 4], [f64; 3]);
    let cases: [Case<'_>; 3] = [
        (
            &["--lambda", "auto"],
            [0, 1, 1],
            [0, 1, 1, 12],
            [452.1514, 426.4011, 485.7605],
        ),
        (
            &["--seasonal-test", "ocsb"],
            [2, 1, 1],
            [0, 1, 0, 12],
            [445.6349, 420.395, 449.1983],
        ),
        (
            &["--lambda", "auto", "--seasonal-test", "ocsb"],
            [1, 1, 1],
            [0, 0, 2, 12],
            [444.6627, 425.3342, 465.3031],
        ),
    ];
    for (extra, order, seasonal, r_mean) in cases {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("fc.json");
        let mut args = vec![
            "forecast",
            "auto-arima",
            "--input",
            AIRLINE,
            "--horizon",
            "3",
            "--output",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let j = read(&out);
        assert_eq!(j["order"], serde_json::json!(order), "{extra:?}");
        assert_eq!(
            j["seasonal_order"],
            serde_json::json!(seasonal),
            "{extra:?}"
        );
        if extra.contains(&"auto") {
            // R's BoxCox.lambda(AirPassengers) = -0.2947156.
            let lambda = j["lambda"].as_f64().unwrap();
            assert!((lambda + 0.294_715_6).abs() < 1e-6, "{lambda}");
        } else {
            assert!(j["lambda"].is_null());
        }
        let mean = j["forecast"]["mean"].as_array().unwrap();
        for (g, w) in mean.iter().zip(r_mean) {
            let g = g.as_f64().unwrap();
            assert!((g - w).abs() < 2e-3 * w, "{extra:?}: {g} vs R {w}");
        }
    }
}

#[test]
fn bad_lambda_and_seasonal_test_are_one_line_errors() {
    for (flag, value, needle) in [
        ("--lambda", "x", "--lambda takes a number"),
        (
            "--seasonal-test",
            "hegy",
            "--seasonal-test takes seas or ocsb",
        ),
    ] {
        let o = run(&[
            "forecast",
            "auto-arima",
            "--input",
            AIRLINE,
            "--horizon",
            "2",
            flag,
            value,
            "--output",
            "-",
        ]);
        assert_eq!(o.status.code(), Some(1));
        assert!(stderr(&o).contains(needle), "{}", stderr(&o));
    }
}

const STATSFORECAST: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../forecast/tests/fixtures/ets_theta_mstl_statsforecast.json"
);

fn forecast_json(args: &[&str]) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fc.json");
    let mut all = vec!["forecast"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--input",
        AIRLINE,
        "--horizon",
        "12",
        "--output",
        out.to_str().unwrap(),
    ]);
    let o = run(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    read(&out)
}

fn assert_means(j: &serde_json::Value, want: &serde_json::Value, tol: f64) {
    let got = j["forecast"]["mean"].as_array().unwrap();
    let want = want.as_array().unwrap();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        let (g, w) = (g.as_f64().unwrap(), w.as_f64().unwrap());
        assert!((g - w).abs() <= tol * w.abs(), "{g} vs {w}");
    }
}

/// auto-ets, auto-theta and mstl on AirPassengers (period 12 inferred from YYYY-MM) choose
/// statsforecast 2.1.1's models and forecast within 1e-6 of it (the fixture's `airline_full`).
#[test]
fn ets_theta_mstl_airline_equal_statsforecast() {
    let sf = read(std::path::Path::new(STATSFORECAST));
    let want = &sf["airline_full"];
    let j = forecast_json(&["auto-ets"]);
    assert_eq!(j["model"], want["ets"]["method"]);
    let aicc = want["ets"]["aicc"].as_f64().unwrap();
    assert!((j["aicc"].as_f64().unwrap() - aicc).abs() < 1e-6 * aicc);
    assert_eq!(j["intervals"], "model");
    assert_means(&j, &want["ets"]["mean"], 1e-6);
    let j = forecast_json(&["auto-theta"]);
    assert_eq!(j["model"], want["theta"]["model"]);
    assert_eq!(j["deseasonalised"], "multiplicative");
    assert_means(&j, &want["theta"]["mean"], 1e-6);
    let j = forecast_json(&["mstl"]);
    assert_eq!(j["periods"], serde_json::json!([12]));
    assert_eq!(
        j["components"]["seasonal"]["12"].as_array().unwrap().len(),
        144
    );
    assert_means(&j, &want["mstl"]["mean"], 1e-6);
}

/// `--intervals conformal` keeps the point forecasts and replaces the bounds by ones that widen
/// with the level.
#[test]
fn conformal_intervals_replace_the_model_bounds() {
    let model = forecast_json(&["auto-ets"]);
    let conformal = forecast_json(&["auto-ets", "--intervals", "conformal", "--windows", "12"]);
    assert_eq!(conformal["intervals"], "conformal");
    assert_eq!(model["forecast"]["mean"], conformal["forecast"]["mean"]);
    assert_ne!(
        model["forecast"]["lower"]["80"],
        conformal["forecast"]["lower"]["80"]
    );
    let mean = conformal["forecast"]["mean"].as_array().unwrap();
    for (j, m) in mean.iter().enumerate() {
        let m = m.as_f64().unwrap();
        let lo80 = conformal["forecast"]["lower"]["80"][j].as_f64().unwrap();
        let lo95 = conformal["forecast"]["lower"]["95"][j].as_f64().unwrap();
        assert!(lo95 <= lo80 && lo80 <= m, "step {j}");
    }
}

/// `forecast compare` takes the new models and names the best by MASE.
#[test]
fn compare_takes_ets_theta_mstl_and_names_the_best() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp.json");
    let o = run(&[
        "forecast",
        "compare",
        "--input",
        AIRLINE,
        "--horizon",
        "12",
        "--holdout",
        "24",
        "--season",
        "12",
        "--models",
        "snaive,auto-ets,auto-theta,mstl",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = read(&out);
    let models = j["models"].as_array().unwrap();
    assert_eq!(models.len(), 4);
    let best = j["best"].as_str().unwrap();
    let mase = |m: &serde_json::Value| m["metrics"]["mase"].as_f64().unwrap();
    let lowest = models.iter().map(mase).fold(f64::INFINITY, f64::min);
    let chosen = models.iter().find(|m| m["name"] == best).unwrap();
    assert_eq!(mase(chosen), lowest);
    assert!(String::from_utf8_lossy(&o.stdout).contains("best by MASE"));
}

/// Bad settings of the new subcommands are one-line errors naming the fix.
#[test]
fn ets_theta_mstl_bad_settings_are_errors() {
    for (args, needle) in [
        (
            vec!["auto-ets", "--model", "ANM"],
            "additive error with a multiplicative season",
        ),
        (
            vec!["auto-ets", "--model", "ZMZ"],
            "multiplicative trends are not offered",
        ),
        (
            vec!["auto-ets", "--intervals", "bogus"],
            "--intervals takes model or conformal",
        ),
        (
            vec!["auto-theta", "--model", "XTM"],
            "STM, OTM, DSTM or DOTM",
        ),
        (vec!["mstl", "--periods", "1"], "at least 2"),
        (vec!["mstl", "--periods", "100"], "needs at least 201"),
    ] {
        let mut all = vec!["forecast"];
        all.extend_from_slice(&args);
        all.extend_from_slice(&["--input", AIRLINE, "--horizon", "3", "--output", "-"]);
        let o = run(&all);
        assert!(!o.status.success(), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains(needle), "{args:?}: {e}");
        assert_eq!(e.trim().lines().count(), 1, "{e}");
    }
}
