//! Time-varying covariates on the purchase process of the BG/NBD and MBG/NBD models (which no
//! peer offers: CLVTools has them for the Pareto/NBD only).
//!
//! A customer's purchase rate moves with covariates that change over time (a promotion week, a
//! season, a price level): `λ_i(t) = λ_i · exp(γ' z_i(t))`, with `z_i` piecewise constant over
//! periods. With the operational time `B_i(t) = ∫_0^t exp(γ' z_i(u)) du`, purchases are a
//! homogeneous Poisson process of rate `λ_i` in `B`, and the dropout (a coin after each purchase)
//! does not depend on time, so the model is the plain BG/NBD (or MBG/NBD) in operational time. A
//! customer with `x` repeat purchases at `t_1 < … < t_x`, observed for `T`, has
//!
//! ```text
//! ln L_i = Σ_j γ' z_i(t_j) + ln L_BG/NBD(r, α, a, b | x, B_i(t_x), B_i(T))
//! ```
//!
//! (the first sum is the Jacobian of the time change). Every prediction is the plain model's on
//! the history `(x, B(t_x), B(T))` and the horizon `B(T + t) − B(T)`, which needs the customer's
//! covariates over the horizon (a planned promotion, next season's calendar):
//! [`FittedTimeVarying::operational`] gives both.
//!
//! With `γ = 0`, `B(t) = t` and everything is the plain model's. The fit maximises the
//! likelihood over `(ln r, ln α, ln a, ln b, γ)` from the plain fit and `γ = 0` by L-BFGS, with
//! exact gradients: dual numbers over `(r, α, a, b, B(T), B(t_x))` chained to `γ` through
//! `∂B(t)/∂γ = ∫_0^t z(u) exp(γ' z(u)) du`; standard errors from the observed information
//! (central differences of that gradient). tests/time_varying.rs recovers known coefficients on
//! simulated data.
//!
//! ## Example
//!
//! ```
//! use custalyze_cltv_core::covariates::BaseModel;
//! use custalyze_cltv_core::time_varying::{CovariatePath, TimeVarying, TimeVaryingCustomer};
//! use custalyze_cltv_core::PurchaseModel;
//! use rand::{Rng, SeedableRng};
//! use rand_distr::{Beta, Distribution, Gamma, Poisson};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // 3,000 BG/NBD customers over 39 weeks; in a promotion week (probability 1/4, per customer)
//! // the purchase rate doubles (γ = ln 2).
//! let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
//! let (rate, drop) = (Gamma::new(0.75, 0.25)?, Beta::new(0.8, 2.4)?);
//! let mut customers = vec![];
//! for _ in 0..3_000 {
//!     let (lambda, p): (f64, f64) = (rate.sample(&mut rng), drop.sample(&mut rng));
//!     let promo: Vec<f64> = (0..39).map(|_| f64::from(u8::from(rng.random::<f64>() < 0.25))).collect();
//!     let (mut times, mut alive) = (vec![], true);
//!     for (w, z) in promo.iter().enumerate() {
//!         let n = Poisson::new((lambda * (z * 2f64.ln()).exp()).max(1e-9))?.sample(&mut rng) as usize;
//!         let mut week: Vec<f64> = (0..n).map(|_| w as f64 + rng.random::<f64>()).collect();
//!         week.sort_by(f64::total_cmp);
//!         for t in week {
//!             if alive {
//!                 times.push(t);
//!                 alive = rng.random::<f64>() >= p;
//!             }
//!         }
//!     }
//!     let path = CovariatePath::regular(1.0, promo.iter().map(|z| vec![*z]).collect())?;
//!     customers.push(TimeVaryingCustomer::new(times, 39.0, path)?);
//! }
//! let fit = TimeVarying::params(BaseModel::BgNbd, vec!["promotion".into()]).fit(&customers)?;
//! let g = &fit.effects[0];
//! assert!((g.estimate - 2f64.ln()).abs() < 3.0 * g.standard_error.unwrap());
//! // Customer 3's history and a 13-week horizon with two promotion weeks, in operational time.
//! let next = CovariatePath::regular(1.0, (0..13).map(|w| vec![f64::from(u8::from(w % 6 == 0))]).collect())?;
//! let (history, horizon) = fit.operational(&customers[3], &next)?;
//! let expected = fit.customer_model().expected_purchases(horizon, &history)?;
//! assert!(expected >= 0.0);
//! # Ok(())
//! # }
//! ```

