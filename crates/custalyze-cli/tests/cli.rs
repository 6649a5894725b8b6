//! End-to-end tests of the `custalyze` binary: exit codes, messages and outputs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../transaction-types/tests/fixtures")
}

#[test]
fn summary_on_cdnow_sample_matches_the_lifetimes_reference() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.csv");
    let input = fixtures().join("CDNOW_sample.txt");
    let o = run(&[
        "summary",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "cdnow",
        "--freq",
        "W",
        "--end",
        "1998-06-30",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("loaded 6919 of 6919 rows"),
        "{}",
        stderr(&o)
    );
    let got = std::fs::read_to_string(&out).unwrap();
    let expected = std::fs::read_to_string(fixtures().join("summary_cdnow_sample_W.csv")).unwrap();
    assert_eq!(
        got.lines().next(),
        Some("customer_id,frequency,recency,T,monetary_value")
    );
    assert_eq!(got.lines().count(), expected.lines().count());
    for (g, e) in got.lines().zip(expected.lines()).skip(1) {
        let g: Vec<f64> = g.split(',').map(|v| v.parse().unwrap()).collect();
        let e: Vec<f64> = e.split(',').map(|v| v.parse().unwrap()).collect();
        for (a, b) in g.iter().zip(&e) {
            assert!((a - b).abs() <= 1e-9 * (1.0 + b.abs()), "{g:?} vs {e:?}");
        }
    }
}

#[test]
fn calibration_holdout_columns_and_schema_detection() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ch.csv");
    let input = fixtures().join("CDNOW_sample.txt");
    // No --schema: detected as cdnow from the numeric whitespace-separated first line.
    let o = run(&[
        "summary",
        "--input",
        input.to_str().unwrap(),
        "--freq",
        "D",
        "--freq-multiplier",
        "7",
        "--calibration-end",
        "1997-09-30",
        "--end",
        "1998-06-30",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = std::fs::read_to_string(&out).unwrap();
    let expected =
        std::fs::read_to_string(fixtures().join("calibration_holdout_cdnow_sample.csv")).unwrap();
    assert_eq!(got.lines().next(), expected.lines().next());
    assert_eq!(
        got.lines().nth(1),
        Some("1,2.0,30.428571428571427,38.857142857142854,22.345,1.0,26.48,39.0")
    );
}

#[test]
fn streaming_summary_equals_in_memory_summary() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures().join("CDNOW_master_first2000.txt");
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for (out, extra) in [(&a, None), (&b, Some("--streaming"))] {
        let mut args = vec![
            "summary",
            "--input",
            input.to_str().unwrap(),
            "--schema",
            "cdnow",
            "--end",
            "1998-06-30",
        ];
        args.extend(["--output", out.to_str().unwrap()]);
        args.extend(extra);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // Equal up to the order of floating-point additions (file order vs sorted order).
    let (a, b) = (
        std::fs::read_to_string(a).unwrap(),
        std::fs::read_to_string(b).unwrap(),
    );
    assert_eq!(a.lines().count(), b.lines().count());
    for (x, y) in a.lines().zip(b.lines()).skip(1) {
        let x: Vec<f64> = x.split(',').map(|v| v.parse().unwrap()).collect();
        let y: Vec<f64> = y.split(',').map(|v| v.parse().unwrap()).collect();
        let same = x
            .iter()
            .zip(&y)
            .all(|(p, q)| (p - q).abs() <= 1e-9 * (1.0 + q.abs()));
        assert!(same, "{x:?} vs {y:?}");
    }
}

#[test]
fn summary_runs_on_the_embedded_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.csv");
    let json = dir.path().join("r.json");
    let o = run(&[
        "summary",
        "--freq",
        "W",
        "--output",
        out.to_str().unwrap(),
        "--report-json",
        json.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.lines().count() > 500,
        "{} customers",
        text.lines().count()
    );
    // The sample has cancellations and bad rows, and the report says so.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert!(
        report["excluded"]["cancellation"]["count"]
            .as_u64()
            .unwrap()
            > 0,
        "{report}"
    );
    assert!(
        report["excluded"]["missing_customer"]["count"]
            .as_u64()
            .unwrap()
            > 0,
        "{report}"
    );
}

