//! Point-forecast accuracy measures (Hyndman & Koehler 2006, "Another look at measures of
//! forecast accuracy", IJF 22(4)).
//!
//! With errors `e_t = y_t - ŷ_t` over the test period:
//! `MAE = mean|e|`, `RMSE = √mean(e²)`, `MAPE = 100·mean|e/y|`,
//! `sMAPE = 100·mean(2|e| / (|y| + |ŷ|))` (statsforecast/M4 definition, 0..200),
//! `MASE = MAE / mean|y_t - y_{t-m}|` over the training series (seasonal naive scale).

use crate::error::{Error, Result, check_series};

fn pairs(actual: &[f64], predicted: &[f64]) -> Result<()> {
    check_series(actual)?;
    check_series(predicted)?;
    if actual.len() != predicted.len() {
        return Err(Error::InvalidParameter {
            name: "predicted",
            reason: format!(
                "{} forecasts for {} actual values",
                predicted.len(),
                actual.len()
            ),
        });
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
        return Err(Error::InvalidParameter {
            name: "actual",
            reason: "MAPE is undefined when an actual value is 0; use sMAPE or MASE".into(),
        });
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

/// Mean absolute scaled error with the in-sample seasonal naive MAE of `train` (period
/// `period`, 1 = naive) as scale.
///
/// # Errors
/// As [`mae`]; [`Error::SeriesTooShort`] when `train` is not longer than `period`;
/// [`Error::InvalidParameter`] when the scale is 0 (constant training series).
pub fn mase(actual: &[f64], predicted: &[f64], train: &[f64], period: usize) -> Result<f64> {
    let m = period.max(1);
    check_series(train)?;
    if train.len() <= m {
        return Err(Error::SeriesTooShort {
            what: "the MASE scale".into(),
            needed: m + 1,
            got: train.len(),
        });
    }
    let scale = (m..train.len())
        .map(|t| (train[t] - train[t - m]).abs())
        .sum::<f64>()
        / (train.len() - m) as f64;
    if scale == 0.0 {
        return Err(Error::InvalidParameter {
            name: "train",
            reason: "the training series is constant at lag `period`, MASE is undefined".into(),
        });
    }
    Ok(mae(actual, predicted)? / scale)
}
