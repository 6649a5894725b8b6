//! `custalyze anomalies` end to end: on a generated log with labelled fraud the alerts find it;
//! bad input is refused with a message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;

use common::{run, s, stderr};

#[test]
fn alerts_find_the_injected_fraud() {
    let dir = std::env::temp_dir().join(format!("custalyze-anomalies-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("fraud.csv");
    let o = run(&[
        "generate",
        "--customers",
        "800",
        "--seed",
        "5",
        "--fraud",
        "--output",
        s(&log),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let params: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("fraud.csv.params.json")).unwrap())
            .unwrap();
    let fraud = params["fraud"].as_array().unwrap();
    assert_eq!(fraud.len(), 50, "10 + 20 + 10 + 10 cases");
    let card_testing: HashSet<String> = fraud
        .iter()
        .filter(|f| f["pattern"] == "card_testing")
        .flat_map(|f| {
            f["invoices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.to_string())
        })
        .collect();
    let labelled: HashSet<String> = fraud
        .iter()
        .filter(|f| f["pattern"] != "heavy_returner")
        .flat_map(|f| {
            f["invoices"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i.to_string())
        })
        .collect();

    let out = dir.join("top.csv");
    let customers = dir.join("customers.csv");
    let o = run(&[
        "anomalies",
        "--input",
        s(&log),
        "--schema",
        "online-retail",
        "--top",
        "40",
        "--customers",
        s(&customers),
        "--output",
        s(&out),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("% of revenue flagged"),
        "{}",
        stderr(&o)
    );
    let mut r = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "order_id",
            "customer_id",
            "date",
            "value",
            "score",
            "band",
            "reasons"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40);
    let scores: Vec<f64> = rows.iter().map(|r| r[4].parse().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "sorted by score");
    let hits = rows.iter().filter(|r| labelled.contains(&r[0])).count();
    let card = rows.iter().filter(|r| card_testing.contains(&r[0])).count();
    // The card-testing bursts (8-20 orders a minute apart) are the most isolated orders.
    assert!(card >= 20, "{card} card-testing orders in the top 40");
    assert!(hits >= 30, "{hits} of the top 40 are labelled fraud");
    for row in rows.iter().filter(|r| &r[5] != "low") {
        assert!(
            !row[6].is_empty(),
            "flagged order {} without a reason",
            &row[0]
        );
    }
    assert!(
        rows.iter()
            .filter(|r| card_testing.contains(&r[0]))
            .all(|r| r[6].contains("orders_within_hour"))
    );
    let c = std::fs::read_to_string(&customers).unwrap();
    assert!(c.starts_with("customer_id,score,band,orders,flagged_orders,flagged_value,reasons"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_input_is_refused_with_a_message() {
    let dir = std::env::temp_dir().join(format!("custalyze-anomalies-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.csv");
    std::fs::write(&empty, "customer_id,order_id,date,amount\n").unwrap();
    let o = run(&[
        "anomalies",
        "--input",
        s(&empty),
        "--output",
        s(&dir.join("x.csv")),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no data rows"), "{}", stderr(&o));
    let o = run(&["anomalies", "--top", "5", "--all", "--output", "-"]);
    assert_eq!(o.status.code(), Some(2), "--top and --all conflict");
    std::fs::remove_dir_all(&dir).ok();
}
