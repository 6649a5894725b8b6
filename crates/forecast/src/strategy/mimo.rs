//! Multiple-input multiple-output (MIMO) strategy: one model maps the features at origin `o` to
//! the whole vector `(z_o, .., z_{o+H-1})`, keeping the dependence between steps
//! (Bontempi 2008, "Long term time series prediction with multi-input multi-output local
//! learning", ESTSP). Calendar and exogenous features are those of the first target step.

use super::{Pipeline, dataset_from};
use crate::learner::{Dataset, FittedLearner};
use crate::{Error, Result};

/// Rows `(features at o, z_{o..o+H})`.
pub(super) fn dataset(
    pipe: &Pipeline,
    zs: &[f64],
    exog: &[Vec<f64>],
    horizon: usize,
) -> Result<Dataset> {
    let lookback = pipe.features.max_lookback();
    if zs.len() < lookback + horizon {
        return Err(pipe.too_short(
            "the multiple-output strategy at this horizon",
            lookback + horizon,
            zs.len(),
        ));
    }
    let rows = (lookback..=zs.len() - horizon)
        .map(|o| Ok((pipe.row(zs, o, o, &[], exog)?, zs[o..o + horizon].to_vec())))
        .collect::<Result<Vec<_>>>()?;
    Ok(dataset_from(rows, pipe.features.lags.len()))
}

/// One call predicts the horizon; the first `steps` values are kept.
pub(super) fn forecast<F: FittedLearner>(
    pipe: &Pipeline,
    models: &[F],
    zs: &[f64],
    exog: &[Vec<f64>],
    steps: usize,
) -> Result<Vec<f64>> {
    let o = zs.len();
    let row = pipe.row(zs, o, o, &[], exog)?;
    let model = models.first().ok_or_else(|| Error::NotFitted)?;
    let mut out = model.predict(&row)?;
    if out.len() < steps {
        return Err(Error::LengthMismatch {
            what: "multi-output learner values".into(),
            expected: steps,
            got: out.len(),
        });
    }
    out.truncate(steps);
    Ok(out)
}
