//! Time-varying covariates: on the purchase process of the BG/NBD and MBG/NBD models (which no
//! peer offers), and on the purchase and dropout processes of the Pareto/NBD (CLVTools' dynamic
//! covariate model, Bachmann, Meierer & Näf 2021).
//!
//! ## BG/NBD and MBG/NBD
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
//! ## Pareto/NBD
//!
//! Purchases at rate `λ_i exp(γ_p' z_i(t))`, dropout at rate `μ_i exp(γ_d' z_i(t))`
//! ([`TimeVaryingParams::dropout`] names the dropout columns), `λ ~ Gamma(r, α)`,
//! `μ ~ Gamma(s, β)`. With `B` and `D` the two operational times,
//!
//! ```text
//! L_i = e^{Σ_j γ_p'z(t_j)} Γ(r+x)/Γ(r) α^r β^s [ (α+B(T))^-(r+x) (β+D(T))^-s
//!       + s ∫_{t_x}^T e^{γ_d'z(τ)} (α+B(τ))^-(r+x) (β+D(τ))^-(s+1) dτ ]
//! ```
//!
//! (dying at `τ` after the last purchase, integrated over the Gamma rates). The integral is
//! summed period by period with 8-point Gauss-Legendre on parts over which the integrand
//! changes by at most a factor e (equal to the closed form of the plain model at `γ = 0` to
//! 1e-10, checked in the unit tests); gradients by dual numbers over all parameters (at most
//! [`MAX_PARETO_COEFFICIENTS`] coefficients). [`FittedTimeVarying::p_alive`] and
//! [`FittedTimeVarying::expected_purchases`] predict with the covariates planned over the
//! horizon.
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
//! let expected = fit.customer_model()?.expected_purchases(horizon, &history)?;
//! // The same through the fitted model's own method.
//! assert_eq!(expected, fit.expected_purchases(&customers[3], &next)?);
//! assert!(expected >= 0.0);
//! # Ok(())
//! # }
//! ```

use rayon::prelude::*;

use crate::bgnbd::{BgNbd, BgNbdParameters};
use crate::clv::PurchaseModel;
use crate::covariates::{BaseModel, CovariateEffect, Process};
use crate::data::{Customer, MAX_MAGNITUDE, RfmData};
use crate::error::{Error, Result, invalid};
use crate::mbgnbd::{MbgNbd, MbgNbdParameters};
use crate::optim::{
    FitOptions, FitReport, MAX_LOG_PARAM, VecLogLikelihood, VecProblem, maximise_vec,
    rescale_covariance, sum_in_order,
};
use crate::pareto_nbd::ParetoNbd;
use crate::real::{Dual, Real};

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
    /// The builder for `model` with covariates named `names` (the columns of the customers'
    /// paths, in order). Every column acts on the purchase process unless
    /// [`TimeVaryingParams::dropout`] moves some to the dropout (Pareto/NBD only).
    pub fn params(model: BaseModel, names: Vec<String>) -> TimeVaryingParams {
        TimeVaryingParams {
            model,
            names,
            dropout: vec![],
            options: FitOptions::default(),
        }
    }
}

/// Builder of a [`TimeVarying`] fit.
#[derive(Clone, Debug, PartialEq)]
pub struct TimeVaryingParams {
    model: BaseModel,
    names: Vec<String>,
    dropout: Vec<String>,
    options: FitOptions,
}

