//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use custalyze_abc::{AbcClass, AbcTable, UnitCosts};
use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_path};
use custalyze_transaction_types::{Id, TransactionLog};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn small_log() -> TransactionLog {
    let opts = LoadOptions::new(Schema::Generic(GenericColumns::default()));
    load_path(fixtures().join("small_transactions.csv"), &opts)
        .unwrap()
        .log
}

pub fn unit_costs() -> UnitCosts {
    let mut r = csv::Reader::from_path(fixtures().join("unit_costs.csv")).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (Id::parse(&rec[0]).unwrap(), rec[1].parse().unwrap())
        })
        .collect()
}

/// Rows of an expected CSV as string records (header skipped).
pub fn read_csv(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(Result::unwrap).collect()
}

pub fn class(s: &str) -> AbcClass {
    match s {
        "A" => AbcClass::A,
        "B" => AbcClass::B,
        "C" => AbcClass::C,
        other => panic!("bad class {other}"),
    }
}

/// Compares a table with an expected CSV whose columns are
/// `rank, id, value, [share,] cumulative_share, class`; values to `tol` relative.
pub fn assert_matches(table: &AbcTable, path: &Path, tol: f64) {
    let rows = read_csv(path);
    assert_eq!(table.entries.len(), rows.len(), "{}", path.display());
    let close = |a: f64, b: f64| (a - b).abs() <= tol * (1.0 + b.abs());
    let n = rows[0].len();
    for (e, row) in table.entries.iter().zip(&rows) {
        assert_eq!(e.rank, row[0].parse::<usize>().unwrap());
        assert_eq!(e.id, Id::parse(&row[1]).unwrap(), "rank {}", e.rank);
        let value: f64 = row[2].parse().unwrap();
        assert!(close(e.value, value), "{e:?} vs {row:?}");
        let cum: f64 = row[n - 2].parse().unwrap();
        assert!(close(e.cumulative_share, cum), "{e:?} vs {row:?}");
        if n == 6 {
            let share: f64 = row[3].parse().unwrap();
            assert!(close(e.share, share), "{e:?} vs {row:?}");
        }
        assert_eq!(e.class, class(&row[n - 1]), "{e:?} vs {row:?}");
    }
}
