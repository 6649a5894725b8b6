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
