//! Regressors the strategies train: the [`Learner`] / [`FittedLearner`] traits, the
//! [`Dataset`] they consume, and the closed-form [`Ridge`] learner.
//!
//! A learner maps a feature row to `k` outputs: `k = 1` for the recursive, direct and DirRec
//! strategies, `k = H` for the multiple-output (MIMO) strategy. Rows arrive in time order, which
//! learners with a validation tail (the LSTM) rely on.

use crate::{Error, Result};

/// A design matrix with targets, rows in time order.
///
/// The first `sequence_len` columns are the lag window, oldest first; a sequence learner (the
/// LSTM) reads them as one input per time step and repeats the remaining columns (rolling means,
/// calendar, exogenous) at every step. Tabular learners ignore `sequence_len`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// Features, row-major, `n_rows * n_cols`.
    pub x: Vec<f64>,
    /// Targets, row-major, `n_rows * n_outputs`.
    pub y: Vec<f64>,
    /// Number of rows.
    pub n_rows: usize,
    /// Number of feature columns.
    pub n_cols: usize,
    /// Number of outputs per row.
    pub n_outputs: usize,
    /// Leading columns that form the lag sequence (oldest first).
    pub sequence_len: usize,
}

impl Dataset {
    /// Feature row `i`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.n_cols..(i + 1) * self.n_cols]
    }

    /// Target row `i`.
    pub fn target(&self, i: usize) -> &[f64] {
        &self.y[i * self.n_outputs..(i + 1) * self.n_outputs]
    }

    /// Checks sizes and finiteness.
    ///
    /// # Errors
    /// [`Error::NoTrainingRows`] for an empty set, [`Error::LengthMismatch`] for inconsistent
    /// sizes, [`Error::NotFinite`] for non-finite values.
    pub fn check(&self) -> Result<()> {
        if self.n_rows == 0 || self.n_cols == 0 || self.n_outputs == 0 {
            return Err(Error::NoTrainingRows {
                rows: self.n_rows,
                columns: self.n_cols,
                outputs: self.n_outputs,
            });
        }
        if self.x.len() != self.n_rows * self.n_cols
            || self.y.len() != self.n_rows * self.n_outputs
            || self.sequence_len > self.n_cols
        {
            return Err(Error::LengthMismatch {
                what: "dataset values (rows x columns + rows x outputs)".into(),
                expected: self.n_rows * (self.n_cols + self.n_outputs),
                got: self.x.len() + self.y.len(),
            });
        }
        if self.x.iter().chain(&self.y).any(|v| !v.is_finite()) {
            return Err(Error::NotFinite {
                what: "the features or targets",
            });
        }
        Ok(())
    }
}

/// A learner's hyper-parameters: fitting returns the fitted model.
///
/// Implement this to plug a new regressor into every strategy (see [`crate::strategy`]).
pub trait Learner: Clone + Send + Sync {
    /// The fitted model.
    type Fitted: FittedLearner;

    /// A short name used in model names (`linear`, `lstm`): `linear-recursive`, ...
    fn name(&self) -> &'static str {
        "learner"
    }

    /// Fits on `data` (rows in time order). Must be deterministic: the same data and
    /// hyper-parameters (including any seed) give the same model.
    ///
    /// # Errors
    /// Invalid data or hyper-parameters, or a failed fit.
    fn fit(&self, data: &Dataset) -> Result<Self::Fitted>;
}

/// A fitted regressor.
pub trait FittedLearner: Clone + Send + Sync {
    /// Predicts the `n_outputs` values for one feature row.
    ///
    /// # Errors
    /// A row of the wrong length.
    fn predict(&self, row: &[f64]) -> Result<Vec<f64>>;
}

/// Ridge regression `min ||Y - 1 b' - X B||^2 + lambda ||B||^2` (intercept not penalised), solved
/// in closed form `B = (Xc'Xc + lambda I)^{-1} Xc'Yc` on centred data with a Cholesky
/// factorisation; one factorisation serves all outputs. Hoerl & Kennard (1970),
/// *Technometrics* 12(1).
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Ridge {
    /// Penalty `lambda >= 0` (default 1.0; features are standardised by the strategies).
    pub lambda: f64,
}

impl Default for Ridge {
    fn default() -> Self {
        Self { lambda: 1.0 }
    }
}

impl Ridge {
    /// Ridge with penalty `lambda`.
    pub fn new(lambda: f64) -> Self {
        Self { lambda }
    }
}

/// A fitted [`Ridge`]: `y = intercept + coef' x`, one column of `coef` per output.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedRidge {
    /// Intercepts, one per output.
    pub intercept: Vec<f64>,
    /// Coefficients, row-major `n_cols * n_outputs`.
    pub coef: Vec<f64>,
    /// Number of feature columns.
    pub n_cols: usize,
}

impl Learner for Ridge {
    type Fitted = FittedRidge;