use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use rayon::prelude::*;

use crate::bgnbd::{BgNbd, BgNbdParameters};
use crate::clv::PurchaseModel;
use crate::covariates::{BaseModel, CovariateEffect, Process};
use crate::data::{Customer, MAX_MAGNITUDE, RfmData};
use crate::error::{Error, InvalidParameter, Result};
use crate::mbgnbd::{MbgNbd, MbgNbdParameters};
use crate::optim::{FitOptions, FitReport, MAX_LOG_PARAM};
use crate::real::{Dual, Real};

fn invalid(
    name: &'static str,
    value: impl std::fmt::Display,
    reason: impl Into<std::borrow::Cow<'static, str>>,
) -> Error {
    Error::InvalidParameter(InvalidParameter::new(name, value, reason))
}

/// Most periods of one [`CovariatePath`] (a weekly path of 2,000 years).
pub const MAX_PERIODS: usize = 100_000;

/// A customer's covariates over time: period `k` runs from `ends[k-1]` (0 for the first) to
/// `ends[k]`, times measured from her first purchase in the model's unit, and holds `values[k]`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CovariatePath {
    ends: Vec<f64>,
    /// Row-major `periods × k`.
    values: Vec<f64>,
    k: usize,
}

impl CovariatePath {
    /// A path from the ends of its periods and their values.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for no period, ends that do not increase from above 0, more
    /// than [`MAX_PERIODS`] periods, rows of different lengths or non-finite values.
    pub fn new(ends: Vec<f64>, values: Vec<Vec<f64>>) -> Result<Self> {
        if ends.is_empty() || ends.len() != values.len() || ends.len() > MAX_PERIODS {
            return Err(invalid(
                "covariate path",
                format!("{} ends, {} value rows", ends.len(), values.len()),
                format!("needs 1 to {MAX_PERIODS} periods, one value row per period end"),
            ));
        }
        let mut prev = 0.0;
        for e in &ends {
            if !(e.is_finite() && *e > prev && *e <= MAX_MAGNITUDE) {
                return Err(invalid(
                    "covariate path",
                    e,
                    "period ends must increase from above 0",
                ));
            }
            prev = *e;
        }
        let k = values[0].len();
        let mut flat = Vec::with_capacity(k * values.len());
        for row in &values {
            if row.len() != k || row.iter().any(|v| !v.is_finite()) {
                return Err(invalid(
                    "covariate path",
                    format!("{row:?}"),
                    format!("every period needs {k} finite values"),
                ));
            }
            flat.extend_from_slice(row);
        }
        Ok(Self {
            ends,
            values: flat,
            k,
        })
    }

    /// Periods of equal length `step` starting at 0, one per row of `values`.
    ///
    /// # Errors
    /// As [`CovariatePath::new`]; a `step` that is not finite and positive.
    pub fn regular(step: f64, values: Vec<Vec<f64>>) -> Result<Self> {
        if !(step.is_finite() && step > 0.0) {
            return Err(invalid("step", step, "must be finite and > 0"));
        }
        let ends = (1..=values.len()).map(|k| k as f64 * step).collect();
        Self::new(ends, values)
    }

    /// Number of covariates.
    pub fn covariates(&self) -> usize {
        self.k
    }

    /// The end of the last period.
    pub fn end(&self) -> f64 {
        self.ends.last().copied().unwrap_or(0.0)
    }

    fn row(&self, p: usize) -> &[f64] {
        &self.values[p * self.k..(p + 1) * self.k]
    }

    /// The period containing time `t` (the last one for `t` at or beyond the end).
    fn period_of(&self, t: f64) -> usize {
        self.ends
            .partition_point(|e| *e <= t)
            .min(self.ends.len() - 1)
    }

