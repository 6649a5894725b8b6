//! A small BFGS minimiser with central-difference gradients, Brent's one-dimensional
//! minimiser, and a box-bounded Nelder-Mead simplex search (the one exponential smoothing and
//! Theta use).
//!
//! The ARIMA likelihood has few parameters (rarely more than 10) and is cheap to evaluate, so a
//! dense BFGS with numeric gradients (as R's `optim(method = "BFGS")` used by `stats::arima`) is
//! both simpler and faster than a general framework: no allocation per iteration beyond a few
//! vectors, and a line search that treats a non-finite objective as "step too long".

/// Settings of [`bfgs`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct BfgsOptions {
    /// Maximum number of iterations.
    pub max_iter: usize,
    /// Stop when the largest absolute gradient component falls below this.
    pub gtol: f64,
    /// Stop when an iteration improves the objective by less than `ftol * (|f| + ftol)`.
    pub ftol: f64,
    /// Forward instead of central differences for the gradient (half the evaluations).
    pub forward: bool,
}

impl Default for BfgsOptions {
    fn default() -> Self {
        BfgsOptions {
            max_iter: 200,
            gtol: 1e-7,
            ftol: 1e-12,
            forward: false,
        }
    }
}

/// Result of [`bfgs`].
#[derive(Clone, Debug)]
pub(crate) struct Minimum {
    /// Argmin.
    pub x: Vec<f64>,
    /// Objective at `x`.
    pub f: f64,
    /// Whether a stopping rule (not the iteration cap) ended the run.
    pub converged: bool,
}

/// Central-difference gradient of `f` at `x` into `g`; forward differences from `fx` when given.
pub(crate) fn gradient<F: FnMut(&[f64]) -> f64>(
    f: &mut F,
    x: &[f64],
    fx: Option<f64>,
    g: &mut [f64],
) {
    let mut xp = x.to_vec();
    if let Some(f0) = fx {
        for i in 0..x.len() {
            let h = 1e-6 * x[i].abs().max(1.0);
            xp[i] = x[i] + h;
            g[i] = (f(&xp) - f0) / h;
            xp[i] = x[i];
        }
        return;
    }
    for i in 0..x.len() {
        let h = 1e-5 * x[i].abs().max(1.0);
        xp[i] = x[i] + h;
        let fp = f(&xp);
        xp[i] = x[i] - h;
        let fm = f(&xp);
        xp[i] = x[i];
        g[i] = (fp - fm) / (2.0 * h);
    }
}

/// Minimises `f` from `x0` by BFGS with a backtracking (Armijo) line search.
pub(crate) fn bfgs<F: FnMut(&[f64]) -> f64>(mut f: F, x0: &[f64], opts: BfgsOptions) -> Minimum {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut fx = f(&x);
    if n == 0 || !fx.is_finite() {
        return Minimum {
            x,
            f: fx,
            converged: n == 0,
        };
    }
    let mut g = vec![0.0; n];
    gradient(&mut f, &x, opts.forward.then_some(fx), &mut g);
    // Inverse Hessian approximation, row-major.
    let mut h = identity(n);
    let mut dir = vec![0.0; n];
    let mut xn = vec![0.0; n];
    let mut gn = vec![0.0; n];
    let mut converged = false;
    for _ in 0..opts.max_iter {
        if g.iter().all(|v| v.abs() < opts.gtol) {
            converged = true;
            break;
        }
        for i in 0..n {
            dir[i] = -(0..n).map(|j| h[i * n + j] * g[j]).sum::<f64>();
        }
        let mut slope: f64 = dir.iter().zip(&g).map(|(d, gi)| d * gi).sum();
        if slope >= 0.0 || !slope.is_finite() {
            // Not a descent direction: restart from steepest descent.
            h = identity(n);
            dir.iter_mut().zip(&g).for_each(|(d, gi)| *d = -gi);
            slope = -g.iter().map(|v| v * v).sum::<f64>();
        }
        // Keep the first trial step modest in the unconstrained space.
        let norm = dir.iter().map(|v| v * v).sum::<f64>().sqrt();
        let mut step = if norm > 1.0 { 1.0 / norm } else { 1.0 };
        let mut accepted = false;
        let mut fnew = f64::INFINITY;
        for _ in 0..40 {
            for i in 0..n {
                xn[i] = x[i] + step * dir[i];
            }
            fnew = f(&xn);
            if fnew.is_finite() && fnew <= fx + 1e-4 * step * slope {
                accepted = true;
                break;
            }
            step *= 0.5;
        }
        if !accepted {
            // No progress possible along this direction: at the optimum up to numerical noise.
            converged = g.iter().all(|v| v.abs() < opts.gtol.sqrt());
            break;
        }
        gradient(&mut f, &xn, opts.forward.then_some(fnew), &mut gn);
        let improvement = fx - fnew;
        // BFGS update of the inverse Hessian.
        let s: Vec<f64> = (0..n).map(|i| xn[i] - x[i]).collect();
        let yv: Vec<f64> = (0..n).map(|i| gn[i] - g[i]).collect();
        let sy: f64 = s.iter().zip(&yv).map(|(a, b)| a * b).sum();
        if sy > 1e-12 {
            let hy: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| h[i * n + j] * yv[j]).sum())
                .collect();
            let yhy: f64 = yv.iter().zip(&hy).map(|(a, b)| a * b).sum();
            let c = (sy + yhy) / (sy * sy);
            for i in 0..n {
                for j in 0..n {
                    h[i * n + j] += c * s[i] * s[j] - (hy[i] * s[j] + s[i] * hy[j]) / sy;
                }
            }
        }
        x.copy_from_slice(&xn);
        g.copy_from_slice(&gn);
        fx = fnew;
        if improvement < opts.ftol * (fx.abs() + opts.ftol) {
            converged = true;
            break;
        }
    }
    Minimum {
        x,
        f: fx,
        converged,
    }
}

