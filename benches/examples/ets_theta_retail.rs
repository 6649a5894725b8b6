//! AutoETS, AutoTheta and MSTL on the 100 generated monthly retail series of the forecast
//! benchmark, one series at a time on one thread: fit on all but the last 12 months, forecast 12
//! with 80/95% intervals; prints per model the wall and CPU seconds of the whole pass and the mean
//! sMAPE on the held-out months, as JSON lines (`docs/benchmarks.md`, section "forecast"; the
//! Python side is `benches/python/forecast_compare.py statsforecast-ets`).
//!
//! Run: `cargo run --release -p custalyze-benches --example ets_theta_retail [-- REPS]`; with
//! `-- models`, prints each series' AutoETS model and AICc instead.

use custalyze_benches::cpu_seconds;
use custalyze_benches::retail_series::retail_series;
use custalyze_forecast::Forecaster;
use custalyze_forecast::ets::{Ets, EtsForecaster};
use custalyze_forecast::metrics::smape;
use custalyze_forecast::mstl::MstlForecaster;
use custalyze_forecast::theta::{Theta, ThetaForecaster};

fn pass(
    name: &str,
    make: &dyn Fn() -> Box<dyn Forecaster>,
) -> Result<(), Box<dyn std::error::Error>> {
    let all = retail_series(100, 20_240_601);
    let (wall, cpu) = (std::time::Instant::now(), cpu_seconds());
    let mut total = 0.0;
    for s in &all {
        let n = s.values.len();
        let (train, test) = s.values.split_at(n - 12);
        let mut model = make();
        model.fit(train)?;
        let fc = model.forecast(12, &[80.0, 95.0])?;
        total += smape(test, &fc.mean)?;
    }
    println!(
        "{{\"model\": \"{name}\", \"wall_s\": {:.4}, \"cpu_s\": {:.2}, \"series\": {}, \"smape\": {:.4}}}",
        wall.elapsed().as_secs_f64(),
        cpu_seconds() - cpu,
        all.len(),
        total / all.len() as f64
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("models") {
        // One line per series: id, AutoETS's model and AICc (to diff against statsforecast's).
        for s in retail_series(100, 20_240_601) {
            let fit = Ets::params(12).fit(&s.values[..s.values.len() - 12])?;
            println!("{} {} {:.6}", s.id, fit.model.name(), fit.aicc);
        }
        return Ok(());
    }
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    for _ in 0..reps {
        pass("AutoETS", &|| Box::new(EtsForecaster::new(Ets::params(12))))?;
        pass("AutoTheta", &|| {
            Box::new(ThetaForecaster::new(Theta::params(12)))
        })?;
        pass("MSTL", &|| Box::new(MstlForecaster::new(vec![12])))?;
    }
    Ok(())
}