impl TimeVaryingParams {
    /// Columns acting on the dropout instead of the purchase process (Pareto/NBD: `μ_i(t) =
    /// μ_i exp(γ_d' z_i(t))`; the BG/NBD's dropout is a coin after each purchase, with no clock
    /// for a time-varying rate to act on).
    pub fn dropout<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.dropout.extend(names.into_iter().map(Into::into));
        self
    }

    /// Optimiser options (the penalizer applies to the plain fit the covariate fit starts from).
    pub fn options(mut self, options: FitOptions) -> Self {
        self.options = options;
        self
    }

    /// Checks the options: at least one column, distinct names, dropout columns among them and
    /// only for the Pareto/NBD (at most [`MAX_PARETO_COEFFICIENTS`] coefficients there).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming what is wrong.
    pub fn check(&self) -> Result<ValidTimeVaryingParams> {
        self.options.check()?;
        let k = self.names.len();
        if k == 0 {
            return Err(invalid("covariates", "none", "name at least one covariate"));
        }
        for (i, n) in self.names.iter().enumerate() {
            if self.names[..i].contains(n) {
                return Err(invalid("covariates", n, "column names must be distinct"));
            }
        }
        let dropout: Vec<usize> = self
            .dropout
            .iter()
            .map(|n| {
                self.names.iter().position(|m| m == n).ok_or_else(|| {
                    invalid(
                        "covariate",
                        n,
                        format!("not a column of the paths ({})", self.names.join(", ")),
                    )
                })
            })
            .collect::<Result<_>>()?;
        if !dropout.is_empty() && self.model != BaseModel::ParetoNbd {
            return Err(invalid(
                "dropout",
                self.dropout.join(", "),
                "time-varying dropout covariates are for the Pareto/NBD (the BG/NBD drops out by a coin after each purchase, with no clock)",
            ));
        }
        if self.model == BaseModel::ParetoNbd && k > MAX_PARETO_COEFFICIENTS {
            return Err(invalid(
                "covariates",
                k,
                format!(
                    "a time-varying Pareto/NBD takes at most {MAX_PARETO_COEFFICIENTS} coefficients"
                ),
            ));
        }
        Ok(ValidTimeVaryingParams {
            model: self.model,
            names: self.names.clone(),
            dropout,
            options: self.options,
        })
    }

    /// Checks, then fits ([`ValidTimeVaryingParams::fit`]).
    ///
    /// # Errors
    /// As [`Self::check`] and [`ValidTimeVaryingParams::fit`].
    pub fn fit(&self, customers: &[TimeVaryingCustomer]) -> Result<FittedTimeVarying> {
        self.check()?.fit(customers)
    }
}

/// Checked [`TimeVaryingParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidTimeVaryingParams {
    model: BaseModel,
    names: Vec<String>,
    /// Indices of the dropout columns.
    dropout: Vec<usize>,
    options: FitOptions,
}

impl ValidTimeVaryingParams {
    /// Fits the model on `customers`: the plain model first (the start), then every
    /// parameter and coefficient by L-BFGS.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for paths whose width differs from the names;
    /// [`Error::EmptyInput`] without customers; the plain fit's errors; [`Error::NotConverged`].
    pub fn fit(&self, customers: &[TimeVaryingCustomer]) -> Result<FittedTimeVarying> {
        let k = self.names.len();
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
        let dropout = self.dropout.clone();
        let purchase: Vec<usize> = (0..k).filter(|c| !dropout.contains(c)).collect();
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
            BaseModel::BgNbd => {
                let f = BgNbd::params().options(self.options).fit(&plain)?;
                [f.params.r, f.params.alpha, f.params.a, f.params.b]
            }
            BaseModel::ParetoNbd => {
                let f = ParetoNbd::params().options(self.options).fit(&plain)?;
                [f.params.r, f.params.alpha, f.params.s, f.params.beta]
            }
        };
        // Σ_j z(t_j) per customer over every column (the Jacobian of the purchase time change).
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
        // Coefficients in column order: purchase columns first, then dropout columns.
        let order: Vec<(usize, Process)> = purchase
            .iter()
            .map(|&c| (c, Process::Purchase))
            .chain(dropout.iter().map(|&c| (c, Process::Dropout)))
            .collect();
        let objective: Box<VecLogLikelihood<'_>> = if self.model == BaseModel::ParetoNbd {
            let problem = ParetoProblem {
                customers,
                jacobian: jacobian.clone(),
                purchase: purchase.clone(),
                dropout: dropout.clone(),
            };
            Box::new(move |u: &[f64]| problem.ll_and_gradient(u))
        } else {
            let problem = Problem {
                customers,
                jacobian: jacobian.clone(),
                k,
                mbg: self.model == BaseModel::MbgNbd,
            };
            Box::new(move |u: &[f64]| problem.ll_and_gradient(u))
        };
        let mut u0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
        u0.extend(std::iter::repeat_n(0.0, order.len()));
        let natural_of = |u: &[f64]| -> Vec<f64> {
            u.iter()
                .enumerate()
                .map(|(j, v)| if j < 4 { v.exp() } else { *v })
                .collect()
        };
        let optimum = maximise_vec(
            objective.as_ref(),
            u0,
            &self.options,
            customers.len() as f64,
            &VecProblem {
                name: self.model.name(),
                n_log: 4,
                natural: &natural_of,
                hint: "time-varying covariates that separate buyers from non-buyers run their coefficients off",
            },
        )?;
        let best = optimum.best;
        let ll = objective(&best).map_or(f64::NAN, |v| v.0);
        let dim = best.len();
        let natural = natural_of(&best);
        let jac: Vec<f64> = (0..dim)
            .map(|j| if j < 4 { natural[j] } else { 1.0 })
            .collect();
        let covariance = optimum
            .information_inverse
            .map(|cov| rescale_covariance(cov, &jac));
        let iterations = optimum.iterations;
        let se = covariance
            .as_ref()
            .and_then(|c| crate::optim::standard_errors_of(c, dim));
        let effects = order
            .iter()
            .enumerate()
            .map(|(j, (col, process))| CovariateEffect {
                name: self.names[*col].clone(),
                process: *process,
                estimate: natural[4 + j],
                standard_error: se.as_ref().map(|s| s[4 + j]),
            })
            .collect();
        Ok(FittedTimeVarying {
            model: self.model,
            base: [natural[0], natural[1], natural[2], natural[3]],
            names: self.names.clone(),
            effects,
            report: FitReport {
                log_likelihood: ll,
                standard_errors: se,
                covariance,
                n_customers: customers.len() as f64,
                iterations,
                method: "L-BFGS (time-varying covariates)".into(),
                n_params: dim,
            },
        })
    }
}

