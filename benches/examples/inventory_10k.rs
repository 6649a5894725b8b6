//! Inventory plans for 10,000 products x 3 years of weekly data (the speed target of the
//! inventory issue: all forecasts and policies under 10 s on 2 cores): a generated price-demand
//! panel (median 4 units a week), loaded once (not timed), then the demand series, the backtested
//! forecast choice and the policy of every product, median of 3 runs.
//!
//! `taskset -c 0,1 cargo run --release -p custalyze-benches --example inventory_10k`
//!
//! With a file instead of a number (`... --example inventory_10k -- panel.csv`, a panel written
//! by `custalyze generate --price-demand`), the file is loaded with the generic schema (not
//! timed) and the default plan (14-day lead time, 95% cycle service level, `(s, Q)`) is timed on
//! it: the Rust side of `benches/python/inventory_compare.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_benches::median_time;

use custalyze_datagen::{PriceDemandConfig, generate_price_demand};
use custalyze_inventory::{Inventory, StockTable};

fn main() {
    let arg = std::env::args().nth(1);
    if let Some(path) = arg.as_deref().filter(|a| a.parse::<usize>().is_err()) {
        let options = custalyze_transaction_types::load::LoadOptions::new(
            custalyze_transaction_types::load::Schema::Generic(Default::default()),
        );
        let log = custalyze_transaction_types::load::load_path(path, &options)
            .expect("load")
            .log;
        let params = Inventory::params().check().unwrap();
        let t = median_time(3, || params.fit(&log, &StockTable::new()).unwrap());
        let plan = params.fit(&log, &StockTable::new()).unwrap();
        let mut models = std::collections::BTreeMap::new();
        for p in &plan.products {
            *models.entry(p.model.name()).or_insert(0) += 1;
        }
        println!(
            "{} lines, {} products planned in {t:?} (median of 3; {} threads); models {models:?}",
            log.len(),
            plan.products.len(),
            rayon::current_num_threads()
        );
        return;
    }
    let products: usize = arg.map_or(10_000, |s| s.parse().expect("number of products"));
    let config = PriceDemandConfig {
        products,
        weeks: 156,
        median_weekly_units: 4.0,
        ..PriceDemandConfig::default()
    };
    let panel = generate_price_demand(&config).unwrap();
    let log = panel.transaction_log().unwrap();
    println!(
        "{} products x {} weeks: {} lines ({} threads)",
        products,
        config.weeks,
        log.len(),
        rayon::current_num_threads()
    );
    for (name, params) in [
        ("cycle service level 0.95, (s, Q)", Inventory::params()),
        (
            "fill rate 0.95, (R = 1, S)",
            Inventory::params().fill_rate(0.95).review_weeks(1.0),
        ),
        (
            "cycle service level 0.95, (s, Q), ARIMA candidates",
            Inventory::params().arima(true),
        ),
    ] {
        let params = params.check().unwrap();
        let t = median_time(3, || params.fit(&log, &StockTable::new()).unwrap());
        println!("{name}: {t:?} (median of 3)");
    }
}
