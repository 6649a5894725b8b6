//! Reference tests against the pandas oracle (`shared/oracle/oracle_rfm.py`, function `cohorts`).
//!
//! Tolerance: none. Active customers are counts, and retention is one f64 division of the same
//! integers in both implementations, so the values (and their shortest decimal forms) are equal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use custalyze_cohort::{Cohorts, Metric};
use custalyze_transaction_types::Period;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn shared() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    p.exists().then_some(p)
}

fn cells(text: &str) -> Vec<(String, Vec<f64>)> {
    text.lines()
        .skip(1)
        .map(|l| {
            let mut it = l.split(',');
            let label = it.next().unwrap().to_string();
            (label, it.map(|v| v.parse().unwrap()).collect())
        })
        .collect()
}

#[test]
fn fixtures_are_consistent() {
    let active = cells(&fixture("cohort_active_customers_monthly.csv"));
    let retention = cells(&fixture("cohort_retention_monthly.csv"));
    assert_eq!(active.len(), 3);
    assert_eq!(retention.len(), 3);
    for ((la, a), (lr, r)) in active.iter().zip(&retention) {
        assert_eq!(la, lr);
        assert_eq!(a.len(), 18);
        for (x, y) in a.iter().zip(r) {
            assert_eq!(x / a[0], *y);
        }
    }
}

#[test]
fn monthly_cohorts_match_the_pandas_reference_on_cdnow_master() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared (CDNOW_master.txt) is not available");
        return;
    };
    let master = shared.join("data/cdnow/CDNOW_master.txt");
    let log = load_path(&master, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    assert_eq!(log.customer_ids().len(), 23_570);
    let table = Cohorts::params(Period::MONTH).fit(&log).unwrap();
    assert_eq!(table.labels(), ["1997-01", "1997-02", "1997-03"]);
    assert_eq!(table.periods, 18);
    assert_eq!(table.sizes().iter().sum::<u64>(), 23_570);

    for (metric, name) in [
        (
            Metric::ActiveCustomers,
            "cohort_active_customers_monthly.csv",
        ),
        (Metric::Retention, "cohort_retention_monthly.csv"),
    ] {
        let expected = fixture(name);
        // The shared copy is the source of truth; the committed fixture must not have drifted.
        let shared_copy = std::fs::read_to_string(shared.join("reference/rfm").join(name)).unwrap();
        assert_eq!(
            expected, shared_copy,
            "fixture {name} differs from shared/reference"
        );

        let mut out = Vec::new();
        table.write_csv(metric, &mut out).unwrap();
        let got = String::from_utf8(out).unwrap();
        let (g, e) = (cells(&got), cells(&expected));
        assert_eq!(g.len(), e.len());
        for ((lg, vg), (le, ve)) in g.iter().zip(&e) {
            assert_eq!(lg, le);
            assert_eq!(vg, ve, "{name}, cohort {lg}");
        }
        assert_eq!(got, expected, "{name}: same values but different CSV text");
    }

    // The reference writes 0 where a cohort could not have been observed; the API says None.
    let active = table.active_customers();
    assert_eq!(active[0][17], Some(498));
    assert_eq!(active[1][17], None);
    assert_eq!(active[2][16], None);
    assert_eq!(active[2][15], Some(457));
    let curve = table.average_retention();
    assert_eq!(curve[0], 1.0);
    // Age 17 is only observed for the January cohort.
    assert_eq!(curve[17], 498.0 / 7846.0);
    // Age 16: January and February only.
    assert_eq!(curve[16], (497.0 + 551.0) / (7846.0 + 8476.0));
}