/// Most coefficients of a time-varying Pareto/NBD (purchase and dropout together).
pub const MAX_PARETO_COEFFICIENTS: usize = 6;

/// A model with time-varying covariates, fitted.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedTimeVarying {
    /// The model.
    pub model: BaseModel,
    /// `(r, α, a, b)` (BG/NBD, MBG/NBD: the parameters in operational time) or `(r, α, s, β)`
    /// (Pareto/NBD: the rates' Gamma heterogeneity at covariates 0).
    pub base: [f64; 4],
    /// The path columns, in order.
    pub names: Vec<String>,
    /// The coefficients: purchase columns first, then dropout columns.
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
    /// ([`Self::operational`]; BG/NBD and MBG/NBD).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a Pareto/NBD fit (use [`Self::p_alive`] and
    /// [`Self::expected_purchases`]).
    pub fn customer_model(&self) -> Result<OperationalModel> {
        let [r, alpha, a, b] = self.base;
        match self.model {
            BaseModel::MbgNbd => Ok(OperationalModel::MbgNbd(MbgNbdParameters {
                r,
                alpha,
                a,
                b,
            })),
            BaseModel::BgNbd => Ok(OperationalModel::BgNbd(BgNbdParameters { r, alpha, a, b })),
            BaseModel::ParetoNbd => Err(invalid(
                "model",
                "Pareto/NBD",
                "the Pareto/NBD has no single operational time; use p_alive and expected_purchases",
            )),
        }
    }

    /// Coefficients per path column for the purchase and the dropout process (0 where a column
    /// does not act).
    fn column_coefficients(&self, k: usize) -> Result<(Vec<f64>, Vec<f64>)> {
        let (mut gp, mut gd) = (vec![0.0; k], vec![0.0; k]);
        for e in &self.effects {
            let c = self
                .names
                .iter()
                .position(|n| *n == e.name)
                .ok_or_else(|| {
                    invalid("covariate", &e.name, "not among the model's path columns")
                })?;
            if c >= k {
                return Err(invalid(
                    "covariate path",
                    format!("{k} columns"),
                    format!("the model has {} columns", self.names.len()),
                ));
            }
            match e.process {
                Process::Dropout => gd[c] = e.estimate,
                _ => gp[c] = e.estimate,
            }
        }
        Ok((gp, gd))
    }

    fn check_width(&self, path: &CovariatePath) -> Result<()> {
        if path.k == self.names.len() {
            Ok(())
        } else {
            Err(invalid(
                "covariate path",
                format!("{} columns", path.k),
                format!(
                    "the model has {} columns ({})",
                    self.names.len(),
                    self.names.join(", ")
                ),
            ))
        }
    }

    /// A customer's history in operational time `(x, B(t_x), B(T))` and the operational length
    /// `B(T + t) − B(T)` of a horizon whose covariates are `future` (periods from `T` on; the
    /// horizon is `future`'s length). BG/NBD and MBG/NBD.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a path of another width or a Pareto/NBD fit.
    pub fn operational(
        &self,
        customer: &TimeVaryingCustomer,
        future: &CovariatePath,
    ) -> Result<(Customer, f64)> {
        self.customer_model()?;
        self.check_width(future)?;
        self.check_width(&customer.path)?;
        let (gamma, _) = self.column_coefficients(future.k)?;
        let mut scratch = vec![0.0; gamma.len()];
        let h = customer.history();
        let b_tx = customer.path.operational(&gamma, h.t_x, &mut scratch);
        let b_t = customer.path.operational(&gamma, h.t, &mut scratch);
        let horizon = future.operational(&gamma, future.end(), &mut scratch);
        Ok((Customer::new(h.x, b_tx.min(b_t), b_t)?, horizon))
    }

    /// The Pareto/NBD parts `(ln survive, ln died, B(T), D(T))` of a customer at the estimates.
    fn pareto_parts(&self, customer: &TimeVaryingCustomer) -> Result<(f64, f64, f64, f64)> {
        self.check_width(&customer.path)?;
        let k = customer.path.k;
        let (gp, gd) = self.column_coefficients(k)?;
        let mut v = self.base.to_vec();
        let acting = |g: &[f64]| -> Vec<usize> { (0..k).filter(|&c| g[c] != 0.0).collect() };
        let (purchase, dropout) = (acting(&gp), acting(&gd));
        v.extend(purchase.iter().map(|&c| gp[c]));
        v.extend(dropout.iter().map(|&c| gd[c]));
        let jac = vec![0.0; k];
        let (_, survive, died) = pareto_tv_terms(&v, &purchase, &dropout, customer, &jac);
        let t = customer.history().t;
        let mut scratch = vec![0.0; k];
        let b = customer.path.operational(&gp, t, &mut scratch);
        let d = customer.path.operational(&gd, t, &mut scratch);
        Ok((survive, died, b, d))
    }

    /// P(alive) at `T` given the history and the covariates up to `T`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a path of another width.
    pub fn p_alive(&self, customer: &TimeVaryingCustomer) -> Result<f64> {
        if self.model != BaseModel::ParetoNbd {
            let (history, _) = self.operational(customer, &customer.path)?;
            return self.customer_model()?.p_alive(&history);
        }
        let (survive, died, _, _) = self.pareto_parts(customer)?;
        Ok(1.0 / (1.0 + (died - survive).exp()))
    }

    /// Expected purchases over the horizon whose covariates are `future` (periods from `T` on).
    ///
    /// For the Pareto/NBD: `P(alive) · (r+x)/(α+B(T)) · ∫_0^h e^{γ_p'z(u)} ((β+D(T))/(β+D(T)+ΔD(u)))^s du`
    /// (the posterior rates of a customer alive at `T` are `Gamma(r+x, α+B(T))` and
    /// `Gamma(s, β+D(T))`), the integral by Gauss-Legendre per period.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for paths of another width.
    pub fn expected_purchases(
        &self,
        customer: &TimeVaryingCustomer,
        future: &CovariatePath,
    ) -> Result<f64> {
        if self.model != BaseModel::ParetoNbd {
            let (history, horizon) = self.operational(customer, future)?;
            return self.customer_model()?.expected_purchases(horizon, &history);
        }
        self.check_width(future)?;
        let (survive, died, b_t, d_t) = self.pareto_parts(customer)?;
        let alive = 1.0 / (1.0 + (died - survive).exp());
        let (gp, gd) = self.column_coefficients(future.k)?;
        let [r, alpha, s, beta] = self.base;
        let x = customer.history().x;
        let (mut start, mut d_acc, mut integral) = (0.0, 0.0, 0.0);
        for (p, &end) in future.ends.iter().enumerate() {
            let z = future.row(p);
            let bp = z.iter().zip(&gp).map(|(z, g)| z * g).sum::<f64>().exp();
            let dp = z.iter().zip(&gd).map(|(z, g)| z * g).sum::<f64>().exp();
            let (d_lo, d_hi) = (d_acc, d_acc + dp * (end - start));
            let spread = s * ((beta + d_t + d_hi) / (beta + d_t + d_lo)).ln();
            let m = spread.abs().ceil().clamp(1.0, MAX_SUBINTERVALS) as usize;
            integral += gauss_legendre(start, end, m, &mut |u: f64| {
                bp * ((beta + d_t) / (beta + d_t + d_lo + dp * (u - start))).powf(s)
            });
            d_acc = d_hi;
            start = end;
        }
        Ok(alive * (r + x) / (alpha + b_t) * integral)
    }
}

