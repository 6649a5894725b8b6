//! Pricing for 10,000 products x 3 years of weekly data (the speed target of the pricing issue:
//! under 2 s on 2 cores): a generated price-demand panel (custalyze-datagen, median 4 units a
//! week, so about 3 million lines), loaded into a log once (not timed), then the weekly panel, the
//! regressions, pooling and recommendations, median of 3 runs.
//!
//! `taskset -c 0,1 cargo run --release -p custalyze-benches --example pricing_10k`
//!
//! With a file instead of a number (`... --example pricing_10k -- panel.csv`, a panel written by
//! `custalyze generate --price-demand`), the file is loaded with the generic schema (load timed
//! separately) and the same steps are timed on it: the Rust side of
//! `benches/python/pricing_compare.py`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use custalyze_benches::median_time;

use custalyze_datagen::{PriceDemandConfig, generate_price_demand};
use custalyze_pricing::panel::WeeklyPanel;
use custalyze_pricing::{ItemTable, Pricing};

fn main() {
    let arg = std::env::args().nth(1);
    if let Some(path) = arg.as_deref().filter(|a| a.parse::<usize>().is_err()) {
        let s = Instant::now();
        let options = custalyze_transaction_types::load::LoadOptions::new(
            custalyze_transaction_types::load::Schema::Generic(Default::default()),
        );
        let log = custalyze_transaction_types::load::load_path(path, &options)
            .expect("load")
            .log;
        println!(
            "loaded {} lines from {path} in {:?}",
            log.len(),
            s.elapsed()
        );
        let params = Pricing::params().check().unwrap();
        let table = ItemTable::new();
        let total = median_time(3, || params.fit(&log, &table).unwrap());
        let fitted = params.fit(&log, &table).unwrap();
        println!(
            "whole fit {total:?} ({} of {} products estimated; {} threads)",
            fitted.estimated().count(),
            fitted.products.len(),
            rayon::current_num_threads()
        );
        return;
    }
    let products: usize = arg.map_or(10_000, |s| s.parse().expect("number of products"));
    let s = Instant::now();
    let config = PriceDemandConfig {
        products,
        weeks: 156,
        median_weekly_units: 4.0,
        ..PriceDemandConfig::default()
    };
    let panel = generate_price_demand(&config).unwrap();
    let log = panel.transaction_log().unwrap();
    println!(
        "{} products x {} weeks: {} lines generated and loaded in {:?} ({} threads)",
        products,
        config.weeks,
        log.len(),
        s.elapsed(),
        rayon::current_num_threads()
    );
    let params = Pricing::params().check().unwrap();
    let table = ItemTable::new();
    let aggregate = median_time(3, || WeeklyPanel::from_log(&log).unwrap());
    let weekly = WeeklyPanel::from_log(&log).unwrap();
    let models = median_time(3, || params.fit_panel(&weekly, &table));
    let total = median_time(3, || params.fit(&log, &table).unwrap());
    let fitted = params.fit(&log, &table).unwrap();
    println!(
        "weekly panel {aggregate:?}; regressions, pooling and prices {models:?}; whole fit {total:?} ({} of {} products estimated)",
        fitted.estimated().count(),
        fitted.products.len()
    );
}
