//! The policy replayed on held-out weeks of generated demand (custalyze-datagen's price-demand
//! panel): plan on the weeks before, order every week up to the plan's level, receive after the
//! lead time, and count the weeks that end without a stockout (the cycle service level of a
//! weekly `(R, S)` policy) and the share of demand served from stock (the fill rate).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use custalyze_datagen::{PriceDemandConfig, PriceDemandLog, generate_price_demand};
use custalyze_inventory::{Inventory, InventoryParams, StockTable};
use custalyze_transaction_types::TransactionLog;

fn load(panel: &PriceDemandLog) -> TransactionLog {
    panel.transaction_log().unwrap()
}

struct Outcome {
    weeks: usize,
    weeks_without_stockout: usize,
    demand: f64,
    served: f64,
}

/// Replays `(R = 1, S)` with a lead time of `lead` weeks over weeks `start..end` of every product
/// with at least `min_history` weeks of sales before `start`, re-planning every `replan` weeks.
fn replay(
    panel: &PriceDemandLog,
    log: &TransactionLog,
    params: InventoryParams,
    lead: usize,
    (start, end, replan, min_history): (usize, usize, usize, usize),
) -> Outcome {
    let n = panel.products.len();
    let mut net = vec![None::<f64>; n];
    let mut pipeline: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut levels: Vec<Option<f64>> = vec![None; n];
    let mut out = Outcome {
        weeks: 0,
        weeks_without_stockout: 0,
        demand: 0.0,
        served: 0.0,
    };
    let monday = |w: usize| panel.config.start + Duration::weeks(w as i64);
    for t in start..end {
        if (t - start) % replan == 0 {
            let cut = log.until(monday(t) - Duration::days(1)).unwrap();
            let plan = params.fit(&cut, &StockTable::new()).unwrap();
            for (i, truth) in panel.products.iter().enumerate() {
                let history = truth.units[..t].iter().position(|&u| u > 0).map(|f| t - f);
                levels[i] = plan
                    .products
                    .iter()
                    .find(|p| p.item.to_string() == truth.item)
                    .filter(|_| history.is_some_and(|h| h >= min_history))
                    .and_then(|p| p.order_up_to);
            }
        }
        for i in 0..n {
            let Some(level) = levels[i] else { continue };
            // Start the replay of a product at its level, nothing in the pipeline.
            let inv = net[i].get_or_insert(level);
            pipeline[i].retain(|&(arrival, q)| {
                if arrival == t {
                    *inv += q;
                    false
                } else {
                    true
                }
            });
            let d = panel.products[i].units[t] as f64;
            let available = inv.max(0.0);
            out.demand += d;
            out.served += d.min(available);
            *inv -= d;
            out.weeks += 1;
            if *inv >= 0.0 {
                out.weeks_without_stockout += 1;
            }
            let position = *inv + pipeline[i].iter().map(|x| x.1).sum::<f64>();
            let q = (level - position).max(0.0);
            if q > 0.0 {
                pipeline[i].push((t + lead + 1, q));
            }
        }
    }
    out
}

fn check(seed: u64, target: f64) {
    check_with(seed, target, false, 0.02);
}

fn check_with(seed: u64, target: f64, fill_rate: bool, tolerance: f64) {
    let config = PriceDemandConfig {
        products: 360,
        weeks: 156,
        seed,
        intermittent_share: 0.2,
        ..PriceDemandConfig::default()
    };
    let panel = generate_price_demand(&config).unwrap();
    let log = load(&panel);
    assert_eq!(
        panel.config.start,
        NaiveDate::from_ymd_opt(2021, 1, 4).unwrap()
    );
    let mut params = Inventory::params()
        .lead_time_days(14.0)
        .service_level(target)
        .review_weeks(1.0);
    if fill_rate {
        params = params.fill_rate(target);
    }
    let o = replay(&panel, &log, params, 2, (104, 156, 4, 52));
    let csl = o.weeks_without_stockout as f64 / o.weeks as f64;
    let fill = o.served / o.demand;
    eprintln!(
        "seed {seed}: {} product-weeks replayed: cycle service level {:.3} (target {target}), fill rate {:.3}",
        o.weeks, csl, fill
    );
    assert!(o.weeks > 6_000, "{}", o.weeks);
    let achieved = if fill_rate { fill } else { csl };
    assert!(
        (achieved - target).abs() <= tolerance,
        "achieved {achieved} vs target {target}"
    );
}

#[test]
fn achieved_service_is_within_two_points_of_the_target() {
    check(5, 0.95);
}

#[test]
fn achieved_service_is_within_two_points_of_a_lower_target() {
    check(6, 0.90);
}

/// The fill rate lands below its target on this data (93.6-94.5% for 95% over seeds 7-10):
/// promotions spike demand up to four-fold, and a safety stock set from two years of
/// backtest errors still meets the heaviest spikes of the held-out year short.
#[test]
fn achieved_fill_rate_is_within_two_points_of_the_target() {
    check_with(7, 0.95, true, 0.02);
}
