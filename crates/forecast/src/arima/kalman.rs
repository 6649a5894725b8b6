//! State-space form of a stationary ARMA model and its Kalman filter.
//!
//! Harvey's representation (Harvey 1989, §3.3; Durbin & Koopman 2012, §3.4): with
//! `r = max(p, q + 1)`, `φ` and `θ` padded with zeros to length `r`,
//!
//! ```text
//! w_t - μ = Z α_t,              Z = (1, 0, …, 0)
//! α_{t+1} = T α_t + R ε_{t+1},  T = [φ | I_{r-1} over 0],  R = (1, θ₁, …, θ_{r-1})'
//! ```
//!
//! The filter runs with `σ² = 1` (so `σ²` is concentrated out of the likelihood) from the exact
//! stationary initial state `α₁ ~ N(0, P₀)`, `P₀ = T P₀ T' + R R'`. Because `T` is a companion
//! matrix, `T P T'` costs `O(r²)` instead of `O(r³)`, and once `P` has converged to its steady
//! state (changes below 1e-13) the covariance recursion is skipped.

/// A stationary ARMA model in state-space form.
#[derive(Clone, Debug)]
pub(crate) struct StateSpace {
    /// State dimension.
    pub r: usize,
    /// First column of `T` (AR coefficients padded to `r`).
    pub phi: Vec<f64>,
    /// `R` (1 followed by the MA coefficients, padded to `r`).
    pub rvec: Vec<f64>,
    /// Number of nonzero AR coefficients (0 means pure MA).
    pub p: usize,
}

impl StateSpace {
    /// The model `1 - Σφ B` / `1 + Σθ B`.
    pub fn new(phi: &[f64], theta: &[f64]) -> Self {
        let r = phi.len().max(theta.len() + 1);
        let mut ph = vec![0.0; r];
        ph[..phi.len()].copy_from_slice(phi);
        let mut rv = vec![0.0; r];
        rv[0] = 1.0;
        rv[1..=theta.len()].copy_from_slice(theta);
        StateSpace {
            r,
            phi: ph,
            rvec: rv,
            p: phi.len(),
        }
    }

    /// `T M T'` for a symmetric `M` (row-major `r × r`) into `out`, using the companion form.
    fn tmt(&self, m: &[f64], tm: &mut [f64], out: &mut [f64]) {
        let r = self.r;
        // (T M)_{ij} = φ_i M_{0j} + M_{i+1,j}
        for i in 0..r {
            for j in 0..r {
                let below = if i + 1 < r { m[(i + 1) * r + j] } else { 0.0 };
                tm[i * r + j] = self.phi[i] * m[j] + below;
            }
        }
        // (T M T')_{ij} = (TM)_{i0} φ_j + (TM)_{i,j+1}
        for i in 0..r {
            let ti0 = tm[i * r];
            for j in 0..r {
                let right = if j + 1 < r { tm[i * r + j + 1] } else { 0.0 };
                out[i * r + j] = ti0 * self.phi[j] + right;
            }
        }
    }

    /// Stationary covariance `P₀` solving `P = T P T' + R R'`.
    ///
    /// The recursion `P ← T P T' + RR'` (exact after `r` steps for pure MA, where `T` is
    /// nilpotent); when it has not converged after `2r` steps, the doubling algorithm
    /// `P ← P + A P A'`, `A ← A²` (quadratic convergence).
    pub fn initial_covariance(&self) -> Option<Vec<f64>> {
        let r = self.r;
        let mut q = vec![0.0; r * r];
        for i in 0..r {
            for j in 0..r {
                q[i * r + j] = self.rvec[i] * self.rvec[j];
            }
        }
        // Fixed-point iteration P <- T P T' + RR' at O(r^2) per step (companion form): exact after
        // r steps for pure MA, geometric convergence otherwise; fall back to doubling when the AR
        // part is close to a unit root and this is slow.
        {
            let mut p = q.clone();
            let mut tm = vec![0.0; r * r];
            let mut out = vec![0.0; r * r];
            let limit = if self.p == 0 { r } else { 2 * r };
            for it in 0..limit {
                self.tmt(&p, &mut tm, &mut out);
                let mut change = 0.0f64;
                let mut size = 0.0f64;
                for k in 0..r * r {
                    let v = out[k] + q[k];
                    change = change.max((v - p[k]).abs());
                    size = size.max(v.abs());
                    p[k] = v;
                }
                if !size.is_finite() {
                    return None;
                }
                if self.p == 0 && it + 1 == limit || change <= 1e-14 * size {
                    return Some(p);
                }
            }
        }
        let mut a = vec![0.0; r * r];
        for i in 0..r {
            a[i * r] = self.phi[i];
            if i + 1 < r {
                a[i * r + i + 1] = 1.0;
            }
        }
        let mut p = q;
        let mut ap = vec![0.0; r * r];
        let mut apa = vec![0.0; r * r];
        let mut a2 = vec![0.0; r * r];
        for _ in 0..80 {
            matmul(&a, &p, &mut ap, r);
            matmul_bt(&ap, &a, &mut apa, r);
            let mut inc = 0.0f64;
            let mut size = 0.0f64;
            for k in 0..r * r {
                p[k] += apa[k];
                inc = inc.max(apa[k].abs());
                size = size.max(p[k].abs());
            }
            if !size.is_finite() {
                return None;
            }
            if inc <= 1e-15 * size {
                return Some(p);
            }
            matmul(&a, &a, &mut a2, r);
            std::mem::swap(&mut a, &mut a2);
        }
        Some(p)
    }
}

