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
