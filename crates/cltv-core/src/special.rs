//! Special functions: the Gauss hypergeometric function in log form.

use crate::real::Real;

/// `ln 2F1(a, b; c; z)` for `a, b, c > 0` and `0 <= z < 1`, by direct summation of the series
/// `sum_k (a)_k (b)_k / ((c)_k k!) z^k` with the running term and sums rescaled whenever they grow
/// large, so the result stays finite for large parameters (frequency 1000 and more) where the terms
/// rise to `exp(hundreds)` before they fall. All terms are positive here, so there is no
/// cancellation. Generic over [`Real`], so the derivatives with respect to the parameters come out
/// exactly.
///
/// The series runs in `f64`. The derivatives come from sums along the same series: with `t_k` the
/// `k`-th term, `d ln t_k = sum_{j<k} (da/(a+j) + db/(b+j) - dc/(c+j)) + k dz/z`, so
/// `d ln 2F1 = sum_k t_k d ln t_k / sum_k t_k`; the result is assembled as the value plus those
/// first-order terms, which is exact for [`Dual`](crate::real::Dual) numbers and costs a few
/// divisions per term instead of arithmetic on the whole gradient.
///
/// Returns NaN (never a panic) when the arguments are outside that domain or the series has not
/// converged after 40,000 terms (z very close to 1, e.g. a Pareto/NBD fit drifting to `s, β → ∞`):
/// the fits treat NaN as infeasible, so such a fit stops within seconds with a typed error instead
/// of crawling for minutes (with 250,000 terms a 400-customer fit took over a minute). No
/// reference fit comes near the bound.
pub fn ln_hyp2f1<T: Real>(a: T, b: T, c: T, z: T) -> T {
    const MAX_TERMS: usize = 40_000;
    const RESCALE: f64 = 1e200;
    let (av, bv, cv, zv) = (a.value(), b.value(), c.value(), z.value());
    if !(av > 0.0 && bv > 0.0 && cv > 0.0 && (0.0..1.0).contains(&zv)) {
        return T::cst(f64::NAN);
    }
    if zv == 0.0 {
        // ln 2F1 = ab/c z + O(z^2): value 0 with the right first derivatives at z = 0.
        return a * b / c * z;
    }
    let derivatives = T::DIFFERENTIATES;
    let mut term = 1.0;
    let mut sum = 1.0;
    // sum_k t_k d ln t_k / d(a, b, c, z) (times z for the last), and the running
    // sum_{j<k} 1/(a+j), 1/(b+j), 1/(c+j).
    let (mut sa, mut sb, mut sc, mut sz) = (0.0, 0.0, 0.0, 0.0);
    let (mut ia, mut ib, mut ic) = (0.0, 0.0, 0.0);
    let mut log_scale = 0.0;
    for k in 0..MAX_TERMS {
        let kf = k as f64;
        let ratio = (av + kf) * (bv + kf) * zv / ((cv + kf) * (kf + 1.0));
        term *= ratio;
        sum += term;
        if derivatives {
            ia += 1.0 / (av + kf);
            ib += 1.0 / (bv + kf);
            ic += 1.0 / (cv + kf);
            sa += term * ia;
            sb += term * ib;
            sc += term * ic;
            sz += term * (kf + 1.0);
        }
        if sum > RESCALE {
            sum /= RESCALE;
            term /= RESCALE;
            sa /= RESCALE;
            sb /= RESCALE;
            sc /= RESCALE;
            sz /= RESCALE;
            log_scale += RESCALE.ln();
        }
        // Terms decrease once the ratio (a+k)(b+k)z/((c+k)(k+1)) < 1; stop when negligible.
        if ratio < 1.0 && term <= sum * 1e-17 {
            let value = T::cst(sum.ln() + log_scale);
            if !derivatives {
                return value;
            }
            return value + (a - av) * (sa / sum) + (b - bv) * (sb / sum) - (c - cv) * (sc / sum)
                + (z - zv) * (sz / (sum * zv));
        }
    }
    T::cst(f64::NAN)
}

