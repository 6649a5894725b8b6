//! Point-forecast accuracy measures (Hyndman & Koehler 2006, "Another look at measures of
//! forecast accuracy", IJF 22(4)).
//!
//! With errors `e_t = y_t - ŷ_t` over the test period:
//! `MAE = mean|e|`, `RMSE = √mean(e²)`, `MAPE = 100·mean|e/y|`,
//! `sMAPE = 100·mean(2|e| / (|y| + |ŷ|))` (statsforecast/M4 definition, 0..200),
//! `MASE = MAE / mean|y_t - y_{t-m}|` over the training series (seasonal naive scale;
//! `MASE < 1` beats the in-sample seasonal naive forecast).
//!
//! This module is the one home of these measures: the rolling-origin backtest
//! ([`crate::backtest`]) and the strategy comparison ([`crate::compare`]) both score with it.

use crate::error::{Error, Result, check_series};

fn pairs(actual: &[f64], predicted: &[f64]) -> Result<()> {
    check_series(actual)?;
    check_series(predicted)?;
    if actual.len() != predicted.len() {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "predicted",
                format!(
                    "{} forecasts for {} actual values",
                    predicted.len(),
                    actual.len()
                ),
            ),
        ));
    }
    Ok(())
}

/// Mean absolute error.
///
/// # Errors
/// Empty or non-finite input, or lengths that differ.
pub fn mae(actual: &[f64], predicted: &[f64]) -> Result<f64> {
    pairs(actual, predicted)?;
    Ok(actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p).abs())
        .sum::<f64>()
        / actual.len() as f64)
}

/// Root mean squared error.
///
/// # Errors
/// As [`mae`].
pub fn rmse(actual: &[f64], predicted: &[f64]) -> Result<f64> {
    pairs(actual, predicted)?;
    Ok((actual
        .iter()
        .zip(predicted)
        .map(|(a, p)| (a - p).powi(2))
        .sum::<f64>()
        / actual.len() as f64)
        .sqrt())
}

/// Mean absolute percentage error, in percent.
///
/// # Errors
/// As [`mae`]; [`Error::InvalidParameter`] when an actual value is 0.
pub fn mape(actual: &[f64], predicted: &[f64]) -> Result<f64> {
    pairs(actual, predicted)?;
    if actual.contains(&0.0) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "actual",
                "MAPE is undefined when an actual value is 0; use sMAPE or MASE",
            ),
        ));
    }
    Ok(100.0
        * actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| ((a - p) / a).abs())
            .sum::<f64>()
        / actual.len() as f64)
}

/// Symmetric MAPE in percent (0..200); a pair with `y = ŷ = 0` counts as 0.
///
/// # Errors
/// As [`mae`].
pub fn smape(actual: &[f64], predicted: &[f64]) -> Result<f64> {
    pairs(actual, predicted)?;
    Ok(100.0
        * actual
            .iter()
            .zip(predicted)
            .map(|(a, p)| {
                let d = a.abs() + p.abs();
                if d == 0.0 {
                    0.0
                } else {
                    2.0 * (a - p).abs() / d
                }
            })
            .sum::<f64>()
        / actual.len() as f64)
}

/// The MASE denominator: the in-sample MAE of the seasonal naive forecast of period `period`
/// on `train`, `mean_{t >= m} |y_t - y_{t-m}|`. When `train` is not longer than `period` the
/// naive scale (`m = 1`) is used, so a short training window still gets a scale.
///
/// # Errors
/// Non-finite values; [`Error::SeriesTooShort`] for fewer than 2 training points;
/// [`Error::UndefinedMeasure`] when the training series does not change at that lag (MASE is then
/// undefined).
pub fn mase_scale(train: &[f64], period: usize) -> Result<f64> {
    check_series(train)?;
    let m = if period >= 1 && train.len() > period {
        period
    } else {
        1
    };
    if train.len() <= m {
        return Err(Error::SeriesTooShort {
            what: "the MASE scale".into(),
            needed: m + 1,
            got: train.len(),
        });
    }
    let scale = train
        .windows(m + 1)
        .map(|w| (w[m] - w[0]).abs())
        .sum::<f64>()
        / (train.len() - m) as f64;
    if scale > 0.0 && scale.is_finite() {
        Ok(scale)
    } else {
        Err(Error::UndefinedMeasure {
            measure: "MASE",
            reason: "the training series does not change at the seasonal lag",
        })
    }
}

/// Mean absolute scaled error: [`mae`] over [`mase_scale`]`(train, period)`.
///
/// # Errors
/// As [`mae`] and [`mase_scale`].
pub fn mase(actual: &[f64], predicted: &[f64], train: &[f64], period: usize) -> Result<f64> {
    let scale = mase_scale(train, period)?;
    Ok(mae(actual, predicted)? / scale)
}

/// The four accuracy measures of one forecast (or of one horizon step pooled over origins).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Accuracy {
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Symmetric mean absolute percentage error, in percent (0..200).
    pub smape: f64,
    /// Mean absolute scaled error.
    pub mase: f64,
}

/// [`mae`], [`rmse`], [`smape`] and the MASE with a precomputed `scale` (from [`mase_scale`]),
/// so one scale serves every origin and horizon step.
///
/// # Errors
/// As [`mae`]; [`Error::InvalidParameter`] for a scale that is not positive and finite.
pub fn accuracy(actual: &[f64], predicted: &[f64], scale: f64) -> Result<Accuracy> {
    if !(scale > 0.0 && scale.is_finite()) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "scale",
                format!("the MASE scale must be positive and finite, got {scale}"),
            ),
        ));
    }
    let mae = mae(actual, predicted)?;
    Ok(Accuracy {
        mae,
        rmse: rmse(actual, predicted)?,
        smape: smape(actual, predicted)?,
        mase: mae / scale,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn accuracy_by_hand() {
        let m = accuracy(&[1.0, 2.0, 4.0], &[2.0, 2.0, 2.0], 2.0).unwrap();
        assert!((m.mae - 1.0).abs() < 1e-12);
        assert!((m.rmse - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((m.smape - 100.0 * (2.0 / 3.0 + 0.0 + 4.0 / 6.0) / 3.0).abs() < 1e-12);
        assert!((m.mase - 0.5).abs() < 1e-12);
        // seasonal naive period 2 on [1, 2, 4, 6]: |4-1| + |6-2| over 2 = 3.5
        assert!((mase_scale(&[1.0, 2.0, 4.0, 6.0], 2).unwrap() - 3.5).abs() < 1e-12);
        // a window not longer than the period falls back to the naive scale
        assert!((mase_scale(&[1.0, 2.0, 4.0], 12).unwrap() - 1.5).abs() < 1e-12);
    }

    #[test]
    fn bad_inputs() {
        assert!(accuracy(&[1.0], &[], 1.0).is_err());
        assert!(accuracy(&[1.0], &[1.0], 0.0).is_err());
        assert!(matches!(
            mase_scale(&[3.0, 3.0, 3.0], 1),
            Err(Error::UndefinedMeasure { .. })
        ));
        assert!(matches!(
            mase_scale(&[3.0], 1),
            Err(Error::SeriesTooShort { .. })
        ));
    }
}
