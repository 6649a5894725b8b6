//! The whole default plan against the same pipeline built on statsforecast 2.0.1
//! (`benches/python/inventory_compare.py`, which wrote `fixtures/statsforecast_plans.csv` with
//! `PLANS_CSV=... python benches/python/inventory_compare.py panel100.csv 1` on the panel of
//! `custalyze generate --price-demand --products 100 --weeks 156 --seed 42`): weekly demand,
//! classes, rolling-origin backtests, the model chosen, the safety stock and the reorder point of
//! every product.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_datagen::{PriceDemandConfig, generate_price_demand};
use custalyze_inventory::{Inventory, StockTable};

#[test]
fn plans_equal_the_statsforecast_pipeline() {
    let panel = generate_price_demand(&PriceDemandConfig {
        products: 100,
        weeks: 156,
        seed: 42,
        ..PriceDemandConfig::default()
    })
    .unwrap();
    let log = panel.transaction_log().unwrap();
    let plan = Inventory::params().fit(&log, &StockTable::new()).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/statsforecast_plans.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let mut rows = 0;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (product, model) = (f[0], f[1]);
        let (mean, safety, reorder): (f64, f64, f64) = (
            f[2].parse().unwrap(),
            f[3].parse().unwrap(),
            f[4].parse().unwrap(),
        );
        let ours = plan
            .products
            .iter()
            .find(|p| p.item.to_string() == product)
            .unwrap();
        let theirs = match model {
            "SESOpt" => "ses",
            "Naive" => "naive",
            "SeasonalNaive" => "seasonal_naive",
            "CrostonClassic" => "croston",
            "CrostonSBA" => "croston_sba",
            "TSB" => "tsb",
            "ADIDA" => "adida",
            other => panic!("unknown model {other}"),
        };
        assert_eq!(ours.model.name(), theirs, "{product}");
        // SES's smoothing parameter is optimised by different searches: 1e-5 relative.
        let close = |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() <= 1e-5 * b.abs().max(1.0),
                "{product} {what}: ours {a} statsforecast {b}"
            );
        };
        close(ours.mean_demand, mean, "mean demand");
        close(ours.safety_stock, safety, "safety stock");
        close(ours.reorder_point, reorder, "reorder point");
        rows += 1;
    }
    assert_eq!(rows, 100);
}
