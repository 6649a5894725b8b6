//! The one small dense-matrix routine the model crates share: the inverse of a small square
//! matrix, used for standard errors (the inverse of the observed information in cltv-core, of
//! the outer-product-of-gradients matrix in forecast's ARIMA) and unit-root regressions.
//!
//! Matrices are row-major slices of `k × k` values. The matrices are tiny (at most a few dozen
//! rows), so Gauss-Jordan elimination with partial pivoting is both simple and accurate enough.

/// Inverse of the `k × k` row-major matrix `m` by Gauss-Jordan elimination with partial
/// pivoting; `None` when `m` is singular (a pivot below `1e-300` in absolute value, or NaN) or
/// `m.len() != k * k`.
///
/// # Examples
/// ```
/// use custalyze_transaction_types::linalg::invert;
/// let inv = invert(&[4.0, 7.0, 2.0, 6.0], 2).unwrap();
/// let expected = [0.6, -0.7, -0.2, 0.4];
/// assert!(inv.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12));
/// assert!(invert(&[1.0, 2.0, 2.0, 4.0], 2).is_none());
/// ```
#[must_use]
pub fn invert(m: &[f64], k: usize) -> Option<Vec<f64>> {
    if m.len() != k * k {
        return None;
    }
    let mut a = m.to_vec();
    let mut inv = vec![0.0; k * k];
    for i in 0..k {
        inv[i * k + i] = 1.0;
    }
    for c in 0..k {
        let piv = (c..k).max_by(|&x, &y| a[x * k + c].abs().total_cmp(&a[y * k + c].abs()))?;
        let p = a[piv * k + c];
        if p.is_nan() || p.abs() < 1e-300 {
            return None;
        }
        if piv != c {
            for j in 0..k {
                a.swap(piv * k + j, c * k + j);
                inv.swap(piv * k + j, c * k + j);
            }
        }
        let d = a[c * k + c];
        for j in 0..k {
            a[c * k + j] /= d;
            inv[c * k + j] /= d;
        }
        for r in 0..k {
            if r != c {
                let f = a[r * k + c];
                if f != 0.0 {
                    for j in 0..k {
                        a[r * k + j] -= f * a[c * k + j];
                        inv[r * k + j] -= f * inv[c * k + j];
                    }
                }
            }
        }
    }
    Some(inv)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn inverse_times_matrix_is_identity_with_pivoting() {
        // A zero in the first pivot position forces a row swap.
        let m = [0.0, 2.0, 1.0, 1.0, 1.0, 0.0, 3.0, 0.0, 1.0];
        let inv = invert(&m, 3).unwrap();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|l| m[i * 3 + l] * inv[l * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
        assert!(invert(&m, 2).is_none());
        assert!(invert(&[f64::NAN], 1).is_none());
    }
}
