//! Property tests: the parallel, streaming and naive summaries agree, and summary invariants hold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use custalyze_transaction_types::period::days_from_epoch;
use custalyze_transaction_types::summary::{SummaryAccumulator, SummaryOptions, summarize};
use custalyze_transaction_types::{Id, Period, PeriodUnit, Transaction, TransactionLog};
use proptest::prelude::*;

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap()
}

/// A straightforward re-statement of lifetimes' algorithm with calendar arithmetic done by chrono.
fn naive(
    rows: &[(i64, i64, f64)],
    period: Period,
    end: NaiveDate,
) -> BTreeMap<i64, (f64, f64, f64, f64)> {
    let start_of = |d: NaiveDate| -> NaiveDate {
        use chrono::Datelike;
        match period.unit() {
            PeriodUnit::Day => d,
            PeriodUnit::Week => {
                d - chrono::Duration::days(i64::from(d.weekday().num_days_from_monday()))
            }
            PeriodUnit::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1).unwrap(),
            // The strategy draws days, weeks and months only.
            _ => d,
        }
    };
    let units_between = |a: NaiveDate, b: NaiveDate| -> f64 {
        use chrono::Datelike;
        match period.unit() {
            PeriodUnit::Day => (b - a).num_days() as f64,
            PeriodUnit::Week => (b - a).num_days() as f64 / 7.0,
            PeriodUnit::Month => {
                f64::from((b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32)
            }
            _ => (b - a).num_days() as f64 * 24.0,
        }
    };
    let end_start = start_of(end);
    let mut per: BTreeMap<i64, BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    for &(c, day, amount) in rows {
        let s = start_of(base() + chrono::Duration::days(day));
        if s <= end_start {
            *per.entry(c).or_default().entry(s).or_default() += amount;
        }
    }
    per.into_iter()
        .map(|(c, units)| {
            let first = *units.keys().next().unwrap();
            let last = *units.keys().last().unwrap();
            let el =
                |a: NaiveDate, b: NaiveDate| units_between(a, b) / f64::from(period.multiplier());
            let x = units.len() - 1;
            let m = if x == 0 {
                0.0
            } else {
                units.values().skip(1).sum::<f64>() / x as f64
            };
            (c, (x as f64, el(first, last), el(first, end_start), m))
        })
        .collect()
}

fn period_strategy() -> impl Strategy<Value = Period> {
    (
        prop_oneof![
            Just(PeriodUnit::Day),
            Just(PeriodUnit::Week),
            Just(PeriodUnit::Month)
        ],
        1u32..4,
    )
        .prop_map(|(u, m)| Period::new(u, m).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn parallel_streaming_and_naive_agree(
        rows in prop::collection::vec((0i64..30, 0i64..400, 0.0f64..100.0), 1..200),
        period in period_strategy(),
        end_day in 0i64..420,
    ) {
        let end = base() + chrono::Duration::days(end_day);
        let expected = naive(&rows, period, end);
        let log = TransactionLog::from_transactions(rows.iter().enumerate().map(|(i, &(c, d, a))| {
            let at = (base() + chrono::Duration::days(d)).and_hms_opt(10, 0, 0).unwrap();
            Transaction::new(Id::Int(c), Id::Int(i as i64), at, None, 1.0, a).unwrap()
        })).unwrap();
        let table = summarize(&log, &SummaryOptions::new(period).observation_end(end));
        let mut acc = SummaryAccumulator::new(period, end);
        for &(c, d, a) in rows.iter().rev() {
            acc.push(Id::Int(c), base() + chrono::Duration::days(d), a);
        }
        let streamed = acc.finish();
        if expected.is_empty() {
            prop_assert!(table.is_err());
            prop_assert!(streamed.is_err());
            return Ok(());
        }
        let table = table.unwrap();
        let streamed = streamed.unwrap();
        prop_assert_eq!(table.len(), expected.len());
        prop_assert_eq!(streamed.len(), expected.len());
        for (t, s) in table.rows.iter().zip(&streamed.rows) {
            let c = t.customer.as_int().unwrap();
            let (x, tx, tt, m) = expected[&c];
            for (got, want) in [(t.frequency, x), (t.recency, tx), (t.t, tt), (t.monetary_value, m),
                                (s.frequency, x), (s.recency, tx), (s.t, tt), (s.monetary_value, m)] {
                prop_assert!((got - want).abs() <= 1e-9 * (1.0 + want.abs()), "customer {}: {} vs {}", c, got, want);
            }
            prop_assert!(t.recency >= 0.0 && t.recency <= t.t);
            prop_assert!(t.frequency > 0.0 || (t.recency == 0.0 && t.monetary_value == 0.0));
        }
    }
}

#[test]
fn observation_end_before_all_data_is_an_error() {
    let at = NaiveDate::from_ymd_opt(2024, 1, 10)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let log = TransactionLog::from_transactions([Transaction::new(
        Id::Int(1),
        Id::Int(1),
        at,
        None,
        1.0,
        1.0,
    )
    .unwrap()])
    .unwrap();
    let opts = SummaryOptions::new(Period::DAY)
        .observation_end(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap());
    let err = summarize(&log, &opts).unwrap_err();
    assert!(err.to_string().contains("2024-01-01"), "{err}");
}

#[test]
fn include_first_transaction_counts_the_first_purchase() {
    let at = |d| {
        NaiveDate::from_ymd_opt(2024, 1, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    };
    let log = TransactionLog::from_transactions([
        Transaction::new(Id::Int(1), Id::Int(1), at(1), None, 1.0, 10.0).unwrap(),
        Transaction::new(Id::Int(1), Id::Int(2), at(5), None, 1.0, 20.0).unwrap(),
    ])
    .unwrap();
    let end = NaiveDate::from_ymd_opt(2024, 1, 9).unwrap();
    let t = summarize(
        &log,
        &SummaryOptions::new(Period::DAY)
            .observation_end(end)
            .include_first_transaction(true),
    )
    .unwrap();
    assert_eq!((t.rows[0].frequency, t.rows[0].monetary_value), (2.0, 15.0));
    assert_eq!(
        days_from_epoch(end) - days_from_epoch(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
        8
    );
}

#[test]
fn calibration_end_after_observation_end_is_an_error() {
    use custalyze_transaction_types::CalibrationHoldout;
    let at = NaiveDate::from_ymd_opt(2024, 1, 10)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    let log = TransactionLog::from_transactions([Transaction::new(
        Id::Int(1),
        Id::Int(1),
        at,
        None,
        1.0,
        1.0,
    )
    .unwrap()])
    .unwrap();
    let d = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    assert!(CalibrationHoldout::split(&log, Period::DAY, d(3, 1), d(2, 1)).is_err());
    // No holdout transaction: an error, as in lifetimes.
    let err = CalibrationHoldout::split(&log, Period::DAY, d(2, 1), d(3, 1)).unwrap_err();
    assert!(err.to_string().contains("holdout"), "{err}");
}
