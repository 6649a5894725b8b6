//! Plans per product × location when the log has a location column.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_inventory::{Inventory, StockItem, StockKey, StockTable};
use custalyze_transaction_types::Id;
use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_reader};

/// 60 weeks of two products at two stores: A sells 10 a week in north, 2 in south; B sells 5 a
/// week in north only.
fn log() -> custalyze_transaction_types::TransactionLog {
    let mut csv = String::from("customer_id,date,item_id,quantity,unit_price,store\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    for w in 0..60 {
        let d = start + chrono::Duration::weeks(w);
        csv.push_str(&format!("1,{d},A,{},2.0,north\n", 10 + w % 3));
        csv.push_str(&format!("2,{d},A,{},2.0,south\n", 2 + w % 2));
        csv.push_str(&format!("3,{d},B,{},4.0,north\n", 5 + w % 2));
    }
    let options =
        LoadOptions::new(Schema::Generic(GenericColumns::default())).location_column("store");
    load_reader(csv.as_bytes(), "t", &options).unwrap().log
}

#[test]
fn one_plan_per_product_and_location() {
    let log = log();
    let mut stock = StockTable::new();
    let at = |item: &str, loc: Option<&str>| StockKey::at(Id::from(item), loc.map(Id::from));
    stock.insert(
        at("A", Some("north")),
        StockItem {
            on_hand: Some(3.0),
            on_order: Some(0.0),
            unit_cost: None,
        },
    );
    // The item-wide row gives the unit cost at every location.
    stock.insert(
        at("A", None),
        StockItem {
            unit_cost: Some(1.2),
            ..StockItem::default()
        },
    );
    stock.insert(
        at("B", Some("south")),
        StockItem {
            on_hand: Some(1.0),
            ..StockItem::default()
        },
    );
    let plan = Inventory::params().fit(&log, &stock).unwrap();
    let keys: Vec<String> = plan
        .products
        .iter()
        .map(|p| StockKey::at(p.item.clone(), p.location.clone()).to_string())
        .collect();
    assert_eq!(keys, ["A@north", "A@south", "B@north"]);
    let find = |k: &str| {
        plan.products
            .iter()
            .find(|p| StockKey::at(p.item.clone(), p.location.clone()).to_string() == k)
            .unwrap()
    };
    let (north, south) = (find("A@north"), find("A@south"));
    assert!(
        north.mean_demand > 9.0 && north.mean_demand < 13.0,
        "{north:?}"
    );
    assert!(
        south.mean_demand > 1.5 && south.mean_demand < 4.0,
        "{south:?}"
    );
    // North has stock and the item-wide cost; south has only the cost.
    assert_eq!(north.on_hand, Some(3.0));
    assert!(north.order_now.is_some_and(|q| q > 0.0));
    assert!((north.money_tied_up.unwrap() - 3.6).abs() < 1e-9);
    assert_eq!(south.on_hand, None);
    assert!(south.eoq.is_some(), "the item-wide unit cost gives an EOQ");
    // B never sold in the south.
    assert_eq!(plan.unknown_stock_items, [at("B", Some("south"))]);

    let mut out = Vec::new();
    plan.write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("product,location,class,"));
    assert!(text.contains("\nA,south,"));
}

/// ABC-XYZ service levels: each plan takes the level of its two classes.
#[test]
fn abc_xyz_service_levels_follow_the_classes() {
    use custalyze_datagen::{PriceDemandConfig, generate_price_demand};
    let panel = generate_price_demand(&PriceDemandConfig {
        products: 60,
        weeks: 104,
        seed: 2,
        ..PriceDemandConfig::default()
    })
    .unwrap();
    let log = panel.transaction_log().unwrap();
    let levels = [[0.99, 0.98, 0.97], [0.96, 0.95, 0.94], [0.93, 0.92, 0.91]];
    let plan = Inventory::params()
        .abc_xyz_service_levels(levels)
        .fit(&log, &StockTable::new())
        .unwrap();
    let mut seen = std::collections::HashSet::new();
    for p in &plan.products {
        let (a, x) = (p.abc.unwrap(), p.xyz.unwrap());
        assert_eq!(p.service_level, levels[a.index()][x.index()], "{}", p.item);
        seen.insert((a, x));
    }
    assert!(seen.len() >= 4, "{seen:?}");
    assert!(
        Inventory::params()
            .abc_xyz_service_levels([[0.9; 3], [0.9, 1.2, 0.9], [0.9; 3]])
            .check()
            .is_err()
    );
}
