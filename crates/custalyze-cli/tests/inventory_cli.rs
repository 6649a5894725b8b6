//! End-to-end tests of `custalyze inventory`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::run;

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn plans_a_generated_panel_with_stock() {
    let dir = tempfile::tempdir().unwrap();
    let panel = dir.path().join("panel.csv");
    let o = run(&[
        "generate",
        "--price-demand",
        "--products",
        "30",
        "--weeks",
        "80",
        "--seed",
        "4",
        "--output",
        panel.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stock = dir.path().join("stock.csv");
    std::fs::write(
        &stock,
        "product,on_hand,on_order,unit_cost\nP00001,0,0,5.0\nP00002,100000,0,2.5\nGHOST,3,0,1\n",
    )
    .unwrap();
    let out = dir.path().join("inventory.csv");
    let o = run(&[
        "inventory",
        "--input",
        panel.to_str().unwrap(),
        "--stock",
        stock.to_str().unwrap(),
        "--lead-time-days",
        "14",
        "--service-level",
        "0.95",
        "--order-cost",
        "40",
        "--holding-rate",
        "0.2",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("never sold"), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let headers = reader.headers().unwrap().clone();
    for needed in [
        "product",
        "class",
        "lifecycle",
        "model",
        "mean_demand",
        "sd_demand",
        "safety_stock",
        "reorder_point",
        "eoq",
        "order_now",
        "days_of_cover",
        "stockout_risk",
    ] {
        assert!(headers.iter().any(|h| h == needed), "no {needed} column");
    }
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 30);
    let get = |id: &str| rows.iter().find(|r| &r[col("product")] == id).unwrap();
    // No stock at all: order now, certain stockout risk above 0.5, an EOQ from the unit cost.
    let empty = get("P00001");
    let order: f64 = empty[col("order_now")].parse().unwrap();
    let reorder: f64 = empty[col("reorder_point")].parse().unwrap();
    assert!(order > reorder, "{empty:?}");
    assert_eq!(order, order.ceil());
    assert!(!empty[col("eoq")].is_empty());
    // A mountain of stock: nothing to order, overstock, no risk.
    let full = get("P00002");
    assert_eq!(&full[col("order_now")], "0");
    assert_eq!(&full[col("overstock")], "true");
    let risk: f64 = full[col("stockout_risk")].parse().unwrap();
    assert!(risk < 1e-6);
    // Without stock: no order and no EOQ.
    let other = get("P00003");
    assert!(other[col("order_now")].is_empty() && other[col("eoq")].is_empty());
}

#[test]
fn bad_options_are_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("i.csv");
    let o = run(&[
        "inventory",
        "--service-level",
        "1.5",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("service level"), "{}", stderr(&o));
    let o = run(&[
        "inventory",
        "--class-service-levels",
        "0.9,0.8",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let stock = dir.path().join("stock.csv");
    std::fs::write(&stock, "product,on_hand\n85123A,-4\n").unwrap();
    let o = run(&[
        "inventory",
        "--stock",
        stock.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("on_hand"), "{}", stderr(&o));
    // The embedded sample plans.
    let o = run(&["inventory", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `--location-col Country` plans per product × country; a stock file with a location column
/// gives each pair its stock.
#[test]
fn plans_per_product_and_location() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.csv");
    let o = run(&[
        "generate",
        "--customers",
        "1500",
        "--seed",
        "4",
        "--output",
        log.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let stock = dir.path().join("stock.csv");
    std::fs::write(
        &stock,
        "product,location,on_hand,unit_cost\n10001,United Kingdom,7,1.5\n",
    )
    .unwrap();
    let out = dir.path().join("inv.csv");
    let o = run(&[
        "inventory",
        "--input",
        log.to_str().unwrap(),
        "--location-col",
        "Country",
        "--stock",
        stock.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("product x location plans"),
        "{}",
        stderr(&o)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[..4], ["product", "location", "class", "xyz"]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let countries: std::collections::HashSet<&str> = rows.iter().map(|r| r[1]).collect();
    assert!(countries.len() > 3, "{countries:?}");
    let uk = rows
        .iter()
        .find(|r| r[0] == "10001" && r[1] == "United Kingdom")
        .expect("10001 sells in the United Kingdom");
    let on_hand = header.iter().position(|h| *h == "on_hand").unwrap();
    assert_eq!(uk[on_hand], "7");
    // A column that is not there is an error naming it.
    let o = run(&[
        "inventory",
        "--input",
        log.to_str().unwrap(),
        "--location-col",
        "Store",
        "--output",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("Store"), "{}", stderr(&o));
}