    /// `B(t) = ∫_0^t exp(γ' z(u)) du` and `∂B/∂γ`, for `t` within the path.
    fn operational(&self, gamma: &[f64], t: f64, grad: &mut [f64]) -> f64 {
        grad.iter_mut().for_each(|g| *g = 0.0);
        let mut b = 0.0;
        let mut start = 0.0;
        for (p, &end) in self.ends.iter().enumerate() {
            let stop = end.min(t);
            if stop <= start {
                break;
            }
            let z = self.row(p);
            let rate = z.iter().zip(gamma).map(|(z, g)| z * g).sum::<f64>().exp();
            let len = stop - start;
            b += len * rate;
            for (g, z) in grad.iter_mut().zip(z) {
                *g += len * rate * z;
            }
            start = end;
        }
        b
    }
}

/// One customer's data for a time-varying fit: her repeat-purchase times (since the first
/// purchase), her age `T` and her covariates over `[0, T]`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TimeVaryingCustomer {
    purchases: Vec<f64>,
    t: f64,
    path: CovariatePath,
}

impl TimeVaryingCustomer {
    /// A customer from her repeat-purchase times, her age and her covariate path.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a purchase time outside `(0, T]`, a non-finite or
    /// negative `T`, or a path that ends before `T`.
    pub fn new(mut purchases: Vec<f64>, t: f64, path: CovariatePath) -> Result<Self> {
        if !(t.is_finite() && t > 0.0 && t <= MAX_MAGNITUDE) {
            return Err(invalid("T", t, "must be finite and > 0"));
        }
        if let Some(p) = purchases
            .iter()
            .find(|p| !(p.is_finite() && **p > 0.0 && **p <= t))
        {
            return Err(invalid(
                "purchase time",
                p,
                "repeat purchases fall in (0, T]",
            ));
        }
        if path.end() < t * (1.0 - 1e-12) {
            return Err(invalid(
                "covariate path",
                path.end(),
                format!("must cover the customer's age T = {t}"),
            ));
        }
        purchases.sort_by(f64::total_cmp);
        Ok(Self { purchases, t, path })
    }

    /// The plain history `(x, t_x, T)`.
    pub fn history(&self) -> Customer {
        Customer {
            x: self.purchases.len() as f64,
            t_x: self.purchases.last().copied().unwrap_or(0.0),
            t: self.t,
        }
    }
}

/// Time-varying purchase covariates on BG/NBD or MBG/NBD. [`TimeVarying::params`] starts a fit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeVarying;

impl TimeVarying {
    /// The builder for `model` (BG/NBD or MBG/NBD) with covariates named `names` (the columns of
    /// the customers' paths, in order).
    pub fn params(model: BaseModel, names: Vec<String>) -> TimeVaryingParams {
        TimeVaryingParams {
            model,
            names,
            options: FitOptions::default(),
        }
    }
}

/// Builder of a [`TimeVarying`] fit.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeVaryingParams {
    model: BaseModel,
    names: Vec<String>,
    options: FitOptions,
}

impl TimeVaryingParams {
    /// Optimiser options (the penalizer applies to the plain fit the covariate fit starts from).
    pub fn options(mut self, options: FitOptions) -> Self {
        self.options = options;
        self
    }