/// The fitting problem in `u = (ln r, ln α, ln a, ln b, γ)`.
struct Problem<'a> {
    customers: &'a [TimeVaryingCustomer],
    jacobian: Vec<Vec<f64>>,
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
        let total = sum_in_order(chunks, 1 + 4 + k);
        total
            .iter()
            .all(|v| v.is_finite())
            .then(|| (total[0], total[1..].to_vec()))
    }
}

/// Gauss-Legendre nodes and weights (8 points on [-1, 1]).
const GL_NODES: [f64; 4] = [
    0.183_434_642_495_649_8,
    0.525_532_409_916_329,
    0.796_666_477_413_626_7,
    0.960_289_856_497_536_3,
];
const GL_WEIGHTS: [f64; 4] = [
    0.362_683_783_378_362,
    0.313_706_645_877_887_3,
    0.222_381_034_453_374_5,
    0.101_228_536_290_376_3,
];

/// Most sub-intervals of one covariate period in the Pareto/NBD integrals.
const MAX_SUBINTERVALS: f64 = 256.0;

/// `Σ_k w_k f(τ_k)` of an 8-point Gauss-Legendre rule on each of `m` equal parts of `[lo, hi]`.
fn gauss_legendre<T: Real>(lo: f64, hi: f64, m: usize, f: &mut dyn FnMut(f64) -> T) -> T {
    let mut sum = T::cst(0.0);
    let h = (hi - lo) / m as f64;
    for part in 0..m {
        let mid = lo + (part as f64 + 0.5) * h;
        for (x, w) in GL_NODES.iter().zip(GL_WEIGHTS) {
            for sign in [-1.0, 1.0] {
                sum = sum + f(mid + sign * x * h / 2.0) * (w * h / 2.0);
            }
        }
    }
    sum
}