#[test]
fn generate_is_deterministic_and_writes_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.csv");
    let b = dir.path().join("b.csv");
    for out in [&a, &b] {
        let o = run(&[
            "generate",
            "--customers",
            "150",
            "--seed",
            "9",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let text = std::fs::read_to_string(&a).unwrap();
    assert_eq!(text, std::fs::read_to_string(&b).unwrap());
    assert!(text.starts_with(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
    ));
    let params = std::fs::read_to_string(dir.path().join("a.csv.params.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert!(v.is_object());
    // Moving prices by default: the truth per product, the item table and the stock snapshot.
    assert_eq!(v["product_pricing"].as_array().map(Vec::len), Some(120));
    let items = std::fs::read_to_string(dir.path().join("a.csv.items.csv")).unwrap();
    assert!(items.starts_with("item_id,category,unit_cost\n10001,"));
    let stock = std::fs::read_to_string(dir.path().join("a.csv.stock.csv")).unwrap();
    assert!(stock.starts_with("product,on_hand,on_order,unit_cost\n"));
    assert_eq!(stock.lines().count(), 121);
    // --constant-prices: one price per product, no side tables.
    let c = dir.path().join("c.csv");
    let o = run(&[
        "generate",
        "--customers",
        "150",
        "--seed",
        "9",
        "--constant-prices",
        "--output",
        c.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!dir.path().join("c.csv.items.csv").exists());
    let params = std::fs::read_to_string(dir.path().join("c.csv.params.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&params).unwrap();
    assert!(v.get("product_pricing").is_none());
}

#[test]
fn bad_usage_exits_2() {
    let o = run(&["summary", "--freq"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bad_data_exits_1_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "customer_id,date,amount\n,2024-01-01,3\n").unwrap();
    let out = dir.path().join("o.csv");
    let o = run(&[
        "summary",
        "--input",
        bad.to_str().unwrap(),
        "--schema",
        "generic",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(
        e.starts_with("error: no usable transactions") && e.contains("missing customer id"),
        "{e}"
    );

    let o = run(&[
        "summary",
        "--input",
        "/nonexistent.csv",
        "--schema",
        "cdnow",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("/nonexistent.csv"));

    let o = run(&["summary", "--freq", "Q", "--output", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("invalid period"), "{}", stderr(&o));

    let o = run(&[
        "summary",
        "--end",
        "30/06/1998",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("YYYY-MM-DD"), "{}", stderr(&o));
}

#[test]
fn help_has_examples() {
    for args in [
        vec!["--help"],
        vec!["summary", "--help"],
        vec!["generate", "--help"],
    ] {
        let o = run(&args);
        assert!(o.status.success());
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("Examples:"), "{args:?}: {text}");
    }
}

fn cltv_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cltv-core/tests/fixtures")
        .join(name)
}

#[test]
fn cltv_fit_and_predict_on_cdnow() {
    let dir = tempfile::tempdir().unwrap();
    let summary = cltv_fixture("cdnow_customers_summary_with_transactions.csv");
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cltv_fixture("bgnbd_cdnow.json")).unwrap())
            .unwrap();
    let model = dir.path().join("bgnbd.json");
    let gg = dir.path().join("gg.json");
    for (kind, out) in [("bgnbd", &model), ("gamma-gamma", &gg)] {
        let o = run(&[
            "cltv",
            "fit",
            "--model",
            kind,
            "--summary",
            summary.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&model).unwrap()).unwrap();
    assert_eq!(m["model"], "bgnbd");
    assert_eq!(m["n_customers"], 2357.0);
    for k in ["r", "alpha", "a", "b"] {
        let got = m["params"][k].as_f64().unwrap();
        let want = reference["polished_mle"][k].as_f64().unwrap();
        assert!((got - want).abs() < 1e-4 * want, "{k}: {got} vs {want}");
        assert!(m["standard_errors"][k].as_f64().unwrap() > 0.0);
    }
    let ll = m["log_likelihood"].as_f64().unwrap();
    assert!(
        (ll - reference["polished_mle"]["log_likelihood"]
            .as_f64()
            .unwrap())
        .abs()
            < 1e-3
    );

    let pred = dir.path().join("pred.csv");
    let o = run(&[
        "cltv",
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--spend-model",
        gg.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        "--horizon",
        "52",
        "--time-unit",
        "W",
        "--output",
        pred.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&pred).unwrap();
    assert_eq!(
        text.lines().next(),
        Some("customer_id,expected_purchases,p_alive,p_purchase,expected_avg_spend,clv")
    );
    assert_eq!(text.lines().count(), 2358);
    let first: Vec<f64> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    let c1 = &reference["customers"][0];
    assert_eq!(c1["id"], 1);
    // Fitted (not lifetimes') parameters: predictions agree to about the parameter tolerance.
    assert!(
        (first[1] - c1["expected_purchases_52w"].as_f64().unwrap()).abs() < 1e-3,
        "{first:?}"
    );
    assert!(
        (first[2] - c1["p_alive"].as_f64().unwrap()).abs() < 1e-3,
        "{first:?}"
    );
    // P(purchase in 52 weeks) is at most P(alive).
    assert!(first[3] > 0.0 && first[3] <= first[2]);
    assert!(first[5] > 0.0);
}

#[test]
fn cltv_bad_inputs_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "customer_id,frequency,recency,T\n1,2,50,40\n").unwrap();
    let out = dir.path().join("m.json");
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        bad.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("recency 50 is larger than T 40"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "weibull",
        "--summary",
        bad.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}
