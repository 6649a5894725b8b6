//! Units travel from `custalyze summary` to `cltv fit` and `cltv predict`; a mismatch is an error
//! naming both units; `--output -` writes to standard output; Gamma-Gamma honours weights.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::{cdnow_sample, run, s, stderr};

#[test]
fn the_unit_of_a_summary_travels_into_the_model_and_mismatches_are_errors() {
    let Some(input) = cdnow_sample() else { return };
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("cal.csv");
    let o = run(&[
        "summary",
        "--input",
        s(&input),
        "--schema",
        "cdnow",
        "--freq",
        "D",
        "--freq-multiplier",
        "7",
        "--calibration-end",
        "1997-09-30",
        "--end",
        "1998-06-30",
        "--output",
        s(&cal),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("cal.csv.meta.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["period"], "7D");
    assert_eq!(meta["time_unit"], "week");
    let model = dir.path().join("bgnbd.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        s(&cal),
        "--output",
        s(&model),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["time_unit"], "week");

    // Daily CLV on a weekly model: exit 1 naming both units (before: accepted, CLV 5.5x too high).
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--summary",
        s(&cal),
        "--horizon",
        "52",
        "--time-unit",
        "D",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("weeks") && e.contains("days"), "{e}");
    // A flag that contradicts the summary's sidecar when fitting.
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        s(&cal),
        "--time-unit",
        "D",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("weeks"), "{}", stderr(&o));

    // `--output -` writes to standard output, not to a file named "-".
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--summary",
        s(&cal),
        "--horizon",
        "52",
        "--output",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with("customer_id,expected_purchases,p_alive,p_purchase"),
        "{out}"
    );
    assert_eq!(out.lines().count(), 2358);
    assert!(!Path::new("-").exists());
    // The new-customer distribution: probabilities of 0..=5 purchases in 52 weeks, decreasing.
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        s(&model),
        "--horizon",
        "52",
        "--pmf",
        "5",
        "--output",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let p: Vec<f64> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    assert_eq!(p.len(), 6);
    assert!((p[0] - 0.5389).abs() < 1e-3, "{p:?}"); // lifetimes: 0.53895 (bgnbd_cdnow.json)
    assert!(p.windows(2).all(|w| w[0] > w[1]));
}

#[test]
fn gamma_gamma_honours_a_weights_column() {
    // The CDNOW repeat buyers, once as they are and once with identical (x, m) rows merged into
    // a weight: the same fit (before, the weights column was ignored: each merged row counted once).
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cltv-core/tests/fixtures/cdnow_customers_summary_with_transactions.csv");
    let text = std::fs::read_to_string(&fixture).unwrap();
    let mut counts: std::collections::BTreeMap<(String, String), u32> = Default::default();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[1] != "0" {
            *counts
                .entry((f[1].to_string(), f[4].to_string()))
                .or_default() += 1;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let merged = dir.path().join("merged.csv");
    let mut csv = String::from("customer_id,frequency,monetary_value,weight\n");
    for (k, ((x, m), w)) in counts.iter().enumerate() {
        csv.push_str(&format!("{k},{x},{m},{w}\n"));
    }
    std::fs::write(&merged, csv).unwrap();
    let fit = |summary: &Path, out: &Path| {
        let o = run(&[
            "cltv",
            "fit",
            "--model",
            "gamma-gamma",
            "--summary",
            s(summary),
            "--output",
            s(out),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
        ["p", "q", "v"].map(|n| v["params"][n].as_f64().unwrap())
    };
    let a = fit(&fixture, &dir.path().join("a.json"));
    let b = fit(&merged, &dir.path().join("b.json"));
    assert!(counts.values().any(|w| *w > 1));
    for k in 0..3 {
        assert!((a[k] - b[k]).abs() < 1e-5 * a[k], "{a:?} vs {b:?}");
    }
}

#[test]
fn customer_level_input_is_summarised_with_its_unit() {
    // Rows of the FLO data (flo_data_20k.csv): one row per customer, orders and values online and
    // offline.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("flo.csv");
    std::fs::write(
        &input,
        "master_id,order_channel,first_order_date,last_order_date,order_num_total_ever_online,\
order_num_total_ever_offline,customer_value_total_ever_offline,customer_value_total_ever_online
cc294636,Android App,2020-10-30,2021-02-26,4.0,1.0,139.99,799.38
f431bd5a,Android App,2017-02-08,2021-02-16,19.0,2.0,159.97,1853.58
1854e56c,Android App,2021-01-06,2021-01-17,1.0,1.0,39.99,81.98
bad,Android App,2021-01-06,2021-01-17,x,1.0,39.99,81.98
",
    )
    .unwrap();
    let out = dir.path().join("weekly.csv");
    let o = run(&[
        "summary",
        "--input",
        s(&input),
        "--schema",
        "customers",
        "--customer-col",
        "master_id",
        "--freq",
        "W",
        "--end",
        "2021-03-09",
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("excluded"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(rows.len(), 4, "{text}");
    // cc294636: 5 orders -> 4 repeat; value (139.99 + 799.38) / 5.
    let f: Vec<&str> = rows[1].split(',').collect();
    assert_eq!((f[0], f[1]), ("cc294636", "4.0"));
    assert!((f[4].parse::<f64>().unwrap() - 939.37 / 5.0).abs() < 1e-9);
    let meta: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("weekly.csv.meta.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(meta["time_unit"], "week");
    // A generic log with only customer and date columns summarises with monetary value 0.
    let log = dir.path().join("log.csv");
    std::fs::write(&log, "cust,day\n1,2024-01-01\n1,2024-02-10\n2,2024-01-05\n").unwrap();
    let o = run(&[
        "summary",
        "--input",
        s(&log),
        "--schema",
        "generic",
        "--customer-col",
        "cust",
        "--date-col",
        "day",
        "--output",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("1,1.0,40.0,40.0,0.0"), "{text}");
}