/// The series of `ln 2F1(a, b; c; z)` for fixed `a, b, c` and any `0 < z <= z_max`, for likelihoods
/// that evaluate the same `a, b, c` at many `z` (the Pareto/NBD terms of one frequency).
///
/// The coefficients `(a)_k (b)_k / ((c)_k k!)`, and for the derivatives the same coefficients times
/// `sum_{j<k} 1/(a+j)`, `sum_{j<k} 1/(b+j)`, `sum_{j<k} 1/(c+j)` and `k`, are computed once; each `z`
/// then costs five polynomial evaluations instead of a series with a division per term.
#[derive(Clone, Debug)]
pub(crate) struct Hyp2f1Series {
    /// Per power of `z`: the coefficient and its four derivative companions.
    terms: Vec<[f64; 5]>,
    z_max: f64,
}

impl Hyp2f1Series {
    /// The coefficients for `0 < z <= z_max`, up to the power where the series at `z_max` has
    /// converged as in [`ln_hyp2f1`]. `None` outside the domain, or where the coefficients or the sum
    /// get too large for `f64` without rescaling (very large frequencies): use [`ln_hyp2f1`] there.
    pub(crate) fn new(a: f64, b: f64, c: f64, z_max: f64) -> Option<Self> {
        const MAX_TERMS: usize = 10_000;
        const LIMIT: f64 = 1e250;
        if !(a > 0.0 && b > 0.0 && c > 0.0 && z_max > 0.0 && z_max < 1.0) {
            return None;
        }
        let mut terms = vec![[1.0, 0.0, 0.0, 0.0, 0.0]];
        let (mut coef, mut z_k, mut sum) = (1.0, 1.0, 1.0);
        let (mut ia, mut ib, mut ic) = (0.0, 0.0, 0.0);
        for k in 0..MAX_TERMS {
            let kf = k as f64;
            let ratio = (a + kf) * (b + kf) / ((c + kf) * (kf + 1.0));
            coef *= ratio;
            ia += 1.0 / (a + kf);
            ib += 1.0 / (b + kf);
            ic += 1.0 / (c + kf);
            terms.push([coef, coef * ia, coef * ib, coef * ic, coef * (kf + 1.0)]);
            z_k *= z_max;
            let term = coef * z_k;
            sum += term;
            if !(coef * (kf + 1.0) < LIMIT && sum < LIMIT) {
                return None;
            }
            if ratio * z_max < 1.0 && term <= sum * 1e-17 {
                return Some(Self { terms, z_max });
            }
        }
        None
    }

    /// `ln 2F1(a, b; c; z)` with the derivatives carried by `a, b, c, z` (whose values must be the
    /// ones the series was built for). `None` when `z` is outside `(0, z_max]` or the last term is
    /// not negligible at this `z` (the caller then sums the series directly).
    pub(crate) fn ln_eval<T: Real>(&self, a: T, b: T, c: T, z: T) -> Option<T> {
        let zv = z.value();
        if !(zv > 0.0 && zv <= self.z_max) {
            return None;
        }
        let mut s = [0.0; 5];
        for t in self.terms.iter().rev() {
            for (acc, coef) in s.iter_mut().zip(t) {
                *acc = *acc * zv + coef;
            }
        }
        let n = self.terms.len();
        let last = self.terms[n - 1][0] * zv.powi(i32::try_from(n - 1).ok()?);
        let [sum, sa, sb, sc, sz] = s;
        if !(sum >= 1.0 && last <= sum * 1e-17) {
            return None;
        }
        let value = T::cst(sum.ln());
        if !T::DIFFERENTIATES {
            return Some(value);
        }
        let (av, bv, cv) = (a.value(), b.value(), c.value());
        // The Horner sums are sum_k z^k coef_k {1, ia_k, ib_k, ic_k, k}: as in `ln_hyp2f1`.
        Some(
            value + (a - av) * (sa / sum) + (b - bv) * (sb / sum) - (c - cv) * (sc / sum)
                + (z - zv) * (sz / (sum * zv)),
        )
    }
}

