//! End-to-end tests of `custalyze rules`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../assoc-rules/tests/fixtures")
        .join(name)
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn cosmetics_itemsets_and_rules_equal_mlxtend() {
    let dir = tempfile::tempdir().unwrap();
    let (items, rules) = (dir.path().join("i.csv"), dir.path().join("r.csv"));
    let o = run(&[
        "rules",
        "--baskets",
        fixture("cosmetics_baskets.txt").to_str().unwrap(),
        "--min-support",
        "0.1",
        "--min-confidence",
        "0.5",
        "--itemsets-out",
        items.to_str().unwrap(),
        "--rules-out",
        rules.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["n_transactions"], 1000);
    assert_eq!(json["n_itemsets"], 102);
    assert_eq!(json["n_rules"], 139);
    assert_eq!(rows(&items), rows(&fixture("cosmetics_s0.1_itemsets.csv")));
    let header = std::fs::read_to_string(&rules).unwrap();
    assert!(header.starts_with(
        "antecedents,consequents,antecedent_support,consequent_support,support,confidence,lift,\
         leverage,conviction,zhangs_metric,jaccard,certainty,kulczynski\n"
    ));
    let (ours, theirs) = (
        rows(&rules),
        rows(&fixture("cosmetics_s0.1_rules_conf0.5.csv")),
    );
    assert_eq!(ours.len(), theirs.len());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a[..2], b[..2]);
        for k in 2..13 {
            let (x, y): (f64, f64) = (a[k].parse().unwrap(), b[k].parse().unwrap());
            assert!(
                x == y || (x - y).abs() <= 1e-9 * y.abs().max(1.0),
                "{a:?} vs {b:?}"
            );
        }
    }
}

#[test]
fn maximal_itemsets_by_count_with_a_length_limit() {
    let dir = tempfile::tempdir().unwrap();
    let items = dir.path().join("i.csv");
    let o = run(&[
        "rules",
        "--baskets",
        fixture("cosmetics_baskets.txt").to_str().unwrap(),
        "--min-count",
        "100",
        "--max-len",
        "2",
        "--kind",
        "maximal",
        "--metric",
        "lift",
        "--min-threshold",
        "1.2",
        "--itemsets-out",
        items.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r = rows(&items);
    assert!(!r.is_empty());
    assert!(r.iter().all(|row| row[0] == "1" || row[0] == "2"));
    assert!(r.iter().all(|row| row[2].parse::<u64>().unwrap() >= 100));
}

#[test]
fn baskets_from_the_embedded_transaction_sample() {
    let dir = tempfile::tempdir().unwrap();
    let items = dir.path().join("i.csv");
    let o = run(&[
        "rules",
        "--min-support",
        "0.005",
        "--itemsets-out",
        items.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(json["n_transactions"].as_u64().unwrap() > 100);
    assert_eq!(
        json["n_itemsets"].as_u64().unwrap() as usize,
        rows(&items).len()
    );
}

#[test]
fn bad_separator_and_support_fail_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let items = dir.path().join("i.csv");
    let baskets = fixture("cosmetics_baskets.txt");
    for extra in [["--separator", "ab"], ["--min-support", "0"]] {
        let mut args = vec![
            "rules",
            "--baskets",
            baskets.to_str().unwrap(),
            "--itemsets-out",
            items.to_str().unwrap(),
        ];
        args.extend(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1));
        assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    }
}
