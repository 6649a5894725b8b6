//! Issue 17 from the command line: options without bounds, inputs that aborted or wrote `inf`,
//! messages that echoed megabytes. Every case ends quickly with a one-line error or a counted
//! exclusion, and no output holds a non-finite number.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{run, stderr};

#[test]
fn options_without_bounds_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("s.csv");
    let mut text = String::from("date,value\n");
    for m in 0..36 {
        text.push_str(&format!(
            "{}-{:02}-01,{}\n",
            2020 + m / 12,
            1 + m % 12,
            100 + m * 3 + (m % 12) * 5
        ));
    }
    std::fs::write(&series, text).unwrap();
    let o = run(&[
        "forecast",
        "arima",
        "--input",
        series.to_str().unwrap(),
        "--order",
        "1,1,0",
        "--horizon",
        "100000000",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("10000"), "{}", stderr(&o));

    let summary = dir.path().join("cal.csv");
    std::fs::write(
        &summary,
        "customer_id,frequency,recency,T\n1,2,10,30\n2,0,0,20\n3,5,25,30\n",
    )
    .unwrap();
    let model = dir.path().join("m.json");
    std::fs::write(
        &model,
        r#"{"model": "bgnbd", "params": {"r": 0.24, "alpha": 4.4, "a": 0.79, "b": 2.4}, "time_unit": "week"}"#,
    )
    .unwrap();
    let base = [
        "cltv",
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
    ];
    let o = run(&[
        &base[..],
        &["--horizon", "52", "--months", "100000000", "--output", "-"],
    ]
    .concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--months"), "{}", stderr(&o));
    let o = run(&[&base[..], &["--horizon", "1e308", "--output", "-"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("--horizon"), "{}", stderr(&o));
    // A model file that is not JSON names the file.
    std::fs::write(&model, "not json").unwrap();
    let o = run(&[&base[..], &["--horizon", "52", "--output", "-"]].concat());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("m.json"), "{}", stderr(&o));
}

#[test]
fn huge_amounts_are_excluded_and_summaries_stay_finite() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("log.csv");
    std::fs::write(
        &input,
        "customer_id,date,amount\n1,2021-01-01,1e308\n1,2021-02-01,1e308\n1,2021-03-01,10\n2,2021-01-05,20\n",
    )
    .unwrap();
    let o = run(&[
        "summary",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "generic",
        "--output",
        "-",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(!out.contains("inf") && !out.contains("NaN"), "{out}");
    assert!(err.contains("too large"), "{err}");
}

#[test]
fn a_basket_of_100000_items_is_an_error_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let baskets = dir.path().join("b.txt");
    let line: Vec<String> = (0..100_000).map(|i| format!("i{i}")).collect();
    std::fs::write(&baskets, format!("{}\n", line.join(","))).unwrap();
    let o = run(&[
        "rules",
        "--baskets",
        baskets.to_str().unwrap(),
        "--min-support",
        "1.0",
        "--itemsets-out",
        dir.path().join("i.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("max-len"), "{}", stderr(&o));
}

#[test]
fn a_megabyte_header_is_not_echoed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("wide.csv");
    let header = "x".repeat(1_000_000);
    std::fs::write(&input, format!("{header}\n1\n")).unwrap();
    let o = run(&[
        "summary",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "generic",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.len() < 2_000, "{} bytes of error", e.len());
    assert!(e.contains("characters"), "{e}");
}

#[test]
fn bad_summary_rows_are_named_by_file_line_and_customer() {
    // Before: "invalid input at row 1", a 0-based index.
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("s.csv");
    std::fs::write(
        &summary,
        "customer_id,frequency,recency,T\n7,2,10,30\n8,-1,0,20\n",
    )
    .unwrap();
    let o = run(&[
        "cltv",
        "fit",
        "--model",
        "bgnbd",
        "--summary",
        summary.to_str().unwrap(),
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("line 3") && e.contains("customer 8"), "{e}");
}
