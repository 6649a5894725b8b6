//! Checks against what generated the data (custalyze-datagen's price-demand panel, whose true
//! elasticities are known).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_datagen::{PriceDemandConfig, PriceDemandLog, generate_price_demand};
use custalyze_pricing::{EstimateStatus, ItemAttributes, ItemTable, Objective, Pricing};
use custalyze_transaction_types::TransactionLog;

fn load(panel: &PriceDemandLog) -> TransactionLog {
    panel.transaction_log().unwrap()
}

fn items(panel: &PriceDemandLog) -> ItemTable {
    panel
        .products
        .iter()
        .map(|p| {
            (
                p.item.as_str().into(),
                ItemAttributes {
                    category: Some(p.category.clone()),
                    unit_cost: Some(p.unit_cost),
                },
            )
        })
        .collect()
}

#[test]
fn intervals_cover_the_true_elasticities() {
    let config = PriceDemandConfig {
        products: 300,
        weeks: 156,
        seed: 7,
        ..PriceDemandConfig::default()
    };
    let panel = generate_price_demand(&config).unwrap();
    let log = load(&panel);
    let fitted = Pricing::params()
        .pooling(false)
        .fit(&log, &ItemTable::new())
        .unwrap();
    let truth = |item: &str| {
        panel
            .products
            .iter()
            .find(|p| p.item == item)
            .map(|p| p.elasticity)
            .unwrap()
    };
    let (mut covered, mut n) = (0, 0);
    let mut errors = Vec::new();
    let (mut signed, mut ses) = (Vec::new(), Vec::new());
    for p in fitted.estimated() {
        let e = p.elasticity.unwrap();
        let t = truth(&p.item.to_string());
        n += 1;
        if e.low <= t && t <= e.high {
            covered += 1;
        } else if std::env::var_os("PRICING_DEBUG").is_some() {
            let tr = panel
                .products
                .iter()
                .find(|x| x.item == p.item.to_string())
                .unwrap();
            eprintln!(
                "miss {} truth {t:.2} est {:.2} se {:.2} units {:.1} weeks {} launch {} decline {} lift {:.2} dip {:.2} cols {}",
                p.item,
                e.value,
                e.se,
                p.mean_weekly_units,
                p.selling_weeks,
                tr.launch_week,
                tr.decline_week,
                tr.promo_lift,
                tr.post_promo_dip,
                p.columns.len()
            );
        }
        errors.push((e.value - t).abs());
        signed.push(e.value - t);
        ses.push(e.se);
    }
    let coverage = f64::from(covered) / f64::from(n);
    errors.sort_by(f64::total_cmp);
    ses.sort_by(f64::total_cmp);
    let bias = signed.iter().sum::<f64>() / signed.len() as f64;
    eprintln!("mean error {bias:.3}, median se {:.3}", ses[ses.len() / 2]);
    // No systematic bias: the mean error is within 3 standard errors of the mean of errors.
    let se_of_mean = (signed.iter().map(|e| (e - bias).powi(2)).sum::<f64>()
        / (signed.len() * (signed.len() - 1)) as f64)
        .sqrt();
    assert!(bias.abs() < 3.0 * se_of_mean + 0.05, "bias {bias}");
    eprintln!(
        "{n} of {} products estimated; 95% intervals cover the truth for {covered} ({:.1}%); median |error| {:.3}",
        fitted.products.len(),
        100.0 * coverage,
        errors[errors.len() / 2]
    );
    assert!(n >= 150, "too few products estimated: {n}");
    assert!(
        (0.90..=0.99).contains(&coverage),
        "coverage {coverage} outside 90-99%"
    );
    // Intermittent sellers are flagged, not given a number.
    for t in panel.products.iter().filter(|t| t.intermittent) {
        let p = fitted
            .products
            .iter()
            .find(|p| p.item.to_string() == t.item);
        if let Some(p) = p {
            assert!(p.elasticity.is_none() || p.status == EstimateStatus::Estimated);
            assert!(
                !matches!(p.status, EstimateStatus::Estimated) || p.mean_weekly_units > 1.0,
                "{p:?}"
            );
        }
    }
}

#[test]
fn pooling_moves_noisy_estimates_more_and_keeps_coverage() {
    let config = PriceDemandConfig {
        products: 160,
        weeks: 104,
        seed: 11,
        ..PriceDemandConfig::default()
    };
    let panel = generate_price_demand(&config).unwrap();
    let log = load(&panel);
    let fitted = Pricing::params()
        .objective(Objective::Margin)
        .fit(&log, &items(&panel))
        .unwrap();
    assert!(!fitted.categories.is_empty());
    let mut moves: Vec<(f64, f64)> = fitted
        .estimated()
        .filter_map(|p| {
            let (own, pooled) = (p.elasticity?, p.pooled_elasticity?);
            assert!(pooled.se <= own.se + 1e-12, "{p:?}");
            Some((own.se, (own.value - pooled.value).abs()))
        })
        .collect();
    moves.sort_by(|a, b| a.0.total_cmp(&b.0));
    let half = moves.len() / 2;
    let mean = |v: &[(f64, f64)]| v.iter().map(|m| m.1).sum::<f64>() / v.len() as f64;
    assert!(
        mean(&moves[half..]) > mean(&moves[..half]),
        "noisier estimates should move more"
    );
    // Every estimated product with a cost gets a margin recommendation within the bounds.
    // Every estimated product with a negative elasticity gets a margin recommendation within
    // the bounds; a non-negative one gets none.
    for p in fitted.estimated() {
        let e = p.elasticity_used().unwrap().value;
        match p.recommendation {
            Some(r) => {
                assert!(e < 0.0);
                assert!(r.price_change >= -0.3 - 1e-12 && r.price_change <= 0.3 + 1e-12);
            }
            None => assert!(e >= 0.0, "{p:?}"),
        }
    }
}

/// The customer-level log (custalyze-datagen's `generate` with moving prices: customers pick
/// items with weights `∝ (price / base)^ε`) also carries its elasticities: the intervals of the
/// products whose price moved cover them at about the nominal rate.
#[test]
fn customer_log_intervals_cover_the_true_elasticities() {
    use custalyze_datagen::{GeneratorConfig, PriceDynamics, generate};
    use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
    let config = GeneratorConfig::default()
        .customers(20_000)
        .seed(3)
        .prices(Some(PriceDynamics::default()));
    let generated = generate(&config).unwrap();
    let csv = generated.to_csv_string().unwrap();
    let log = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap()
    .log;
    let fitted = Pricing::params()
        .pooling(false)
        .fit(&log, &ItemTable::new())
        .unwrap();
    let (mut covered, mut n, mut bias) = (0, 0, 0.0);
    for p in fitted.estimated() {
        let code = p.item.to_string();
        let product = generated.catalogue.by_stock_code(&code).unwrap();
        let truth = product.pricing.as_ref().unwrap();
        if truth.list_prices.len() == 1 && truth.promotions.is_empty() {
            continue; // a bundle member: one price all span
        }
        let e = p.elasticity.unwrap();
        n += 1;
        bias += e.value - truth.elasticity;
        if e.low <= truth.elasticity && truth.elasticity <= e.high {
            covered += 1;
        }
    }
    let coverage = f64::from(covered) / f64::from(n);
    eprintln!(
        "{covered} of {n} intervals cover the truth ({coverage:.3}); mean error {:.2}",
        bias / f64::from(n)
    );
    assert!(n >= 60, "{n} products estimated");
    assert!((0.88..=0.99).contains(&coverage), "coverage {coverage}");
}
