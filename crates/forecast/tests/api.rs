//! Hand-checkable examples, one test per bad-input error, and property tests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::needless_range_loop)]

use custalyze_forecast::arima::{Arima, ArimaForecaster, AutoArima, kpss_statistic, ndiffs};
use custalyze_forecast::backtest::Backtest;
use custalyze_forecast::baselines::{
    Drift, Mean, Naive, SeasonalNaive, SimpleExponentialSmoothing,
};
use custalyze_forecast::diagnostics::ljung_box;
use custalyze_forecast::metrics::{mae, mape, mase, rmse, smape};
use custalyze_forecast::transform::{BoxCoxForecaster, box_cox, inv_box_cox};
use custalyze_forecast::{Error, Forecast, Forecaster};
use proptest::prelude::*;

fn noise(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64) - 0.5
        })
        .collect()
}

fn ar1(n: usize, phi: f64, seed: u64) -> Vec<f64> {
    let e = noise(n, seed);
    let mut y = vec![0.0; n];
    for t in 1..n {
        y[t] = phi * y[t - 1] + e[t];
    }
    y
}

#[test]
fn ar1_estimate_and_forecast_decay() {
    let y = ar1(400, 0.7, 3);
    let fit = Arima::params(1, 0, 0).constant(true).fit(&y).unwrap();
    assert!((fit.ar()[0] - 0.7).abs() < 0.1, "{:?}", fit.ar());
    let fc = fit.forecast(50, &[95.0]).unwrap();
    let mu = fit.constant().unwrap();
    // Forecasts decay geometrically to the mean.
    assert!((fc.mean[49] - mu).abs() < 1e-6);
    let (lo, up) = fc.interval(95.0).unwrap();
    assert!(lo.iter().zip(&fc.mean).all(|(l, m)| l < m));
    // Interval width grows with the horizon.
    assert!(up[49] - lo[49] > up[0] - lo[0]);
}

#[test]
fn random_walk_forecast_is_last_value() {
    let mut y = vec![0.0];
    for e in noise(100, 9) {
        y.push(y[y.len() - 1] + e);
    }
    let fit = Arima::params(0, 1, 0).fit(&y).unwrap();
    let fc = fit.forecast(5, &[80.0]).unwrap();
    assert!(fc.mean.iter().all(|m| (m - y[100]).abs() < 1e-12));
    // se_h = σ √h
    let (lo, _) = fc.interval(80.0).unwrap();
    let z80 = 1.2815515655446004;
    for h in 0..5 {
        let se = (fit.sigma2 * (h + 1) as f64).sqrt();
        assert!((fc.mean[h] - lo[h] - z80 * se).abs() < 1e-9);
    }
}

#[test]
fn kpss_and_ndiffs() {
    let stationary = noise(200, 1);
    assert!(kpss_statistic(&stationary, 5) < 0.463);
    assert_eq!(ndiffs(&stationary, 2).unwrap(), 0);
    let mut walk = vec![0.0];
    for e in noise(200, 2) {
        walk.push(walk[walk.len() - 1] + e);
    }
    assert_eq!(ndiffs(&walk, 2).unwrap(), 1);
}

#[test]
fn baselines_hand_checked() {
    let y = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    let mut m = Mean::default();
    m.fit(&y).unwrap();
    assert_eq!(m.forecast(2, &[]).unwrap().mean, vec![3.5, 3.5]);
    let mut n = Naive::default();
    n.fit(&y).unwrap();
    assert_eq!(n.forecast(2, &[]).unwrap().mean, vec![6.0, 6.0]);
    let mut d = Drift::default();
    d.fit(&y).unwrap();
    assert_eq!(d.forecast(2, &[]).unwrap().mean, vec![7.0, 8.0]);
    let mut s = SeasonalNaive::new(3);
    s.fit(&y).unwrap();
    assert_eq!(s.forecast(4, &[]).unwrap().mean, vec![4.0, 5.0, 6.0, 4.0]);
    let mut ses = SimpleExponentialSmoothing::new(Some(1.0));
    ses.fit(&y).unwrap();
    assert_eq!(ses.forecast(1, &[]).unwrap().mean, vec![6.0]);
}

