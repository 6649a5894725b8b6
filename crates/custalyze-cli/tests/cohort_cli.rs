//! End-to-end tests of `custalyze cohort`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

use std::path::{Path, PathBuf};

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.exists().then_some(p)
}

fn cohort_fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cohort/tests/fixtures")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn cdnow_master_matches_the_pandas_reference() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared (CDNOW_master.txt) is not available");
        return;
    };
    let input = shared.join("data/cdnow/CDNOW_master.txt");
    let dir = tempfile::tempdir().unwrap();
    for (metric, name) in [
        ("customers", "cohort_active_customers_monthly.csv"),
        ("retention", "cohort_retention_monthly.csv"),
    ] {
        let out = dir.path().join(name);
        let o = run(&[
            "cohort",
            "--input",
            input.to_str().unwrap(),
            "--schema",
            "cdnow",
            "--period",
            "M",
            "--metric",
            metric,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("3 cohorts, 23570 customers"),
            "{}",
            stderr(&o)
        );
        let got = std::fs::read_to_string(&out).unwrap();
        assert_eq!(got, cohort_fixture(name), "{metric}");
    }
}

#[test]
fn embedded_sample_weekly_revenue() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("w.csv");
    let o = run(&[
        "cohort",
        "--period",
        "W",
        "--metric",
        "customers",
        "--one-based",
        "--unobserved",
        "NA",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(&out).unwrap();
    let mut lines = got.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "cohort");
    assert_eq!(header[1], "1");
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.len() > 1);
    let mut total = 0u64;
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.len(), header.len());
        // Labels are Mondays.
        let start = chrono::NaiveDate::parse_from_str(row[0], "%Y-%m-%d").unwrap();
        assert_eq!(chrono::Datelike::weekday(&start), chrono::Weekday::Mon);
        let size: u64 = row[1].parse().unwrap();
        assert!(size > 0);
        total += size;
        // Cohorts are in order and each younger one has one more unobserved cell at the end
        // (or more, when weeks without new customers lie between them).
        let na = row.iter().filter(|v| **v == "NA").count();
        assert!(row.iter().rev().take(na).all(|v| *v == "NA"));
        if i == 0 {
            assert_eq!(na, 0);
        }
        for v in &row[1..row.len() - na] {
            assert!(v.parse::<u64>().unwrap() <= size);
        }
    }
    let customers: u64 = stderr(&o)
        .split(" customers, ")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert_eq!(total, customers);
}

#[test]
fn help_has_examples() {
    let o = run(&["cohort", "--help"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Examples:\n  custalyze cohort"), "{text}");
}

#[test]
fn bad_arguments_exit_with_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    for (flag, value, message) in [
        ("--metric", "churn", "unknown metric"),
        ("--period", "2W", "multiplier"),
        ("--period", "Q", "Q"),
        ("--end", "yesterday", "--end"),
    ] {
        let o = run(&["cohort", flag, value, "--output", out.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{flag} {value}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{}", stderr(&o));
    }
}
