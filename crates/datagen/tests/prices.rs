//! The customer log with moving prices: prices, lifecycles, the side files and their checks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_datagen::{
    Error, GeneratedLog, GenerationRecord, GeneratorConfig, PriceDynamics, RowKind, generate,
};

fn priced(customers: usize, seed: u64) -> GeneratedLog {
    generate(
        &GeneratorConfig::default()
            .customers(customers)
            .seed(seed)
            .prices(Some(PriceDynamics::default())),
    )
    .unwrap()
}

#[test]
fn sales_follow_price_paths_and_lifecycles() {
    let log = priced(3000, 11);
    let weeks = log.catalogue.products[0]
        .pricing
        .as_ref()
        .unwrap()
        .price_cents
        .len();
    let mut units = vec![vec![0i64; weeks]; log.catalogue.len()];
    let mut prices = std::collections::HashMap::new();
    for r in log.rows.iter().filter(|r| r.kind == RowKind::Sale) {
        let w = log.week_of(r.timestamp);
        assert_eq!(r.price_cents, log.catalogue.price_cents_at(r.product, w));
        units[r.product][w] += r.quantity;
        // One price per product and Monday-to-Sunday week (the weeks the pricing crate reads).
        let monday = r.timestamp.date().week(chrono::Weekday::Mon).first_day();
        let first = *prices.entry((r.product, monday)).or_insert(r.price_cents);
        assert_eq!(first, r.price_cents, "two prices in the week of {monday}");
    }
    let mut launched_later = 0;
    let (mut promo_ratio_sum, mut promo_products) = (0.0, 0);
    for (i, p) in log.catalogue.products.iter().enumerate() {
        let pricing = p.pricing.as_ref().unwrap();
        assert!(pricing.unit_cost_cents > 0 && pricing.unit_cost_cents < p.price_cents);
        assert_eq!(pricing.list_prices[0], (0, p.price_cents));
        if p.bundle.is_some() {
            assert!(pricing.promotions.is_empty() && pricing.list_prices.len() == 1);
            continue;
        }
        if pricing.launch_week > 0 {
            launched_later += 1;
            // Only bundle draws and guest rows ignore launch weeks; this product is in no bundle.
            let before: i64 = units[i][..pricing.launch_week].iter().sum();
            assert_eq!(before, 0, "{} sold before its launch", p.stock_code);
        }
        // Units in promotion weeks against the weeks around them, for elastic products.
        if pricing.elasticity < -1.5 && !pricing.promotions.is_empty() {
            let promo: Vec<bool> = (0..weeks)
                .map(|w| pricing.promotions.iter().any(|&(a, b, _)| a <= w && w <= b))
                .collect();
            let mean = |f: &dyn Fn(usize) -> bool| {
                let v: Vec<i64> = (pricing.launch_week..weeks)
                    .filter(|&w| f(w))
                    .map(|w| units[i][w])
                    .collect();
                v.iter().sum::<i64>() as f64 / v.len().max(1) as f64
            };
            let regular = mean(&|w| !promo[w]);
            if regular > 0.0 {
                promo_ratio_sum += mean(&|w| promo[w]) / regular;
                promo_products += 1;
            }
        }
    }
    assert!(launched_later > 10, "{launched_later}");
    let mean_ratio = promo_ratio_sum / f64::from(promo_products);
    // 10% to 40% off at elasticities below -1.5: at least a third more units on average.
    assert!(mean_ratio > 1.33, "promotion weeks sell {mean_ratio:.2}x");
}

#[test]
fn side_files_carry_the_truth_and_the_stock() {
    let log = priced(300, 5);
    let dir = std::env::temp_dir().join(format!("custalyze-prices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sample.csv");
    let params = log.write_files(&path).unwrap();
    let record = GenerationRecord::from_json(&std::fs::read_to_string(params).unwrap()).unwrap();
    assert_eq!(record.product_pricing.len(), log.catalogue.len());
    assert_eq!(record.stock.len(), log.catalogue.len());
    let p0 = &log.catalogue.products[0];
    let t0 = &record.product_pricing[0];
    assert_eq!(t0.stock_code, p0.stock_code);
    let pricing = p0.pricing.as_ref().unwrap();
    assert_eq!(t0.pricing.elasticity, pricing.elasticity);
    assert_eq!(t0.pricing.promotions, pricing.promotions);

    let items = std::fs::read_to_string(dir.join("sample.csv.items.csv")).unwrap();
    let mut lines = items.lines();
    assert_eq!(lines.next(), Some("item_id,category,unit_cost"));
    assert_eq!(lines.count(), log.catalogue.len());
    let stock = std::fs::read_to_string(dir.join("sample.csv.stock.csv")).unwrap();
    let mut lines = stock.lines();
    assert_eq!(lines.next(), Some("product,on_hand,on_order,unit_cost"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), log.catalogue.len());
    // Some products are out of stock, some overstocked.
    assert!(log.stock.iter().any(|s| s.on_hand == 0));
    assert!(log.stock.iter().any(|s| s.cover_weeks > 16.0));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn constant_prices_write_no_side_tables_and_keep_the_log() {
    let config = GeneratorConfig::default().customers(200).seed(9);
    let plain = generate(&config).unwrap();
    assert!(!plain.has_prices() && plain.stock.is_empty());
    assert!(plain.catalogue.products.iter().all(|p| p.pricing.is_none()));
    // The prices stream is separate: customers, purchase times and orders are the same.
    let moving = generate(&config.prices(Some(PriceDynamics::default()))).unwrap();
    assert_eq!(plain.record.purchases, moving.record.purchases);
    assert_eq!(
        plain.customers,
        moving
            .customers
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.realised_value = plain.customers[(c.customer_id - 10001) as usize].realised_value;
                c
            })
            .collect::<Vec<_>>()
    );
}

#[test]
fn bad_price_settings_are_refused() {
    let bad = |prices: PriceDynamics| {
        let config = GeneratorConfig::default().prices(Some(prices));
        matches!(generate(&config), Err(Error::InvalidParameter(_)))
    };
    assert!(bad(PriceDynamics {
        elasticity_range: (-1.0, 0.5),
        ..PriceDynamics::default()
    }));
    assert!(bad(PriceDynamics {
        promo_rate: 1.5,
        ..PriceDynamics::default()
    }));
    assert!(bad(PriceDynamics {
        unit_cost_share: (0.8, 0.2),
        ..PriceDynamics::default()
    }));
    // 5,400 products over 100 years is past the weekly tables' limit.
    let huge = GeneratorConfig::default()
        .products(5400)
        .months(1200)
        .prices(Some(PriceDynamics::default()));
    assert!(matches!(huge.validate(), Err(Error::InvalidParameter(_))));
}
