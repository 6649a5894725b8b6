//! The full CDNOW_master comparison with `shared/reference/rfm/abc_customers_cdnow_master.csv`
//! (shared/oracle/oracle_rfm.py, pandas 2.2.3): 23,570 customers; rank, monetary and cum_share
//! within 1e-12 (relative to 1 + |expected|), classes and ids exact, rank for rank.
//!
//! The ids are exact because `TransactionLog` keeps same-day rows of a customer in file order and
//! the totals are Kahan sums in that order, as pandas' `groupby.sum`: where two customers' totals
//! are equal in decimal (e.g. 490.1 for 8665 and 13122), the last bit of the sum decides pandas'
//! order, and ours has the same bit. Runs only when `../shared` is present beside the workspace.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{class, read_csv};
use custalyze_abc::{Abc, AbcClass, Dimension, Metric};
use custalyze_transaction_types::Id;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

#[test]
fn cdnow_master_customers_match_the_reference() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    if !shared.exists() {
        eprintln!("skipped: {} is not present", shared.display());
        return;
    }
    let log = load_path(
        shared.join("data/cdnow/CDNOW_master.txt"),
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap()
    .log;
    let table = Abc::params(Dimension::Customer, Metric::Revenue)
        .fit(&log)
        .unwrap();
    assert_eq!(table.len(), 23_570);
    let rows = read_csv(&shared.join("reference/rfm/abc_customers_cdnow_master.csv"));
    assert_eq!(rows.len(), table.len());
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * (1.0 + b.abs());
    let monetary: Vec<f64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    for (e, row) in table.entries.iter().zip(&rows) {
        assert_eq!(e.rank, row[0].parse::<usize>().unwrap());
        assert!(close(e.value, row[2].parse().unwrap()), "{e:?} vs {row:?}");
        assert!(
            close(e.cumulative_share, row[3].parse().unwrap()),
            "{e:?} vs {row:?}"
        );
        assert_eq!(e.class, class(&row[4]), "{e:?} vs {row:?}");
    }
    // Ids: exact rank for rank (checked group by group of equal totals, for a readable failure).
    let mut reordered = 0;
    let mut start = 0;
    while start < rows.len() {
        let mut end = start + 1;
        while end < rows.len() && close(monetary[end], monetary[end - 1]) {
            end += 1;
        }
        let mut want: Vec<Id> = rows[start..end]
            .iter()
            .map(|r| Id::parse(&r[1]).unwrap())
            .collect();
        let mut got: Vec<Id> = table.entries[start..end]
            .iter()
            .map(|e| e.id.clone())
            .collect();
        reordered += want.iter().zip(&got).filter(|(a, b)| a != b).count();
        want.sort();
        got.sort();
        assert_eq!(got, want, "ranks {}..={}", start + 1, end);
        start = end;
    }
    assert_eq!(
        reordered, 0,
        "ids in a different order inside groups of equal totals"
    );
    // rfm_results.json: counts A 7694, B 8044, C 7832; revenue shares 0.79997.., 0.15001.., 0.05000..
    let s = table.class_summaries();
    assert_eq!(
        s.map(|c| c.count),
        [7694, 8044, 7832],
        "{:?}",
        AbcClass::ALL
    );
    for (got, want) in s.iter().zip([
        0.799_973_877_697_992_9,
        0.150_016_252_148_133_8,
        0.050_009_870_153_873_336,
    ]) {
        assert!((got.value_share - want).abs() < 1e-12, "{got:?}");
    }
}