    /// Fits the model on `customers`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a Pareto/NBD model (its dropout runs in calendar time, so
    /// the time change does not apply), no covariate name, or paths whose width differs from
    /// the names; the plain fit's errors; [`Error::NotConverged`].
    pub fn fit(&self, customers: &[TimeVaryingCustomer]) -> Result<FittedTimeVarying> {
        self.options.check()?;
        if self.model == BaseModel::ParetoNbd {
            return Err(invalid(
                "model",
                "Pareto/NBD",
                "time-varying covariates are available for BG/NBD and MBG/NBD",
            ));
        }
        let k = self.names.len();
        if k == 0 {
            return Err(invalid("covariates", "none", "name at least one covariate"));
        }
        if let Some(c) = customers.iter().find(|c| c.path.k != k) {
            return Err(invalid(
                "covariate path",
                format!("{} columns", c.path.k),
                format!("the fit names {k} covariates"),
            ));
        }
        if customers.is_empty() {
            return Err(Error::EmptyInput {
                reason: "no customers".into(),
            });
        }
        let (x, tx, t): (Vec<f64>, Vec<f64>, Vec<f64>) = customers
            .iter()
            .map(|c| {
                let h = c.history();
                (h.x, h.t_x, h.t)
            })
            .fold((vec![], vec![], vec![]), |mut acc, (a, b, c)| {
                acc.0.push(a);
                acc.1.push(b);
                acc.2.push(c);
                acc
            });
        let plain = RfmData::new(&x, &tx, &t, None)?;
        let start = match self.model {
            BaseModel::MbgNbd => {
                let f = MbgNbd::params().options(self.options).fit(&plain)?;
                [f.params.r, f.params.alpha, f.params.a, f.params.b]
            }
            _ => {
                let f = BgNbd::params().options(self.options).fit(&plain)?;
                [f.params.r, f.params.alpha, f.params.a, f.params.b]
            }
        };
        // Σ_j z(t_j) per customer, and the column scales.
        let jacobian: Vec<Vec<f64>> = customers
            .iter()
            .map(|c| {
                let mut s = vec![0.0; k];
                for &tj in &c.purchases {
                    for (a, z) in s.iter_mut().zip(c.path.row(c.path.period_of(tj))) {
                        *a += z;
                    }
                }
                s
            })
            .collect();
        let problem = Problem {
            customers,
            jacobian: &jacobian,
            k,
            mbg: self.model == BaseModel::MbgNbd,
        };
        let mut u0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        u0.extend(std::iter::repeat_n(0.0, k));
        let tol = self.options.gradient_tolerance;
        let mut best = u0;
        let mut iterations = 0;
        for _ in 0..3 {
            let lbfgs = LBFGS::new(MoreThuenteLineSearch::new(), 10)
                .with_tolerance_grad(tol * 0.1)?
                .with_tolerance_cost(1e-15)?;
            let run = Executor::new(Borrowed(&problem), lbfgs)
                .configure(|s| s.param(best.clone()).max_iters(self.options.max_iters))
                .run();
            if let Ok(res) = &run {
                iterations += res.state().get_iter();
            }
            if let Ok(res) = run
                && let Some(p) = res.state().get_best_param()
                && problem.cost_and_gradient(p).0 <= problem.cost_and_gradient(&best).0
            {
                best = p.clone();
            }
            if problem
                .cost_and_gradient(&best)
                .1
                .iter()
                .all(|g| g.abs() <= tol)
            {
                break;
            }
        }
        let natural: Vec<f64> = best
            .iter()
            .enumerate()
            .map(|(j, v)| if j < 4 { v.exp() } else { *v })
            .collect();
        let grad = problem
            .cost_and_gradient(&best)
            .1
            .iter()
            .fold(0.0f64, |m, g| {
                if g.is_nan() {
                    f64::INFINITY
                } else {
                    m.max(g.abs())
                }
            });
        if grad > tol
            || best[..4].iter().any(|v| v.abs() > MAX_LOG_PARAM - 1.0)
            || natural[..4]
                .iter()
                .any(|v| *v > crate::optim::MAX_FITTED_PARAM)
        {
            return Err(Error::NotConverged {
                model: self.model.name(),
                reason: format!(
                    "with time-varying covariates: largest gradient {grad:.3e} (tolerance {tol:.1e}), or parameters running off"
                ),
                last_params: natural,
            });
        }
        let ll = problem.ll_and_gradient(&best).map_or(f64::NAN, |v| v.0);
        let dim = 4 + k;
        let n = customers.len() as f64;
        let cols: Option<Vec<Vec<f64>>> = (0..dim)
            .into_par_iter()
            .map(|j| {
                let h = 1e-5 * best[j].abs().max(1.0);
                let (mut up, mut dn) = (best.clone(), best.clone());
                up[j] += h;
                dn[j] -= h;
                let (cu, gu) = problem.cost_and_gradient(&up);
                let (cd, gd) = problem.cost_and_gradient(&dn);
                (cu.is_finite() && cd.is_finite()).then(|| {
                    gu.iter()
                        .zip(&gd)
                        .map(|(a, b)| (a - b) / (2.0 * h) * n)
                        .collect()
                })
            })
            .collect();
        let jac: Vec<f64> = (0..dim)
            .map(|j| if j < 4 { natural[j] } else { 1.0 })
            .collect();
        let covariance = cols
            .and_then(|c| {
                let info = (0..dim)
                    .map(|i| (0..dim).map(|j| 0.5 * (c[i][j] + c[j][i])).collect())
                    .collect();
                crate::optim::invert_information(info)
            })
            .map(|mut cov| {
                for i in 0..dim {
                    for j in 0..dim {
                        cov[i * dim + j] *= jac[i] * jac[j];
                    }
                }
                cov
            });
        let se = covariance
            .as_ref()
            .and_then(|c| crate::optim::standard_errors_of(c, dim));
        let effects = self
            .names
            .iter()
            .enumerate()
            .map(|(j, name)| CovariateEffect {
                name: name.clone(),
                process: Process::Purchase,
                estimate: natural[4 + j],
                standard_error: se.as_ref().map(|s| s[4 + j]),
            })
            .collect();
        Ok(FittedTimeVarying {
            model: self.model,
            base: [natural[0], natural[1], natural[2], natural[3]],
            effects,
            report: FitReport {
                log_likelihood: ll,
                standard_errors: se,
                covariance,
                n_customers: n,
                iterations,
                method: "L-BFGS (time-varying covariates)".into(),
                n_params: dim,
            },
        })
    }
}