/// `C = A B` for `r × r` row-major matrices.
pub(crate) fn matmul(a: &[f64], b: &[f64], c: &mut [f64], r: usize) {
    c.iter_mut().for_each(|v| *v = 0.0);
    for i in 0..r {
        for k in 0..r {
            let aik = a[i * r + k];
            if aik == 0.0 {
                continue;
            }
            for j in 0..r {
                c[i * r + j] += aik * b[k * r + j];
            }
        }
    }
}

/// `C = A Bᵀ` for `r × r` row-major matrices.
pub(crate) fn matmul_bt(a: &[f64], b: &[f64], c: &mut [f64], r: usize) {
    for i in 0..r {
        for j in 0..r {
            c[i * r + j] = (0..r).map(|k| a[i * r + k] * b[j * r + k]).sum();
        }
    }
}

/// What the filter returns.
#[derive(Clone, Debug, Default)]
pub(crate) struct FilterOutput {
    /// `Σ v_t² / F_t` (with σ² = 1).
    pub ssq: f64,
    /// `Σ ln F_t`.
    pub sumlog: f64,
    /// Number of observations used.
    pub n: usize,
    /// Innovations `v_t` (only when requested).
    pub innovations: Vec<f64>,
    /// Innovation variances `F_t` with σ² = 1 (only when requested).
    pub variances: Vec<f64>,
    /// Filtered state `a_{n|n}` (only when requested).
    pub state: Vec<f64>,
    /// Filtered state covariance `P_{n|n}` with σ² = 1 (only when requested).
    pub covariance: Vec<f64>,
}

impl FilterOutput {
    /// Log-likelihood with σ² concentrated out: `σ̂² = ssq / n`.
    pub fn concentrated_loglik(&self) -> f64 {
        let n = self.n as f64;
        let s2 = self.ssq / n;
        -0.5 * (n * ((2.0 * std::f64::consts::PI).ln() + s2.ln() + 1.0) + self.sumlog)
    }
}

/// Runs the Kalman filter over `w - mu`. Returns `None` when the likelihood cannot be evaluated
/// (non-stationary initialisation, non-positive innovation variance).
pub(crate) fn filter(ss: &StateSpace, w: &[f64], mu: f64, full: bool) -> Option<FilterOutput> {
    let r = ss.r;
    let mut p = ss.initial_covariance()?;
    let mut a = vec![0.0; r];
    let mut pu = vec![0.0; r * r];
    let mut tm = vec![0.0; r * r];
    let mut pnew = vec![0.0; r * r];
    let mut col = vec![0.0; r];
    let mut out = FilterOutput {
        n: w.len(),
        ..FilterOutput::default()
    };
    if full {
        out.innovations.reserve(w.len());
        out.variances.reserve(w.len());
    }
    let mut steady = false;
    let n = w.len();
    for (t, &wt) in w.iter().enumerate() {
        let v = wt - mu - a[0];
        let f = p[0];
        if f.is_nan() || f <= 0.0 || !f.is_finite() {
            return None;
        }
        out.ssq += v * v / f;
        out.sumlog += f.ln();
        if full {
            out.innovations.push(v);
            out.variances.push(f);
        }
        for i in 0..r {
            col[i] = p[i * r];
        }
        // Update: a += K v with K = P[:,0] / F.
        for i in 0..r {
            a[i] += col[i] / f * v;
        }
        let last = t + 1 == n;
        if !steady || last {
            for i in 0..r {
                for j in 0..r {
                    pu[i * r + j] = p[i * r + j] - col[i] * col[j] / f;
                }
            }
        }
        if last && full {
            out.state = a.clone();
            out.covariance = pu.clone();
        }
        // Predict: a = T a.
        let a0 = a[0];
        for i in 0..r {
            let below = if i + 1 < r { a[i + 1] } else { 0.0 };
            a[i] = ss.phi[i] * a0 + below;
        }
        if !steady {
            ss.tmt(&pu, &mut tm, &mut pnew);
            let mut change = 0.0f64;
            for i in 0..r {
                for j in 0..r {
                    let k = i * r + j;
                    pnew[k] += ss.rvec[i] * ss.rvec[j];
                    change = change.max((pnew[k] - p[k]).abs());
                }
            }
            std::mem::swap(&mut p, &mut pnew);
            if change < 1e-13 {
                steady = true;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ar1_initial_variance() {
        let ss = StateSpace::new(&[0.6], &[]);
        let p = ss.initial_covariance().unwrap_or_default();
        assert!((p[0] - 1.0 / (1.0 - 0.36)).abs() < 1e-12);
    }

    #[test]
    fn arma11_initial_variance() {
        // Var of ARMA(1,1): (1 + 2φθ + θ²) / (1 - φ²)
        let (phi, th) = (0.5, 0.4);
        let ss = StateSpace::new(&[phi], &[th]);
        let p = ss.initial_covariance().unwrap_or_default();
        let want = (1.0 + 2.0 * phi * th + th * th) / (1.0 - phi * phi);
        assert!((p[0] - want).abs() < 1e-12, "{} vs {want}", p[0]);
    }
}
