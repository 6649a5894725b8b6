//! `cltv dynamic`: time-varying covariates from a dated table, fitted on the CDNOW sample, with
//! predictions over a horizon of planned covariates; bad tables are errors that say what to do.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{cdnow_sample, run, s, stderr};

/// A weekly calendar from `start`: holiday = November and December, summer = June to August.
fn calendar(path: &Path, start: chrono::NaiveDate) {
    let mut text = String::from("date,holiday,summer\n");
    let mut d = start;
    while d < chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() {
        use chrono::Datelike;
        let m = d.month();
        text += &format!(
            "{d},{},{}\n",
            u8::from(m >= 11),
            u8::from((6..=8).contains(&m))
        );
        d += chrono::Duration::days(7);
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn time_varying_covariates_are_fitted_and_predict_with_planned_covariates() {
    let Some(input) = cdnow_sample() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("calendar.csv");
    calendar(&cal, chrono::NaiveDate::from_ymd_opt(1996, 12, 30).unwrap());
    for (model, extra) in [
        ("bgnbd", vec!["--purchase-cov", "holiday"]),
        (
            "pareto-nbd",
            vec!["--purchase-cov", "holiday", "--dropout-cov", "summer"],
        ),
    ] {
        let (json, pred) = (dir.path().join("m.json"), dir.path().join("p.csv"));
        let mut args = vec![
            "cltv",
            "dynamic",
            "--model",
            model,
            "--input",
            s(&input),
            "--schema",
            "cdnow",
            "--covariates",
            s(&cal),
            "--end",
            "1998-06-30",
            "--horizon",
            "26",
            "--output",
            s(&json),
            "--predictions",
            s(&pred),
        ];
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{model}: {}", stderr(&o));
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
        assert_eq!(m["time_varying"], true);
        assert!(m["covariates"]["purchase"]["holiday"].is_f64(), "{m}");
        assert!(m["covariates_se"]["purchase"]["holiday"].as_f64().unwrap() > 0.0);
        if model == "pareto-nbd" {
            assert!(m["covariates"]["dropout"]["summer"].is_f64(), "{m}");
        }
        assert_eq!(m["customers"], 2357);
        let text = std::fs::read_to_string(&pred).unwrap();
        assert_eq!(text.lines().count(), 2358);
        for line in text.lines().skip(1) {
            let f: Vec<f64> = line
                .split(',')
                .skip(1)
                .map(|v| v.parse().unwrap())
                .collect();
            assert!(
                f[0] >= 0.0 && f[0].is_finite() && (0.0..=1.0).contains(&f[1]),
                "{line}"
            );
        }
    }
    // A calendar that starts after the first purchases, a missing column, a dropout covariate on
    // the BG/NBD: errors naming the fix.
    let late = dir.path().join("late.csv");
    calendar(&late, chrono::NaiveDate::from_ymd_opt(1997, 6, 2).unwrap());
    let base = |cov: &Path, extra: &[&str]| {
        let mut a = vec![
            "cltv".to_string(),
            "dynamic".into(),
            "--model".into(),
            "bgnbd".into(),
            "--input".into(),
            s(&input).into(),
            "--schema".into(),
            "cdnow".into(),
            "--covariates".into(),
            s(cov).into(),
            "--output".into(),
            "-".into(),
        ];
        a.extend(extra.iter().map(|v| (*v).to_string()));
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        run(&refs)
    };
    let o = base(&late, &["--purchase-cov", "holiday"]);
    assert!(
        stderr(&o).contains("no covariate row on or before"),
        "{}",
        stderr(&o)
    );
    let o = base(&cal, &["--purchase-cov", "price"]);
    assert!(stderr(&o).contains("no column price"), "{}", stderr(&o));
    let o = base(&cal, &["--dropout-cov", "summer"]);
    assert!(stderr(&o).contains("Pareto/NBD"), "{}", stderr(&o));
}
