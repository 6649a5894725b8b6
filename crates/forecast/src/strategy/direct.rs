//! Direct strategy: model `h` maps the features at origin `o` to `z_{o+h-1}`; no prediction is
//! fed back, so errors do not accumulate, at the cost of `H` models.

use super::{Pipeline, dataset_from, predict_one};
use crate::Result;
use crate::learner::{Dataset, FittedLearner};

/// Rows `(features at o, z_{o+step-1})`.
pub(super) fn dataset(
    pipe: &Pipeline,
    zs: &[f64],
    exog: &[Vec<f64>],
    step: usize,
) -> Result<Dataset> {
    let lookback = pipe.features.max_lookback();
    if zs.len() < lookback + step {
        return Err(pipe.too_short(
            "the direct strategy at this horizon",
            lookback + step,
            zs.len(),
        ));
    }
    let rows = (lookback..=zs.len() - step)
        .map(|o| {
            let t = o + step - 1;
            Ok((pipe.row(zs, o, t, &[], exog)?, vec![zs[t]]))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(dataset_from(rows, pipe.features.lags.len()))
}

/// Model `h` predicts step `h` from the last origin.
pub(super) fn forecast<F: FittedLearner>(
    pipe: &Pipeline,
    models: &[F],
    zs: &[f64],
    exog: &[Vec<f64>],
    steps: usize,
) -> Result<Vec<f64>> {
    let o = zs.len();
    (0..steps)
        .map(|h| {
            let row = pipe.row(zs, o, o + h, &[], exog)?;
            predict_one(models.get(h), &row)
        })
        .collect()
}
