//! Anomaly scores (and attribution, below) at the sizes issue 20 names: 1M orders scored under
//! 5 s. Data: the generator with injected fraud, 170,000 customers (about 1.05M orders); in test
//! mode (`-- --test`) 2,000 customers.
//!
//! Run: `cargo bench -p custalyze-benches --bench risk`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_anomaly::{AnomalyDetector, CustomerInputs, OrderFeatures};
use custalyze_datagen::{FraudConfig, GeneratorConfig, generate, inject_fraud};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};

fn bench(c: &mut Criterion) {
    let test_mode = std::env::args().any(|a| a == "--test");
    let customers = if test_mode { 2_000 } else { 170_000 };
    let mut generated = generate(&GeneratorConfig::default().customers(customers).seed(3)).unwrap();
    inject_fraud(&mut generated, &FraudConfig::default()).unwrap();
    let csv = generated.to_csv_string().unwrap();
    drop(generated);
    let loaded = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    drop(csv);
    let log = loaded.log;
    let inputs = CustomerInputs {
        returned_rows: Some(&loaded.report.returned_rows_by_customer),
        expected_spend: None,
    };
    let features = OrderFeatures::from_log(&log, &inputs).unwrap();
    eprintln!(
        "{} orders, {} features",
        features.orders.len(),
        features.features.len()
    );
    let mut g = c.benchmark_group(format!("anomaly_{}_orders", features.orders.len()));
    g.sample_size(10);
    g.bench_function("features", |b| {
        b.iter(|| OrderFeatures::from_log(&log, &inputs).unwrap())
    });
    g.bench_function("features_fit_score", |b| {
        b.iter(|| {
            let f = OrderFeatures::from_log(&log, &inputs).unwrap();
            AnomalyDetector::params()
                .fit(&f)
                .unwrap()
                .score(&log, &f)
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