    fn name(&self) -> &'static str {
        "linear"
    }

    fn fit(&self, data: &Dataset) -> Result<FittedRidge> {
        if !(self.lambda >= 0.0 && self.lambda.is_finite()) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "lambda",
                    self.lambda,
                    "must be finite and >= 0",
                ),
            ));
        }
        data.check()?;
        let (n, p, k) = (data.n_rows, data.n_cols, data.n_outputs);
        let nf = n as f64;
        let mut xm = vec![0.0; p];
        let mut ym = vec![0.0; k];
        for i in 0..n {
            for (m, v) in xm.iter_mut().zip(data.row(i)) {
                *m += v / nf;
            }
            for (m, v) in ym.iter_mut().zip(data.target(i)) {
                *m += v / nf;
            }
        }
        // Gram matrix and right-hand sides on centred data.
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p * k];
        for i in 0..n {
            let xr: Vec<f64> = data.row(i).iter().zip(&xm).map(|(v, m)| v - m).collect();
            let yr: Vec<f64> = data.target(i).iter().zip(&ym).map(|(v, m)| v - m).collect();
            for r in 0..p {
                for c in 0..=r {
                    a[r * p + c] += xr[r] * xr[c];
                }
                for (j, yv) in yr.iter().enumerate() {
                    b[r * k + j] += xr[r] * yv;
                }
            }
        }
        // A tiny jitter keeps lambda = 0 solvable for collinear columns.
        let ridge = self.lambda.max(1e-10 * nf);
        for r in 0..p {
            a[r * p + r] += ridge;
            for c in 0..r {
                a[c * p + r] = a[r * p + c];
            }
        }
        let l = cholesky(&a, p)?;
        let mut coef = vec![0.0; p * k];
        let mut col = vec![0.0; p];
        for j in 0..k {
            for r in 0..p {
                col[r] = b[r * k + j];
            }
            let sol = cholesky_solve(&l, p, &col);
            for r in 0..p {
                coef[r * k + j] = sol[r];
            }
        }
        let intercept = (0..k)
            .map(|j| ym[j] - (0..p).map(|r| xm[r] * coef[r * k + j]).sum::<f64>())
            .collect();
        Ok(FittedRidge {
            intercept,
            coef,
            n_cols: p,
        })
    }
}

impl FittedLearner for FittedRidge {
    fn predict(&self, row: &[f64]) -> Result<Vec<f64>> {
        if row.len() != self.n_cols {
            return Err(Error::LengthMismatch {
                what: "feature row (the model's training width)".into(),
                expected: self.n_cols,
                got: row.len(),
            });
        }
        let k = self.intercept.len();
        Ok((0..k)
            .map(|j| {
                self.intercept[j]
                    + row
                        .iter()
                        .enumerate()
                        .map(|(r, v)| v * self.coef[r * k + j])
                        .sum::<f64>()
            })
            .collect())
    }
}

/// Lower-triangular Cholesky factor `L` (row-major) of the symmetric positive-definite `a`.
///
/// # Errors
/// [`Error::Numerical`] when `a` is not positive definite.
pub(crate) fn cholesky(a: &[f64], p: usize) -> Result<Vec<f64>> {
    let mut l = vec![0.0; p * p];
    for i in 0..p {
        for j in 0..=i {
            let s: f64 = (0..j).map(|m| l[i * p + m] * l[j * p + m]).sum();
            if i == j {
                let d = a[i * p + i] - s;
                if d <= 0.0 || !d.is_finite() {
                    return Err(Error::NotPositiveDefinite { pivot: i, value: d });
                }
                l[i * p + i] = d.sqrt();
            } else {
                l[i * p + j] = (a[i * p + j] - s) / l[j * p + j];
            }
        }
    }
    Ok(l)
}

/// Solves `L L' x = b` given the factor from [`cholesky`].
pub(crate) fn cholesky_solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut y = vec![0.0; p];
    for i in 0..p {
        let s: f64 = (0..i).map(|m| l[i * p + m] * y[m]).sum();
        y[i] = (b[i] - s) / l[i * p + i];
    }
    let mut x = vec![0.0; p];
    for i in (0..p).rev() {
        let s: f64 = (i + 1..p).map(|m| l[m * p + i] * x[m]).sum();
        x[i] = (y[i] - s) / l[i * p + i];
    }
    x
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ridge_recovers_linear_map_with_tiny_penalty() {
        // y0 = 1 + 2 x0 - x1, y1 = -3 + 0.5 x1
        let mut x = vec![];
        let mut y = vec![];
        for i in 0..30 {
            let (a, b) = ((i as f64 * 0.37).sin(), (i as f64 * 0.11).cos());
            x.extend([a, b]);
            y.extend([1.0 + 2.0 * a - b, -3.0 + 0.5 * b]);
        }
        let d = Dataset {
            x,
            y,
            n_rows: 30,
            n_cols: 2,
            n_outputs: 2,
            sequence_len: 0,
        };
        let f = Ridge::new(0.0).fit(&d).unwrap();
        let p = f.predict(&[0.3, -0.2]).unwrap();
        assert!((p[0] - (1.0 + 0.6 + 0.2)).abs() < 1e-6);
        assert!((p[1] - (-3.0 - 0.1)).abs() < 1e-6);
        assert!(matches!(
            f.predict(&[1.0]),
            Err(Error::LengthMismatch { .. })
        ));
    }

    #[test]
    fn cholesky_solves_spd_system() {
        let a = [4.0, 2.0, 0.6, 2.0, 5.0, 1.0, 0.6, 1.0, 3.0];
        let l = cholesky(&a, 3).unwrap();
        let x = cholesky_solve(&l, 3, &[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let r: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!((r - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        assert!(matches!(
            cholesky(&[1.0, 2.0, 2.0, 1.0], 2),
            Err(Error::NotPositiveDefinite { .. })
        ));
    }

    #[test]
    fn ridge_rejects_negative_penalty() {
        let d = Dataset {
            x: vec![1.0],
            y: vec![1.0],
            n_rows: 1,
            n_cols: 1,
            n_outputs: 1,
            sequence_len: 0,
        };
        assert!(matches!(
            Ridge::new(-1.0).fit(&d),
            Err(Error::InvalidParameter(_))
        ));
    }
}