/// The trigamma function `ψ₁(x) = d²/dx² ln Γ(x)`, for the exact Hessians of the likelihoods.
///
/// For `x > 0`: the recurrence `ψ₁(x) = ψ₁(x+1) + 1/x²` up to `x ≥ 10`, then the asymptotic series
/// `1/x + 1/(2x²) + Σ B₂ₖ/x^(2k+1)` (Abramowitz & Stegun 6.4.12), relative error below 1e-13.
/// Negative non-integers use the reflection `ψ₁(1-x) + ψ₁(x) = π²/sin²(πx)`; zero and negative
/// integers (poles) give `+∞`, NaN gives NaN.
pub fn trigamma(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        if x == x.floor() {
            return f64::INFINITY;
        }
        let s = (std::f64::consts::PI * x).sin();
        return std::f64::consts::PI * std::f64::consts::PI / (s * s) - trigamma(1.0 - x);
    }
    let mut x = x;
    let mut acc = 0.0;
    while x < 10.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let z = 1.0 / (x * x);
    // Bernoulli numbers B2 = 1/6, B4 = -1/30, B6 = 1/42, B8 = -1/30, B10 = 5/66, B12 = -691/2730.
    let series = z
        * (1.0 / 6.0
            + z * (-1.0 / 30.0
                + z * (1.0 / 42.0 + z * (-1.0 / 30.0 + z * (5.0 / 66.0 - z * 691.0 / 2730.0)))));
    acc + 1.0 / x + z / 2.0 + series / x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigamma_known_values() {
        let pi2 = std::f64::consts::PI * std::f64::consts::PI;
        for (x, want) in [
            (1.0, pi2 / 6.0),
            (0.5, pi2 / 2.0),
            (2.0, pi2 / 6.0 - 1.0),
            (0.25, pi2 + 8.0 * 0.915_965_594_177_219),
            (-0.5, pi2 / 2.0 + 4.0),
        ] {
            let got = trigamma(x);
            assert!(
                (got - want).abs() < 1e-12 * want,
                "psi1({x}) = {got}, want {want}"
            );
        }
        // Against central differences of statrs' digamma.
        for x in [0.03, 0.7, 3.3, 9.99, 10.0, 57.0, 1e4] {
            let h = 1e-5 * x;
            let fd = (statrs::function::gamma::digamma(x + h)
                - statrs::function::gamma::digamma(x - h))
                / (2.0 * h);
            assert!(
                (trigamma(x) - fd).abs() < 1e-6 * fd,
                "{x}: {} vs {fd}",
                trigamma(x)
            );
        }
        assert!(trigamma(0.0).is_infinite() && trigamma(-2.0).is_infinite());
        assert!(trigamma(f64::NAN).is_nan());
    }

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
    #[allow(clippy::unwrap_used)]
    fn series_matches_direct_summation_with_derivatives() {
        use crate::real::Dual;
        for (a, b, c, z_max) in [
            (1.3, 0.6, 2.3, 0.09),
            (31.2, 30.5, 32.2, 0.4),
            (0.8, 1.6, 1.8, 0.9),
        ] {
            let series = Hyp2f1Series::new(a, b, c, z_max).unwrap();
            for z in [z_max, 0.5 * z_max, 1e-3 * z_max] {
                let d = |v: f64, i: usize| Dual::<4>::var(v, i);
                let (fast, direct) = (
                    series.ln_eval(d(a, 0), d(b, 1), d(c, 2), d(z, 3)).unwrap(),
                    ln_hyp2f1(d(a, 0), d(b, 1), d(c, 2), d(z, 3)),
                );
                assert!((fast.v - direct.v).abs() < 1e-13 * direct.v.abs().max(1.0));
                for k in 0..4 {
                    let tol = 1e-12 * direct.d[k].abs().max(1.0);
                    assert!(
                        (fast.d[k] - direct.d[k]).abs() < tol,
                        "{k}: {fast:?} {direct:?}"
                    );
                }
                let value: f64 = series.ln_eval(a, b, c, z).unwrap();
                assert!((value - fast.v).abs() < 1e-15 * value.abs().max(1.0));
            }
            // Outside (0, z_max] the caller sums directly.
            assert!(series.ln_eval(a, b, c, 1.01 * z_max).is_none());
        }
        // Too large for f64 coefficients: no series.
        assert!(Hyp2f1Series::new(5000.0, 5000.0, 5001.0, 0.9).is_none());
    }

    #[test]
    fn outside_the_domain_is_nan() {
        assert!(ln_hyp2f1(1.0, 1.0, 2.0, 1.0).is_nan());
        assert!(ln_hyp2f1(-1.0, 1.0, 2.0, 0.5).is_nan());
    }
}
