//! `custalyze cltv retention`: the sBG fit of Fader & Hardie's (2007) regular cohort (published
//! α = 0.704, β = 1.182, LL = -1680.3), projections beyond the data, and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, stderr};

#[test]
fn fits_the_published_cohort_and_projects() {
    let o = run(&[
        "cltv",
        "retention",
        "--survivors",
        "1000,631,468,382,326,289,262,241",
        "--horizon",
        "5",
        "--output",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!((j["alpha"].as_f64().unwrap() - 0.704).abs() < 1e-3);
    assert!((j["beta"].as_f64().unwrap() - 1.182).abs() < 1e-3);
    assert!((j["log_likelihood"].as_f64().unwrap() + 1680.3).abs() < 0.05);
    assert!(
        j["expected_lifetime"].is_null(),
        "alpha < 1: infinite mean lifetime"
    );
    let periods = j["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 13);
    assert!(periods[12]["survivors"].is_null());
    // The published data for year 12 (not given to the fit) had 173 survivors.
    let year12 = periods[12]["expected_survivors"].as_f64().unwrap();
    assert!((year12 - 173.0).abs() < 173.0 * 0.03, "{year12}");
    let rates: Vec<f64> = periods[1..]
        .iter()
        .map(|p| p["retention_rate"].as_f64().unwrap())
        .collect();
    assert!(
        rates.windows(2).all(|w| w[1] > w[0]),
        "retention rises with tenure"
    );
    let derl = j["residual_lifetime"].as_array().unwrap();
    assert_eq!(derl.len(), 8);
}

#[test]
fn bad_survivor_counts_are_one_line_errors() {
    for (list, needle) in [
        ("1000,1100", "only fall"),
        ("1000", "at least one later count"),
        ("1000,-5", "negative"),
        ("1000,1000,1000", "nobody cancelled"),
    ] {
        let o = run(&["cltv", "retention", "--survivors", list, "--output", "-"]);
        assert!(!o.status.success(), "{list}");
        let e = stderr(&o);
        assert!(e.contains(needle), "{list}: {e}");
    }
    let o = run(&[
        "cltv",
        "retention",
        "--survivors",
        "1000,900",
        "--discount=-1",
        "--output",
        "-",
    ]);
    assert!(stderr(&o).contains("discount"));
}

/// `cltv compare` on the CDNOW calibration/holdout summary: three models scored, the BG/NBD total
/// equal to lifetimes' 1653.41, the selection following the rule.
#[test]
fn compare_scores_three_models_on_cdnow() {
    let cdnow = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../transaction-types/tests/fixtures/CDNOW_sample.txt");
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("cal.csv");
    let o = run(&[
        "summary",
        "--input",
        cdnow.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--freq",
        "D",
        "--freq-multiplier",
        "7",
        "--calibration-end",
        "1997-09-30",
        "--end",
        "1998-06-30",
        "--output",
        cal.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for (rule, key) in [("bic", "bic"), ("mae", "mae")] {
        let o = run(&[
            "cltv",
            "compare",
            "--summary",
            cal.to_str().unwrap(),
            "--select",
            rule,
            "--output",
            "-",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let rows = j["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(j["customers"], 2357);
        let bg = rows.iter().find(|r| r["model"] == "bgnbd").unwrap();
        assert!((bg["total_predicted"].as_f64().unwrap() - 1653.4087).abs() < 0.01);
        let best = rows
            .iter()
            .min_by(|a, b| {
                a[key]
                    .as_f64()
                    .unwrap()
                    .total_cmp(&b[key].as_f64().unwrap())
            })
            .unwrap();
        assert_eq!(j["selected"], best["model"]);
    }
    let o = run(&[
        "cltv",
        "compare",
        "--summary",
        cdnow.to_str().unwrap(),
        "--output",
        "-",
    ]);
    assert!(!o.status.success());
}

/// `cltv predict --quantiles`: per-customer intervals from the fit's covariance, ordered and
/// around the point predictions; models without a covariance and bad quantiles are errors.
#[test]
fn predict_quantiles_bracket_the_point_predictions() {
    let cdnow = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../transaction-types/tests/fixtures/CDNOW_sample.txt");
    let dir = tempfile::tempdir().unwrap();
    let (cal, model, out) = (
        dir.path().join("cal.csv"),
        dir.path().join("bg.json"),
        dir.path().join("p.csv"),
    );
    let (cal, model, out) = (
        cal.to_str().unwrap(),
        model.to_str().unwrap(),
        out.to_str().unwrap(),
    );
    let gg = dir.path().join("gg.json").to_str().unwrap().to_string();
    for args in [
        vec![
            "summary",
            "--input",
            cdnow.to_str().unwrap(),
            "--schema",
            "cdnow",
            "--freq",
            "D",
            "--freq-multiplier",
            "7",
            "--calibration-end",
            "1997-09-30",
            "--end",
            "1998-06-30",
            "--output",
            cal,
        ],
        vec![
            "cltv",
            "fit",
            "--model",
            "bgnbd",
            "--summary",
            cal,
            "--output",
            model,
        ],
        vec![
            "cltv",
            "fit",
            "--model",
            "gamma-gamma",
            "--summary",
            cal,
            "--output",
            &gg,
        ],
        vec![
            "cltv",
            "predict",
            "--model",
            model,
            "--spend-model",
            &gg,
            "--summary",
            cal,
            "--horizon",
            "39",
            "--quantiles",
            "0.05,0.95",
            "--draws",
            "300",
            "--output",
            out,
        ],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let text = std::fs::read_to_string(out).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (e, lo, hi) = (
        col("expected_purchases"),
        col("expected_purchases_q5"),
        col("expected_purchases_q95"),
    );
    let (a, alo, ahi) = (col("p_alive"), col("p_alive_q5"), col("p_alive_q95"));
    // CLV intervals with the spend parameters drawn too.
    let (v, vlo, vhi) = (col("clv"), col("clv_q5"), col("clv_q95"));
    let (pp, plo, phi) = (
        col("p_purchase"),
        col("p_purchase_q5"),
        col("p_purchase_q95"),
    );
    let mut rows = 0;
    for line in lines {
        let f: Vec<f64> = line
            .split(',')
            .map(|v| v.parse().unwrap_or(f64::NAN))
            .collect();
        assert!(f[lo] <= f[e] * 1.05 && f[e] <= f[hi] * 1.05, "{line}");
        assert!(
            f[lo] <= f[hi] && f[alo] <= f[ahi] && f[alo] >= 0.0 && f[ahi] <= 1.0,
            "{line}"
        );
        assert!(f[alo] <= f[a] + 0.05 && f[a] <= f[ahi] + 0.05, "{line}");
        assert!(
            f[vlo] < f[vhi] && f[vlo] <= f[v] * 1.05 && f[v] <= f[vhi] * 1.05,
            "{line}"
        );
        assert!(
            f[plo] <= f[pp] + 0.05 && f[pp] <= f[phi] + 0.05 && f[phi] <= 1.0,
            "{line}"
        );
        rows += 1;
    }
    assert_eq!(rows, 2357);
    // A model JSON without the covariance (written by an older version) is refused with the fix.
    let old = std::fs::read_to_string(model)
        .unwrap()
        .replace("\"covariance\"", "\"covariance_gone\"");
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, old).unwrap();
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        old_path.to_str().unwrap(),
        "--summary",
        cal,
        "--horizon",
        "39",
        "--quantiles",
        "0.1",
        "--output",
        "-",
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("refit to use --quantiles"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        model,
        "--summary",
        cal,
        "--horizon",
        "39",
        "--quantiles",
        "0,0.5",
        "--output",
        "-",
    ]);
    assert!(stderr(&o).contains("probabilities in (0, 1)"));
}
