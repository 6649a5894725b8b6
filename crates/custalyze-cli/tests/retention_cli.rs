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