#[test]
fn metrics_hand_checked() {
    let a = [1.0, 2.0, 4.0];
    let p = [1.0, 3.0, 2.0];
    assert!((mae(&a, &p).unwrap() - 1.0).abs() < 1e-12);
    assert!((rmse(&a, &p).unwrap() - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
    assert!((mape(&a, &p).unwrap() - 100.0 * (0.5 + 0.5) / 3.0).abs() < 1e-12);
    let want = 100.0 * (0.0 + 2.0 / 5.0 + 4.0 / 6.0) / 3.0;
    assert!((smape(&a, &p).unwrap() - want).abs() < 1e-12);
    // Naive scale of [1, 2, 4]: mean(|1|, |2|) = 1.5.
    assert!((mase(&a, &p, &[1.0, 2.0, 4.0], 1).unwrap() - 1.0 / 1.5).abs() < 1e-12);
}

#[test]
fn backtest_naive_on_a_line() {
    let y: Vec<f64> = (0..20).map(f64::from).collect();
    let r = Backtest::new(10, 2, 1)
        .run(&mut Naive::default(), &y)
        .unwrap();
    assert_eq!(r.folds.len(), 9);
    // Errors are 1 and 2 at every origin.
    assert!((r.mae - 1.5).abs() < 1e-12);
    let r = Backtest::new(10, 2, 1)
        .run(&mut Drift::default(), &y)
        .unwrap();
    assert!(r.mae < 1e-9);
}

#[test]
fn box_cox_wrapper_back_transforms() {
    let y: Vec<f64> = (1..=30).map(|t| (0.05 * f64::from(t)).exp()).collect();
    let mut f = BoxCoxForecaster::new(
        ArimaForecaster::new(Arima::params(0, 1, 0).constant(true)),
        0.0,
    );
    f.fit(&y).unwrap();
    let fc = f.forecast(1, &[95.0]).unwrap();
    assert!((fc.mean[0] - (0.05 * 31.0f64).exp()).abs() < 1e-6);
    assert!((inv_box_cox(box_cox(&[3.0], 0.5).unwrap()[0], 0.5) - 3.0).abs() < 1e-12);
}

#[test]
fn ljung_box_white_noise_vs_ar() {
    let lb = ljung_box(&noise(300, 4), 10, 0).unwrap();
    assert!(lb.p_value > 0.01, "{lb:?}");
    let lb = ljung_box(&ar1(300, 0.8, 4), 10, 0).unwrap();
    assert!(lb.p_value < 1e-6, "{lb:?}");
}

#[test]
fn fitted_model_is_send_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<custalyze_forecast::arima::FittedArima>();
    send_sync::<Forecast>();
    send_sync::<Error>();
}

// ---- one test per bad-input error ----

#[test]
fn empty_series() {
    assert!(matches!(
        Arima::params(1, 0, 0).fit(&[]),
        Err(Error::EmptySeries)
    ));
}

#[test]
fn non_finite_value() {
    let mut y = noise(50, 1);
    y[7] = f64::NAN;
    assert!(matches!(
        Arima::params(1, 0, 0).fit(&y),
        Err(Error::NonFiniteValue { index: 7, .. })
    ));
}

#[test]
fn too_short_for_model() {
    assert!(matches!(
        Arima::params(1, 1, 1)
            .seasonal(0, 1, 1, 12)
            .fit(&noise(14, 1)),
        Err(Error::SeriesTooShort { .. })
    ));
}

#[test]
fn seasonal_without_period() {
    assert!(matches!(
        Arima::params(0, 0, 0)
            .seasonal(1, 0, 0, 1)
            .fit(&noise(50, 1)),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { .. }
        ))
    ));
}

#[test]
fn bad_level_and_horizon() {
    let fit = Arima::params(1, 0, 0).fit(&noise(50, 1)).unwrap();
    assert!(matches!(
        fit.forecast(3, &[120.0]),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter { name: "levels", .. }
        ))
    ));
    assert!(matches!(
        fit.forecast(0, &[95.0]),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter {
                name: "horizon",
                ..
            }
        ))
    ));
}

#[test]
fn not_fitted() {
    let f = ArimaForecaster::new(Arima::params(1, 0, 0));
    assert!(matches!(f.forecast(3, &[]), Err(Error::NotFitted)));
}

#[test]
fn log_of_non_positive() {
    assert!(matches!(
        box_cox(&[1.0, 0.0], 0.0),
        Err(Error::NonPositiveForTransform { index: 1, .. })
    ));
}

