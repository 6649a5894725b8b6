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
//! stationary initial state `α₁ ~ N(0, P₀)`, `P₀ = T P₀ T' + R R'`.
//!
//! Three properties of this form keep a likelihood evaluation at `O(p³ + n r)` flops (and a full
//! filter pass, with the final state and covariance, at `O(p³ + n r²/2)`):
//!
//! * `P₀` needs no Lyapunov solve. Unrolling the transition gives
//!   `α_t[j] = Σ_{m≥1} φ_{j+m-1} w_{t-m} + Σ_{m≥0} θ_{j+m} ε_{t-m}`, so the first row of `P₀` is
//!   `P₀[0][j] = Σ_m φ_{j+m-1} γ(m) + Σ_m θ_{j+m} ψ_m` from the ARMA autocovariances `γ` and
//!   ψ-weights; every other entry follows from the one below and to the right,
//!   `P[i][j] = φ_i φ_j γ(0) + φ_i P[0][j+1] + φ_j P[0][i+1] + P[i+1][j+1] + θ_i θ_j`
//!   (the Lyapunov equation written out for a companion `T`). The autocovariances solve a
//!   `(p+1) × (p+1)` linear system (Brockwell & Davis 1991, §3.3, method 2).
//! * The observation is exact (no measurement noise), so the filtered covariance has a zero
//!   first row and column and the prediction step is a shift:
//!   `P_{t+1}[i][j] = P_t[i+1][j+1] - P_t[0][i+1] P_t[0][j+1] / F_t + θ_i θ_j`, with no product
//!   by `T` at all. Only the upper triangle is stored and updated, in place.
//! * When only the likelihood is needed, the Chandrasekhar recursions propagate the rank-one
//!   change `P_{t+1} - P_t` instead of `P` ([`chandrasekhar_filter`]): `O(r)` per step.
//!
//! Once `P` has converged to its steady state (changes below 1e-13) the covariance recursion is
//! skipped.

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

    /// Stationary covariance `P₀` solving `P = T P T' + R R'` (row-major `r × r`, both
    /// triangles), from the autocovariances as the module documentation describes; `None` when
    /// the AR part has a (numerical) unit root.
    pub fn initial_covariance(&self) -> Option<Vec<f64>> {
        let r = self.r;
        let (mut row0, gamma) = self.initial_first_row()?;
        let mut p = vec![0.0; r * r];
        p[..r].copy_from_slice(&row0);
        row0.push(0.0);
        let g0 = gamma[0];
        for i in (1..r).rev() {
            for j in (i..r).rev() {
                let below = if j + 1 < r {
                    p[(i + 1) * r + j + 1]
                } else {
                    0.0
                };
                p[i * r + j] = self.phi[i] * self.phi[j] * g0
                    + self.phi[i] * row0[j + 1]
                    + self.phi[j] * row0[i + 1]
                    + below
                    + self.rvec[i] * self.rvec[j];
            }
        }
        for i in 0..r {
            for j in 0..i {
                p[i * r + j] = p[j * r + i];
            }
        }
        (p.iter().all(|v| v.is_finite()) && p[0] > 0.0).then_some(p)
    }

    /// The first row of `P₀`, `P₀[0][j] = Σ_m φ_{j+m-1} γ(m) + Σ_m θ_{j+m} ψ_m`, and the
    /// autocovariances `γ(0..=r)` it came from (all the Chandrasekhar recursions need of `P₀`).
    fn initial_first_row(&self) -> Option<(Vec<f64>, Vec<f64>)> {
        let r = self.r;
        let phi = &self.phi[..self.p];
        let theta = &self.rvec[1..];
        let psi = psi_weights(phi, theta, r);
        let gamma = arma_acovf(phi, theta, &psi, r)?;
        let row: Vec<f64> = (0..r)
            .map(|j| {
                let ar: f64 = (1..=r - j).map(|m| self.phi[j + m - 1] * gamma[m]).sum();
                let ma: f64 = (0..r - j).map(|m| self.rvec[j + m] * psi[m]).sum();
                ar + ma
            })
            .collect();
        (row.iter().all(|v| v.is_finite()) && row[0] > 0.0).then_some((row, gamma))
    }
}

