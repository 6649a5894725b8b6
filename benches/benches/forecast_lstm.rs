//! LSTM training time on the airline series (Box-Jenkins Series G, 144 months).
//!
//! The network of the speed comparison with PyTorch (`benches/scripts/lstm_torch.py`): log +
//! seasonal difference (12) of the whole series, standardised, windows of 24 lags (108 rows), one
//! LSTM layer of 16 units and a linear head, full-batch Adam (lr 0.01), exactly 100 epochs (no
//! validation tail, so no early stopping), f32, the recursive one-step model.
//!
//! Groups:
//! - `lstm_train_airline`: `StrategyParams::fit` of that model (feature building included; it is
//!   microseconds next to training);
//! - `linear_train_airline`: the ridge learner on the same windows, for scale.
//!
//! Without the shared data a synthetic seasonal series of the same length is used.
//!
//! Run: `cargo bench -p custalyze-benches --bench forecast_lstm` (add `-- --test` for a smoke run).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_benches::shared_file;
use custalyze_forecast::features::{FeatureSpec, Preprocess};
use custalyze_forecast::learner::Ridge;
use custalyze_forecast::lstm::Lstm;
use custalyze_forecast::strategy::Strategy;

fn airline() -> Vec<f64> {
    if let Some(path) = shared_file("data/timeseries/airline_passengers.csv")
        && let Ok(text) = std::fs::read_to_string(&path)
    {
        let v: Vec<f64> = text
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').nth(1)?.trim().parse().ok())
            .collect();
        if v.len() == 144 {
            return v;
        }
    }
    eprintln!("airline_passengers.csv not found: using a synthetic seasonal series");
    (0..144)
        .map(|t| {
            let t = t as f64;
            (100.0 + 2.0 * t) * (1.0 + 0.2 * (t * std::f64::consts::TAU / 12.0).sin())
        })
        .collect()
}

fn preprocess() -> Preprocess {
    Preprocess {
        log: true,
        seasonal_difference: Some(12),
        difference: false,
    }
}

fn bench(c: &mut Criterion) {
    let y = airline();
    let lstm = Lstm::default()
        .hidden(16)
        .epochs(100)
        .validation_fraction(0.0);
    let params = Strategy::Recursive
        .params(lstm, 1)
        .features(FeatureSpec::window(24))
        .preprocess(preprocess());
    let mut g = c.benchmark_group("lstm_train_airline");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("h16_w24_100epochs", |b| {
        b.iter(|| black_box(params.fit(black_box(&y))))
    });
    g.finish();
    let ridge = Strategy::Recursive
        .params(Ridge::default(), 1)
        .features(FeatureSpec::window(24))
        .preprocess(preprocess());
    c.bench_function("linear_train_airline", |b| {
        b.iter(|| black_box(ridge.fit(black_box(&y))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
