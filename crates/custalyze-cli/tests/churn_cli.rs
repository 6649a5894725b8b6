//! End-to-end tests of `custalyze churn` and `custalyze recommend` on the embedded sample.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::{run, stderr};

#[test]
fn churn_writes_scores_and_prints_the_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("churn.csv");
    let o = run(&[
        "churn",
        "--calibration-end",
        "2023-06-30",
        "--holdout-days",
        "90",
        "--trees",
        "20",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "random_forest",
        "decision_tree",
        "p_alive_baseline",
        "feature_importance",
        "design",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let auc = json["random_forest"]["roc_auc"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&auc));
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("customer_id,churn_probability,risk_band,revenue_at_risk")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows.len() as u64,
        json["test"]["customers"].as_u64().unwrap()
    );
    for r in &rows {
        let p: f64 = r[1].parse().unwrap();
        assert!((0.0..=1.0).contains(&p));
        assert!(["high", "medium", "low"].contains(&r[2]));
        assert!(r[3].parse::<f64>().unwrap() >= 0.0);
    }
}

#[test]
fn churn_rejects_a_window_past_the_data() {
    let o = run(&[
        "churn",
        "--calibration-end",
        "2023-12-01",
        "--holdout-days",
        "90",
        "--output",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holdout window"), "{}", stderr(&o));
}

#[test]
fn recommend_lists_k_new_items() {
    for method in ["hybrid", "cf", "content", "rules", "popularity"] {
        let o = run(&[
            "recommend",
            "--customer",
            "10001",
            "--k",
            "5",
            "--method",
            method,
        ]);
        assert!(o.status.success(), "{method}: {}", stderr(&o));
        let text = String::from_utf8(o.stdout).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("rank,item_id,description,score"));
        let n = lines.count();
        assert!(n <= 5);
        if method == "hybrid" || method == "popularity" {
            assert_eq!(n, 5, "{method}");
        }
    }
}

#[test]
fn recommend_rejects_an_unknown_customer() {
    let o = run(&["recommend", "--customer", "999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown customer"), "{}", stderr(&o));
}

/// `--method rules` uses FP-Growth rules: baskets `{1,4}` x5, `{2,4}` x5, `{1,2,3}` x4, and a
/// customer who bought 1 and 2 in separate orders. The two-item rule `{1,2} -> {3}` (confidence
/// one) puts item 3 first; single-antecedent pair rules would put item 4 first (confidence 0.5
/// against 0.4).
#[test]
fn recommend_rules_uses_fp_growth_rules() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("baskets.csv");
    let mut text = String::from("customer_id,date,amount,order_id,item_id\n");
    let mut baskets: Vec<&[u32]> = Vec::new();
    baskets.extend(std::iter::repeat_n(&[1u32, 4][..], 5));
    baskets.extend(std::iter::repeat_n(&[2u32, 4][..], 5));
    baskets.extend(std::iter::repeat_n(&[1u32, 2, 3][..], 4));
    for (k, b) in baskets.iter().enumerate() {
        for item in *b {
            text.push_str(&format!("{k},2024-01-{:02},1.0,{k},{item}\n", 1 + k));
        }
    }
    text.push_str("99,2024-02-01,1.0,100,1\n99,2024-02-10,1.0,101,2\n");
    std::fs::write(&input, text).unwrap();
    let o = run(&[
        "recommend",
        "--input",
        input.to_str().unwrap(),
        "--schema",
        "generic",
        "--customer",
        "99",
        "--method",
        "rules",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let first = text.lines().nth(1).unwrap();
    assert!(first.starts_with("1,3,"), "{text}");
}