/// ψ-weights `ψ_0 … ψ_{len-1}` of the MA(∞) form of `φ(B) w = θ(B) ε` (`ψ_0 = 1`).
fn psi_weights(phi: &[f64], theta: &[f64], len: usize) -> Vec<f64> {
    let mut psi = vec![0.0; len.max(theta.len() + 1)];
    psi[0] = 1.0;
    for j in 1..psi.len() {
        let ma = theta.get(j - 1).copied().unwrap_or(0.0);
        psi[j] = ma
            + (1..=phi.len().min(j))
                .map(|i| phi[i - 1] * psi[j - i])
                .sum::<f64>();
    }
    psi
}

/// Autocovariances `γ(0) … γ(maxlag)` of the ARMA process with unit innovation variance.
///
/// With `c_k = Σ_{j=k}^{q} θ_j ψ_{j-k}` (`θ_0 = 1`), `γ(k) - Σ_i φ_i γ(|k - i|) = c_k` for
/// `k = 0 … p` is solved by Gaussian elimination with partial pivoting, and the higher lags follow
/// from `γ(k) = Σ_i φ_i γ(k - i) + c_k`. `None` when the system is singular (a unit AR root).
fn arma_acovf(phi: &[f64], theta: &[f64], psi: &[f64], maxlag: usize) -> Option<Vec<f64>> {
    let p = phi.len();
    let q = theta.len();
    let c = |k: usize| -> f64 {
        if k > q {
            return 0.0;
        }
        (k..=q)
            .map(|j| {
                let th = if j == 0 { 1.0 } else { theta[j - 1] };
                th * psi[j - k]
            })
            .sum()
    };
    let mut gamma = vec![0.0; maxlag.max(p) + 1];
    if p > 0 {
        let m = p + 1;
        let mut a = vec![0.0; m * m];
        let mut b: Vec<f64> = (0..m).map(c).collect();
        for k in 0..m {
            a[k * m + k] += 1.0;
            for i in 1..=p {
                a[k * m + k.abs_diff(i)] -= phi[i - 1];
            }
        }
        for col in 0..m {
            let piv = (col..m)
                .max_by(|&x, &y| a[x * m + col].abs().total_cmp(&a[y * m + col].abs()))
                .unwrap_or(col);
            if a[piv * m + col].abs() < 1e-13 {
                return None;
            }
            if piv != col {
                for j in 0..m {
                    a.swap(col * m + j, piv * m + j);
                }
                b.swap(col, piv);
            }
            let d = a[col * m + col];
            for row in col + 1..m {
                let f = a[row * m + col] / d;
                if f != 0.0 {
                    for j in col..m {
                        a[row * m + j] -= f * a[col * m + j];
                    }
                    b[row] -= f * b[col];
                }
            }
        }
        for row in (0..m).rev() {
            let s: f64 = (row + 1..m).map(|j| a[row * m + j] * gamma[j]).sum();
            gamma[row] = (b[row] - s) / a[row * m + row];
        }
    }
    let first = if p > 0 { p + 1 } else { 0 };
    for k in first..=maxlag.max(p) {
        gamma[k] = (1..=p).map(|i| phi[i - 1] * gamma[k - i]).sum::<f64>() + c(k);
    }
    (gamma[0] > 0.0 && gamma.iter().all(|v| v.is_finite())).then_some(gamma)
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
///
/// With `full`, the predicted covariance is kept in the upper triangle of `p` (row-major
/// `r × r`) and advanced in place by the shift update of the module documentation, and the
/// innovations, the final state and its covariance are returned; without, only the likelihood's
/// sums are, from the Chandrasekhar recursions ([`chandrasekhar_filter`]) at `O(r)` per step.
pub(crate) fn filter(ss: &StateSpace, w: &[f64], mu: f64, full: bool) -> Option<FilterOutput> {
    if full {
        covariance_filter(ss, w, mu, true)
    } else {
        chandrasekhar_filter(ss, w, mu)
    }
}

/// The Kalman filter with the covariance recursion (what [`filter`] runs when the innovations,
/// the final state and its covariance are wanted).
fn covariance_filter(ss: &StateSpace, w: &[f64], mu: f64, full: bool) -> Option<FilterOutput> {
    let r = ss.r;
    let mut p = ss.initial_covariance()?;
    let mut a = vec![0.0; r];
    let mut col = vec![0.0; r + 1];
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
        // col = P[0][·] (= P[·][0]); the gain is col / F.
        col[..r].copy_from_slice(&p[..r]);
        let vf = v / f;
        for i in 0..r {
            a[i] += col[i] * vf;
        }
        if full && t + 1 == n {
            let mut pu = vec![0.0; r * r];
            for i in 0..r {
                for j in i..r {
                    let m = p[i * r + j] - col[i] * col[j] / f;
                    pu[i * r + j] = m;
                    pu[j * r + i] = m;
                }
            }
            out.state = a.clone();
            out.covariance = pu;
        }
        // Predict: a = T a.
        let a0 = a[0];
        for i in 0..r {
            let below = if i + 1 < r { a[i + 1] } else { 0.0 };
            a[i] = ss.phi[i] * a0 + below;
        }
        if !steady {
            // P[i][j] <- P[i+1][j+1] - col[i+1] col[j+1] / F + R_i R_j (j >= i), in place:
            // row i reads row i + 1, which is rewritten after it.
            let mut change = 0.0f64;
            let finv = 1.0 / f;
            for i in 0..r - 1 {
                let ri = ss.rvec[i];
                let ci = col[i + 1] * finv;
                let (head, tail) = p.split_at_mut((i + 1) * r);
                let row = &mut head[i * r + i..i * r + r - 1];
                let next = &tail[i + 1..r];
                for (((pv, &nx), &c), &rj) in row
                    .iter_mut()
                    .zip(next)
                    .zip(&col[i + 1..r])
                    .zip(&ss.rvec[i..r - 1])
                {
                    let new = nx - ci * c + ri * rj;
                    let d = (new - *pv).abs();
                    change = if d > change { d } else { change };
                    *pv = new;
                }
            }
            // Last column: P[i][r-1] = R_i R_{r-1} (nothing shifts in from beyond the state).
            let rl = ss.rvec[r - 1];
            for i in 0..r {
                let new = ss.rvec[i] * rl;
                let d = (new - p[i * r + r - 1]).abs();
                change = if d > change { d } else { change };
                p[i * r + r - 1] = new;
            }
            if change < 1e-13 {
                steady = true;
            }
        }
    }
    Some(out)
}

