//! Special functions: the Gauss hypergeometric function in log form.

use crate::real::Real;

/// `ln 2F1(a, b; c; z)` for `a, b, c > 0` and `0 <= z < 1`, by direct summation of the series
/// `sum_k (a)_k (b)_k / ((c)_k k!) z^k` with the running term and sum rescaled whenever they grow
/// large, so the result stays finite for large parameters (frequency 1000 and more) where the terms
/// rise to `exp(hundreds)` before they fall. All terms are positive here, so there is no
/// cancellation. Generic over [`Real`], so the derivatives with respect to the parameters come out
/// exactly.
///
/// Returns NaN (never a panic) when the arguments are outside that domain or the series has not
/// converged after `max_terms` terms (z extremely close to 1).
pub fn ln_hyp2f1<T: Real>(a: T, b: T, c: T, z: T) -> T {
    const MAX_TERMS: usize = 2_000_000;
    const RESCALE: f64 = 1e200;
    let zv = z.value();
    if !(a.value() > 0.0 && b.value() > 0.0 && c.value() > 0.0 && (0.0..1.0).contains(&zv)) {
        return T::cst(f64::NAN);
    }
    if zv == 0.0 {
        // ln 2F1 = ab/c z + O(z^2): value 0 with the right first derivatives at z = 0.
        return a * b / c * z;
    }
    let mut term = T::cst(1.0);
    let mut sum = T::cst(1.0);
    let mut log_scale = 0.0;
    for k in 0..MAX_TERMS {
        let kf = k as f64;
        term = term * (a + kf) * (b + kf) / ((c + kf) * (kf + 1.0)) * z;
        sum = sum + term;
        if sum.value() > RESCALE {
            sum = sum / RESCALE;
            term = term / RESCALE;
            log_scale += RESCALE.ln();
        }
        // Terms decrease once the ratio (a+k)(b+k)z/((c+k)(k+1)) < 1; stop when negligible.
        let ratio = (a.value() + kf) * (b.value() + kf) * zv / ((c.value() + kf) * (kf + 1.0));
        if ratio < 1.0 && term.value() <= sum.value() * 1e-17 {
            return sum.ln() + log_scale;
        }
    }
    T::cst(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // 2F1(1, 1; 2; z) = -ln(1 - z) / z
        for z in [0.1, 0.5, 0.9, 0.99] {
            let want: f64 = -(1.0f64 - z).ln() / z;
            let got: f64 = ln_hyp2f1(1.0, 1.0, 2.0, z).exp();
            assert!((got - want).abs() < 1e-12 * want, "z={z}: {got} vs {want}");
        }
        // 2F1(a, b; b; z) = (1 - z)^-a
        let got: f64 = ln_hyp2f1(2.5, 3.0, 3.0, 0.3);
        assert!((got - (-2.5 * 0.7f64.ln())).abs() < 1e-13);
    }

    #[test]
    fn stays_finite_for_large_parameters() {
        let v: f64 = ln_hyp2f1(1000.2, 1002.4, 1003.1, 0.6);
        assert!(v.is_finite() && v > 0.0, "{v}");
        // Compare with (1-z)^-a for b == c.
        let w: f64 = ln_hyp2f1(1000.2, 1003.1, 1003.1, 0.6);
        assert!((w - (-1000.2 * 0.4f64.ln())).abs() < 1e-9 * w, "{w}");
    }

    #[test]
    fn outside_the_domain_is_nan() {
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0).is_nan());
        assert!(ln_hyp2f1(-1.0, 1.0, 2.0, 0.5).is_nan());
    }
}
