//! End-to-end tests of `custalyze rfm`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../rfm/tests/fixtures/small_cdnow.txt")
}

#[test]
fn rfm_on_the_small_fixture_matches_pandas() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let input = fixture();
    let o = run(&[
        "rfm",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--as-of",
        "1997-04-05",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("loaded 20 of 20 rows"),
        "{}",
        stderr(&o)
    );
    let got = std::fs::read_to_string(&out).unwrap();
    let mut lines = got.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,recency,frequency,monetary,r_score,f_score,m_score,segment")
    );
    // Expected rows from tests/fixtures/small_rfm_1997-04-05.csv of custalyze-rfm (pandas).
    let expected = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../rfm/tests/fixtures/small_rfm_1997-04-05.csv"),
    )
    .unwrap();
    let rows: Vec<&str> = lines.collect();
    let exp: Vec<&str> = expected.lines().skip(1).collect();
    assert_eq!(rows.len(), exp.len());
    for (g, e) in rows.iter().zip(&exp) {
        let g: Vec<&str> = g.split(',').collect();
        let e: Vec<&str> = e.split(',').collect();
        assert_eq!(g[0], e[0]);
        assert_eq!(g[1], e[1]);
        assert_eq!(g[2], e[2]);
        let (gm, em): (f64, f64) = (g[3].parse().unwrap(), e[3].parse().unwrap());
        assert!((gm - em).abs() < 1e-9, "{g:?} vs {e:?}");
        assert_eq!(&g[4..7], &e[4..7]);
        assert_eq!(g[7], e[9]);
    }
}

#[test]
fn rfm_package_map_and_orders_rule() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let input = fixture();
    let o = run(&[
        "rfm",
        "--input",
        input.to_str().unwrap(),
        "--as-of",
        "1997-04-05",
        "--map",
        "rfm-package",
        "--frequency",
        "orders",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("were not counted"), "{}", stderr(&o));
    let got = std::fs::read_to_string(&out).unwrap();
    let row3: Vec<&str> = got.lines().nth(3).unwrap().split(',').collect();
    // Customer 3: 3 orders, the most recent buyer (5-5-5 is Champions in both maps).
    assert_eq!(&row3[..3], &["3", "3", "3"]);
    assert_eq!(row3[7], "Champions");
    let labels = [
        "Champions",
        "Potential Loyalist",
        "Loyal Customers",
        "Promising",
        "New Customers",
        "Can't Lose Them",
        "At Risk",
        "Need Attention",
        "About To Sleep",
        "Lost",
        "Others",
    ];
    for line in got.lines().skip(1) {
        let seg = line.rsplit(',').next().unwrap();
        assert!(labels.contains(&seg), "{line}");
    }
}

#[test]
fn bad_dates_and_empty_snapshots_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rfm.csv");
    let input = fixture();
    let base = [
        "rfm",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--output",
        out.to_str().unwrap(),
    ];
    let o = run(&[&base[..], &["--as-of", "1997-13-01"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a date"), "{}", stderr(&o));
    let o = run(&[&base[..], &["--as-of", "1996-01-01"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no transaction before"),
        "{}",
        stderr(&o)
    );
    let o = run(&[&base[..], &["--as-of", "1997-04-05", "--bins", "12"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bins"), "{}", stderr(&o));
    let o = run(&[&base[..], &["--as-of", "1997-04-05", "--map", "nope"]].concat());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_shows_examples() {
    let o = run(&["rfm", "--help"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Examples:"), "{text}");
    assert!(text.contains("--as-of"), "{text}");
}

#[test]
fn rfm_package_scoring_shares_scores_between_ties_and_segments_come_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let segments = dir.path().join("segments.csv");
    std::fs::write(
        &segments,
        "segment,r_min,r_max,f_min,f_max,m_min,m_max\nVIP,4,5,4,5,4,5\nSleeping,1,2,1,5,1,5\n",
    )
    .unwrap();
    let o = run(&[
        "rfm",
        "--as-of",
        "2024-01-01",
        "--scoring",
        "rfm-package",
        "--segments",
        segments.to_str().unwrap(),
        "--fallback",
        "Regular",
        "--output",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert!(rows.len() > 100);
    // Tied frequencies (column 2) always share a frequency score (column 5).
    let mut by_f: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    for r in &rows {
        let prev = by_f.insert(&r[2], &r[5]);
        assert!(
            prev.is_none_or(|p| p == r[5]),
            "frequency {} scored {} and {:?}",
            r[2],
            r[5],
            prev
        );
    }
    for r in &rows {
        let (rs, fs, ms): (u8, u8, u8) = (
            r[4].parse().unwrap(),
            r[5].parse().unwrap(),
            r[6].parse().unwrap(),
        );
        let want = if (4..=5).contains(&rs) && (4..=5).contains(&fs) && (4..=5).contains(&ms) {
            "VIP"
        } else if rs <= 2 {
            "Sleeping"
        } else {
            "Regular"
        };
        assert_eq!(r[7], want, "{r:?}");
    }
    // A bad segment file names its line.
    std::fs::write(&segments, "segment,r_min,r_max,f_min,f_max\nVIP,4,x,4,5\n").unwrap();
    let o = run(&[
        "rfm",
        "--as-of",
        "2024-01-01",
        "--segments",
        segments.to_str().unwrap(),
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("line 2"), "{}", stderr(&o));
}
