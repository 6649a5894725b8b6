//! Anomaly scores and attribution at the sizes issue 20 names: 1M orders scored under 5 s,
//! Markov attribution of 1M journeys under 10 s. Data: the generator with injected fraud,
//! 170,000 customers (about 1.05M orders); generated touchpoints of 23,000 customers (about 1M
//! journeys). In test mode (`-- --test`) 2,000 and 300 customers.
//!
//! Run: `cargo bench -p custalyze-benches --bench risk`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_anomaly::{AnomalyDetector, CustomerInputs, OrderFeatures};
use custalyze_attribution::{Conversions, Journeys, Model, Touchpoints, attribute, markov};
use custalyze_datagen::{
    FraudConfig, GeneratorConfig, TouchpointConfig, generate, generate_touchpoints, inject_fraud,
};
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
    // Per-customer expectations as the analysis passes them (here the log's mean order value and
    // its weekly revenue per customer: the feature columns cost the same whatever the values).
    let customers = log.customer_ids().len();
    let orders = log.order_ids().len() as f64;
    let weeks =
        ((log.last_date().unwrap() - log.first_date().unwrap()).num_days() as f64 / 7.0).max(1.0);
    let spend = vec![log.total_amount() / orders; customers];
    let weekly = vec![log.total_amount() / weeks / customers as f64; customers];
    let inputs = CustomerInputs {
        returned_rows: Some(&loaded.report.returned_rows_by_customer),
        expected_spend: Some(&spend),
        expected_weekly_spend: Some(&weekly),
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
    drop(features);
    drop(log);

    let customers = if test_mode { 300 } else { 23_000 };
    let generated = generate(&GeneratorConfig::default().customers(customers).seed(5)).unwrap();
    let touches = generate_touchpoints(&generated, &TouchpointConfig::default()).unwrap();
    let mut buf = Vec::new();
    touches.write_csv(&mut buf).unwrap();
    drop(touches);
    let csv = generated.to_csv_string().unwrap();
    drop(generated);
    let log = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap()
    .log;
    let touchpoints = Touchpoints::from_reader(buf.as_slice()).unwrap();
    let journeys = Journeys::build(&touchpoints, Conversions::Log(&log), 30).unwrap();
    eprintln!(
        "{} touches, {} journeys",
        touchpoints.touches.len(),
        journeys.journeys.len()
    );
    let mut g = c.benchmark_group(format!("attribution_{}_journeys", journeys.journeys.len()));
    g.sample_size(10);
    g.bench_function("read_touchpoints_and_build_journeys", |b| {
        b.iter(|| {
            let t = Touchpoints::from_reader(buf.as_slice()).unwrap();
            Journeys::build(&t, Conversions::Log(&log), 30).unwrap()
        })
    });
    g.bench_function("markov_1", |b| b.iter(|| markov(&journeys, 1).unwrap()));
    g.bench_function("markov_3", |b| b.iter(|| markov(&journeys, 3).unwrap()));
    g.bench_function("shapley", |b| {
        b.iter(|| attribute(&journeys, &[Model::Shapley]).unwrap())
    });
    g.bench_function("all_models", |b| {
        b.iter(|| attribute(&journeys, &Model::all()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
