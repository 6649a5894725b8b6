//! Summaries in hours (lifetimes' `freq='H'`): purchases collapse per clock hour, times count
//! hours, and the observation end is the whole end day (its last hour), as days count the end
//! day. Calendar-only tables refuse an hour period.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_reader};
use custalyze_transaction_types::summary::SummaryAccumulator;
use custalyze_transaction_types::{
    CalibrationHoldout, Measure, Period, SummaryOptions, TimeSeries, summarize,
};

#[test]
fn summaries_count_hours() {
    let text = "customer_id,date,amount\n1,2024-01-01 10:00,5\n1,2024-01-01 10:40,2\n1,2024-01-01 15:30,7\n2,2024-01-02 23:10,3\n";
    let log = load_reader(
        text.as_bytes(),
        "h",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap()
    .log;
    let hours: Period = "H".parse().unwrap();
    assert_eq!(hours.to_string(), "H");
    let end = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
    let table = summarize(&log, &SummaryOptions::new(hours).observation_end(end)).unwrap();
    let got: Vec<(f64, f64, f64, f64)> = table
        .rows
        .iter()
        .map(|r| (r.frequency, r.recency, r.t, r.monetary_value))
        .collect();
    // Customer 1: 10:00 and 10:40 are one purchase hour, 15:30 a repeat 5 hours later; T runs
    // to 2024-01-02 23:00, 37 hours. Customer 2 arrives in the last hour: T = 0.
    assert_eq!(got, [(1.0, 5.0, 37.0, 7.0), (0.0, 0.0, 0.0, 0.0)]);
    // Streaming gives the same.
    let mut acc = SummaryAccumulator::new(hours, end);
    custalyze_transaction_types::load::load_into(
        text.as_bytes(),
        "h",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
        &mut acc,
    )
    .unwrap();
    assert_eq!(acc.finish().unwrap().rows, table.rows);
    // A calibration/holdout split in hours.
    let cal = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let split = CalibrationHoldout::split(&log, hours, cal, end).unwrap();
    assert_eq!(split.rows[0].t_cal, 13.0);
    assert_eq!(split.rows[0].duration_holdout, 24.0);
    // Time series by the hour are refused with a reason.
    let e = TimeSeries::from_log(&log, hours, Measure::Revenue, None).unwrap_err();
    assert!(e.to_string().contains("customer summaries"), "{e}");
}
