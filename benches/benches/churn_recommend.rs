//! Churn forest and recommender fits. Data: the generator (4000 customers, seed 11, always
//! available) and CDNOW master (churn frame at 1997-12-30, when ../shared is present).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_benches::{CDNOW_MASTER, shared_dir};
use custalyze_churn::{ChurnFrame, Forest};
use custalyze_datagen::{GeneratorConfig, generate};
use custalyze_recommend::{Interactions, ItemCf};
use custalyze_transaction_types::Baskets;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path, load_reader};

fn bench(c: &mut Criterion) {
    let csv = generate(&GeneratorConfig::default().customers(4000).seed(11))
        .unwrap()
        .to_csv_string()
        .unwrap();
    let log = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap()
    .log;
    let snapshot = NaiveDate::from_ymd_opt(2023, 4, 1).unwrap();
    let frame = ChurnFrame::build_labelled(&log, snapshot, 90).unwrap();
    let y = frame.labels.clone().unwrap();
    let mut g = c.benchmark_group("churn_generated_4000");
    g.sample_size(10);
    g.bench_function("frame_features_and_bgnbd", |b| {
        b.iter(|| ChurnFrame::build_labelled(&log, snapshot, 90).unwrap())
    });
    g.bench_function("random_forest_100_trees", |b| {
        b.iter(|| Forest::params().fit(frame.features.view(), &y).unwrap())
    });
    g.finish();

    let baskets = Baskets::from_log(&log).unwrap();
    let data = Interactions::from_baskets(&baskets).unwrap();
    let mut g = c.benchmark_group("recommend_generated_4000");
    g.bench_function("item_cf_fit", |b| {
        b.iter(|| ItemCf::params().fit(&data).unwrap())
    });
    g.finish();

    let Some(path) = shared_dir()
        .map(|d| d.join(CDNOW_MASTER))
        .filter(|p| p.exists())
    else {
        eprintln!("shared data not found: skipping the CDNOW churn benchmark");
        return;
    };
    let log = load_path(&path, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    let snapshot = NaiveDate::from_ymd_opt(1997, 12, 30).unwrap();
    let frame = ChurnFrame::build_labelled(&log, snapshot, 91).unwrap();
    let y = frame.labels.clone().unwrap();
    let mut g = c.benchmark_group("churn_cdnow");
    g.sample_size(10);
    g.bench_function("random_forest_100_trees", |b| {
        b.iter(|| Forest::params().fit(frame.features.view(), &y).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
