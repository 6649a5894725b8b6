//! Conformal intervals on the 100 generated monthly retail series of the forecast benchmark
//! (`retail_series(100, 20_240_601)`): each series minus its last 12 months is the training part,
//! the intervals are calibrated on 20 rolling origins inside it, and the held-out 12 months are
//! counted inside or outside. The issue asks for coverage within 3 points of nominal at 80% and
//! 95% over the 1,200 held-out months.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_benches::retail_series::retail_series;
use custalyze_forecast::Forecaster;
use custalyze_forecast::conformal::ConformalForecaster;
use custalyze_forecast::ets::{Ets, EtsForecaster};
use custalyze_forecast::theta::{Theta, ThetaForecaster};
use rayon::prelude::*;

/// Coverage at 80% and 95% of `make()`'s conformal intervals, and of its model-based ones.
fn coverage<F: Forecaster + Send>(make: impl Fn() -> F + Sync) -> ([f64; 2], [f64; 2]) {
    let series = retail_series(100, 20_240_601);
    let counts: Vec<[usize; 5]> = series
        .par_iter()
        .map(|s| {
            let n = s.values.len();
            let (train, test) = s.values.split_at(n - 12);
            let mut model = ConformalForecaster::new(make(), 12);
            model.fit(train).unwrap();
            let conformal = model.forecast(12, &[80.0, 95.0]).unwrap();
            let native = model.model.forecast(12, &[80.0, 95.0]).unwrap();
            let mut c = [0usize; 5];
            for (i, level) in [80.0, 95.0].into_iter().enumerate() {
                let (lo, hi) = conformal.interval(level).unwrap();
                let (nlo, nhi) = native.interval(level).unwrap();
                for (j, v) in test.iter().enumerate() {
                    c[i] += usize::from(lo[j] <= *v && *v <= hi[j]);
                    c[2 + i] += usize::from(nlo[j] <= *v && *v <= nhi[j]);
                }
            }
            c[4] = test.len();
            c
        })
        .collect();
    let total: f64 = counts.iter().map(|c| c[4]).sum::<usize>() as f64;
    let share = |k: usize| 100.0 * counts.iter().map(|c| c[k]).sum::<usize>() as f64 / total;
    ([share(0), share(1)], [share(2), share(3)])
}

#[test]
fn conformal_auto_ets_covers_within_three_points() {
    let (conformal, native) = coverage(|| EtsForecaster::new(Ets::params(12)));
    println!(
        "AutoETS: conformal 80% {:.1} 95% {:.1}; model-based 80% {:.1} 95% {:.1}",
        conformal[0], conformal[1], native[0], native[1]
    );
    assert!((conformal[0] - 80.0).abs() <= 3.0, "80%: {}", conformal[0]);
    assert!((conformal[1] - 95.0).abs() <= 3.0, "95%: {}", conformal[1]);
}

#[test]
fn conformal_auto_theta_covers_within_three_points() {
    let (conformal, native) = coverage(|| ThetaForecaster::new(Theta::params(12)));
    println!(
        "AutoTheta: conformal 80% {:.1} 95% {:.1}; model-based 80% {:.1} 95% {:.1}",
        conformal[0], conformal[1], native[0], native[1]
    );
    assert!((conformal[0] - 80.0).abs() <= 3.0, "80%: {}", conformal[0]);
    assert!((conformal[1] - 95.0).abs() <= 3.0, "95%: {}", conformal[1]);
}
