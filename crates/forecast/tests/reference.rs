//! Reference tests against statsmodels (shared/oracle/oracle_arima.py) and R's forecast package
//! (auto.arima, ocsb.test, nsdiffs, BoxCox.lambda; fixtures/seasonal_tests.R).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_forecast::arima::FittedArima;
use custalyze_forecast::arima::{
    Arima, AutoArima, LagSelection, SeasonalTest, nsdiffs_with, ocsb_test,
};
use custalyze_forecast::transform::box_cox_lambda;
use custalyze_forecast::{Error, Forecast};
use serde_json::Value;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn column(file: &str, col: usize) -> Vec<f64> {
    let text = std::fs::read_to_string(format!("{FIX}/{file}")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect()
}

fn json(file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{FIX}/{file}")).unwrap()).unwrap()
}

fn airline_log() -> Vec<f64> {
    column("airline_passengers.csv", 1)
        .into_iter()
        .map(f64::ln)
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Airline model on log(airline): parameters within 1e-3, loglik within 0.01, 12-step forecast
/// (mean and 95% bounds) within 1e-3 of statsmodels SARIMAX.
#[test]
fn airline_matches_statsmodels() {
    let r = json("sarimax_airline.json");
    let d = &r["default"];
    let fit = Arima::params(0, 1, 1)
        .seasonal(0, 1, 1, 12)
        .fit(&airline_log())
        .unwrap();
    for (name, value) in fit.params() {
        let want = d["params"][&name].as_f64().unwrap();
        assert!(
            (value - want).abs() < 1e-3,
            "{name}: {value} vs statsmodels {want}"
        );
    }
    assert!((fit.log_likelihood - d["loglik"].as_f64().unwrap()).abs() < 0.01);
    assert!((fit.aic - d["aic"].as_f64().unwrap()).abs() < 0.02);
    assert!((fit.bic - d["bic"].as_f64().unwrap()).abs() < 0.02);
    assert_eq!(fit.nobs_effective, 131);
    let fc = fit.forecast(12, &[95.0]).unwrap();
    let (lo, up) = fc.interval(95.0).unwrap();
    for (got, want) in [
        (&fc.mean, floats(&d["forecast"]["mean"])),
        (&lo.to_vec(), floats(&d["forecast"]["lower95"])),
        (&up.to_vec(), floats(&d["forecast"]["upper95"])),
    ] {
        for (g, w) in got.iter().zip(&want) {
            assert!((g - w).abs() < 1e-3, "{g} vs {w}");
        }
    }
    // OPG standard errors: same estimator as statsmodels' default, within 5% relative.
    for (name, se) in fit.std_errors() {
        let want = d["bse_opg"][&name].as_f64().unwrap();
        assert!((se - want).abs() < 0.05 * want, "se {name}: {se} vs {want}");
    }
}

/// The exact log-likelihood at fixed parameters equals statsmodels' to 1e-4.
#[test]
fn airline_loglik_at_fixed_params() {
    let r = json("sarimax_airline.json");
    let want = r["default"]["loglike_at_fixed_params"]["loglik"]
        .as_f64()
        .unwrap();
    let ll = Arima::params(0, 1, 1)
        .seasonal(0, 1, 1, 12)
        .log_likelihood(&airline_log(), &[-0.4, -0.6], 0.0014)
        .unwrap();
    assert!((ll - want).abs() < 1e-4, "{ll} vs {want}");
}

/// ARIMA(2,1,1) on co2: parameters within 1e-3, loglik within 0.01, 12-step mean and 95% lower
/// bound within 1e-3 of statsmodels.
#[test]
fn co2_arima211_matches_statsmodels() {
    let r = json("arima211_co2.json");
    let d = &r["result"];
    let y = column("co2_monthly.csv", 2);
    let fit = Arima::params(2, 1, 1).fit(&y).unwrap();
    for (name, value) in fit.params() {
        let want = d["params"][&name].as_f64().unwrap();
        assert!(
            (value - want).abs() < 1e-3,
            "{name}: {value} vs statsmodels {want}"
        );
    }
    assert!((fit.log_likelihood - d["loglik"].as_f64().unwrap()).abs() < 0.01);
    let fc = fit.forecast(12, &[95.0]).unwrap();
    let worst = fc
        .mean
        .iter()
        .zip(floats(&d["forecast"]["mean"]))
        .map(|(g, w)| (g - w).abs())
        .fold(0.0, f64::max);
    eprintln!("co2: largest forecast difference {worst:e}");
    for (g, w) in fc.mean.iter().zip(floats(&d["forecast"]["mean"])) {
        assert!((g - w).abs() < 1e-3, "{g} vs {w}");
    }
    let (lo, _) = fc.interval(95.0).unwrap();
    for (g, w) in lo.iter().zip(floats(&d["forecast"]["lower95"])) {
        assert!((g - w).abs() < 1e-3, "{g} vs {w}");
    }
    let ll = Arima::params(2, 1, 1)
        .log_likelihood(&y, &[0.5, -0.2, -0.3], 1.0)
        .unwrap();
    let want = d["loglike_at_fixed_params"]["loglik"].as_f64().unwrap();
    assert!((ll - want).abs() < 1e-4, "{ll} vs {want}");
}

/// R: auto.arima(AirPassengers) selects ARIMA(2,1,1)(0,1,0)[12] with AIC 1017.85.
#[test]
fn auto_arima_airpassengers_matches_r() {
    let y = column("airline_passengers.csv", 1);
    let fit = AutoArima::params(12).fit(&y).unwrap();
    assert_eq!(fit.spec().order(), (2, 1, 1), "{}", fit.spec().name());
    assert_eq!(fit.spec().seasonal_order(), (0, 1, 0, 12));
    assert!(!fit.spec().has_constant());
    assert!((fit.aic - 1017.85).abs() < 0.01, "AIC {}", fit.aic);
}

/// The series of `seasonal_tests.json` by name.
fn seasonal_test_series() -> Vec<(String, Vec<f64>)> {
    let air = column("airline_passengers.csv", 1);
    let co2: Vec<f64> = column("co2_monthly.csv", 2).into_iter().take(240).collect();
    let mut out = vec![
        ("airline".to_string(), air.clone()),
        (
            "airline_log".to_string(),
            air.iter().map(|v| v.ln()).collect(),
        ),
        ("co2_240".to_string(), co2),
    ];
    let text = std::fs::read_to_string(format!("{FIX}/retail20.csv")).unwrap();
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        let id = f.next().unwrap().to_string();
        let v: f64 = f.nth(1).unwrap().parse().unwrap();
        match out.last_mut() {
            Some((last, values)) if *last == id => values.push(v),
            _ => out.push((id, vec![v])),
        }
    }
    out
}

#[test]
fn ocsb_nsdiffs_and_guerrero_match_r_forecast() {
    let want = json("seasonal_tests.json");
    let series = seasonal_test_series();
    assert_eq!(series.len(), 23);
    for (name, y) in &series {
        let r = &want["series"][name];
        assert_eq!(r["n"].as_u64().unwrap() as usize, y.len(), "{name}");
        for (key, method, lags) in [
            ("ocsb_aic3", LagSelection::Aic, 3),
            ("ocsb_bic3", LagSelection::Bic, 3),
            ("ocsb_fixed0", LagSelection::Fixed, 0),
            ("ocsb_fixed2", LagSelection::Fixed, 2),
        ] {
            let got = ocsb_test(y, 12, lags, method).unwrap();
            let stat = r[key]["statistic"].as_f64().unwrap();
            assert!(
                (got.statistic - stat).abs() < 1e-8 * stat.abs().max(1.0),
                "{name} {key}: statistic {} vs R {stat}",
                got.statistic
            );
            let crit = r[key]["critical"].as_f64().unwrap();
            assert!((got.critical_value - crit).abs() < 1e-12, "{name} {key}");
            assert_eq!(
                got.lag_order as u64,
                r[key]["lag_order"].as_u64().unwrap(),
                "{name} {key}"
            );
        }
        assert_eq!(
            nsdiffs_with(y, 12, 1, SeasonalTest::Ocsb).unwrap() as u64,
            r["nsdiffs_ocsb"].as_u64().unwrap(),
            "{name}: nsdiffs(test = \"ocsb\")"
        );
        assert_eq!(
            nsdiffs_with(y, 12, 1, SeasonalTest::Strength).unwrap() as u64,
            r["nsdiffs_seas"].as_u64().unwrap(),
            "{name}: nsdiffs(test = \"seas\")"
        );
        if y.iter().all(|v| *v > 0.0) {
            let lambda = box_cox_lambda(y, 12, -1.0, 2.0).unwrap();
            let rl = r["boxcox_lambda"].as_f64().unwrap();
            assert!(
                (lambda - rl).abs() < 1e-8,
                "{name}: BoxCox.lambda {lambda} vs R {rl}"
            );
        }
    }
}

/// Stepwise auto-ARIMA picks R's model on the generated retail series (the first 20 of the
/// benchmark's 100; 95 of the 100 agree, docs/benchmarks.md). The one difference here, s004:
/// both searches visit the same 22 models with the same criteria, then R's fit of
/// ARIMA(0,1,1)(1,0,1)[12] with drift ends with a root inside 1.01 and is rejected (Inf in
/// `trace = TRUE`), while ours reaches an admissible optimum with a lower AICc (972.195 against
/// the 972.344 of R's pick, ARIMA(0,1,1)(2,0,0)[12] with drift).
#[test]
fn auto_arima_picks_rs_models_on_retail_series() {
    let want = std::fs::read_to_string(format!("{FIX}/auto_arima_retail20_r.txt")).unwrap();
    let series = seasonal_test_series();
    let mut differ = Vec::new();
    let mut compared = 0;
    for line in want.lines() {
        let (id, model) = line.split_once(' ').unwrap();
        let y = &series.iter().find(|(name, _)| name == id).unwrap().1;
        let train = &y[..y.len() - 12];
        let got = AutoArima::params(12).fit(train).unwrap().spec().name();
        compared += 1;
        if got != model {
            differ.push(format!("{id}: R {model}, ours {got}"));
        }
    }
    assert_eq!(compared, 20);
    assert!(differ.len() <= 1, "{differ:#?}");
}

/// On a long series (526 months of co2) the search runs on CSS fits with R's offset
/// (`approximation`) and refits by exact likelihood in order of the approximate criterion; it
/// selects R's model. R 4.2.2, forecast 8.20: `auto.arima(ts(co2_filled, frequency = 12))` gives
/// ARIMA(1,1,1)(2,1,1)[12], AICc 341.93.
#[test]
fn auto_arima_long_series_matches_r() {
    let y = column("co2_monthly.csv", 2);
    assert_eq!(y.len(), 526);
    let fit = AutoArima::params(12).fit(&y).unwrap();
    assert_eq!(fit.spec().name(), "ARIMA(1,1,1)(2,1,1)[12]");
    assert!((fit.aicc - 341.93).abs() < 0.1, "{}", fit.aicc);
}

fn sarimax_exog_fixture() -> serde_json::Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarimax_exog.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn json_floats(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

/// Parameters (statsmodels' names and order), log-likelihood, 12-step forecasts and 95% bounds
/// equal statsmodels' SARIMAX within `tol` (relative to max(1, |value|)).
fn assert_equals_sarimax(fit: &FittedArima, want: &serde_json::Value, fc: &Forecast, tol: f64) {
    let names: Vec<String> = fit.params().into_iter().map(|(n, _)| n).collect();
    let want_names: Vec<String> = want["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, want_names);
    let close = |a: f64, b: f64| (a - b).abs() <= tol * b.abs().max(1.0);
    for ((name, got), w) in fit.params().into_iter().zip(json_floats(&want["params"])) {
        assert!(close(got, w), "{name}: {got} vs statsmodels {w}");
    }
    let llf = want["llf"].as_f64().unwrap();
    assert!(
        close(fit.log_likelihood, llf),
        "loglik {} vs {llf}",
        fit.log_likelihood
    );
    let (lo, hi) = fc.interval(95.0).unwrap();
    for (key, ours) in [("mean", &fc.mean[..]), ("lower95", lo), ("upper95", hi)] {
        for (g, w) in ours.iter().zip(json_floats(&want[key])) {
            assert!(close(*g, w), "{key}: {g} vs {w}");
        }
    }
}

/// Regression with ARIMA(1,1,1) errors on two regressors (a price index and a promotion flag)
/// equals statsmodels' SARIMAX(exog) to 1e-4: coefficients, σ², log-likelihood, and forecasts
/// given the future regressors (`fixtures/oracle_sarimax_exog.py`).
#[test]
fn exog_regression_with_arima_errors_equals_sarimax() {
    let fx = sarimax_exog_fixture();
    let e = &fx["exog"];
    let y = json_floats(&e["y"]);
    let x: Vec<Vec<f64>> = e["x"].as_array().unwrap().iter().map(json_floats).collect();
    let future: Vec<Vec<f64>> = e["future"]
        .as_array()
        .unwrap()
        .iter()
        .map(json_floats)
        .collect();
    let fit = Arima::params(1, 1, 1).fit_with_exog(&y, &x).unwrap();
    assert_eq!(fit.spec().name(), "Regression with ARIMA(1,1,1) errors");
    let fc = fit.forecast_with_exog(12, &[95.0], &future).unwrap();
    assert_equals_sarimax(&fit, e, &fc, 1e-4);
    // Forecasting without the future regressors, or with the wrong number, is an error.
    assert!(matches!(
        fit.forecast(12, &[95.0]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        fit.forecast_with_exog(12, &[95.0], &future[..1]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        fit.forecast_with_exog(13, &[95.0], &future),
        Err(Error::LengthMismatch { .. })
    ));
    let mut bad = x.clone();
    bad[1][5] = f64::NAN;
    assert!(matches!(
        Arima::params(1, 1, 1).fit_with_exog(&y, &bad),
        Err(Error::NonFiniteExog { column: 1 })
    ));
    let collinear = vec![x[0].clone(), x[0].iter().map(|v| 2.0 * v).collect()];
    assert!(matches!(
        Arima::params(1, 1, 1).fit_with_exog(&y, &collinear),
        Err(Error::SingularRegression { .. })
    ));
}

/// Sparse lags: ARIMA(0,1,[1,4]) and ARIMA([1,4],1,0) equal statsmodels' SARIMAX with
/// `order=(0, 1, [1, 4])` and `order=([1, 4], 1, 0)` to 1e-4.
#[test]
fn sparse_lags_equal_sarimax() {
    let fx = sarimax_exog_fixture();
    let ma = &fx["sparse_ma"];
    let fit = Arima::params(0, 1, 0)
        .ma_lags(&[1, 4])
        .fit(&json_floats(&ma["y"]))
        .unwrap();
    assert_eq!(fit.spec().name(), "ARIMA(0,1,[1,4])");
    assert_eq!(fit.ma()[1..3], [0.0, 0.0]);
    let fc = fit.forecast(12, &[95.0]).unwrap();
    assert_equals_sarimax(&fit, ma, &fc, 1e-4);
    let ar = &fx["sparse_ar"];
    let fit = Arima::params(0, 1, 0)
        .ar_lags(&[1, 4])
        .fit(&json_floats(&ar["y"]))
        .unwrap();
    assert_eq!(fit.spec().name(), "ARIMA([1,4],1,0)");
    let fc = fit.forecast(12, &[95.0]).unwrap();
    assert_equals_sarimax(&fit, ar, &fc, 1e-4);
    assert!(matches!(
        Arima::params(0, 1, 0).ma_lags(&[0, 2]).check(),
        Err(Error::InvalidParameter(_))
    ));
}
