//! Reference tests against mlxtend 0.23 (`fpgrowth` + `association_rules`), the files of
//! `shared/reference/fpgrowth` written by `shared/oracle/oracle_fpgrowth.py`.
//!
//! Tolerances: itemsets, counts and supports must be equal (supports exactly, both being
//! `count / n` in `f64`); every rule metric within `1e-9 · max(1, |reference|)`, infinite
//! conviction equal to `inf`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use custalyze_assoc_rules::{AssociationRules, FpGrowth, Transactions};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, csv::Error> {
    let mut r = csv::Reader::from_reader(bytes);
    r.records()
        .map(|rec| rec.map(|r| r.iter().map(str::to_string).collect()))
        .collect()
}

fn check_itemsets(tx: &Transactions, s: f64, reference: &Path) -> TestResult {
    let itemsets = FpGrowth::params().min_support(s).fit(tx)?;
    let mut out = Vec::new();
    itemsets.write_csv(&mut out)?;
    let ours = read_rows(&out)?;
    let theirs = read_rows(&std::fs::read(reference)?)?;
    assert_eq!(ours.len(), theirs.len(), "{}", reference.display());
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!(a[0], b[0], "n_items");
        assert_eq!(a[1], b[1], "itemset");
        assert_eq!(a[2], b[2], "count of {}", b[1]);
        assert_eq!(
            a[3].parse::<f64>()?,
            b[3].parse::<f64>()?,
            "support of {}",
            b[1]
        );
    }
    Ok(())
}

fn close(a: f64, b: f64) -> bool {
    if b.is_infinite() {
        return a == b;
    }
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

fn check_rules(tx: &Transactions, s: f64, reference: &Path) -> TestResult {
    let itemsets = FpGrowth::params().min_support(s).fit(tx)?;
    let rules = AssociationRules::params()
        .min_confidence(0.5)
        .fit(&itemsets)?;
    let mut out = Vec::new();
    rules.write_csv(&mut out)?;
    let ours = read_rows(&out)?;
    let theirs = read_rows(&std::fs::read(reference)?)?;
    assert_eq!(ours.len(), theirs.len(), "{}", reference.display());
    let mut worst = 0.0f64;
    for (a, b) in ours.iter().zip(&theirs) {
        assert_eq!((&a[0], &a[1]), (&b[0], &b[1]), "rule keys");
        for k in 2..13 {
            let (x, y) = (a[k].parse::<f64>()?, b[k].parse::<f64>()?);
            assert!(close(x, y), "{} -> {} column {k}: {x} vs {y}", b[0], b[1]);
            if y.is_finite() {
                worst = worst.max((x - y).abs() / y.abs().max(1.0));
            }
        }
    }
    eprintln!(
        "{}: {} rules, worst scaled difference {worst:e}",
        reference.display(),
        ours.len()
    );
    Ok(())
}

fn cosmetics_fixture() -> Result<Transactions, custalyze_assoc_rules::Error> {
    Transactions::read_path(fixture("cosmetics_baskets.txt"), ',')
}

#[test]
fn cosmetics_has_1000_transactions_with_43_empty() -> TestResult {
    let tx = cosmetics_fixture()?;
    assert_eq!(tx.len(), 1000);
    assert_eq!(tx.iter().filter(|b| b.is_empty()).count(), 43);
    assert_eq!(tx.items().len(), 14);
    Ok(())
}

#[test]
fn cosmetics_itemsets_at_10_percent_equal_mlxtend() -> TestResult {
    check_itemsets(
        &cosmetics_fixture()?,
        0.1,
        &fixture("cosmetics_s0.1_itemsets.csv"),
    )
}

#[test]
fn cosmetics_itemsets_at_2_percent_equal_mlxtend() -> TestResult {
    check_itemsets(
        &cosmetics_fixture()?,
        0.02,
        &fixture("cosmetics_s0.02_itemsets.csv"),
    )
}

#[test]
fn cosmetics_rules_at_10_percent_equal_mlxtend() -> TestResult {
    check_rules(
        &cosmetics_fixture()?,
        0.1,
        &fixture("cosmetics_s0.1_rules_conf0.5.csv"),
    )
}

/// The shared files, when present.
fn shared_case(rel: &str) -> Option<PathBuf> {
    let p = shared().join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipping: {} not found (shared data missing)", p.display());
        None
    }
}

#[test]
fn cosmetics_rules_at_2_percent_equal_mlxtend() -> TestResult {
    let Some(reference) = shared_case("reference/fpgrowth/cosmetics_s0.02_rules_conf0.5.csv")
    else {
        return Ok(());
    };
    check_rules(&cosmetics_fixture()?, 0.02, &reference)
}

#[test]
fn synthetic10k_itemsets_and_rules_equal_mlxtend() -> TestResult {
    let Some(data) = shared_case("data/baskets/synthetic_quest_10k.txt") else {
        return Ok(());
    };
    let tx = Transactions::read_path(&data, ' ')?;
    assert_eq!(tx.len(), 10_000);
    let mut by_threshold = BTreeMap::new();
    for (s, tag) in [(0.04, "0.04"), (0.02, "0.02")] {
        let dir = shared().join("reference/fpgrowth");
        check_itemsets(
            &tx,
            s,
            &dir.join(format!("synthetic10k_s{tag}_itemsets.csv")),
        )?;
        check_rules(
            &tx,
            s,
            &dir.join(format!("synthetic10k_s{tag}_rules_conf0.5.csv")),
        )?;
        by_threshold.insert(tag, FpGrowth::params().min_support(s).fit(&tx)?.len());
    }
    // fpgrowth_results.json: 250 and 803 itemsets.
    assert_eq!(by_threshold.get("0.04"), Some(&250));
    assert_eq!(by_threshold.get("0.02"), Some(&803));
    Ok(())
}
