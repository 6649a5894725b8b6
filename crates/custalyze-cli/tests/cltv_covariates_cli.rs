//! `cltv fit --covariates` and `cltv predict --covariates` on the CDNOW sample: the effects land
//! in MODEL.json in the documented shape, each customer is scored at her own parameters, and
//! missing or unexpected covariates are errors that say what to do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::{cdnow_sample, run, s, stderr};

/// customer_id,log_first_spend,january from the sample's first-day orders.
fn write_covariates(input: &Path, out: &Path) {
    let mut first: HashMap<String, (String, f64)> = HashMap::new();
    for line in std::fs::read_to_string(input).unwrap().lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        // The sample's second field is its own customer id (the summary's).
        let id = f[1].trim_start_matches('0').to_string();
        let (date, value) = (f[2].to_string(), f[4].parse::<f64>().unwrap());
        let e = first.entry(id).or_insert((date.clone(), 0.0));
        if date < e.0 {
            *e = (date, value);
        } else if date == e.0 {
            e.1 += value;
        }
    }
    let mut text = String::from("customer_id,log_first_spend,january\n");
    for (id, (date, value)) in &first {
        text += &format!(
            "{id},{},{}\n",
            value.max(1.0).ln(),
            u8::from(date.as_str() < "19970201")
        );
    }
    std::fs::write(out, text).unwrap();
}

#[test]
fn covariates_are_fitted_saved_and_used_per_customer() {
    let Some(input) = cdnow_sample() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("cal.csv");
    let o = run(&[
        "summary",
        "--input",
        s(&input),
        "--schema",
        "cdnow",
        "--freq",
        "W",
        "--calibration-end",
        "1997-09-30",
        "--end",
        "1998-06-30",
        "--output",
        s(&cal),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let cov = dir.path().join("customers.csv");
    write_covariates(&input, &cov);
    let model = dir.path().join("bg_cov.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        s(&cal),
        "--covariates",
        s(&cov),
        "--purchase-cov",
        "log_first_spend,january",
        "--dropout-cov",
        "log_first_spend",
        "--output",
        s(&model),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    for (process, name) in [
        ("purchase", "log_first_spend"),
        ("purchase", "january"),
        ("dropout", "log_first_spend"),
    ] {
        assert!(m["covariates"][process][name].is_f64(), "{m}");
        assert!(
            m["covariates_se"][process][name].as_f64().unwrap() > 0.0,
            "{m}"
        );
    }
    // The plain fit on the same data has a lower likelihood (nested model).
    let plain = dir.path().join("bg.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        s(&cal),
        "--output",
        s(&plain),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&plain).unwrap()).unwrap();
    assert!(m["log_likelihood"].as_f64().unwrap() >= p["log_likelihood"].as_f64().unwrap() - 1e-6);

    // Predictions differ between customers with the same history and different covariates.
    let pred = dir.path().join("pred.csv");
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--summary",
        s(&cal),
        "--covariates",
        s(&cov),
        "--horizon",
        "39",
        "--output",
        s(&pred),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&pred).unwrap();
    let mut by_history: HashMap<String, Vec<String>> = HashMap::new();
    let cal_text = std::fs::read_to_string(&cal).unwrap();
    let predictions: Vec<&str> = text.lines().skip(1).collect();
    for (row, p) in cal_text.lines().skip(1).zip(&predictions) {
        let f: Vec<&str> = row.split(',').collect();
        let key = f[1..4].join(",");
        by_history
            .entry(key)
            .or_default()
            .push(p.split(',').nth(1).unwrap().to_string());
    }
    let zero_history = &by_history["0.0,0.0,38.0"];
    let distinct: std::collections::HashSet<&String> = zero_history.iter().collect();
    assert!(distinct.len() > 1, "{zero_history:?}");

    // Per-customer intervals from draws of the base parameters and the coefficients.
    let q = dir.path().join("q.csv");
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--summary",
        s(&cal),
        "--covariates",
        s(&cov),
        "--horizon",
        "39",
        "--quantiles",
        "0.05,0.95",
        "--draws",
        "200",
        "--output",
        s(&q),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&q).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (e, lo, hi) = (
        col("expected_purchases"),
        col("expected_purchases_q5"),
        col("expected_purchases_q95"),
    );
    for line in lines {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.parse().unwrap_or(f64::NAN))
            .collect();
        assert!(
            f[lo] < f[hi] && f[lo] <= f[e] * 1.05 && f[e] <= f[hi] * 1.05,
            "{line}"
        );
    }

    // Errors: no covariates for a covariate model, covariates for a plain one, missing rows.
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--summary",
        s(&cal),
        "--horizon",
        "39",
        "--output",
        "-",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--covariates FILE"), "{}", stderr(&o));
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&plain),
        "--summary",
        s(&cal),
        "--covariates",
        s(&cov),
        "--horizon",
        "39",
        "--output",
        "-",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("without covariates"), "{}", stderr(&o));
    let short = dir.path().join("short.csv");
    let all = std::fs::read_to_string(&cov).unwrap();
    std::fs::write(&short, all.lines().take(50).collect::<Vec<_>>().join("\n")).unwrap();
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--summary",
        s(&cal),
        "--covariates",
        s(&short),
        "--horizon",
        "39",
        "--output",
        "-",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("have no row"), "{}", stderr(&o));
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        s(&cal),
        "--purchase-cov",
        "january",
        "--output",
        s(&plain),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("need --covariates"), "{}", stderr(&o));

    // Gamma-Gamma with a spend covariate, used by predict for CLV.
    let gg = dir.path().join("gg_cov.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "gamma-gamma",
        "--summary",
        s(&cal),
        "--covariates",
        s(&cov),
        "--spend-cov",
        "log_first_spend",
        "--output",
        s(&gg),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let g: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&gg).unwrap()).unwrap();
    // Customers who spend more on their first day spend more later.
    assert!(
        g["covariates"]["spend"]["log_first_spend"]
            .as_f64()
            .unwrap()
            > 0.0,
        "{g}"
    );
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--spend-model",
        s(&gg),
        "--summary",
        s(&cal),
        "--covariates",
        s(&cov),
        "--horizon",
        "39",
        "--output",
        s(&pred),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&pred).unwrap().starts_with(
            "customer_id,expected_purchases,p_alive,p_purchase,expected_avg_spend,clv"
        )
    );
}