/// A BG/NBD or MBG/NBD with time-varying purchase covariates, fitted.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedTimeVarying {
    /// The model.
    pub model: BaseModel,
    /// `(r, α, a, b)`: the parameters in operational time.
    pub base: [f64; 4],
    /// The purchase coefficients `γ`, in path column order.
    pub effects: Vec<CovariateEffect>,
    /// Log-likelihood, covariance `(r, α, a, b, γ)`, optimiser details.
    pub report: FitReport,
}

/// The plain model in operational time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OperationalModel {
    /// BG/NBD.
    BgNbd(BgNbdParameters),
    /// MBG/NBD.
    MbgNbd(MbgNbdParameters),
}

impl PurchaseModel for OperationalModel {
    fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64> {
        match self {
            OperationalModel::BgNbd(p) => p.expected_purchases(t, customer),
            OperationalModel::MbgNbd(p) => p.expected_purchases(t, customer),
        }
    }
    fn p_alive(&self, customer: &Customer) -> Result<f64> {
        match self {
            OperationalModel::BgNbd(p) => p.p_alive(customer),
            OperationalModel::MbgNbd(p) => p.p_alive(customer),
        }
    }
    fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64> {
        match self {
            OperationalModel::BgNbd(p) => p.probability_of_a_purchase(t, customer),
            OperationalModel::MbgNbd(p) => p.probability_of_a_purchase(t, customer),
        }
    }
}

impl FittedTimeVarying {
    /// The plain model at the estimates, to be asked in operational time
    /// ([`Self::operational`]).
    pub fn customer_model(&self) -> OperationalModel {
        let [r, alpha, a, b] = self.base;
        match self.model {
            BaseModel::MbgNbd => OperationalModel::MbgNbd(MbgNbdParameters { r, alpha, a, b }),
            _ => OperationalModel::BgNbd(BgNbdParameters { r, alpha, a, b }),
        }
    }

    /// A customer's history in operational time `(x, B(t_x), B(T))` and the operational length
    /// `B(T + t) − B(T)` of a horizon whose covariates are `future` (periods from `T` on; the
    /// horizon is `future`'s length).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a `future` path of another width.
    pub fn operational(
        &self,
        customer: &TimeVaryingCustomer,
        future: &CovariatePath,
    ) -> Result<(Customer, f64)> {
        let gamma: Vec<f64> = self.effects.iter().map(|e| e.estimate).collect();
        if future.k != gamma.len() || customer.path.k != gamma.len() {
            return Err(invalid(
                "covariate path",
                format!("{} columns", future.k),
                format!("the model has {} covariates", gamma.len()),
            ));
        }
        let mut scratch = vec![0.0; gamma.len()];
        let h = customer.history();
        let b_tx = customer.path.operational(&gamma, h.t_x, &mut scratch);
        let b_t = customer.path.operational(&gamma, h.t, &mut scratch);
        let horizon = future.operational(&gamma, future.end(), &mut scratch);
        Ok((Customer::new(h.x, b_tx.min(b_t), b_t)?, horizon))
    }
}

/// The fitting problem in `u = (ln r, ln α, ln a, ln b, γ)`.
struct Problem<'a> {
    customers: &'a [TimeVaryingCustomer],
    jacobian: &'a [Vec<f64>],
    k: usize,
    mbg: bool,
}

/// Customers per parallel chunk.
const CHUNK: usize = 1_024;