/// Brent's (1973, ch. 5) minimiser of a function of one variable on `[lower, upper]`:
/// golden-section steps safeguarding parabolic interpolation, stopping when the bracket around
/// the best point is below `2 (√ε |x| + tol / 3)`. This is the algorithm behind R's `optimize`,
/// with the same stopping rule, so results agree with R to the tolerance.
pub(crate) fn brent_min<F: FnMut(f64) -> f64>(mut f: F, lower: f64, upper: f64, tol: f64) -> f64 {
    let golden = 0.5 * (3.0 - 5f64.sqrt());
    let sqrt_eps = f64::EPSILON.sqrt();
    let (mut a, mut b) = (lower, upper);
    // x: best point so far; w: second best; v: previous value of w.
    let mut x = a + golden * (b - a);
    let (mut w, mut v) = (x, x);
    let mut fx = f(x);
    let (mut fw, mut fv) = (fx, fx);
    // d: the last step; e: the step before it.
    let (mut d, mut e) = (0.0f64, 0.0f64);
    let tol3 = tol / 3.0;
    loop {
        let xm = 0.5 * (a + b);
        let tol1 = sqrt_eps * x.abs() + tol3;
        let t2 = 2.0 * tol1;
        if (x - xm).abs() <= t2 - 0.5 * (b - a) {
            return x;
        }
        let (mut p, mut q, mut r) = (0.0, 0.0, 0.0);
        if e.abs() > tol1 {
            r = (x - w) * (fx - fv);
            q = (x - v) * (fx - fw);
            p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            } else {
                q = -q;
            }
            r = e;
            e = d;
        }
        if p.abs() >= (0.5 * q * r).abs() || p <= q * (a - x) || p >= q * (b - x) {
            e = if x < xm { b - x } else { a - x };
            d = golden * e;
        } else {
            d = p / q;
            let u = x + d;
            if u - a < t2 || b - u < t2 {
                d = if x >= xm { -tol1 } else { tol1 };
            }
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else if d > 0.0 {
            x + tol1
        } else {
            x - tol1
        };
        let fu = f(u);
        if fu <= fx {
            if u < x {
                b = x;
            } else {
                a = x;
            }
            (v, fv) = (w, fw);
            (w, fw) = (x, fx);
            (x, fx) = (u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv) = (w, fw);
                (w, fw) = (u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
}

/// Box-bounded Nelder-Mead, with the conventions statsforecast uses for ETS and Theta so that the
/// two land on the same optimum: the start is clamped into the box; the initial simplex moves
/// each coordinate by `init_step` (relative; `zero_pert` where it is zero); every trial point is
/// clamped into the box; the adaptive coefficients of Gao & Han (2012) (expansion `1 + 2/n`,
/// contraction `3/4 - 1/(2n)`, shrink `1 - 1/n`, reflection 1); the search stops when the
/// population standard deviation of the simplex's values falls below `tol_std` or after
/// `max_iter` iterations.
///
/// Returns the best vertex and its value.
pub(crate) fn nelder_mead<F: FnMut(&[f64]) -> f64>(
    mut f: F,
    x0: &[f64],
    lower: &[f64],
    upper: &[f64],
    tol_std: f64,
    max_iter: usize,
) -> (Vec<f64>, f64) {
    let n = x0.len();
    let clamp = |x: &mut [f64]| {
        for (i, v) in x.iter_mut().enumerate() {
            *v = v.max(lower[i]).min(upper[i]);
        }
    };
    let mut start = x0.to_vec();
    clamp(&mut start);
    if n == 0 {
        let fx = f(&start);
        return (start, fx);
    }
    let nf = n as f64;
    let (refl, expand, contract, shrink) =
        (1.0, 1.0 + 2.0 / nf, 0.75 - 1.0 / (2.0 * nf), 1.0 - 1.0 / nf);
    let (init_step, zero_pert) = (0.05, 1e-4);
    let mut simplex: Vec<Vec<f64>> = (0..=n).map(|_| start.clone()).collect();
    for (i, vertex) in simplex.iter_mut().take(n).enumerate() {
        let v = vertex[i];
        let moved = if v == 0.0 {
            zero_pert
        } else {
            v * (1.0 + init_step)
        };
        vertex[i] = moved.max(lower[i]).min(upper[i]);
    }
    let mut values: Vec<f64> = simplex.iter().map(|x| f(x)).collect();
    let mut order: Vec<usize> = (0..=n).collect();
    let mut centroid = vec![0.0; n];
    let mut trial = vec![0.0; n];
    let mut trial2 = vec![0.0; n];
    let mut best = 0;
    for _ in 0..max_iter {
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        best = order[0];
        let worst = order[n];
        let second_worst = order[n - 1];
        let mean = values.iter().sum::<f64>() / (nf + 1.0);
        let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (nf + 1.0);
        // A simplex with an infinite value has a NaN spread: keep searching, as statsforecast.
        if var.sqrt() < tol_std {
            break;
        }
        for (j, c) in centroid.iter_mut().enumerate() {
            *c = (simplex.iter().map(|x| x[j]).sum::<f64>() - simplex[worst][j]) / nf;
        }
        for j in 0..n {
            trial[j] = centroid[j] + refl * (centroid[j] - simplex[worst][j]);
        }
        clamp(&mut trial);
        let f_r = f(&trial);
        if values[best] <= f_r && f_r < values[second_worst] {
            simplex[worst].copy_from_slice(&trial);
            values[worst] = f_r;
            continue;
        }
        if f_r < values[best] {
            for j in 0..n {
                trial2[j] = centroid[j] + expand * (trial[j] - centroid[j]);
            }
            clamp(&mut trial2);
            let f_e = f(&trial2);
            if f_e < f_r {
                simplex[worst].copy_from_slice(&trial2);
                values[worst] = f_e;
            } else {
                simplex[worst].copy_from_slice(&trial);
                values[worst] = f_r;
            }
            continue;
        }
        if values[second_worst] <= f_r && f_r < values[worst] {
            // Outside contraction.
            for j in 0..n {
                trial2[j] = centroid[j] + contract * (trial[j] - centroid[j]);
            }
            clamp(&mut trial2);
            let f_oc = f(&trial2);
            if f_oc <= f_r {
                simplex[worst].copy_from_slice(&trial2);
                values[worst] = f_oc;
                continue;
            }
        } else {
            // Inside contraction.
            for j in 0..n {
                trial2[j] = centroid[j] - contract * (trial[j] - centroid[j]);
            }
            clamp(&mut trial2);
            let f_ic = f(&trial2);
            if f_ic < values[worst] {
                simplex[worst].copy_from_slice(&trial2);
                values[worst] = f_ic;
                continue;
            }
        }
        // Shrink towards the best vertex.
        let anchor = simplex[best].clone();
        for (k, vertex) in simplex.iter_mut().enumerate() {
            if k == best {
                continue;
            }
            for j in 0..n {
                vertex[j] = anchor[j] + shrink * (vertex[j] - anchor[j]);
            }
            clamp(vertex);
            values[k] = f(vertex);
        }
    }
    (simplex[best].clone(), values[best])
}

fn identity(n: usize) -> Vec<f64> {
    let mut h = vec![0.0; n * n];
    for i in 0..n {
        h[i * n + i] = 1.0;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brent_finds_interior_and_boundary_minima() {
        let x = brent_min(|x| (x - 0.7).powi(2) + 1.0, -1.0, 2.0, 1e-8);
        assert!((x - 0.7).abs() < 1e-6, "{x}");
        let x = brent_min(|x| (x - 1.3).abs().sqrt(), -1.0, 2.0, 1e-8);
        assert!((x - 1.3).abs() < 1e-6, "{x}");
        // Monotone: the minimum is at the upper bound (to the tolerance).
        let x = brent_min(|x| -x, -1.0, 2.0, 1e-6);
        assert!((x - 2.0).abs() < 1e-5, "{x}");
    }

    #[test]
    fn nelder_mead_respects_the_box_and_finds_the_minimum() {
        let (x, fx) = nelder_mead(
            |x| (x[0] - 0.3).powi(2) + (x[1] + 2.0).powi(2),
            &[0.5, 0.5],
            &[0.0, -1.0],
            &[1.0, 1.0],
            1e-12,
            2000,
        );
        assert!((x[0] - 0.3).abs() < 1e-4, "{x:?}");
        assert!((x[1] + 1.0).abs() < 1e-9, "the bound binds: {x:?}");
        assert!((fx - 1.0).abs() < 1e-6);
    }

    #[test]
    fn rosenbrock() {
        let m = bfgs(
            |x| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2),
            &[-1.2, 1.0],
            BfgsOptions {
                max_iter: 500,
                ..BfgsOptions::default()
            },
        );
        assert!(
            (m.x[0] - 1.0).abs() < 1e-4 && (m.x[1] - 1.0).abs() < 1e-4,
            "{m:?}"
        );
    }
}
