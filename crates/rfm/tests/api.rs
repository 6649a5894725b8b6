//! Hand-computed examples and one test per bad-input error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveDateTime};
use custalyze_rfm::{
    Error, FrequencyRule, MigrationMatrix, Rfm, RfmTable, ScoreRange, Scoring, SegmentMap,
    SegmentRule,
};
use custalyze_transaction_types::{Id, Transaction, TransactionLog};

fn at(d: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2020, 1, 1)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap()
        + chrono::Duration::days(d)
}

fn date(d: i64) -> NaiveDate {
    at(d).date()
}

fn log(rows: &[(i64, i64, f64)]) -> TransactionLog {
    TransactionLog::from_transactions(rows.iter().enumerate().map(|(o, &(c, d, a))| {
        Transaction::new(Id::Int(c), Id::Int(o as i64), at(d), None, 1.0, a).unwrap()
    }))
    .unwrap()
}

/// Customers 1-5 buy on days 0-4 (customer 2 again on day 25, customer 5 on day 20), customer 6
/// on day 15.
fn example() -> TransactionLog {
    log(&[
        (1, 0, 10.0),
        (2, 1, 20.0),
        (2, 25, 1.0),
        (3, 2, 30.0),
        (4, 3, 40.0),
        (5, 4, 50.0),
        (5, 20, 5.0),
        (6, 15, 60.0),
    ])
}

fn active_map() -> SegmentMap {
    SegmentMap::new(
        vec![SegmentRule::rf(
            "Active",
            ScoreRange::new(4, 5),
            ScoreRange::ANY,
        )],
        "Lapsed",
    )
    .unwrap()
}

#[test]
fn past_snapshot_and_recency_scores_by_hand() {
    let t = Rfm::params(date(10)).fit(&example()).unwrap();
    // Day-20 and day-15 rows are after the snapshot.
    assert_eq!(t.len(), 5);
    let rec: Vec<i64> = t.rows.iter().map(|r| r.recency).collect();
    assert_eq!(rec, vec![10, 9, 8, 7, 6]);
    let r: Vec<u8> = t.rows.iter().map(|r| r.r_score).collect();
    assert_eq!(r, vec![1, 2, 3, 4, 5]);
    let m: Vec<u8> = t.rows.iter().map(|r| r.m_score).collect();
    assert_eq!(m, vec![1, 2, 3, 4, 5]);
    // All frequencies are 1: rank-first breaks the tie by customer id.
    let f: Vec<u8> = t.rows.iter().map(|r| r.f_score).collect();
    assert_eq!(f, vec![1, 2, 3, 4, 5]);
    let sizes = t.segment_sizes(&active_map());
    assert_eq!(
        sizes,
        vec![("Active".to_string(), 2), ("Lapsed".to_string(), 3)]
    );
    let s = t.segment_summaries(&active_map());
    assert_eq!(s[0].customers, 2);
    assert!((s[0].share - 0.4).abs() < 1e-12);
    assert!((s[0].mean_recency - 6.5).abs() < 1e-12);
    assert!((s[0].mean_monetary - 45.0).abs() < 1e-12);
    assert!((s[0].revenue_share - 90.0 / 150.0).abs() < 1e-12);
}

#[test]
fn migration_by_hand() {
    let m = MigrationMatrix::compute(
        &example(),
        &Rfm::params(date(0)),
        date(10),
        date(30),
        &active_map(),
    )
    .unwrap();
    // At day 30 recencies are 30, 5, 28, 27, 10, 15 for customers 1-6, so the recency scores
    // are 1, 5, 2, 3, 5, 4 (pandas: `qcut(Series([30, 5, 28, 27, 10, 15.]).rank("first"), 5,
    // labels=[5, 4, 3, 2, 1])`). Customer 6 is not in the day-10 table.
    assert_eq!(m.total(), 5);
    assert_eq!(m.count("Active", "Active"), 1); // customer 5
    assert_eq!(m.count("Active", "Lapsed"), 1); // customer 4
    assert_eq!(m.count("Lapsed", "Active"), 1); // customer 2
    assert_eq!(m.count("Lapsed", "Lapsed"), 2); // customers 1 and 3
    assert_eq!(m.count("Nope", "Active"), 0);
    assert_eq!(m.labels, vec!["Active", "Lapsed"]);
}

