//! `cltv plot KIND` writes a well-formed SVG for every kind, the numbers behind the tracking
//! plot equal lifetimes' `expected_cumulative_transactions` on the CDNOW sample, and bad
//! requests are errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{cdnow_sample, run, s, stderr};

#[test]
fn every_plot_kind_draws_and_tracking_equals_lifetimes() {
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
        "D",
        "--freq-multiplier",
        "7",
        "--calibration-end",
        "1997-09-30",
        "--end",
        "1998-06-30",
        "--output",
        s(&cal),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let model = dir.path().join("bgnbd.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        s(&cal),
        "--output",
        s(&model),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for kind in [
        "frequency-recency",
        "p-alive",
        "period-transactions",
        "calibration-holdout",
        "purchases-pmf",
    ] {
        let svg = dir.path().join(format!("{kind}.svg"));
        let o = run(&[
            "cltv",
            "plot",
            kind,
            "--model",
            s(&model),
            "--summary",
            s(&cal),
            "--output",
            s(&svg),
        ]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(
            text.starts_with("<svg") && text.ends_with("</svg>"),
            "{kind}"
        );
        assert!(!text.contains("NaN") && !text.contains("inf"), "{kind}");
    }
    let svg = dir.path().join("tracking.svg");
    let data = dir.path().join("tracking.json");
    let o = run(&[
        "cltv",
        "plot",
        "tracking",
        "--model",
        s(&model),
        "--input",
        s(&input),
        "--schema",
        "cdnow",
        "--freq",
        "7D",
        "--end",
        "1998-06-30",
        "--output",
        s(&svg),
        "--data",
        s(&data),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ours: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&data).unwrap()).unwrap();
    let fixture: serde_json::Value = serde_json::from_str(include_str!(
        "../../cltv-core/tests/fixtures/diagnostic_plots_cdnow.json"
    ))
    .unwrap();
    let want = &fixture["tracking"];
    // Same actual series, week by week (lifetimes: 78 weeks from 1997-01-01).
    assert_eq!(ours["actual_cumulative"], want["actual_cumulative"]);
    // Predictions within 0.1% (our fit and lifetimes' differ in the 5th digit).
    let (p, q) = (
        ours["predicted_cumulative"].as_array().unwrap(),
        want["predicted_cumulative"].as_array().unwrap(),
    );
    assert_eq!(p.len(), q.len());
    for (a, b) in p.iter().zip(q) {
        let (a, b) = (a.as_f64().unwrap(), b.as_f64().unwrap());
        assert!((a - b).abs() <= 1e-3 * b.max(1.0), "{a} vs {b}");
    }
    // Errors: a model that plots nothing, a missing summary, a unit mismatch.
    let gg = dir.path().join("gg.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "gamma-gamma",
        "--summary",
        s(&cal),
        "--output",
        s(&gg),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&[
        "cltv",
        "plot",
        "p-alive",
        "--model",
        s(&gg),
        "--summary",
        s(&cal),
        "--output",
        "-",
    ]);
    assert!(!o.status.success());
    let o = run(&[
        "cltv",
        "plot",
        "p-alive",
        "--model",
        s(&model),
        "--output",
        "-",
    ]);
    assert!(stderr(&o).contains("--summary"), "{}", stderr(&o));
    let o = run(&[
        "cltv",
        "plot",
        "tracking",
        "--model",
        s(&model),
        "--input",
        s(&input),
        "--schema",
        "cdnow",
        "--freq",
        "D",
        "--output",
        "-",
    ]);
    assert!(stderr(&o).contains("fitted in weeks"), "{}", stderr(&o));
}
