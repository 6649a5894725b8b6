//! Recursive strategy: one one-step model; at forecast time each prediction is appended to the
//! history and feeds the lags of the next step.

use super::{Pipeline, dataset_from, predict_one};
use crate::Result;
use crate::learner::{Dataset, FittedLearner};

/// Rows `(features at o, z_o)` for every origin with enough history.
pub(super) fn dataset(pipe: &Pipeline, zs: &[f64], exog: &[Vec<f64>]) -> Result<Dataset> {
    let lookback = pipe.features.max_lookback();
    if zs.len() <= lookback {
        return Err(pipe.too_short("the recursive strategy", lookback + 1, zs.len()));
    }
    let rows = (lookback..zs.len())
        .map(|o| Ok((pipe.row(zs, o, o, &[], exog)?, vec![zs[o]])))
        .collect::<Result<Vec<_>>>()?;
    Ok(dataset_from(rows, pipe.features.lags.len()))
}

/// Feeds each prediction back as the newest lag.
pub(super) fn forecast<F: FittedLearner>(
    pipe: &Pipeline,
    models: &[F],
    zs: &[f64],
    exog: &[Vec<f64>],
    steps: usize,
) -> Result<Vec<f64>> {
    let mut buf = zs.to_vec();
    for _ in 0..steps {
        let o = buf.len();
        let row = pipe.row(&buf, o, o, &[], exog)?;
        buf.push(predict_one(models.first(), &row)?);
    }
    Ok(buf.split_off(zs.len()))
}