/// The BG/NBD (`mbg = false`) or MBG/NBD log-likelihood of one customer in operational time,
/// generic over `(r, α, a, b, B(T), B(t_x))`.
fn ll_operational<T: Real>(v: &[T; 6], x: f64, mbg: bool) -> T {
    let [r, alpha, a, b, bt, btx] = *v;
    let head = (r + x).ln_gamma() - r.ln_gamma() + r * alpha.ln();
    if mbg {
        // As MbgNbdParameters::ln_likelihood with T and t_x replaced by B(T) and B(t_x).
        let a2 = (a + b).ln_gamma() + (b + x + 1.0).ln_gamma()
            - b.ln_gamma()
            - (a + b + x + 1.0).ln_gamma();
        let a3 = -(r + x) * (alpha + bt).ln();
        let a4 = a.ln() - (b + x).ln() + (r + x) * ((alpha + bt).ln() - (alpha + btx).ln());
        head + a2 + a3 + T::log_add_exp(a4, T::cst(0.0))
    } else {
        let beta = (a + b).ln_gamma() + (b + x).ln_gamma() - b.ln_gamma() - (a + b + x).ln_gamma();
        let survive = -(r + x) * (alpha + bt).ln();
        let drop = if x > 0.0 {
            a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + btx).ln()
        } else {
            T::cst(f64::NEG_INFINITY)
        };
        head + beta + T::log_add_exp(survive, drop)
    }
}

impl Problem<'_> {
    fn ll_and_gradient(&self, u: &[f64]) -> Option<(f64, Vec<f64>)> {
        if u.iter().any(|v| !v.is_finite()) || u[..4].iter().any(|v| v.abs() > MAX_LOG_PARAM) {
            return None;
        }
        let k = self.k;
        let gamma = &u[4..];
        let base: [f64; 4] = std::array::from_fn(|j| u[j].exp());
        let chunks: Vec<Vec<f64>> = self
            .customers
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut acc = vec![0.0; 1 + 4 + k];
                let (mut d_bt, mut d_btx) = (vec![0.0; k], vec![0.0; k]);
                for (j, cust) in chunk.iter().enumerate() {
                    let i = c * CHUNK + j;
                    let h = cust.history();
                    let bt = cust.path.operational(gamma, h.t, &mut d_bt);
                    let btx = cust.path.operational(gamma, h.t_x, &mut d_btx);
                    let v: [Dual<6>; 6] = [
                        Dual::var(base[0], 0),
                        Dual::var(base[1], 1),
                        Dual::var(base[2], 2),
                        Dual::var(base[3], 3),
                        Dual::var(bt, 4),
                        Dual::var(btx, 5),
                    ];
                    let l = ll_operational(&v, h.x, self.mbg);
                    let jac = &self.jacobian[i];
                    acc[0] += l.v + jac.iter().zip(gamma).map(|(s, g)| s * g).sum::<f64>();
                    for p in 0..4 {
                        acc[1 + p] += l.d[p] * base[p];
                    }
                    for g in 0..k {
                        acc[5 + g] += jac[g] + l.d[4] * d_bt[g] + l.d[5] * d_btx[g];
                    }
                }
                acc
            })
            .collect();
        // Chunks summed in order: the same result whatever the thread count.
        let mut total = vec![0.0; 1 + 4 + k];
        for c in chunks {
            for (t, v) in total.iter_mut().zip(c) {
                *t += v;
            }
        }
        total
            .iter()
            .all(|v| v.is_finite())
            .then(|| (total[0], total[1..].to_vec()))
    }

    fn cost_and_gradient(&self, u: &[f64]) -> (f64, Vec<f64>) {
        let n = self.customers.len().max(1) as f64;
        match self.ll_and_gradient(u) {
            Some((ll, g)) => (-ll / n, g.iter().map(|v| -v / n).collect()),
            None => (f64::INFINITY, vec![f64::NAN; u.len()]),
        }
    }
}

/// The problem lent to argmin.
struct Borrowed<'p, 'a>(&'p Problem<'a>);

impl CostFunction for Borrowed<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, u: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        Ok(self.0.cost_and_gradient(u).0)
    }
}

impl Gradient for Borrowed<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, u: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        Ok(self.0.cost_and_gradient(u).1)
    }
}