#[test]
fn orders_rule_counts_distinct_orders() {
    let l = TransactionLog::from_transactions([
        Transaction::new(Id::Int(1), Id::Int(7), at(0), None, 1.0, 1.0).unwrap(),
        Transaction::new(Id::Int(1), Id::Int(7), at(0), Some(Id::Int(2)), 1.0, 1.0).unwrap(),
        Transaction::new(Id::Int(1), Id::Int(8), at(1), None, 1.0, 1.0).unwrap(),
        Transaction::new(Id::Int(2), Id::Int(9), at(1), None, 1.0, 1.0).unwrap(),
    ])
    .unwrap();
    let rows = Rfm::params(date(5)).fit(&l).unwrap();
    let orders = Rfm::params(date(5))
        .frequency_rule(FrequencyRule::Orders)
        .fit(&l)
        .unwrap();
    assert_eq!(rows.rows[0].frequency, 3);
    assert_eq!(orders.rows[0].frequency, 2);
}

#[test]
fn csv_output_has_the_documented_columns() {
    let t = Rfm::params(date(10)).fit(&example()).unwrap();
    let mut buf = Vec::new();
    t.write_csv(&mut buf, &SegmentMap::reference()).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,recency,frequency,monetary,r_score,f_score,m_score,segment")
    );
    assert_eq!(lines.next(), Some("1,10,1,10,1,1,1,Hibernating"));
    assert_eq!(lines.last(), Some("5,6,1,50,5,5,5,Champions"));
}

#[test]
fn no_customer_before_the_date_is_an_error() {
    assert!(matches!(
        Rfm::params(date(0)).fit(&example()),
        Err(Error::NoCustomers { .. })
    ));
}

#[test]
fn bins_outside_1_to_9_are_errors() {
    for bins in [0, 10] {
        assert!(matches!(
            Rfm::params(date(10)).bins(bins).fit(&example()),
            Err(Error::InvalidBins { .. })
        ));
    }
    let t = Rfm::params(date(10)).bins(9).fit(&example()).unwrap();
    assert!(t.rows.iter().all(|r| (1..=9).contains(&r.r_score)));
}

#[test]
fn raw_quantiles_on_tied_frequencies_fail_like_pandas() {
    let e = Rfm::params(date(10))
        .scoring(Scoring::RawQuantiles)
        .fit(&example());
    assert!(matches!(
        e,
        Err(Error::DuplicateBinEdges {
            column: "frequency",
            ..
        })
    ));
}

#[test]
fn a_single_customer_cannot_be_cut_into_bins() {
    let l = log(&[(1, 0, 5.0)]);
    assert!(matches!(
        Rfm::params(date(3)).fit(&l),
        Err(Error::DuplicateBinEdges { .. })
    ));
    let t = Rfm::params(date(3)).bins(1).fit(&l).unwrap();
    assert_eq!(t.rows[0].rfm_score(), "111");
}

#[test]
fn migration_dates_must_be_in_order() {
    let e = MigrationMatrix::compute(
        &example(),
        &Rfm::params(date(0)),
        date(30),
        date(10),
        &active_map(),
    );
    assert!(matches!(e, Err(Error::DatesOutOfOrder { .. })));
}

#[test]
fn autotraits() {
    fn check<T: Send + Sync + Unpin>() {}
    check::<RfmTable>();
    check::<SegmentMap>();
    check::<MigrationMatrix>();
    check::<Error>();
}

#[cfg(feature = "serde")]
#[test]
fn tables_round_trip_through_json() {
    let t = Rfm::params(date(10)).fit(&example()).unwrap();
    let json = serde_json::to_string(&t).unwrap();
    let back: RfmTable = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t);
    let map = SegmentMap::rfm_package();
    let back: SegmentMap = serde_json::from_str(&serde_json::to_string(&map).unwrap()).unwrap();
    assert_eq!(back, map);
}
