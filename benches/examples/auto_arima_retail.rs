//! Auto-ARIMA on the 100 generated monthly retail series of the forecast benchmark, one series at
//! a time: prints each series' chosen model, fit time and sMAPE on its last 12 months, then the
//! total (development aid for `docs/benchmarks.md`, section "forecast").
//!
//! Run: `cargo run --release -p custalyze-benches --example auto_arima_retail [-- OUT.csv]`
//! (with `OUT.csv`, also writes the series for `benches/python/forecast_compare.py`).

use custalyze_benches::retail_series::{retail_series, to_csv};
use custalyze_forecast::arima::AutoArima;
use custalyze_forecast::metrics::smape;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let all = retail_series(100, 20_240_601);
    if let Some(path) = std::env::args().nth(1) {
        std::fs::write(&path, to_csv(&all))?;
        eprintln!("wrote {} series to {path}", all.len());
    }
    let start = std::time::Instant::now();
    let mut total_smape = 0.0;
    for s in &all {
        let n = s.values.len();
        let (train, test) = s.values.split_at(n - 12);
        let t = std::time::Instant::now();
        let (fit, trace) = AutoArima::params(12).fit_with_trace(train)?;
        let fc = fit.forecast(12, &[])?;
        let e = smape(test, &fc.mean)?;
        total_smape += e;
        println!(
            "{} n={:3} {:40} models {:3} {:8.1} ms sMAPE {e:.3}",
            s.id,
            train.len(),
            fit.spec().name(),
            trace.len(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    println!(
        "total {:.3} s, mean sMAPE {:.4}",
        start.elapsed().as_secs_f64(),
        total_smape / all.len() as f64
    );
    Ok(())
}