/// The likelihood's sums by the Chandrasekhar recursions (Morf, Sidhu & Kailath 1974; Herbst
/// 2015): for a time-invariant model the change of the predicted covariance,
/// `ΔP_t = P_{t+1} - P_t`, keeps the rank of `ΔP_0`, and from the stationary `P₀`,
/// `ΔP_0 = -K̄₀ K̄₀' / F₀` has rank one (`K̄_t = T P_t Z'`). With `ΔP_t = m_t W_t W_t'`:
///
/// ```text
/// F_{t+1} = F_t + m_t W_t[0]²            K̄_{t+1} = K̄_t + m_t W_t[0] T W_t
/// W_{t+1} = T W_t - (W_t[0] / F_t) K̄_t   m_{t+1} = m_t - m_t² W_t[0]² / F_{t+1}
/// ```
///
/// so a step costs `O(r)` instead of the `O(r²)` of the covariance recursion; `P` itself is
/// never formed after `P₀`'s first column. The state follows `a_{t+1} = T a_t + K̄_t v_t / F_t`.
fn chandrasekhar_filter(ss: &StateSpace, w: &[f64], mu: f64) -> Option<FilterOutput> {
    let r = ss.r;
    // Only P₀'s first row is needed (its first column, by symmetry).
    let (p0, _) = ss.initial_first_row()?;
    let tmul = |x: &[f64], out: &mut [f64]| {
        let x0 = x[0];
        for i in 0..r {
            out[i] = ss.phi[i] * x0 + if i + 1 < r { x[i + 1] } else { 0.0 };
        }
    };
    let mut f = p0[0];
    // K̄ = T P₀ Z' = T (first column of P₀, equal to its first row).
    let mut kbar = vec![0.0; r];
    tmul(&p0, &mut kbar);
    let mut wv = kbar.clone();
    let mut m = -1.0 / f;
    let mut a = vec![0.0; r];
    let mut ta = vec![0.0; r];
    let mut tw = vec![0.0; r];
    let mut out = FilterOutput {
        n: w.len(),
        ..FilterOutput::default()
    };
    for &wt in w {
        if f.is_nan() || f <= 0.0 || !f.is_finite() {
            return None;
        }
        let v = wt - mu - a[0];
        out.ssq += v * v / f;
        out.sumlog += f.ln();
        // a <- T a + K̄ v / F
        tmul(&a, &mut ta);
        let vf = v / f;
        for i in 0..r {
            a[i] = ta[i] + kbar[i] * vf;
        }
        // Recursions for F, K̄, W, m.
        let w0 = wv[0];
        let fnext = f + m * w0 * w0;
        tmul(&wv, &mut tw);
        let c = w0 / f;
        let mw0 = m * w0;
        for i in 0..r {
            let kb = kbar[i];
            kbar[i] = kb + mw0 * tw[i];
            wv[i] = tw[i] - c * kb;
        }
        m -= m * m * w0 * w0 / fnext;
        f = fnext;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    /// Dense `T M T'` for the reference implementations below.
    fn dense_t(ss: &StateSpace) -> Vec<f64> {
        let r = ss.r;
        let mut t = vec![0.0; r * r];
        for i in 0..r {
            t[i * r] = ss.phi[i];
            if i + 1 < r {
                t[i * r + i + 1] = 1.0;
            }
        }
        t
    }

    fn dense_tmt(ss: &StateSpace, m: &[f64]) -> Vec<f64> {
        let r = ss.r;
        let t = dense_t(ss);
        let mut tm = vec![0.0; r * r];
        let mut out = vec![0.0; r * r];
        matmul(&t, m, &mut tm, r);
        matmul_bt(&tm, &t, &mut out, r);
        out
    }

    /// `P₀` by the fixed-point iteration `P <- T P T' + RR'` run to convergence.
    fn reference_p0(ss: &StateSpace) -> Vec<f64> {
        let r = ss.r;
        let rr: Vec<f64> = (0..r * r)
            .map(|k| ss.rvec[k / r] * ss.rvec[k % r])
            .collect();
        let mut p = rr.clone();
        for _ in 0..20_000 {
            let next: Vec<f64> = dense_tmt(ss, &p)
                .iter()
                .zip(&rr)
                .map(|(a, b)| a + b)
                .collect();
            let change = next
                .iter()
                .zip(&p)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            p = next;
            if change < 1e-15 {
                break;
            }
        }
        p
    }

    /// Textbook dense Kalman filter (filtered covariance, then `T P T' + RR'`).
    fn reference_filter(ss: &StateSpace, w: &[f64], mu: f64) -> (f64, f64, Vec<f64>, Vec<f64>) {
        let r = ss.r;
        let mut p = reference_p0(ss);
        let mut a = vec![0.0; r];
        let (mut ssq, mut sumlog) = (0.0, 0.0);
        let mut last = (Vec::new(), Vec::new());
        for (t, &wt) in w.iter().enumerate() {
            let v = wt - mu - a[0];
            let f = p[0];
            ssq += v * v / f;
            sumlog += f.ln();
            let col: Vec<f64> = (0..r).map(|i| p[i * r]).collect();
            for i in 0..r {
                a[i] += col[i] * v / f;
            }
            let pu: Vec<f64> = (0..r * r)
                .map(|k| p[k] - col[k / r] * col[k % r] / f)
                .collect();
            if t + 1 == w.len() {
                last = (a.clone(), pu.clone());
            }
            let a0 = a[0];
            for i in 0..r {
                a[i] = ss.phi[i] * a0 + if i + 1 < r { a[i + 1] } else { 0.0 };
            }
            p = dense_tmt(ss, &pu);
            for (k, pk) in p.iter_mut().enumerate() {
                *pk += ss.rvec[k / r] * ss.rvec[k % r];
            }
        }
        (ssq, sumlog, last.0, last.1)
    }

    fn models() -> Vec<StateSpace> {
        let sar = |phi: &[f64], sphi: &[f64], s: usize| {
            let mut out = vec![0.0; phi.len() + s * sphi.len()];
            out[..phi.len()].copy_from_slice(phi);
            for (k, sp) in sphi.iter().enumerate() {
                let lag = s * (k + 1);
                out[lag - 1] += sp;
                for (i, ph) in phi.iter().enumerate() {
                    out[lag + i] -= ph * sp;
                }
            }
            out
        };
        vec![
            StateSpace::new(&[0.6], &[]),
            StateSpace::new(&[], &[0.4, -0.3]),
            StateSpace::new(&[0.5, -0.2], &[0.3]),
            StateSpace::new(&[1.2, -0.5], &[-0.4, 0.2, 0.1]),
            StateSpace::new(&sar(&[0.3], &[0.5], 4), &[0.2]),
            StateSpace::new(&sar(&[0.4, -0.2], &[0.6, 0.3], 12), &[0.3, 0.1]),
            StateSpace::new(&sar(&[], &[0.9], 12), &[0.5]),
            StateSpace::new(&[0.97], &[0.5, 0.5]),
        ]
    }

    #[test]
    fn initial_covariance_solves_the_lyapunov_equation() {
        for ss in models() {
            let p = ss.initial_covariance().unwrap_or_default();
            let want = reference_p0(&ss);
            let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            for (k, (g, w)) in p.iter().zip(&want).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-10 * scale,
                    "r={} entry {k}: {g} vs {w}",
                    ss.r
                );
            }
        }
    }

    #[test]
    fn filter_matches_the_dense_textbook_filter() {
        let w: Vec<f64> = (0..60)
            .map(|t| ((t * 37 % 11) as f64 - 5.0) * 0.3 + (t as f64 * 0.7).sin())
            .collect();
        for ss in models() {
            let got = filter(&ss, &w, 0.1, true).expect("a stationary model is accepted");
            let (ssq, sumlog, state, cov) = reference_filter(&ss, &w, 0.1);
            assert!((got.ssq - ssq).abs() < 1e-9 * ssq, "{} vs {ssq}", got.ssq);
            assert!(
                (got.sumlog - sumlog).abs() < 1e-9,
                "{} vs {sumlog}",
                got.sumlog
            );
            for (g, w) in got.state.iter().zip(&state) {
                assert!((g - w).abs() < 1e-9, "{g} vs {w}");
            }
            for (g, w) in got.covariance.iter().zip(&cov) {
                assert!((g - w).abs() < 1e-9, "{g} vs {w}");
            }
        }
    }

    #[test]
    fn chandrasekhar_matches_the_covariance_recursion() {
        let w: Vec<f64> = (0..200)
            .map(|t| ((t * 37 % 11) as f64 - 5.0) * 0.3 + (t as f64 * 0.7).sin())
            .collect();
        for ss in models() {
            let fast = chandrasekhar_filter(&ss, &w, 0.1).expect("stationary model");
            let full = covariance_filter(&ss, &w, 0.1, false).expect("stationary model");
            assert!(
                (fast.ssq - full.ssq).abs() < 1e-9 * full.ssq,
                "r={}: {} vs {}",
                ss.r,
                fast.ssq,
                full.ssq
            );
            assert!(
                (fast.sumlog - full.sumlog).abs() < 1e-9 * full.sumlog.abs().max(1.0),
                "r={}: {} vs {}",
                ss.r,
                fast.sumlog,
                full.sumlog
            );
        }
    }

    #[test]
    fn unit_root_is_rejected() {
        assert!(StateSpace::new(&[1.0], &[]).initial_covariance().is_none());
    }

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
