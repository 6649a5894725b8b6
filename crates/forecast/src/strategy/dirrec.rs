//! DirRec strategy (Sorjamaa & Lendasse 2006, "Time series prediction using DirRec strategy",
//! ESANN): model `h` is a direct model whose inputs are the lags at origin `o` extended by
//! `z_o, .., z_{o+h-2}` (true values in training, the earlier models' predictions when
//! forecasting), so each step sees the steps before it. The extra values continue the lag
//! sequence, which a sequence learner reads in order.

use super::{Pipeline, dataset_from, predict_one};
use crate::Result;
use crate::learner::{Dataset, FittedLearner};

/// Rows `(lags at o ++ z_{o..o+step-1} ++ rest, z_{o+step-1})`.
pub(super) fn dataset(
    pipe: &Pipeline,
    zs: &[f64],
    exog: &[Vec<f64>],
    step: usize,
) -> Result<Dataset> {
    let lookback = pipe.features.max_lookback();
    if zs.len() < lookback + step {
        return Err(pipe.too_short(
            "the DirRec strategy at this horizon",
            lookback + step,
            zs.len(),
        ));
    }
    let rows = (lookback..=zs.len() - step)
        .map(|o| {
            let t = o + step - 1;
            Ok((pipe.row(zs, o, t, &zs[o..t], exog)?, vec![zs[t]]))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(dataset_from(rows, pipe.features.lags.len() + step - 1))
}

/// Model `h` reads the predictions of steps `1..h-1`.
pub(super) fn forecast<F: FittedLearner>(
    pipe: &Pipeline,
    models: &[F],
    zs: &[f64],
    exog: &[Vec<f64>],
    steps: usize,
) -> Result<Vec<f64>> {
    let o = zs.len();
    let mut preds = Vec::with_capacity(steps);
    for h in 0..steps {
        let row = pipe.row(zs, o, o + h, &preds, exog)?;
        preds.push(predict_one(models.get(h), &row)?);
    }
    Ok(preds)
}
