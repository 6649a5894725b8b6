//! ARIMA fits against statsmodels and statsforecast (docs/benchmarks.md, "forecast").
//!
//! * `arima/airline_fit`: SARIMA(0,1,1)(0,1,1)12 on log(AirPassengers), vs statsmodels SARIMAX
//!   (`shared/reference/python_timings.json`: `sarimax_airline_fit`).
//! * `auto_arima/airline_raw`: auto-ARIMA on AirPassengers, vs statsforecast `AutoARIMA`.
//! * `auto_arima/retail_100`: auto-ARIMA fit + 12-step forecast of 100 generated monthly retail
//!   series (`custalyze_benches::retail_series`); prints the sMAPE on the last 12 months. Set
//!   `FORECAST_RETAIL_CSV=path` to write the series for `benches/python/forecast_compare.py`.
//!   The 100-series pass is timed once (printed); criterion repeats the first 10 series. Under
//!   `--test` only the first 10 series are run.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_benches::retail_series::{retail_series, to_csv};
use custalyze_benches::shared_dir;
use custalyze_forecast::arima::{Arima, AutoArima};
use custalyze_forecast::metrics::smape;

fn airline() -> Vec<f64> {
    if let Some(text) = shared_dir()
        .map(|d| d.join("data/timeseries/airline_passengers.csv"))
        .and_then(|p| std::fs::read_to_string(p).ok())
    {
        return text
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
    }
    eprintln!("shared data not found: benchmarking a synthetic airline-like series");
    (0..144)
        .map(|t| {
            let tf = t as f64;
            100.0 * (0.01 * tf).exp() * (1.0 + 0.2 * (tf * std::f64::consts::PI / 6.0).sin())
        })
        .collect()
}

/// Fits auto-ARIMA to every series minus its last 12 months and returns the pooled sMAPE.
fn retail_smape(series: &[(Vec<f64>, Vec<f64>)]) -> f64 {
    let mut total = 0.0;
    for (train, test) in series {
        let fc = AutoArima::params(12)
            .fit(train)
            .unwrap()
            .forecast(12, &[])
            .unwrap();
        total += smape(test, &fc.mean).unwrap();
    }
    total / series.len() as f64
}

fn bench(c: &mut Criterion) {
    let y = airline();
    let logy: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let mut g = c.benchmark_group("arima");
    g.bench_function("airline_fit", |b| {
        b.iter(|| {
            Arima::params(0, 1, 1)
                .seasonal(0, 1, 1, 12)
                .fit(&logy)
                .unwrap()
        })
    });
    g.finish();

    let test_mode = std::env::args().any(|a| a == "--test");
    let all = retail_series(100, 20_240_601);
    if let Ok(path) = std::env::var("FORECAST_RETAIL_CSV") {
        std::fs::write(&path, to_csv(&all)).unwrap();
        eprintln!("wrote {} series to {path}", all.len());
    }
    let take = if test_mode { 10 } else { all.len() };
    let split: Vec<(Vec<f64>, Vec<f64>)> = all[..take]
        .iter()
        .map(|s| {
            let n = s.values.len();
            (s.values[..n - 12].to_vec(), s.values[n - 12..].to_vec())
        })
        .collect();
    let t = std::time::Instant::now();
    let score = retail_smape(&split);
    eprintln!(
        "auto-ARIMA on {} retail series: sMAPE {score:.4} (one pass {:?})",
        split.len(),
        t.elapsed()
    );
    let mut g = c.benchmark_group("auto_arima");
    g.sample_size(10);
    g.bench_function("airline_raw", |b| {
        b.iter(|| AutoArima::params(12).fit(&y).unwrap())
    });
    // Criterion repeats the first 10 series only (one pass over all 100 is timed above).
    let first10 = &split[..split.len().min(10)];
    g.bench_function("retail_10", |b| b.iter(|| retail_smape(first10)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
