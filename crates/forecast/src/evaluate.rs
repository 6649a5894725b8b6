//! Accuracy measures for the strategy comparison: MAE, RMSE, sMAPE and MASE.
//!
//! For actuals `a_t`, forecasts `f_t`, `t = 1..n`, and a training series `y`:
//!
//! - `MAE = mean |a - f|`, `RMSE = sqrt(mean (a - f)^2)`;
//! - `sMAPE = 100 * mean 2|a - f| / (|a| + |f|)` (in percent, 0..200; terms with `a = f = 0`
//!   count 0), as in the M4 competition;
//! - `MASE = MAE / mean_{t > m} |y_t - y_{t-m}|`: the MAE scaled by the in-sample MAE of the
//!   seasonal naive forecast of period `m` (Hyndman & Koehler 2006, "Another look at measures of
//!   forecast accuracy", *IJF* 22(4)). `MASE < 1` beats in-sample seasonal naive.

use crate::{Error, Result};

/// The four accuracy measures of one forecast (or one horizon step over origins).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StrategyMetrics {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Symmetric mean absolute percentage error, in percent.
    pub smape: f64,
    /// Mean absolute scaled error.
    pub mase: f64,
}

/// The MASE denominator: in-sample MAE of the seasonal naive forecast of period `season`
/// (falls back to period 1 when the training series is not longer than `season`).
///
/// # Errors
/// [`Error::InvalidSeries`] when the training series has fewer than 2 points or is constant.
pub fn mase_scale(training: &[f64], season: usize) -> Result<f64> {
    let m = if season >= 1 && training.len() > season {
        season
    } else {
        1
    };
    if training.len() <= m {
        return Err(Error::InvalidSeries(
            "MASE needs a training series of at least 2 points".into(),
        ));
    }
    let scale = training
        .windows(m + 1)
        .map(|w| (w[m] - w[0]).abs())
        .sum::<f64>()
        / (training.len() - m) as f64;
    if scale > 0.0 && scale.is_finite() {
        Ok(scale)
    } else {
        Err(Error::InvalidSeries(
            "MASE is undefined: the training series does not change".into(),
        ))
    }
}

/// MAE, RMSE, sMAPE and MASE (with the given `scale` from [`mase_scale`]).
///
/// # Errors
/// [`Error::InvalidSeries`] for empty or unequal lengths or non-finite values.
pub fn strategy_metrics(actual: &[f64], forecast: &[f64], scale: f64) -> Result<StrategyMetrics> {
    if actual.is_empty() || actual.len() != forecast.len() {
        return Err(Error::InvalidSeries(format!(
            "metrics need equal non-empty lengths, got {} actual and {} forecast values",
            actual.len(),
            forecast.len()
        )));
    }
    if actual.iter().chain(forecast).any(|v| !v.is_finite()) {
        return Err(Error::InvalidSeries(
            "actual or forecast values are not finite".into(),
        ));
    }
    let n = actual.len() as f64;
    let mae = actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| (a - f).abs())
        .sum::<f64>()
        / n;
    let rmse = (actual
        .iter()
        .zip(forecast)
        .map(|(a, f)| (a - f).powi(2))
        .sum::<f64>()
        / n)
        .sqrt();
    let smape = 100.0
        * actual
            .iter()
            .zip(forecast)
            .map(|(a, f)| {
                let d = a.abs() + f.abs();
                if d > 0.0 {
                    2.0 * (a - f).abs() / d
                } else {
                    0.0
                }
            })
            .sum::<f64>()
        / n;
    Ok(StrategyMetrics {
        mae,
        rmse,
        smape,
        mase: mae / scale,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_hand() {
        let m = strategy_metrics(&[1.0, 2.0, 4.0], &[2.0, 2.0, 2.0], 2.0).unwrap();
        assert!((m.mae - 1.0).abs() < 1e-12);
        assert!((m.rmse - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((m.smape - 100.0 * (2.0 / 3.0 + 0.0 + 4.0 / 6.0) / 3.0).abs() < 1e-12);
        assert!((m.mase - 0.5).abs() < 1e-12);
        // seasonal naive period 2 on [1, 2, 4, 6]: |4-1| + |6-2| over 2 = 3.5
        assert!((mase_scale(&[1.0, 2.0, 4.0, 6.0], 2).unwrap() - 3.5).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs() {
        assert!(matches!(
            strategy_metrics(&[1.0], &[], 1.0),
            Err(Error::InvalidSeries(_))
        ));
        assert!(matches!(
            mase_scale(&[3.0, 3.0, 3.0], 1),
            Err(Error::InvalidSeries(_))
        ));
        assert!(matches!(
            mase_scale(&[3.0], 1),
            Err(Error::InvalidSeries(_))
        ));
    }
}
