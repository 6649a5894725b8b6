//! The numbers behind the diagnostic plots equal lifetimes 0.11.3's plotting data on the CDNOW
//! sample (fixtures/diagnostic_plots_cdnow.json, made by fixtures/oracle/diagnostic_plots.py).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::diagnostics::{
    calibration_holdout, frequency_recency_matrix, p_alive_matrix, period_transactions,
    probability_of_purchases, tracking,
};
use custalyze_cltv_core::scorecard::HoldoutData;
use custalyze_cltv_core::{BgNbdParameters, Customer, RfmData};
use serde_json::Value;

fn fixture() -> Value {
    let text = include_str!("fixtures/diagnostic_plots_cdnow.json");
    serde_json::from_str(text).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn model(f: &Value) -> BgNbdParameters {
    let p = &f["params"];
    BgNbdParameters::new(
        p["r"].as_f64().unwrap(),
        p["alpha"].as_f64().unwrap(),
        p["a"].as_f64().unwrap(),
        p["b"].as_f64().unwrap(),
    )
    .unwrap()
}

fn close(a: f64, b: f64, rel: f64, what: &str) {
    assert!(
        (a - b).abs() <= rel * b.abs().max(1e-12),
        "{what}: {a} vs lifetimes {b}"
    );
}

fn summary() -> RfmData {
    let text = include_str!("fixtures/cdnow_customers_summary_with_transactions.csv");
    let (mut x, mut tx, mut t) = (vec![], vec![], vec![]);
    for line in text.lines().skip(1) {
        let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
        x.push(f[1]);
        tx.push(f[2]);
        t.push(f[3]);
    }
    RfmData::new(&x, &tx, &t, None).unwrap()
}

#[test]
fn matrices_equal_lifetimes() {
    let f = fixture();
    let m = model(&f);
    for (key, is_alive) in [
        ("frequency_recency_matrix", false),
        ("p_alive_matrix", true),
    ] {
        let spec = &f[key];
        let (mf, mr) = (
            spec["max_frequency"].as_u64().unwrap() as u32,
            spec["max_recency"].as_u64().unwrap() as u32,
        );
        let ours = if is_alive {
            p_alive_matrix(&m, mf, mr).unwrap()
        } else {
            frequency_recency_matrix(&m, 1.0, mf, mr).unwrap()
        };
        let want = spec["values"].as_array().unwrap();
        assert_eq!(ours.values.len(), want.len());
        for (row, wrow) in ours.values.iter().zip(want) {
            for (a, b) in row.iter().zip(floats(wrow)) {
                close(*a, b, 1e-9, key);
            }
        }
    }
}

#[test]
fn period_transactions_equal_the_expectation_of_lifetimes_simulation() {
    let f = fixture();
    let p = period_transactions(&model(&f), &summary(), 7).unwrap();
    for (a, b) in p
        .model
        .iter()
        .zip(floats(&f["period_transactions"]["model"]))
    {
        close(*a, b, 1e-9, "period transactions (model)");
    }
    assert_eq!(p.actual, floats(&f["period_transactions"]["actual"]));
}

#[test]
fn calibration_vs_holdout_equals_lifetimes() {
    let f = fixture();
    let spec = &f["calibration_holdout"];
    let mut h = HoldoutData::default();
    for row in spec["rows"].as_array().unwrap() {
        let r = floats(row);
        h.customers.push(Customer::new(r[0], r[1], r[2]).unwrap());
        h.purchases.push(r[3]);
        h.duration.push(r[4]);
    }
    let c = calibration_holdout(&model(&f), &h, 7).unwrap();
    assert_eq!(c.frequency, floats(&spec["frequency_cal"]));
    for (a, b) in c.actual.iter().zip(floats(&spec["actual"])) {
        close(*a, b, 1e-12, "holdout actual");
    }
    for (a, b) in c.predicted.iter().zip(floats(&spec["predicted"])) {
        close(*a, b, 1e-9, "holdout predicted");
    }
}

#[test]
fn tracking_equals_lifetimes_expected_cumulative_transactions() {
    let f = fixture();
    let spec = &f["tracking"];
    let week = |d: f64| d / 7.0;
    let first: Vec<f64> = floats(&spec["first_days"]).into_iter().map(week).collect();
    let repeats: Vec<f64> = floats(&spec["repeat_days"]).into_iter().map(week).collect();
    let weeks = spec["weeks"].as_u64().unwrap();
    let times: Vec<f64> = (1..=weeks).map(|k| k as f64).collect();
    let t = tracking(&model(&f), &first, &repeats, &times).unwrap();
    assert_eq!(t.actual_cumulative, floats(&spec["actual_cumulative"]));
    for (a, b) in t
        .predicted_cumulative
        .iter()
        .zip(floats(&spec["predicted_cumulative"]))
    {
        close(*a, b, 1e-9, "predicted cumulative");
    }
    // Incremental series add back up to the cumulative one.
    let total: f64 = t.predicted_incremental().iter().sum();
    close(total, *t.predicted_cumulative.last().unwrap(), 1e-12, "sum");
    // The weekly tracking error over the 39 holdout weeks, from lifetimes' series: the BG/NBD
    // misses each week's repeat transactions by about 20% of the week's actual count.
    let (a, p) = (
        floats(&spec["actual_cumulative"]),
        floats(&spec["predicted_cumulative"]),
    );
    let (mut err, mut total) = (0.0, 0.0);
    for k in 39..a.len() {
        err += ((p[k] - p[k - 1]) - (a[k] - a[k - 1])).abs();
        total += a[k] - a[k - 1];
    }
    close(
        t.incremental_error(39),
        err / total,
        1e-9,
        "weekly tracking error",
    );
    assert!((0.15..0.25).contains(&(err / total)), "{}", err / total);
}

#[test]
fn probability_of_purchases_equals_lifetimes() {
    let f = fixture();
    let p = probability_of_purchases(&model(&f), 39.0, 10).unwrap();
    for (a, b) in p
        .iter()
        .zip(floats(&f["probability_of_purchases"]["values"]))
    {
        close(*a, b, 1e-9, "P(X(t) = n)");
    }
}

#[test]
fn bad_sizes_are_errors() {
    let m = model(&fixture());
    assert!(frequency_recency_matrix(&m, 1.0, 1_000_000, 10).is_err());
    assert!(frequency_recency_matrix(&m, f64::NAN, 10, 10).is_err());
    assert!(period_transactions(&m, &summary(), 1).is_err());
    assert!(tracking(&m, &[f64::NAN], &[], &[1.0]).is_err());
    assert!(tracking(&m, &[0.0], &[], &vec![1.0; 20_000]).is_err());
}

#[test]
fn scorecard_tracks_the_holdout_week_by_week_when_purchase_times_are_known() {
    use custalyze_cltv_core::scorecard::{Candidate, scorecard};
    let f = fixture();
    let m = model(&f);
    let mut h = HoldoutData::default();
    for row in f["calibration_holdout"]["rows"].as_array().unwrap() {
        let r = floats(row);
        h.customers.push(Customer::new(r[0], r[1], r[2]).unwrap());
        h.purchases.push(r[3]);
        h.duration.push(r[4]);
    }
    let report = custalyze_cltv_core::BgNbd::params()
        .fit(&summary())
        .unwrap()
        .report;
    let candidates = [Candidate {
        name: "BG/NBD",
        model: &m,
        report: &report,
    }];
    let without = scorecard(&candidates, &h, &[]).unwrap();
    assert!(without.rows[0].tracking_error.is_nan());
    // Holdout purchase days: after 1997-09-30 (day 272 of the sample), in weeks from then.
    h.purchase_times = floats(&f["tracking"]["repeat_days"])
        .into_iter()
        .filter(|d| *d > 272.0)
        .map(|d| (d - 272.0) / 7.0)
        .collect();
    let with = scorecard(&candidates, &h, &[]).unwrap();
    let e = with.rows[0].tracking_error;
    // Conditional weekly predictions miss each week by about a fifth of its purchases, as the
    // unconditional tracking does.
    assert!((0.1..0.3).contains(&e), "{e}");
    assert_eq!(with.rows[0].mae, without.rows[0].mae);
}
