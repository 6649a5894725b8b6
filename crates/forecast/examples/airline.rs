//! Fits the airline model to log(AirPassengers) and auto-ARIMA to the raw series.
//!
//! Run: `cargo run --release -p custalyze-forecast --example airline`

use custalyze_forecast::arima::{Arima, AutoArima};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/airline_passengers.csv"
    ))?;
    let y: Vec<f64> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').nth(1)?.parse().ok())
        .collect();
    let logy: Vec<f64> = y.iter().map(|v| v.ln()).collect();
    let t = std::time::Instant::now();
    let fit = Arima::params(0, 1, 1).seasonal(0, 1, 1, 12).fit(&logy)?;
    println!("airline fit in {:?}", t.elapsed());
    for ((name, v), (_, se)) in fit.params().iter().zip(fit.std_errors()) {
        println!("{name:10} {v:12.6} (se {se:.6})");
    }
    println!(
        "loglik {:.4}  aic {:.3}  aicc {:.3}  bic {:.3}",
        fit.log_likelihood, fit.aic, fit.aicc, fit.bic
    );
    let fc = fit.forecast(12, &[95.0])?;
    println!("forecast (exp): {:?}", fc.map(f64::exp).mean);
    let t = std::time::Instant::now();
    let (auto, trace) = AutoArima::params(12).fit_with_trace(&y)?;
    println!(
        "auto-ARIMA: {} aic {:.3} aicc {:.3} ({} models, {:?})",
        auto.spec().name(),
        auto.aic,
        auto.aicc,
        trace.len(),
        t.elapsed()
    );
    Ok(())
}
