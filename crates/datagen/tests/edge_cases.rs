//! Small, extreme and degenerate configurations still generate a log that loads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_datagen::{
    BgNbdTruth, GammaGammaTruth, GeneratorConfig, MAX_PURCHASES_PER_CUSTOMER, RowKind, Seasonality,
    generate,
};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};

fn loads(config: &GeneratorConfig) -> custalyze_datagen::GeneratedLog {
    let log = generate(config).unwrap();
    let csv = log.to_csv_string().unwrap();
    let loaded = load_reader(
        csv.as_bytes(),
        "edge",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    assert_eq!(loaded.report.rows_read, log.record.rows);
    assert_eq!(loaded.report.rows_loaded, log.record.sale_rows);
    log
}

#[test]
fn one_customer_one_month_two_products() {
    let config = GeneratorConfig::default()
        .customers(1)
        .months(1)
        .products(2)
        .bundles(0)
        .lines_per_order(1.0);
    let log = loads(&config);
    assert_eq!(log.record.customers, 1);
    assert!(log.record.purchases >= 1);
    assert!(
        log.rows
            .iter()
            .all(|r| r.customer == Some(10001) || r.customer.is_none())
    );
}

#[test]
fn every_order_holds_a_bundle_when_the_rate_is_one() {
    let config = GeneratorConfig::default()
        .customers(40)
        .bundle_rate(1.0)
        .cancellation_rate(0.0)
        .bad_row_rate(0.0);
    let log = loads(&config);
    let bundle_of = |p: usize| log.catalogue.products[p].bundle;
    let mut invoices = std::collections::BTreeMap::<u64, Vec<usize>>::new();
    for r in &log.rows {
        invoices.entry(r.invoice).or_default().push(r.product);
    }
    for products in invoices.values() {
        let b = products
            .iter()
            .find_map(|&p| bundle_of(p))
            .expect("an order without a bundle");
        for &member in &log.catalogue.bundles[b] {
            assert!(products.contains(&member));
        }
    }
}

#[test]
fn cdnow_parameters_and_no_seasonality() {
    let config = GeneratorConfig::default()
        .customers(300)
        .bgnbd(BgNbdTruth::CDNOW)
        .spend(GammaGammaTruth::CDNOW)
        .seasonality(Seasonality::none());
    let log = loads(&config);
    // CDNOW: about half the customers never buy again within ~1.5 years.
    let share = log.record.repeat_buyers as f64 / log.record.customers as f64;
    assert!((0.3..0.7).contains(&share), "repeat share {share}");
}

#[test]
fn extreme_purchase_rates_are_capped() {
    // λ ≈ 1000 a week, almost never dropping out: customers reach the per-customer maximum.
    let config = GeneratorConfig::default()
        .customers(3)
        .months(3)
        .bgnbd(BgNbdTruth::new(1e4, 10.0, 1e-3, 1e3))
        .cancellation_rate(0.0)
        .bad_row_rate(0.0);
    let log = generate(&config).unwrap();
    assert_eq!(log.record.truncated_customers, 3);
    assert!(
        log.customers
            .iter()
            .all(|c| c.purchases as usize == MAX_PURCHASES_PER_CUSTOMER)
    );
}

#[test]
fn huge_spend_scales_stay_finite() {
    // Tiny q: some ν are vanishingly small, so order values hit the cap instead of infinity.
    let config = GeneratorConfig::default()
        .customers(50)
        .spend(GammaGammaTruth::new(6.25, 0.05, 30.0));
    let log = loads(&config);
    assert!(log.record.revenue.is_finite());
    assert!(
        log.rows
            .iter()
            .filter(|r| r.kind == RowKind::Sale)
            .all(|r| r.quantity >= 1)
    );
}
