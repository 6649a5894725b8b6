//! Reference tests: summaries and calibration/holdout splits must equal lifetimes 0.11.3 row for
//! row (tolerance 1e-9, absolute and relative). Fixtures and their sources: `fixtures/SOURCES.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};
use custalyze_transaction_types::summary::{
    CalibrationHoldout, SummaryAccumulator, SummaryOptions, summarize,
};
use custalyze_transaction_types::{Id, Period, PeriodUnit};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Reads a reference CSV: first column the customer id, the rest floats.
fn read_reference(path: &Path) -> (Vec<String>, Vec<(Id, Vec<f64>)>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            let id = Id::parse(&rec[0]).unwrap();
            let vals = rec
                .iter()
                .skip(1)
                .map(|v| v.parse::<f64>().unwrap())
                .collect();
            (id, vals)
        })
        .collect();
    (header, rows)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

fn assert_rows_equal(got: &[(Id, Vec<f64>)], expected: &[(Id, Vec<f64>)], columns: &[String]) {
    assert_eq!(got.len(), expected.len(), "row count");
    for ((gid, g), (eid, e)) in got.iter().zip(expected) {
        assert_eq!(gid, eid, "customer order");
        for (k, (a, b)) in g.iter().zip(e).enumerate() {
            assert!(
                close(*a, *b),
                "customer {gid} column {}: got {a}, lifetimes {b}",
                columns[k + 1]
            );
        }
    }
}

fn holdout_rows(split: &CalibrationHoldout) -> Vec<(Id, Vec<f64>)> {
    split
        .rows
        .iter()
        .map(|r| {
            let v = vec![
                r.frequency_cal,
                r.recency_cal,
                r.t_cal,
                r.monetary_value_cal,
                r.frequency_holdout,
                r.monetary_value_holdout,
                r.duration_holdout,
            ];
            (r.customer.clone(), v)
        })
        .collect()
}

fn summary_rows(t: &custalyze_transaction_types::SummaryTable) -> Vec<(Id, Vec<f64>)> {
    t.rows
        .iter()
        .map(|r| {
            (
                r.customer.clone(),
                vec![r.frequency, r.recency, r.t, r.monetary_value],
            )
        })
        .collect()
}

#[test]
fn cdnow_sample_weekly_summary_equals_lifetimes() {
    let loaded = load_path(
        fixture("CDNOW_sample.txt"),
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap();
    assert_eq!(loaded.report.rows_read, 6919);
    assert_eq!(loaded.report.rows_loaded, 6919);
    assert_eq!(loaded.report.zero_amount_rows_kept, 8);
    let table = summarize(
        &loaded.log,
        &SummaryOptions::new(Period::WEEK).observation_end(date(1998, 6, 30)),
    )
    .unwrap();
    let (cols, expected) = read_reference(&fixture("summary_cdnow_sample_W.csv"));
    assert_rows_equal(&summary_rows(&table), &expected, &cols);
}

#[test]
fn cdnow_master_daily_summary_equals_lifetimes_first_2000_customers() {
    let loaded = load_path(
        fixture("CDNOW_master_first2000.txt"),
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap();
    let table = summarize(
        &loaded.log,
        &SummaryOptions::new(Period::DAY).observation_end(date(1998, 6, 30)),
    )
    .unwrap();
    let (cols, expected) = read_reference(&fixture("summary_cdnow_master_D_first2000.csv"));
    assert_rows_equal(&summary_rows(&table), &expected, &cols);
}

#[test]
fn streaming_summary_equals_in_memory_summary() {
    use custalyze_transaction_types::load::load_into;
    let opts = LoadOptions::new(Schema::Cdnow);
    let file = std::fs::File::open(fixture("CDNOW_master_first2000.txt")).unwrap();
    let mut acc = SummaryAccumulator::new(Period::DAY, date(1998, 6, 30));
    let report = load_into(file, "master", &opts, &mut acc).unwrap();
    assert_eq!(report.rows_loaded, 6503);
    let streamed = acc.finish().unwrap();
    let (cols, expected) = read_reference(&fixture("summary_cdnow_master_D_first2000.csv"));
    assert_rows_equal(&summary_rows(&streamed), &expected, &cols);
}

#[test]
fn cdnow_sample_calibration_holdout_equals_lifetimes() {
    let loaded = load_path(
        fixture("CDNOW_sample.txt"),
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap();
    let period = Period::new(PeriodUnit::Day, 7).unwrap();
    let split =
        CalibrationHoldout::split(&loaded.log, period, date(1997, 9, 30), date(1998, 6, 30))
            .unwrap();
    let (cols, expected) = read_reference(&fixture("calibration_holdout_cdnow_sample.csv"));
    let got = holdout_rows(&split);
    assert_rows_equal(&got, &expected, &cols);
}

#[test]
fn cdnow_sample_weekly_calibration_holdout_equals_lifetimes() {
    let loaded = load_path(
        fixture("CDNOW_sample.txt"),
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap();
    let split = CalibrationHoldout::split(
        &loaded.log,
        Period::WEEK,
        date(1997, 9, 30),
        date(1998, 6, 30),
    )
    .unwrap();
    let (cols, expected) = read_reference(&fixture("calibration_holdout_cdnow_sample_W.csv"));
    let got = holdout_rows(&split);
    assert_rows_equal(&got, &expected, &cols);
}

/// The full master file (23,570 customers) from `../shared`, as CI has it. Without `../shared`
/// the first-2000 fixture test above covers the same code.
#[test]
fn cdnow_master_daily_summary_full_reference_when_shared_is_present() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let data = shared.join("data/cdnow/CDNOW_master.txt");
    let reference = shared.join("reference/clv/summary_cdnow_master_D.csv");
    if !data.exists() || !reference.exists() {
        eprintln!("skipped: {} not found", shared.display());
        return;
    }
    let loaded = load_path(&data, &LoadOptions::new(Schema::Cdnow)).unwrap();
    assert_eq!(loaded.report.rows_loaded, 69_659);
    assert_eq!(loaded.report.zero_amount_rows_kept, 80);
    let table = summarize(
        &loaded.log,
        &SummaryOptions::new(Period::DAY).observation_end(date(1998, 6, 30)),
    )
    .unwrap();
    let (cols, expected) = read_reference(&reference);
    assert_eq!(expected.len(), 23_570);
    assert_rows_equal(&summary_rows(&table), &expected, &cols);
    // The column sums recorded in shared/reference/clv/summaries.json.
    let sum = |f: fn(&custalyze_transaction_types::CustomerSummary) -> f64| {
        table.rows.iter().map(f).sum::<f64>()
    };
    assert_eq!(sum(|r| r.frequency), 44021.0);
    assert_eq!(sum(|r| r.recency), 3_178_932.0);
    assert_eq!(sum(|r| r.t), 11_834_346.0);
    assert!(close(sum(|r| r.monetary_value), 414_282.384_397_223_5));
}
