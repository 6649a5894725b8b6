//! Series from bytes: ARIMA(1,1,1) and auto-ARIMA fits end without panic; forecasts that succeed
//! are finite.
#![no_main]

use custalyze_forecast::arima::{Arima, ArimaParams, AutoArima, AutoArimaParams};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let y: Vec<f64> = data
        .chunks_exact(2)
        .take(120)
        .map(|c| f64::from(i16::from_le_bytes([c[0], c[1]])) / 16.0)
        .collect();
    if let Ok(fit) = Arima::params(1, 1, 1).fit(&y)
        && let Ok(f) = fit.forecast(6, &[80.0])
    {
        assert!(f.mean.iter().all(|v| v.is_finite()));
    }
    let _ = AutoArima::params(1).fit(&y);
});
