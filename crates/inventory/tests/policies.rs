//! The policy formulas against stockpyl 1.0.2 (Snyder & Shen's library) on a seeded grid of 40
//! cases (`tests/fixtures/oracle_policies.py` wrote the fixture).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_inventory::policy::{
    eoq, newsvendor_normal, r_q_eoq_safety_stock, standard_normal_loss,
};

fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: ours {a} stockpyl {b}"
    );
}

#[test]
fn formulas_equal_stockpyl() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/policies_stockpyl.json");
    let fx: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = fx["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 40);
    let mut rq = 0;
    for c in cases {
        let g = |k: &str| c[k].as_f64().unwrap();
        let (q, cost) = eoq(g("order_cost"), g("holding_cost"), g("mean")).unwrap();
        close(q, g("eoq"), "EOQ");
        close(cost, g("eoq_cost"), "EOQ cost");
        let (s, nv) = newsvendor_normal(
            g("holding_cost"),
            g("stockout_cost"),
            g("mean"),
            g("sd"),
            g("lead_time"),
        )
        .unwrap();
        close(s, g("newsvendor"), "newsvendor level");
        close(nv, g("newsvendor_cost"), "newsvendor cost");
        if c.get("rq_r").is_some() {
            let (r, q) = r_q_eoq_safety_stock(
                g("holding_cost"),
                g("stockout_cost"),
                g("order_cost"),
                g("mean"),
                g("sd"),
                g("lead_time"),
            )
            .unwrap();
            close(r, g("rq_r"), "(r, Q) reorder point");
            close(q, g("rq_q"), "(r, Q) quantity");
            rq += 1;
        }
    }
    assert!(rq > 20);
    for l in fx["losses"].as_array().unwrap() {
        let (a, b) = standard_normal_loss(l["z"].as_f64().unwrap());
        close(a, l["loss"].as_f64().unwrap(), "loss");
        close(
            b,
            l["complementary"].as_f64().unwrap(),
            "complementary loss",
        );
    }
}

#[test]
fn absurd_spans_are_refused_not_planned() {
    use chrono::NaiveDate;
    use custalyze_transaction_types::{Id, Transaction, TransactionLog};
    let at = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 5)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    };
    let log = TransactionLog::from_transactions([
        Transaction::new(
            Id::Int(1),
            Id::Int(1),
            at(1900),
            Some(Id::from("x")),
            1.0,
            2.0,
        )
        .unwrap(),
        Transaction::new(
            Id::Int(1),
            Id::Int(2),
            at(2020),
            Some(Id::from("x")),
            1.0,
            2.0,
        )
        .unwrap(),
    ])
    .unwrap();
    let e = custalyze_inventory::Inventory::params().fit(&log, &Default::default());
    assert!(
        matches!(e, Err(custalyze_inventory::Error::InvalidParameter(_))),
        "{e:?}"
    );
}
