//! Classical seasonal decomposition by moving averages (Kendall & Stuart; Hyndman &
//! Athanasopoulos, *Forecasting: Principles and Practice*, §3.4), as statsmodels'
//! `seasonal_decompose` computes it. ETS uses it for its initial seasonal states and AutoTheta
//! to deseasonalise.
//!
//! The trend is a centred moving average of length `m` (odd `m`) or `2×m` (even `m`: weights
//! `1/(2m), 1/m, …, 1/m, 1/(2m)`), undefined at either end; the seasonal indices are the means of
//! the detrended values (`y − trend`, or `y / trend`) per position in the cycle, centred to sum to
//! zero (additive) or to average one (multiplicative), and repeated over the series.

use crate::error::{Error, InvalidParameter, Result, check_series};

/// How the seasonal component combines with the rest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum DecompositionKind {
    /// `y = trend + seasonal + remainder`.
    Additive,
    /// `y = trend × seasonal × remainder` (positive series only).
    Multiplicative,
}

/// A classical decomposition.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClassicalDecomposition {
    /// The centred moving average; `None` for the `⌊m/2⌋` values at either end.
    pub trend: Vec<Option<f64>>,
    /// The seasonal index of every observation (the `m` indices repeated).
    pub seasonal: Vec<f64>,
    /// The `m` seasonal indices, the first for the first observation's position in the cycle.
    pub indices: Vec<f64>,
}

/// Decomposes `y` with seasonal period `period`.
///
/// # Errors
/// [`Error::InvalidParameter`] for a period below 2; [`Error::SeriesTooShort`] with fewer than
/// two full cycles; [`Error::NonPositiveForTransform`] for a multiplicative decomposition of a
/// series with a value `<= 0`; bad data as usual.
///
/// # Examples
/// ```
/// use custalyze_forecast::decompose::{classical, DecompositionKind};
/// let y: Vec<f64> = (0..24).map(|t| 10.0 + [1.0, -1.0, 2.0, -2.0][t % 4]).collect();
/// let d = classical(&y, 4, DecompositionKind::Additive)?;
/// assert!((d.indices[2] - 2.0).abs() < 1e-12);
/// # Ok::<(), custalyze_forecast::Error>(())
/// ```
pub fn classical(
    y: &[f64],
    period: usize,
    kind: DecompositionKind,
) -> Result<ClassicalDecomposition> {
    check_series(y)?;
    if period < 2 {
        return Err(Error::InvalidParameter(InvalidParameter::combination(
            "period",
            format!("a seasonal decomposition needs a period of at least 2, got {period}"),
        )));
    }
    let n = y.len();
    if n < 2 * period {
        return Err(Error::SeriesTooShort {
            what: "a classical seasonal decomposition (two full cycles)".into(),
            needed: 2 * period,
            got: n,
        });
    }
    if kind == DecompositionKind::Multiplicative
        && let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| **v <= 0.0)
    {
        return Err(Error::NonPositiveForTransform {
            transform: "multiplicative decomposition",
            index,
            value,
        });
    }
    let weights: Vec<f64> = if period.is_multiple_of(2) {
        let mut w = vec![1.0 / period as f64; period + 1];
        w[0] = 0.5 / period as f64;
        w[period] = 0.5 / period as f64;
        w
    } else {
        vec![1.0 / period as f64; period]
    };
    let half = weights.len() / 2;
    let mut trend = vec![None; n];
    for (t, slot) in trend.iter_mut().enumerate().take(n - half).skip(half) {
        let window = &y[t - half..t - half + weights.len()];
        *slot = Some(window.iter().zip(&weights).map(|(v, w)| v * w).sum::<f64>());
    }
    let mut indices = vec![0.0; period];
    for (i, index) in indices.iter_mut().enumerate() {
        let (sum, count) = (i..n)
            .step_by(period)
            .fold((0.0, 0usize), |(s, c), t| match trend[t] {
                Some(tr) => {
                    let d = match kind {
                        DecompositionKind::Additive => y[t] - tr,
                        DecompositionKind::Multiplicative => y[t] / tr,
                    };
                    (s + d, c + 1)
                }
                None => (s, c),
            });
        *index = sum / count as f64;
    }
    let centre = indices.iter().sum::<f64>() / period as f64;
    for v in &mut indices {
        match kind {
            DecompositionKind::Additive => *v -= centre,
            DecompositionKind::Multiplicative => *v /= centre,
        }
    }
    let seasonal = (0..n).map(|t| indices[t % period]).collect();
    Ok(ClassicalDecomposition {
        trend,
        seasonal,
        indices,
    })
}

/// Least squares `min ‖X b − y‖` by modified Gram-Schmidt QR; `x` is row-major with `p` columns.
/// `None` when a column is (numerically) dependent on the others.
pub(crate) fn least_squares(x: &[f64], p: usize, y: &[f64]) -> Option<Vec<f64>> {
    let n = y.len();
    let mut q: Vec<Vec<f64>> = (0..p)
        .map(|j| (0..n).map(|i| x[i * p + j]).collect())
        .collect();
    let mut r = vec![0.0; p * p];
    for j in 0..p {
        for k in 0..j {
            let (done, rest) = q.split_at_mut(j);
            let (qk, qj) = (&done[k], &mut rest[0]);
            let dot: f64 = qk.iter().zip(qj.iter()).map(|(a, b)| a * b).sum();
            r[k * p + j] = dot;
            for (vj, vk) in qj.iter_mut().zip(qk) {
                *vj -= dot * vk;
            }
        }
        let norm = q[j].iter().map(|v| v * v).sum::<f64>().sqrt();
        let scale = x
            .iter()
            .skip(j)
            .step_by(p)
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt();
        if norm <= 1e-10 * scale.max(f64::MIN_POSITIVE) {
            return None;
        }
        r[j * p + j] = norm;
        q[j].iter_mut().for_each(|v| *v /= norm);
    }
    let qty: Vec<f64> = q
        .iter()
        .map(|col| col.iter().zip(y).map(|(a, b)| a * b).sum())
        .collect();
    let mut b = vec![0.0; p];
    for j in (0..p).rev() {
        let s: f64 = (j + 1..p).map(|k| r[j * p + k] * b[k]).sum();
        b[j] = (qty[j] - s) / r[j * p + j];
    }
    Some(b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn least_squares_recovers_a_line() {
        let x: Vec<f64> = (0..10).flat_map(|t| [1.0, t as f64]).collect();
        let y: Vec<f64> = (0..10).map(|t| 3.0 + 0.5 * t as f64).collect();
        let b = least_squares(&x, 2, &y).unwrap();
        assert!(
            (b[0] - 3.0).abs() < 1e-12 && (b[1] - 0.5).abs() < 1e-12,
            "{b:?}"
        );
        let dependent: Vec<f64> = (0..10).flat_map(|t| [1.0, 2.0, t as f64]).collect();
        assert!(least_squares(&dependent, 3, &y).is_none());
    }

    #[test]
    fn multiplicative_indices_average_one() {
        let y: Vec<f64> = (0..36)
            .map(|t| (100.0 + t as f64) * [1.2, 0.8, 1.0][t % 3])
            .collect();
        let d = classical(&y, 3, DecompositionKind::Multiplicative).unwrap();
        assert!((d.indices.iter().sum::<f64>() - 3.0).abs() < 1e-12);
        assert!((d.indices[0] - 1.2).abs() < 0.01, "{:?}", d.indices);
        assert!(d.trend[0].is_none() && d.trend[1].is_some());
    }
}
