//! Property tests of the cohort invariants, and a cross-check of the active counts against a
//! naive set-based count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};
use custalyze_cohort::Cohorts;
use custalyze_transaction_types::{Period, Transaction, TransactionLog};
use proptest::prelude::*;

fn log_from(rows: &[(u8, u16, u16)]) -> TransactionLog {
    let base = NaiveDate::from_ymd_opt(2023, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    TransactionLog::from_transactions(rows.iter().enumerate().map(|(i, &(c, d, cents))| {
        let amount = f64::from(cents) / 100.0;
        Transaction::with_amount(
            i64::from(c).into(),
            (i as i64).into(),
            base + Duration::days(i64::from(d)),
            None,
            1.0,
            amount,
            amount,
        )
        .unwrap()
    }))
    .unwrap()
}

fn period() -> impl Strategy<Value = Period> {
    prop_oneof![Just(Period::DAY), Just(Period::WEEK), Just(Period::MONTH)]
}

proptest! {
    #[test]
    fn invariants(rows in prop::collection::vec((0u8..20, 0u16..400, 0u16..10_000), 1..80),
                  period in period()) {
        let log = log_from(&rows);
        let table = Cohorts::params(period).fit(&log).unwrap();
        prop_assert_eq!(table.sizes().iter().sum::<u64>(), log.customer_ids().len() as u64);
        let active = table.active_customers();
        for (i, row) in table.retention().iter().enumerate() {
            prop_assert_eq!(row[0], Some(1.0));
            let c = &table.cohorts[i];
            for (k, a) in active[i].iter().enumerate() {
                prop_assert_eq!(a.is_some(), k < c.observed_periods);
                prop_assert!(a.unwrap_or(0) <= c.size);
            }
        }
        for row in table.cumulative_revenue_per_acquired_customer() {
            let observed: Vec<f64> = row.into_iter().flatten().collect();
            prop_assert!(observed.windows(2).all(|w| w[1] >= w[0]), "{:?}", observed);
        }
        let curve = table.average_retention();
        prop_assert_eq!(curve[0], 1.0);
        prop_assert!(curve.iter().all(|r| (0.0..=1.0).contains(r)));
    }

    #[test]
    fn active_counts_equal_a_naive_count(
        rows in prop::collection::vec((0u8..10, 0u16..200, 0u16..100), 1..60),
        period in period(),
    ) {
        let log = log_from(&rows);
        let table = Cohorts::params(period).fit(&log).unwrap();
        // Naive: first ordinal per customer, then the set of (cohort, offset, customer).
        let base = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
        let ord = |d: u16| period.unit_ordinal(base + Duration::days(i64::from(d)));
        let mut first: BTreeMap<u8, i64> = BTreeMap::new();
        for &(c, d, _) in &rows {
            let o = ord(d);
            first.entry(c).and_modify(|f| *f = (*f).min(o)).or_insert(o);
        }
        let mut seen: BTreeSet<(i64, i64, u8)> = BTreeSet::new();
        for &(c, d, _) in &rows {
            seen.insert((first[&c], ord(d) - first[&c], c));
        }
        let mut naive: BTreeMap<(i64, i64), u64> = BTreeMap::new();
        for (cohort, offset, _) in seen {
            *naive.entry((cohort, offset)).or_default() += 1;
        }
        let mut ours: BTreeMap<(i64, i64), u64> = BTreeMap::new();
        for c in &table.cohorts {
            for (k, &a) in c.active.iter().enumerate() {
                if a > 0 {
                    ours.insert((c.ordinal, k as i64), a);
                }
            }
        }
        prop_assert_eq!(ours, naive);
    }
}
