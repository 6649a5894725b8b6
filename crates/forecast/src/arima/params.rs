//! Parameter transforms and polynomial algebra of ARIMA models.
//!
//! Stationarity and invertibility are enforced by optimising over unconstrained reals that map to
//! partial autocorrelations in (-1, 1) (`r = x / sqrt(1 + x^2)`, Monahan 1984, as statsmodels'
//! `constrain_stationary_univariate`), which the Durbin-Levinson recursion turns into the
//! coefficients of a stationary AR polynomial (Barndorff-Nielsen & Schou 1973; Jones 1980).
//! MA polynomials `1 + θ₁B + …` are invertible exactly when `1 - (-θ₁)B - …` is stationary, so
//! they use the same map with a sign flip.

/// Partial autocorrelations to AR coefficients `φ` of `1 - φ₁B - … - φₚBᵖ` (Durbin-Levinson).
pub(crate) fn pacf_to_ar(pacf: &[f64]) -> Vec<f64> {
    let p = pacf.len();
    let mut phi = vec![0.0; p];
    let mut prev = vec![0.0; p];
    for k in 0..p {
        prev[..k].copy_from_slice(&phi[..k]);
        let r = pacf[k];
        for i in 0..k {
            phi[i] = prev[i] - r * prev[k - 1 - i];
        }
        phi[k] = r;
    }
    phi
}

/// AR coefficients to partial autocorrelations (the inverse recursion); `None` when the
/// polynomial is not stationary (some |pacf| >= 1).
pub(crate) fn ar_to_pacf(phi: &[f64]) -> Option<Vec<f64>> {
    let p = phi.len();
    let mut cur = phi.to_vec();
    let mut pacf = vec![0.0; p];
    for k in (0..p).rev() {
        let r = cur[k];
        if !r.is_finite() || r.abs() >= 1.0 {
            return None;
        }
        pacf[k] = r;
        let denom = 1.0 - r * r;
        let prev: Vec<f64> = (0..k)
            .map(|i| (cur[i] + r * cur[k - 1 - i]) / denom)
            .collect();
        cur[..k].copy_from_slice(&prev);
    }
    Some(pacf)
}

/// Whether `1 - φ₁B - … - φₚBᵖ` has all roots outside the circle of radius `radius` (>= 1).
pub(crate) fn ar_roots_outside(phi: &[f64], radius: f64) -> bool {
    // Roots of p(z) outside radius ρ  <=>  roots of p(ρz) outside the unit circle.
    let scaled: Vec<f64> = phi
        .iter()
        .enumerate()
        .map(|(i, c)| c * radius.powi(i as i32 + 1))
        .collect();
    ar_to_pacf(&scaled).is_some()
}

/// Unconstrained reals to AR coefficients of a stationary polynomial.
pub(crate) fn constrain_ar(x: &[f64]) -> Vec<f64> {
    let pacf: Vec<f64> = x.iter().map(|v| v / (1.0 + v * v).sqrt()).collect();
    pacf_to_ar(&pacf)
}

/// Inverse of [`constrain_ar`]; `None` when `phi` is not stationary.
#[cfg(test)]
pub(crate) fn unconstrain_ar(phi: &[f64]) -> Option<Vec<f64>> {
    let pacf = ar_to_pacf(phi)?;
    Some(pacf.iter().map(|r| r / (1.0 - r * r).sqrt()).collect())
}

/// Unconstrained reals to MA coefficients `θ` of an invertible `1 + θ₁B + …`.
pub(crate) fn constrain_ma(x: &[f64]) -> Vec<f64> {
    constrain_ar(x).into_iter().map(|v| -v).collect()
}

/// Inverse of [`constrain_ma`].
#[cfg(test)]
pub(crate) fn unconstrain_ma(theta: &[f64]) -> Option<Vec<f64>> {
    let neg: Vec<f64> = theta.iter().map(|v| -v).collect();
    unconstrain_ar(&neg)
}

