//! `custalyze attribution` end to end on generated touchpoints of known effect, and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{run, s, stderr};

#[test]
fn attribution_ranks_channels_and_reallocates() {
    let dir = std::env::temp_dir().join(format!("custalyze-attribution-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (log, touches) = (dir.join("log.csv"), dir.join("touches.csv"));
    let o = run(&[
        "generate",
        "--customers",
        "600",
        "--seed",
        "2",
        "--output",
        s(&log),
        "--touchpoints",
        s(&touches),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("touches.csv.truth.json")).unwrap())
            .unwrap();
    assert_eq!(truth["channels"].as_array().unwrap().len(), 6);
    let (out, budget) = (dir.join("attribution.csv"), dir.join("budget.csv"));
    let o = run(&[
        "attribution",
        "--touchpoints",
        s(&touches),
        "--input",
        s(&log),
        "--schema",
        "online-retail",
        "--budget",
        s(&budget),
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("funnel:") && err.contains("journeys:"),
        "{err}"
    );
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "channel",
            "model",
            "conversions",
            "revenue",
            "share",
            "cost",
            "roi",
            "cost_per_acquisition"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6 * 9, "6 channels x 9 models");
    // Every model's shares sum to 1.
    for model in ["first_touch", "markov_1", "shapley"] {
        let sum: f64 = rows
            .iter()
            .filter(|r| &r[1] == model)
            .map(|r| r[4].parse::<f64>().unwrap())
            .sum();
        assert!((sum - 1.0).abs() < 1e-4, "{model}: {sum}");
    }
    // Shapley credits the most effective channel (search, effect 0.12) most, display (0.005) least
    // per touch; here simply: search above display.
    let get = |m: &str, c: &str| {
        rows.iter().find(|r| &r[1] == m && &r[0] == c).unwrap()[2]
            .parse::<f64>()
            .unwrap()
    };
    assert!(get("shapley", "search") > 5.0 * get("shapley", "display"));
    let b = std::fs::read_to_string(&budget).unwrap();
    assert!(b.starts_with("channel,current_spend,proposed_spend,current_revenue,expected_revenue"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_touchpoints_are_refused_with_a_message() {
    let dir =
        std::env::temp_dir().join(format!("custalyze-attribution-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = dir.join("t.csv");
    std::fs::write(&t, "customer,when,channel\n1,2024-01-01,a\n").unwrap();
    let o = run(&["attribution", "--touchpoints", s(&t), "--output", "-"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no `customer_id` column"),
        "{}",
        stderr(&o)
    );
    // Touches of customers who never bought: no conversion, a typed error.
    std::fs::write(&t, "customer_id,timestamp,channel\nnobody,2024-01-01,a\n").unwrap();
    let o = run(&["attribution", "--touchpoints", s(&t), "--output", "-"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("no journey converted"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "attribution",
        "--touchpoints",
        s(&t),
        "--model",
        "magic",
        "--output",
        "-",
    ]);
    assert!(stderr(&o).contains("not a model"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}