/// The Pareto/NBD with time-varying covariates: one customer's log-likelihood, generic over
/// `v = (r, α, s, β, γ_p…, γ_d…)`:
///
/// ```text
/// ln L = Σ_j γ_p'z(t_j) + ln Γ(r+x) − ln Γ(r) + r ln α + s ln β
///        + ln[ (α+B(T))^-(r+x) (β+D(T))^-s + s ∫_{t_x}^T e^{γ_d'z(τ)} (α+B(τ))^-(r+x) (β+D(τ))^-(s+1) dτ ]
/// ```
/// with `B`, `D` the purchase and dropout operational times. The integral is summed period by
/// period with 8-point Gauss-Legendre on parts small enough that the integrand changes by at
/// most a factor e within each, in log space against its first value.
fn pareto_tv_ll<T: Real>(
    v: &[T],
    purchase: &[usize],
    dropout: &[usize],
    customer: &TimeVaryingCustomer,
    jacobian: &[f64],
) -> T {
    let (head, survive, died) = pareto_tv_terms(v, purchase, dropout, customer, jacobian);
    head + T::log_add_exp(survive, died)
}

/// The three parts of [`pareto_tv_ll`]: the head, `ln` of the survival term and `ln` of the
/// dropout integral term (`-∞` when the last purchase is at `T`).
fn pareto_tv_terms<T: Real>(
    v: &[T],
    purchase: &[usize],
    dropout: &[usize],
    customer: &TimeVaryingCustomer,
    jacobian: &[f64],
) -> (T, T, T) {
    let (r, alpha, s, beta) = (v[0], v[1], v[2], v[3]);
    let k = customer.path.k;
    let mut gp = vec![T::cst(0.0); k];
    let mut gd = vec![T::cst(0.0); k];
    for (j, &c) in purchase.iter().enumerate() {
        gp[c] = v[4 + j];
    }
    for (j, &c) in dropout.iter().enumerate() {
        gd[c] = v[4 + purchase.len() + j];
    }
    let h = customer.history();
    let (x, t_x, big_t) = (h.x, h.t_x, h.t);
    let rx = r + x;
    let s1 = s + 1.0;
    let mut ll = rx.ln_gamma() - r.ln_gamma() + r * alpha.ln() + s * beta.ln();
    for (g, j) in gp.iter().zip(jacobian) {
        ll = ll + *g * *j;
    }
    let (mut b, mut d) = (T::cst(0.0), T::cst(0.0));
    let mut start = 0.0;
    let mut reference: Option<T> = None;
    let mut sum = T::cst(0.0);
    for (p, &end) in customer.path.ends.iter().enumerate() {
        let stop = end.min(big_t);
        if stop <= start {
            break;
        }
        let z = customer.path.row(p);
        let (mut lp, mut ld) = (T::cst(0.0), T::cst(0.0));
        for c in 0..k {
            lp = lp + gp[c] * z[c];
            ld = ld + gd[c] * z[c];
        }
        let (bp, dp) = (lp.exp(), ld.exp());
        let lo = start.max(t_x);
        if stop > lo {
            let (b_lo, d_lo) = (b + bp * (lo - start), d + dp * (lo - start));
            let (b_hi, d_hi) = (b + bp * (stop - start), d + dp * (stop - start));
            let spread = rx.value() * ((alpha + b_hi).value() / (alpha + b_lo).value()).ln()
                + s1.value() * ((beta + d_hi).value() / (beta + d_lo).value()).ln();
            let m = spread.abs().ceil().clamp(1.0, MAX_SUBINTERVALS) as usize;
            let first = ld - rx * (alpha + b_lo).ln() - s1 * (beta + d_lo).ln();
            let reference = *reference.get_or_insert(first);
            sum = sum
                + gauss_legendre(lo, stop, m, &mut |tau| {
                    let (bt, dt) = (b_lo + bp * (tau - lo), d_lo + dp * (tau - lo));
                    (ld - rx * (alpha + bt).ln() - s1 * (beta + dt).ln() - reference).exp()
                });
        }
        b = b + bp * (stop - start);
        d = d + dp * (stop - start);
        start = stop;
    }
    let survive = -rx * (alpha + b).ln() - s * (beta + d).ln();
    let died = match reference {
        Some(reference) if t_x < big_t => s.ln() + reference + sum.ln(),
        _ => T::cst(f64::NEG_INFINITY),
    };
    (ll, survive, died)
}