#[test]
fn constant_series_fit_fails_cleanly() {
    let y = vec![5.0; 40];
    assert!(matches!(
        Arima::params(1, 1, 0).fit(&y),
        Err(Error::LikelihoodFailed { .. })
    ));
    // auto-ARIMA returns R's mean model: ARIMA(0,0,0) with the mean at the value, σ² = 0.
    for y in [vec![5.0; 40], vec![5.0]] {
        let fit = AutoArima::params(1).fit(&y).unwrap();
        assert_eq!(fit.spec().order(), (0, 0, 0));
        assert!(fit.spec().has_constant());
        assert_eq!(fit.sigma2, 0.0);
        let fc = fit.forecast(3, &[95.0]).unwrap();
        assert_eq!(fc.mean, vec![5.0; 3]);
        assert_eq!(fc.lower[0], fc.upper[0]);
    }
    // Seasonal settings change nothing for a constant series.
    let fit = AutoArima::params(12).fit(&[2.5; 30]).unwrap();
    assert_eq!(fit.spec().order(), (0, 0, 0));
    // Without a mean a non-zero constant has no model.
    assert!(matches!(
        AutoArima::params(1).allow_constant(false, false).fit(&y),
        Err(Error::ConstantSeries { value }) if value == 5.0
    ));
}

#[test]
fn wrong_coefficient_count() {
    assert!(matches!(
        Arima::params(1, 0, 1).log_likelihood(&noise(50, 1), &[0.1], 1.0),
        Err(Error::InvalidParameter(
            custalyze_transaction_types::InvalidParameter {
                name: "coefficients",
                ..
            }
        ))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Fitted AR/MA polynomials are stationary/invertible and the likelihood at the estimates
    /// is at least the likelihood at zero coefficients.
    #[test]
    fn fit_is_admissible_and_improves(seed in 0u64..1000, phi in -0.8f64..0.8) {
        let y = ar1(120, phi, seed);
        let spec = Arima::params(1, 0, 1);
        let fit = spec.fit(&y).unwrap();
        prop_assert!(fit.ar()[0].abs() < 1.0 && fit.ma()[0].abs() <= 1.0);
        let at_zero = spec.log_likelihood(&y, &[0.0, 0.0], fit.sigma2).unwrap();
        prop_assert!(fit.log_likelihood >= at_zero - 1e-6);
    }

    /// Interval bounds are ordered and nested across levels.
    #[test]
    fn intervals_nested(seed in 0u64..1000) {
        let y = ar1(80, 0.5, seed);
        let fc = Arima::params(1, 0, 0).constant(true).fit(&y).unwrap().forecast(6, &[50.0, 80.0, 95.0]).unwrap();
        let (l50, u50) = fc.interval(50.0).unwrap();
        let (l95, u95) = fc.interval(95.0).unwrap();
        for h in 0..6 {
            prop_assert!(l95[h] < l50[h] && l50[h] < fc.mean[h] && fc.mean[h] < u50[h] && u50[h] < u95[h]);
        }
    }
}

/// A differenced series that is constant gets R's deterministic models (auto.arima's
/// `is.constant(dx)` branch), whose forecasts continue the line or the season exactly.
#[test]
fn deterministic_series_get_exact_forecasts() {
    // Straight line: ARIMA(0,1,0) with drift 2.
    let line: Vec<f64> = (0..40).map(|t| 5.0 + 2.0 * t as f64).collect();
    let fit = AutoArima::params(1).fit(&line).unwrap();
    assert_eq!(fit.spec().name(), "ARIMA(0,1,0) with drift");
    let fc = fit.forecast(3, &[95.0]).unwrap();
    for (h, v) in fc.mean.iter().enumerate() {
        assert!((v - (5.0 + 2.0 * (40 + h) as f64)).abs() < 1e-9, "{v}");
    }
    assert!((fc.upper[0].1[2] - fc.mean[2]).abs() < 1e-9);
    // Repeating season plus a trend of 1 per period: ARIMA(0,0,0)(0,1,0)[4] with drift.
    let pattern = [1.0, 5.0, 3.0, 2.0];
    let y: Vec<f64> = (0..48).map(|t| pattern[t % 4] + t as f64).collect();
    let fit = AutoArima::params(4).fit(&y).unwrap();
    assert_eq!(fit.spec().name(), "ARIMA(0,0,0)(0,1,0)[4] with drift");
    let fc = fit.forecast(4, &[]).unwrap();
    for (h, v) in fc.mean.iter().enumerate() {
        let t = 48 + h;
        assert!((v - (pattern[t % 4] + t as f64)).abs() < 1e-9, "{h}: {v}");
    }
    // Pure repeating season: the drift is 0.
    let y: Vec<f64> = (0..48).map(|t| pattern[t % 4]).collect();
    let fit = AutoArima::params(4).fit(&y).unwrap();
    let fc = fit.forecast(4, &[]).unwrap();
    for (h, v) in fc.mean.iter().enumerate() {
        assert!((v - pattern[(48 + h) % 4]).abs() < 1e-9, "{h}: {v}");
    }
}
