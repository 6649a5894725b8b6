//! A hand-made example, worked out on paper, and one test per error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use custalyze_cohort::{Cohorts, Error, IndexBase, Metric};
use custalyze_transaction_types::{Period, PeriodUnit, Transaction, TransactionLog};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn t(customer: i64, day: &str, amount: f64) -> Transaction {
    let ts = date(day).and_hms_opt(12, 0, 0).unwrap();
    Transaction::with_amount(customer.into(), day.into(), ts, None, 1.0, amount, amount).unwrap()
}

/// Customers 1, 2, 3 acquired in January 2024, 4 in February, 5 in March; data ends 2024-03-31.
///
/// | customer | Jan | Feb | Mar |
/// |---|---|---|---|
/// | 1 | 10 + 5 (two orders) | 20 | - |
/// | 2 | 30 | - | 8 |
/// | 3 | 12 | - | - |
/// | 4 | - | 40 | 0 (zero-amount row) |
/// | 5 | - | - | 9 |
fn log() -> TransactionLog {
    TransactionLog::from_transactions([
        t(1, "2024-01-02", 10.0),
        t(1, "2024-01-30", 5.0),
        t(1, "2024-02-14", 20.0),
        t(2, "2024-01-15", 30.0),
        t(2, "2024-03-01", 8.0),
        t(3, "2024-01-31", 12.0),
        t(4, "2024-02-01", 40.0),
        t(4, "2024-03-31", 0.0),
        t(5, "2024-03-10", 9.0),
    ])
    .unwrap()
}

#[test]
fn monthly_matrices_worked_by_hand() {
    let table = Cohorts::params(Period::MONTH).fit(&log()).unwrap();
    assert_eq!(table.labels(), ["2024-01", "2024-02", "2024-03"]);
    assert_eq!(table.sizes(), [3, 1, 1]);
    assert_eq!(table.periods, 3);
    assert_eq!(table.observation_end, date("2024-03-31"));
    assert_eq!(
        table.active_customers(),
        [
            vec![Some(3), Some(1), Some(1)],
            vec![Some(1), Some(1), None],
            vec![Some(1), None, None],
        ]
    );
    assert_eq!(
        table.retention()[0],
        [Some(1.0), Some(1.0 / 3.0), Some(1.0 / 3.0)]
    );
    assert_eq!(table.retention()[1], [Some(1.0), Some(1.0), None]);
    assert_eq!(
        table.revenue(),
        [
            vec![Some(57.0), Some(20.0), Some(8.0)],
            vec![Some(40.0), Some(0.0), None],
            vec![Some(9.0), None, None],
        ]
    );
    assert_eq!(
        table.revenue_per_active_customer()[0],
        [Some(19.0), Some(20.0), Some(8.0)]
    );
    assert_eq!(
        table.revenue_per_acquired_customer()[0],
        [Some(19.0), Some(20.0 / 3.0), Some(8.0 / 3.0)]
    );
    assert_eq!(
        table.cumulative_revenue_per_acquired_customer()[0],
        [Some(19.0), Some(77.0 / 3.0), Some(85.0 / 3.0)]
    );
    // Weighted by size, each offset over the cohorts observed there:
    // 0: 5/5; 1: (1 + 1) / (3 + 1); 2: 1 / 3.
    assert_eq!(table.average_retention(), [1.0, 0.5, 1.0 / 3.0]);
}

