//! End-to-end tests of `custalyze generate --price-demand` and `custalyze pricing`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::run;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn generated_panel_priced_with_margins_and_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let panel = dir.path().join("panel.csv");
    let o = run(&[
        "generate",
        "--price-demand",
        "--products",
        "40",
        "--weeks",
        "104",
        "--seed",
        "3",
        "--output",
        panel.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let items = dir.path().join("panel.csv.items.csv");
    let truth = dir.path().join("panel.csv.truth.json");
    assert!(items.exists() && truth.exists());

    let out = dir.path().join("pricing.csv");
    let o = run(&[
        "pricing",
        "--input",
        panel.to_str().unwrap(),
        "--items",
        items.to_str().unwrap(),
        "--objective",
        "margin",
        "--bounds",
        "-0.2,0.2",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("40 products"), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    for needed in [
        "product",
        "elasticity",
        "se",
        "ci_low",
        "ci_high",
        "n_prices",
        "current_price",
        "recommended_price",
        "expected_revenue_change",
    ] {
        assert!(headers.iter().any(|h| h == needed), "no {needed} column");
    }
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 40);
    let mut estimated = 0;
    for r in &rows {
        let status = &r[col("status")];
        if status == "estimated" {
            estimated += 1;
            let (lo, e, hi): (f64, f64, f64) = (
                r[col("ci_low")].parse().unwrap(),
                r[col("elasticity")].parse().unwrap(),
                r[col("ci_high")].parse().unwrap(),
            );
            assert!(lo < e && e < hi);
            // A recommendation within the bounds, or none for an elasticity that is not negative.
            match r[col("price_change")].parse::<f64>() {
                Ok(change) => assert!((-0.2 - 1e-9..=0.2 + 1e-9).contains(&change)),
                Err(_) => {
                    let used: f64 = r[col("pooled_elasticity")].parse().unwrap_or(e);
                    assert!(used >= 0.0, "{r:?}");
                }
            }
        } else {
            // Not estimated: no number.
            assert!(r[col("elasticity")].is_empty(), "{r:?}");
        }
    }
    assert!(estimated >= 20, "{estimated}");
}

#[test]
fn bad_options_and_inputs_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p.csv");
    let o = run(&[
        "pricing",
        "--bounds",
        "0.3,-0.3",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("bounds"), "{}", stderr(&o));
    // The embedded sample has unit costs; an item table without them cannot serve a margin.
    let o = run(&[
        "pricing",
        "--objective",
        "margin",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let no_costs = dir.path().join("no_costs.csv");
    std::fs::write(&no_costs, "item_id,category\n10001,KITCHEN\n").unwrap();
    let o = run(&[
        "pricing",
        "--items",
        no_costs.to_str().unwrap(),
        "--objective",
        "margin",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("unit costs"), "{}", stderr(&o));
    let items = dir.path().join("items.csv");
    std::fs::write(&items, "item_id,unit_cost\n85123A,abc\n").unwrap();
    let o = run(&[
        "pricing",
        "--items",
        items.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("not a number"), "{}", stderr(&o));
    // The embedded sample has constant list prices: products are reported, not priced.
    let o = run(&["pricing", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.lines().count() > 1);
}