/// Dual-number width of the Pareto/NBD fit: 4 base parameters and the coefficients.
const PN: usize = 4 + MAX_PARETO_COEFFICIENTS;

/// The Pareto/NBD fitting problem in `u = (ln r, ln α, ln s, ln β, γ_p, γ_d)`.
struct ParetoProblem<'a> {
    customers: &'a [TimeVaryingCustomer],
    jacobian: Vec<Vec<f64>>,
    purchase: Vec<usize>,
    dropout: Vec<usize>,
}

impl ParetoProblem<'_> {
    fn ll_and_gradient(&self, u: &[f64]) -> Option<(f64, Vec<f64>)> {
        if u.iter().any(|v| !v.is_finite()) || u[..4].iter().any(|v| v.abs() > MAX_LOG_PARAM) {
            return None;
        }
        let dim = u.len();
        let natural: Vec<f64> = (0..dim)
            .map(|j| if j < 4 { u[j].exp() } else { u[j] })
            .collect();
        let vars: Vec<Dual<PN>> = (0..dim).map(|j| Dual::var(natural[j], j)).collect();
        let chunks: Vec<Vec<f64>> = self
            .customers
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut acc = vec![0.0; 1 + dim];
                for (j, cust) in chunk.iter().enumerate() {
                    let l = pareto_tv_ll(
                        &vars,
                        &self.purchase,
                        &self.dropout,
                        cust,
                        &self.jacobian[c * CHUNK + j],
                    );
                    acc[0] += l.v;
                    for q in 0..dim {
                        acc[1 + q] += l.d[q] * if q < 4 { natural[q] } else { 1.0 };
                    }
                }
                acc
            })
            .collect();
        let total = sum_in_order(chunks, 1 + dim);
        total
            .iter()
            .all(|v| v.is_finite())
            .then(|| (total[0], total[1..].to_vec()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::ParetoNbdParameters;

    #[test]
    fn the_pareto_integral_equals_the_closed_form_at_zero_coefficients() {
        let p = ParetoNbdParameters::new(0.55, 10.6, 0.61, 11.7).unwrap();
        let v = [p.r, p.alpha, p.s, p.beta, 0.0, 0.0];
        for &(x, t_x, t) in &[
            (0.0f64, 0.0f64, 38.9f64),
            (1.0, 1.7, 38.9),
            (4.0, 35.3, 38.9),
            (40.0, 10.0, 52.0),
            (300.0, 51.0, 52.0),
            (2.0, 38.9, 38.9),
        ] {
            let times: Vec<f64> = (1..=x as usize).map(|k| t_x * k as f64 / x).collect();
            let weeks = t.ceil() as usize;
            let path = CovariatePath::regular(1.0, vec![vec![1.0, 0.5]; weeks]).unwrap();
            let c = TimeVaryingCustomer::new(times, t, path).unwrap();
            let ours = pareto_tv_ll(&v, &[0], &[1], &c, &[0.0, 0.0]);
            let closed = p.log_likelihood_of(x, t_x, t);
            assert!(
                (ours - closed).abs() < 1e-10 * closed.abs(),
                "({x}, {t_x}, {t}): {ours} vs {closed}"
            );
        }
    }
}