#[test]
fn csv_writes_zero_or_chosen_text_for_unobserved_cells() {
    let table = Cohorts::params(Period::MONTH)
        .index_base(IndexBase::One)
        .fit(&log())
        .unwrap();
    let mut out = Vec::new();
    table.write_csv(Metric::ActiveCustomers, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "cohort,1,2,3\n2024-01,3,1,1\n2024-02,1,1,0\n2024-03,1,0,0\n"
    );
    let mut out = Vec::new();
    table
        .write_csv_with(Metric::Retention, "", &mut out)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().nth(2),
        Some("2024-02,1.0,1.0,")
    );
    let mut out = Vec::new();
    table.write_csv(Metric::Revenue, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap().lines().nth(3),
        Some("2024-03,9.0,0.0,0.0")
    );
    // A chosen text with a comma or a quote is quoted, so the columns stay aligned.
    let mut out = Vec::new();
    table
        .write_csv_with(Metric::Retention, "n/a, \"late\"", &mut out)
        .unwrap();
    let text = String::from_utf8(out).unwrap();
    let row: Vec<String> = csv::ReaderBuilder::new()
        .from_reader(text.as_bytes())
        .records()
        .nth(1)
        .unwrap()
        .unwrap()
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(row, ["2024-02", "1.0", "1.0", "n/a, \"late\""]);
}

#[test]
fn weekly_cohorts_start_on_monday() {
    // 2024-01-07 is a Sunday, 2024-01-08 a Monday.
    let log = TransactionLog::from_transactions([
        t(1, "2024-01-07", 1.0),
        t(1, "2024-01-08", 1.0),
        t(2, "2024-01-08", 1.0),
        t(2, "2024-01-14", 1.0),
    ])
    .unwrap();
    let table = Cohorts::params(Period::WEEK).fit(&log).unwrap();
    assert_eq!(table.labels(), ["2024-01-01", "2024-01-08"]);
    assert_eq!(
        table.active_customers(),
        [vec![Some(1), Some(1)], vec![Some(1), None]]
    );
}

#[test]
fn daily_cohorts_and_observation_end() {
    let opts = Cohorts::params(Period::DAY).observation_end(date("2024-01-31"));
    let table = opts.fit(&log()).unwrap();
    // Only January transactions count; customers 4 and 5 are not acquired yet.
    assert_eq!(table.labels(), ["2024-01-02", "2024-01-15", "2024-01-31"]);
    assert_eq!(table.sizes(), [1, 1, 1]);
    assert_eq!(table.periods, 30);
    assert_eq!(table.cohorts[0].observed_periods, 30);
    assert_eq!(table.cohorts[2].observed_periods, 1);
    // Customer 1 came back on day 28 after acquisition (2024-01-30).
    assert_eq!(table.active_customers()[0][28], Some(1));
    assert_eq!(table.active_customers()[0][27], Some(0));
    assert_eq!(table.revenue()[0].iter().flatten().sum::<f64>(), 15.0);
}

#[test]
fn rejects_a_period_multiplier() {
    let p = Period::new(PeriodUnit::Day, 7).unwrap();
    let err = Cohorts::params(p).fit(&log()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedMultiplier { .. }), "{err}");
}

#[test]
fn rejects_an_empty_log() {
    let empty = TransactionLog::from_transactions(Vec::new()).unwrap_or_default();
    let err = Cohorts::params(Period::MONTH).fit(&empty).unwrap_err();
    assert!(matches!(err, Error::EmptyLog), "{err}");
}

#[test]
fn rejects_an_end_before_all_data() {
    let opts = Cohorts::params(Period::MONTH).observation_end(date("2023-12-31"));
    let err = opts.fit(&log()).unwrap_err();
    assert!(matches!(err, Error::NothingBeforeEnd { .. }), "{err}");
}

#[test]
fn parses_metric_names() {
    assert_eq!(
        "customers".parse::<Metric>().ok(),
        Some(Metric::ActiveCustomers)
    );
    assert_eq!("Retention".parse::<Metric>().ok(), Some(Metric::Retention));
    assert_eq!("revenue".parse::<Metric>().ok(), Some(Metric::Revenue));
    assert_eq!(
        "revenue_per_active".parse::<Metric>().ok(),
        Some(Metric::RevenuePerActiveCustomer)
    );
    let err = "churn".parse::<Metric>().unwrap_err();
    assert!(
        matches!(err, Error::UnknownMetric { ref name } if name == "churn"),
        "{err}"
    );
}

#[test]
fn results_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<custalyze_cohort::CohortTable>();
    check::<custalyze_cohort::ValidCohortParams>();
    check::<Error>();
}