/// Product of two polynomials in B given by their coefficient vectors (constant term first).
pub(crate) fn poly_mul(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        if *x == 0.0 {
            continue;
        }
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// Full AR coefficients of `(1 - Σ aᵢBⁱ)(1 - Σ Aⱼ B^{sj})` as `φ` of `1 - Σ φₖBᵏ`.
pub(crate) fn expand_ar(ar: &[f64], sar: &[f64], s: usize) -> Vec<f64> {
    let mut a = vec![1.0];
    a.extend(ar.iter().map(|v| -v));
    let mut b = vec![0.0; sar.len() * s + 1];
    b[0] = 1.0;
    for (j, v) in sar.iter().enumerate() {
        b[(j + 1) * s] = -v;
    }
    poly_mul(&a, &b)[1..].iter().map(|v| -v).collect()
}

/// Full MA coefficients of `(1 + Σ bᵢBⁱ)(1 + Σ Bⱼ B^{sj})` as `θ` of `1 + Σ θₖBᵏ`.
pub(crate) fn expand_ma(ma: &[f64], sma: &[f64], s: usize) -> Vec<f64> {
    let mut a = vec![1.0];
    a.extend_from_slice(ma);
    let mut b = vec![0.0; sma.len() * s + 1];
    b[0] = 1.0;
    for (j, v) in sma.iter().enumerate() {
        b[(j + 1) * s] = *v;
    }
    poly_mul(&a, &b)[1..].to_vec()
}

/// Coefficients of `(1 - B)^d (1 - B^s)^D` (constant term first).
pub(crate) fn differencing_poly(d: usize, sd: usize, s: usize) -> Vec<f64> {
    let mut c = vec![1.0];
    for _ in 0..d {
        c = poly_mul(&c, &[1.0, -1.0]);
    }
    for _ in 0..sd {
        let mut b = vec![0.0; s + 1];
        b[0] = 1.0;
        b[s] = -1.0;
        c = poly_mul(&c, &b);
    }
    c
}

/// `(1 - B)^d (1 - B^s)^D y`: the series loses `d + sD` observations at the start.
pub(crate) fn difference(y: &[f64], d: usize, sd: usize, s: usize) -> Vec<f64> {
    let mut w = y.to_vec();
    for _ in 0..sd {
        w = (s..w.len()).map(|t| w[t] - w[t - s]).collect();
    }
    for _ in 0..d {
        w = (1..w.len()).map(|t| w[t] - w[t - 1]).collect();
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transform_round_trip() {
        let x = [0.3, -1.2, 2.0];
        let phi = constrain_ar(&x);
        let back = unconstrain_ar(&phi).unwrap_or_default();
        for (a, b) in x.iter().zip(&back) {
            assert!((a - b).abs() < 1e-10);
        }
        let th = constrain_ma(&x);
        let back = unconstrain_ma(&th).unwrap_or_default();
        for (a, b) in x.iter().zip(&back) {
            assert!((a - b).abs() < 1e-10);
        }
    }

    #[test]
    fn stationarity_check() {
        assert!(ar_to_pacf(&[0.5]).is_some());
        assert!(ar_to_pacf(&[1.1]).is_none());
        // 1 - 1.5B + 0.5B^2 = (1 - B)(1 - 0.5B): unit root.
        assert!(ar_to_pacf(&[1.5, -0.5]).is_none());
        assert!(ar_roots_outside(&[0.5], 1.01));
        assert!(!ar_roots_outside(&[0.995], 1.01));
    }

    #[test]
    fn expansion() {
        let phi = expand_ar(&[0.5], &[0.3], 4);
        // (1 - .5B)(1 - .3B^4) = 1 - .5B - .3B^4 + .15B^5
        let want = [0.5, 0.0, 0.0, 0.3, -0.15];
        assert_eq!(phi.len(), 5);
        for (a, b) in phi.iter().zip(&want) {
            assert!((a - b).abs() < 1e-12);
        }
        assert_eq!(
            differencing_poly(1, 1, 4),
            vec![1.0, -1.0, 0.0, 0.0, -1.0, 1.0]
        );
        let y: Vec<f64> = (0..10).map(|t| f64::from(t * t)).collect();
        let w = difference(&y, 1, 1, 4);
        let c = differencing_poly(1, 1, 4);
        for (i, wi) in w.iter().enumerate() {
            let t = i + 5;
            let direct: f64 = c.iter().enumerate().map(|(k, ck)| ck * y[t - k]).sum();
            assert!((wi - direct).abs() < 1e-12);
        }
    }
}
