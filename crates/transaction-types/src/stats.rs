//! Small statistics helpers shared by the recipes: quantiles as pandas computes them,
//! outlier thresholds and capping as the FLO CLTV notebooks do, and `qcut`-style groups.

use crate::error::{DataError, Result};

/// The `q`-quantile (0 to 1) of `values` with linear interpolation between order statistics
/// (pandas' and numpy's default): position `q (n - 1)`. Non-finite values are ignored.
///
/// # Errors
/// [`DataError::EmptySelection`] without a finite value; [`DataError::InvalidValue`] for `q`
/// outside [0, 1].
///
/// # Examples
/// ```
/// use custalyze_transaction_types::stats::quantile;
/// // pandas.Series([1, 2, 3, 4]).quantile(0.25) == 1.75
/// assert_eq!(quantile(&[4.0, 1.0, 3.0, 2.0], 0.25)?, 1.75);
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
pub fn quantile(values: &[f64], q: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&q) {
        return Err(DataError::InvalidValue {
            what: "quantile level",
            value: q.to_string(),
        });
    }
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return Err(DataError::EmptySelection {
            reason: "no finite value to take a quantile of".into(),
        });
    }
    v.sort_by(f64::total_cmp);
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    Ok(v[lo] + (v[hi] - v[lo]) * (pos - lo as f64))
}

/// Outlier thresholds as the FLO CLTV notebooks compute them: with `q1` and `q3` the
/// `low_q` and `high_q` quantiles, `(q1 - 1.5 (q3 - q1), q3 + 1.5 (q3 - q1))`.
///
/// # Errors
/// As [`quantile`].
pub fn outlier_thresholds(values: &[f64], low_q: f64, high_q: f64) -> Result<(f64, f64)> {
    let q1 = quantile(values, low_q)?;
    let q3 = quantile(values, high_q)?;
    let iqr = q3 - q1;
    Ok((q1 - 1.5 * iqr, q3 + 1.5 * iqr))
}

/// Caps `values` at the [`outlier_thresholds`] (the notebooks round the thresholds; pass
/// `round = true` for that) and returns how many values were changed.
///
/// # Errors
/// As [`quantile`].
pub fn cap_outliers(values: &mut [f64], low_q: f64, high_q: f64, round: bool) -> Result<usize> {
    let (mut low, mut up) = outlier_thresholds(values, low_q, high_q)?;
    if round {
        low = low.round();
        up = up.round();
    }
    let mut changed = 0;
    for v in values.iter_mut() {
        if *v > up {
            *v = up;
            changed += 1;
        } else if *v < low {
            *v = low;
            changed += 1;
        }
    }
    Ok(changed)
}

/// `pandas.qcut(values, k, labels=False)`: the group `0..k` of every value, group 0 the lowest,
/// from the bin edges at the quantiles `i / k` (right-closed bins, the first also closed on the
/// left).
///
/// # Errors
/// [`DataError::InvalidValue`] for `k = 0` or a non-finite value; [`DataError::EmptySelection`]
/// without values; [`DataError::InvalidValue`] when two edges coincide (pandas' "Bin edges must
/// be unique": too many tied values for `k` groups).
///
/// # Examples
/// ```
/// use custalyze_transaction_types::stats::qcut;
/// // pandas.qcut([1, 2, 3, 4, 5, 6, 7, 8], 4, labels=False) == [0, 0, 1, 1, 2, 2, 3, 3]
/// let g = qcut(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], 4)?;
/// assert_eq!(g, [0, 0, 1, 1, 2, 2, 3, 3]);
/// # Ok::<(), custalyze_transaction_types::DataError>(())
/// ```
pub fn qcut(values: &[f64], k: usize) -> Result<Vec<usize>> {
    if k == 0 {
        return Err(DataError::InvalidValue {
            what: "number of groups",
            value: "0".into(),
        });
    }
    if let Some(v) = values.iter().find(|v| !v.is_finite()) {
        return Err(DataError::InvalidValue {
            what: "value to group",
            value: v.to_string(),
        });
    }
    let edges = (0..=k)
        .map(|i| quantile(values, i as f64 / k as f64))
        .collect::<Result<Vec<f64>>>()?;
    if edges.windows(2).any(|w| w[0] >= w[1]) {
        return Err(DataError::InvalidValue {
            what: "qcut bin edges (too many tied values for the number of groups)",
            value: format!("{edges:?}"),
        });
    }
    Ok(values
        .iter()
        .map(|v| edges[1..k].iter().position(|e| *v <= *e).unwrap_or(k - 1))
        .collect())
}
