//! Static (time-invariant) covariates for the BG/NBD, MBG/NBD, Pareto/NBD and Gamma-Gamma
//! models: each customer's parameters move with her covariates `z` (region, channel of
//! acquisition, age band, ...), and the fit estimates how much.
//!
//! ## The models
//!
//! CLVTools' parametrisation (Fader & Hardie 2007, "Incorporating time-invariant covariates into
//! the Pareto/NBD and BG/NBD models"; Bachmann, Meierer & Näf 2021): the purchase and the dropout
//! process each have their own coefficients,
//!
//! | model | purchase process (`γ_p`) | dropout process (`γ_d`) |
//! |---|---|---|
//! | BG/NBD, MBG/NBD | `α_i = α₀ · exp(-γ_p' z_i)` | `a_i = a₀ · exp(γ_d' z_i)`, `b_i = b₀ · exp(γ_d' z_i)` |
//! | Pareto/NBD | `α_i = α₀ · exp(-γ_p' z_i)` | `β_i = β₀ · exp(-γ_d' z_i)` |
//!
//! so a positive purchase coefficient raises the mean purchase rate `r / α_i` by the factor
//! `exp(γ_p' z)`, and in the Pareto/NBD a positive dropout coefficient raises the mean dropout
//! rate `s / β_i` by `exp(γ_d' z)`. In the BG/NBD and MBG/NBD the dropout coefficient scales
//! `a` and `b` together (CLVTools' choice): the mean dropout probability `a/(a+b)` stays where it
//! is and the coefficient says how concentrated the customers' dropout probabilities are around
//! it (positive: more alike), so read it as a heterogeneity effect, not as "more likely to drop".
//!
//! For spend (Gamma-Gamma, [`SpendCovariates`]) the rate of the distribution of `ν` moves:
//! `v_i = v₀ · exp(δ' z_i)`, so the population mean spend `p v_i / (q - 1)` is multiplied by
//! `exp(δ' z)`.
//!
//! A covariate may be *constrained* to one coefficient shared by both processes
//! (`γ_p = γ_d`, CLVTools' `names.cov.constr`), and the fit may be L2-regularised: it maximises
//! `LL - λ Σ_j γ_j²` (the sum over every covariate coefficient, in the covariates' own units).
//!
//! ## Estimation
//!
//! Maximum likelihood over `(ln r, ln α₀, ln a₀, ln b₀, γ)`, started at the plain model's fit
//! and `γ = 0`, by L-BFGS. Each customer's log-likelihood is the plain model's at her own
//! parameters, so its gradient with respect to them is exact (dual numbers) and the chain rule
//! `∂ℓ/∂γ_j = Σ_k ∂ℓ/∂θ_ik · θ_ik · s_k z_ij` gives the coefficients'. Covariates are scaled
//! by their standard deviation inside the optimiser (the estimates are reported in the
//! covariates' own units). Standard errors come from the inverse of the observed information
//! (central differences of the exact gradient), on the natural scale by the delta method;
//! [`FitReport::covariance`] holds the full matrix in the order `(base parameters, γ)`.
//!
//! With every coefficient 0 the log-likelihood and every prediction are exactly the plain
//! model's, and a covariate that is 0 for every customer leaves the fit where the plain fit is
//! (tests/covariates.rs checks both, and recovery of known coefficients on simulated data).
//!
//! ## Example
//!
//! ```
//! use custalyze_cltv_core::covariates::{BaseModel, CovariateTable, StaticCovariates};
//! use custalyze_cltv_core::{Customer, PurchaseModel, RfmData};
//!
//! # fn main() -> custalyze_cltv_core::Result<()> {
//! // 400 customers observed for 39 weeks; the "vip" half buys more often.
//! let (mut x, mut t_x, mut t, mut rows) = (vec![], vec![], vec![], vec![]);
//! for i in 0..400 {
//!     let vip = (i % 2) as f64;
//!     let n = ((i / 2) % 4) as f64 + 2.0 * vip * ((i / 8) % 2) as f64;
//!     x.push(n);
//!     t_x.push(if n > 0.0 { 39.0 - ((i * 7) % 30) as f64 } else { 0.0 });
//!     t.push(39.0);
//!     rows.push(vec![vip]);
//! }
//! let data = RfmData::new(&x, &t_x, &t, None)?;
//! let vip = CovariateTable::new(vec!["vip".into()], rows)?;
//! let fit = StaticCovariates::params(BaseModel::BgNbd)
//!     .purchase(["vip"])
//!     .fit(&data, &vip)?;
//! let effect = &fit.effects[0];
//! assert_eq!(effect.name, "vip");
//! assert!(effect.estimate > 0.0); // VIPs buy more often
//! // Each customer's own model answers the usual questions.
//! let model = fit.customer_model(&[1.0])?;
//! let p = model.p_alive(&Customer::new(5.0, 35.0, 39.0)?)?;
//! assert!((0.0..=1.0).contains(&p));
//! # Ok(())
//! # }
//! ```

use rayon::prelude::*;

use crate::bgnbd::{BgNbd, BgNbdParameters};
use crate::clv::{PurchaseModel, TimeUnit};
use crate::data::{Customer, RfmData};
use crate::error::{Result, invalid};
use crate::gamma_gamma::{GammaGamma, GammaGammaParameters, SpendData};
use crate::mbgnbd::{MbgNbd, MbgNbdParameters};
use crate::optim::{
    FitOptions, FitReport, MAX_LOG_PARAM, VecProblem, maximise_vec, rescale_covariance,
    sum_in_order,
};
use crate::pareto_nbd::{ParetoNbd, ParetoNbdParameters};
use crate::real::Dual;

/// The purchase model that covariates are added to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum BaseModel {
    /// BG/NBD: purchase covariates move `α`, dropout covariates `a` and `b`.
    BgNbd,
    /// MBG/NBD: as the BG/NBD.
    MbgNbd,
    /// Pareto/NBD: purchase covariates move `α`, dropout covariates `β`.
    ParetoNbd,
}

impl BaseModel {
    /// The model's name.
    pub fn name(self) -> &'static str {
        match self {
            BaseModel::BgNbd => "BG/NBD",
            BaseModel::MbgNbd => "MBG/NBD",
            BaseModel::ParetoNbd => "Pareto/NBD",
        }
    }

    /// The base parameters' names, in the order of [`FittedStaticCovariates::base`].
    pub fn parameter_names(self) -> [&'static str; 4] {
        match self {
            BaseModel::BgNbd | BaseModel::MbgNbd => ["r", "alpha", "a", "b"],
            BaseModel::ParetoNbd => ["r", "alpha", "s", "beta"],
        }
    }

    /// `(parameter index, sign)` of the links of the purchase and the dropout process.
    fn links(self, process: Process) -> Vec<(usize, f64)> {
        match (self, process) {
            (_, Process::Purchase) => vec![(1, -1.0)],
            (BaseModel::BgNbd | BaseModel::MbgNbd, Process::Dropout) => {
                vec![(2, 1.0), (3, 1.0)]
            }
            (BaseModel::ParetoNbd, Process::Dropout) => vec![(3, -1.0)],
            (m, Process::Both) => {
                let mut l = m.links(Process::Purchase);
                l.extend(m.links(Process::Dropout));
                l
            }
            (_, Process::Spend) => vec![],
        }
    }
}

/// Which process a coefficient acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Process {
    /// The purchase rate.
    Purchase,
    /// The dropout.
    Dropout,
    /// Both, with one shared coefficient (a constrained covariate).
    Both,
    /// The spend per transaction (Gamma-Gamma).
    Spend,
}

impl Process {
    /// The name used in model files: `purchase`, `dropout`, `both`, `spend`.
    pub fn name(self) -> &'static str {
        match self {
            Process::Purchase => "purchase",
            Process::Dropout => "dropout",
            Process::Both => "both",
            Process::Spend => "spend",
        }
    }
}

/// A table of numeric covariates, one row per customer (in the order of the data the fit takes)
/// and one named column per covariate. Categorical covariates enter as 0/1 dummy columns.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CovariateTable {
    names: Vec<String>,
    /// Row-major values, `rows × names.len()`.
    values: Vec<f64>,
}

impl CovariateTable {
    /// A table from column names and rows.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for no column, a repeated or empty name, a row of another
    /// length, or a non-finite value (naming its row and column).
    pub fn new(names: Vec<String>, rows: Vec<Vec<f64>>) -> Result<Self> {
        if names.is_empty() {
            return Err(invalid(
                "covariates",
                "no column",
                "need at least one covariate",
            ));
        }
        for (i, n) in names.iter().enumerate() {
            if n.trim().is_empty() || names[..i].contains(n) {
                return Err(invalid(
                    "covariates",
                    n,
                    "covariate names must be non-empty and distinct",
                ));
            }
        }
        let k = names.len();
        let mut values = Vec::with_capacity(rows.len() * k);
        for (r, row) in rows.iter().enumerate() {
            if row.len() != k {
                return Err(invalid(
                    "covariates",
                    format!("row {r} with {} values", row.len()),
                    format!("every row needs {k} values (one per column)"),
                ));
            }
            for (c, v) in row.iter().enumerate() {
                if !v.is_finite() {
                    return Err(invalid(
                        "covariates",
                        format!("{v} at row {r}, column {}", names[c]),
                        "covariate values must be finite numbers",
                    ));
                }
            }
            values.extend_from_slice(row);
        }
        Ok(Self { names, values })
    }

    /// The column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Number of rows (customers).
    pub fn len(&self) -> usize {
        self.values.len() / self.names.len().max(1)
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// One row's values, in column order.
    pub fn row(&self, i: usize) -> Option<&[f64]> {
        let k = self.names.len();
        self.values.get(i * k..(i + 1) * k)
    }

    /// The index of a column.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) naming an unknown column and listing the known ones.
    pub fn column(&self, name: &str) -> Result<usize> {
        self.names.iter().position(|n| n == name).ok_or_else(|| {
            invalid(
                "covariate",
                name,
                format!(
                    "not a column of the table (columns: {})",
                    self.names.join(", ")
                ),
            )
        })
    }

    /// The values of the named columns in row `row`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for an unknown column or a row beyond the table.
    pub fn values_of(&self, names: &[String], row: usize) -> Result<Vec<f64>> {
        let cols = names
            .iter()
            .map(|n| self.column(n))
            .collect::<Result<Vec<_>>>()?;
        if row >= self.len() {
            return Err(invalid("row", row, "beyond the covariate table"));
        }
        let mut z = Vec::with_capacity(cols.len());
        self.pick(row, &cols, &mut z);
        Ok(z)
    }

    /// The values of `columns` for row `i`.
    fn pick(&self, i: usize, columns: &[usize], out: &mut Vec<f64>) {
        let k = self.names.len();
        out.extend(columns.iter().map(|&c| self.values[i * k + c]));
    }
}

/// One estimated covariate coefficient.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CovariateEffect {
    /// The covariate (a column of the [`CovariateTable`]).
    pub name: String,
    /// The process it acts on.
    pub process: Process,
    /// The coefficient `γ` (per unit of the covariate).
    pub estimate: f64,
    /// Its standard error (`None` when the information matrix is singular).
    pub standard_error: Option<f64>,
}

impl CovariateEffect {
    /// The Wald z statistic `γ / se`.
    pub fn z_value(&self) -> Option<f64> {
        self.standard_error.map(|se| self.estimate / se)
    }
}

/// What the covariate fits share: which columns act on which process, the L2 weight and the
/// optimiser options.
#[derive(Clone, Debug, PartialEq)]
struct Spec {
    terms: Vec<(String, Process)>,
    l2: f64,
    options: FitOptions,
}

impl Spec {
    fn check(&self) -> Result<()> {
        self.options.check()?;
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(invalid("l2", self.l2, "must be finite and >= 0"));
        }
        if self.terms.is_empty() {
            return Err(invalid(
                "covariates",
                "none",
                "name at least one covariate for a process",
            ));
        }
        for (i, (name, process)) in self.terms.iter().enumerate() {
            for (other, other_process) in &self.terms[..i] {
                if other == name
                    && (other_process == process
                        || *process == Process::Both
                        || *other_process == Process::Both)
                {
                    return Err(invalid(
                        "covariates",
                        name,
                        "a covariate is named twice for one process (a constrained covariate already acts on both)",
                    ));
                }
            }
        }
        Ok(())
    }
}

macro_rules! spec_setters {
    () => {
        /// The L2 penalty `λ`: the fit maximises `LL - λ Σ γ²` (default 0).
        pub fn l2(mut self, lambda: f64) -> Self {
            self.spec.l2 = lambda;
            self
        }

        /// Optimiser options (the `penalizer` applies to the base fit the covariate fit starts
        /// from; `max_iters` and `gradient_tolerance` to both).
        pub fn options(mut self, options: FitOptions) -> Self {
            self.spec.options = options;
            self
        }
    };
}

/// Static covariates on a purchase model. [`StaticCovariates::params`] starts a fit:
/// `StaticCovariates::params(BaseModel::BgNbd).purchase(["a"]).dropout(["b"]).fit(&data, &table)?`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StaticCovariates;

impl StaticCovariates {
    /// The builder for `model`, with no covariate yet.
    pub fn params(model: BaseModel) -> StaticCovariatesParams {
        StaticCovariatesParams {
            model,
            spec: Spec {
                terms: vec![],
                l2: 0.0,
                options: FitOptions::default(),
            },
        }
    }
}

/// Builder of a [`StaticCovariates`] fit.
#[derive(Clone, Debug, PartialEq)]
pub struct StaticCovariatesParams {
    model: BaseModel,
    spec: Spec,
}

/// Checked [`StaticCovariatesParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidStaticCovariatesParams {
    model: BaseModel,
    spec: Spec,
}

impl StaticCovariatesParams {
    /// Covariates acting on the purchase rate.
    pub fn purchase<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<(String, Process)> = names
            .into_iter()
            .map(|n| (n.into(), Process::Purchase))
            .collect();
        self.spec.terms.extend(names);
        self
    }

    /// Covariates acting on the dropout.
    pub fn dropout<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<(String, Process)> = names
            .into_iter()
            .map(|n| (n.into(), Process::Dropout))
            .collect();
        self.spec.terms.extend(names);
        self
    }

    /// Covariates with one coefficient shared by both processes.
    pub fn constrained<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<(String, Process)> = names
            .into_iter()
            .map(|n| (n.into(), Process::Both))
            .collect();
        self.spec.terms.extend(names);
        self
    }

    spec_setters!();

    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for no covariate, a covariate named twice for one process, a
    /// negative or non-finite `l2`, or bad optimiser options.
    pub fn check(&self) -> Result<ValidStaticCovariatesParams> {
        self.spec.check()?;
        Ok(ValidStaticCovariatesParams {
            model: self.model,
            spec: self.spec.clone(),
        })
    }

    /// Checks, then fits ([`ValidStaticCovariatesParams::fit`]).
    ///
    /// # Errors
    /// As [`Self::check`] and [`ValidStaticCovariatesParams::fit`].
    pub fn fit(
        &self,
        data: &RfmData,
        covariates: &CovariateTable,
    ) -> Result<FittedStaticCovariates> {
        self.check()?.fit(data, covariates)
    }
}

/// A purchase model with static covariates, fitted.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedStaticCovariates {
    /// The model.
    pub model: BaseModel,
    /// The base parameters (a customer whose covariates are all 0 has these), in the order of
    /// [`BaseModel::parameter_names`].
    pub base: [f64; 4],
    /// Standard errors of the base parameters.
    pub base_standard_errors: Option<[f64; 4]>,
    /// The coefficients, in the order they were named.
    pub effects: Vec<CovariateEffect>,
    /// The L2 weight the fit used.
    pub l2: f64,
    /// Log-likelihood (without the penalty), covariance `(base, γ)`, optimiser details.
    pub report: FitReport,
    /// The time unit of the data it was fitted on.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit: Option<TimeUnit>,
}

/// One customer's purchase model: the base model at her own parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CustomerModel {
    /// BG/NBD parameters.
    BgNbd(BgNbdParameters),
    /// MBG/NBD parameters.
    MbgNbd(MbgNbdParameters),
    /// Pareto/NBD parameters.
    ParetoNbd(ParetoNbdParameters),
}

impl PurchaseModel for CustomerModel {
    fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64> {
        match self {
            CustomerModel::BgNbd(p) => p.expected_purchases(t, customer),
            CustomerModel::MbgNbd(p) => p.expected_purchases(t, customer),
            CustomerModel::ParetoNbd(p) => p.expected_purchases(t, customer),
        }
    }
    fn p_alive(&self, customer: &Customer) -> Result<f64> {
        match self {
            CustomerModel::BgNbd(p) => p.p_alive(customer),
            CustomerModel::MbgNbd(p) => p.p_alive(customer),
            CustomerModel::ParetoNbd(p) => p.p_alive(customer),
        }
    }
    fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64> {
        match self {
            CustomerModel::BgNbd(p) => p.probability_of_a_purchase(t, customer),
            CustomerModel::MbgNbd(p) => p.probability_of_a_purchase(t, customer),
            CustomerModel::ParetoNbd(p) => p.probability_of_a_purchase(t, customer),
        }
    }
}

/// The distinct covariate names of `effects`, in first-named order: the order
/// [`FittedStaticCovariates::customer_model`] and [`FittedSpendCovariates::customer_parameters`]
/// take a customer's values in.
fn distinct_names(effects: &[CovariateEffect]) -> Vec<&str> {
    let mut names: Vec<&str> = vec![];
    for e in effects {
        if !names.contains(&e.name.as_str()) {
            names.push(&e.name);
        }
    }
    names
}

/// `ln θ_k + Σ_j s γ_j z_j` for a customer with covariate values `z` (by distinct name).
fn individual_log_parameters<const N: usize>(
    base: &[f64; N],
    effects: &[CovariateEffect],
    links: &dyn Fn(Process) -> Vec<(usize, f64)>,
    z: &[f64],
) -> Result<[f64; N]> {
    let names = distinct_names(effects);
    if z.len() != names.len() {
        return Err(invalid(
            "covariates",
            format!("{} values", z.len()),
            format!(
                "the model takes {} values, for {}",
                names.len(),
                names.join(", ")
            ),
        ));
    }
    if let Some(v) = z.iter().find(|v| !v.is_finite()) {
        return Err(invalid("covariates", v, "covariate values must be finite"));
    }
    let mut ln = base.map(f64::ln);
    for e in effects {
        let col = names
            .iter()
            .position(|n| *n == e.name.as_str())
            .unwrap_or(0);
        for (k, s) in links(e.process) {
            ln[k] += s * e.estimate * z[col];
        }
    }
    if ln.iter().any(|v| !v.is_finite() || v.abs() > MAX_LOG_PARAM) {
        return Err(invalid(
            "covariates",
            format!("{z:?}"),
            "these covariate values put the customer's parameters beyond e^±30 (far outside the data the model was fitted on)",
        ));
    }
    Ok(ln)
}

/// The report of a model rebuilt from its estimates (no fit behind it).
fn empty_report(n_params: usize) -> FitReport {
    FitReport {
        log_likelihood: f64::NAN,
        standard_errors: None,
        covariance: None,
        n_customers: 0.0,
        iterations: 0,
        method: "from estimates".into(),
        n_params,
    }
}

/// Checks base parameters and coefficients read back from a model file.
fn check_estimates(base: &[f64], effects: &[CovariateEffect]) -> Result<()> {
    if let Some(v) = base.iter().find(|v| !(v.is_finite() && **v > 0.0)) {
        return Err(invalid("base parameter", v, "must be finite and > 0"));
    }
    if let Some(e) = effects.iter().find(|e| !e.estimate.is_finite()) {
        return Err(invalid(
            "covariate effect",
            &e.name,
            "must be a finite number",
        ));
    }
    Ok(())
}

impl FittedStaticCovariates {
    /// A model from saved estimates (a service scoring with a model fitted elsewhere); the
    /// report is empty.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a base parameter that is not finite and positive or a
    /// non-finite coefficient.
    pub fn from_estimates(
        model: BaseModel,
        base: [f64; 4],
        effects: Vec<CovariateEffect>,
        unit: Option<TimeUnit>,
    ) -> Result<Self> {
        check_estimates(&base, &effects)?;
        if let Some(e) = effects.iter().find(|e| model.links(e.process).is_empty()) {
            return Err(invalid(
                "covariate effect",
                &e.name,
                format!("{} has no {} process", model.name(), e.process.name()),
            ));
        }
        Ok(Self {
            model,
            base,
            base_standard_errors: None,
            effects,
            l2: 0.0,
            report: empty_report(4),
            unit,
        })
    }

    /// The covariates a customer's values are given for, in order.
    pub fn covariate_names(&self) -> Vec<String> {
        distinct_names(&self.effects)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// `draws` models with the base parameters and coefficients drawn from their asymptotic
    /// normal ([`FitReport::covariance`]; base parameters on the log scale), for per-customer
    /// intervals with [`crate::uncertainty::customer_quantiles`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a fit without a covariance (singular information, or a
    /// model rebuilt from its estimates) or zero draws.
    pub fn parameter_draws(&self, draws: usize, seed: u64) -> Result<Vec<Self>> {
        let cov = self.report.covariance.as_deref().ok_or_else(|| {
            invalid(
                "covariance",
                "none",
                "the fit has no parameter covariance (singular information, or rebuilt from estimates)",
            )
        })?;
        let mut theta = self.base.to_vec();
        theta.extend(self.effects.iter().map(|e| e.estimate));
        let vectors = crate::uncertainty::draw_vectors(&theta, cov, 4, draws, seed)?;
        Ok(vectors
            .into_iter()
            .map(|v| {
                let mut d = self.clone();
                d.base.copy_from_slice(&v[..4]);
                for (e, g) in d.effects.iter_mut().zip(&v[4..]) {
                    e.estimate = *g;
                }
                d
            })
            .collect())
    }

    /// The base model's parameters for a customer with covariate values `z` (in the order of
    /// [`Self::covariate_names`]).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for the wrong number of values, a non-finite value, or values
    /// that move a parameter beyond `e^±30`.
    pub fn customer_model(&self, z: &[f64]) -> Result<CustomerModel> {
        let model = self.model;
        let ln = individual_log_parameters(&self.base, &self.effects, &|p| model.links(p), z)?;
        let [r, alpha, c, d] = ln.map(f64::exp);
        Ok(match model {
            BaseModel::BgNbd => CustomerModel::BgNbd(BgNbdParameters::new(r, alpha, c, d)?),
            BaseModel::MbgNbd => CustomerModel::MbgNbd(MbgNbdParameters::new(r, alpha, c, d)?),
            BaseModel::ParetoNbd => {
                CustomerModel::ParetoNbd(ParetoNbdParameters::new(r, alpha, c, d)?)
            }
        })
    }

    /// [`Self::customer_model`] for row `row` of a covariate table (columns found by name).
    ///
    /// # Errors
    /// As [`Self::customer_model`]; [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a missing column or row.
    pub fn customer_model_of(&self, table: &CovariateTable, row: usize) -> Result<CustomerModel> {
        let z = table.values_of(&self.covariate_names(), row)?;
        self.customer_model(&z)
    }

    /// The base model's log-likelihood of one customer at her own parameters.
    ///
    /// # Errors
    /// As [`Self::customer_model`] and [`Customer::check`].
    pub fn log_likelihood_of(&self, customer: &Customer, z: &[f64]) -> Result<f64> {
        customer.check()?;
        let (x, t_x, t) = (customer.x, customer.t_x, customer.t);
        Ok(match self.customer_model(z)? {
            CustomerModel::BgNbd(p) => p.log_likelihood_of(x, t_x, t),
            CustomerModel::MbgNbd(p) => p.log_likelihood_of(x, t_x, t),
            CustomerModel::ParetoNbd(p) => p.log_likelihood_of(x, t_x, t),
        })
    }
}

impl ValidStaticCovariatesParams {
    /// Fits the model with covariates: row `i` of `covariates` belongs to row `i` of `data`
    /// (uncompressed: one row per customer or per group of identical customers with its weight).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) for a table of another length or an unknown column;
    /// the plain model's errors ([`Error::EmptyInput`](crate::Error::EmptyInput), [`Error::NotConverged`](crate::Error::NotConverged)) from the fit
    /// it starts at; [`Error::NotConverged`](crate::Error::NotConverged) when the covariate fit does not reach an optimum
    /// (often a covariate that separates the customers perfectly: try `l2`).
    pub fn fit(
        &self,
        data: &RfmData,
        covariates: &CovariateTable,
    ) -> Result<FittedStaticCovariates> {
        let model = self.model;
        let base_options = self.spec.options;
        let (start, ll_fn): ([f64; 4], RowLikelihood<4>) = match model {
            BaseModel::BgNbd => {
                let f = BgNbd::params().options(base_options).fit(data)?;
                let p = f.params;
                ([p.r, p.alpha, p.a, p.b], |p, row| {
                    BgNbdParameters::ln_likelihood(p, row[0], row[1], row[2])
                })
            }
            BaseModel::MbgNbd => {
                let f = MbgNbd::params().options(base_options).fit(data)?;
                let p = f.params;
                ([p.r, p.alpha, p.a, p.b], |p, row| {
                    MbgNbdParameters::ln_likelihood(p, row[0], row[1], row[2])
                })
            }
            BaseModel::ParetoNbd => {
                let f = ParetoNbd::params().options(base_options).fit(data)?;
                let p = f.params;
                ([p.r, p.alpha, p.s, p.beta], |p, row| {
                    ParetoNbdParameters::ln_likelihood(p, row[0], row[1], row[2])
                })
            }
        };
        let rows: Vec<[f64; 3]> = (0..data.len())
            .map(|i| [data.x[i], data.t_x[i], data.t[i]])
            .collect();
        let (base, base_se, effects, report) = fit_with_covariates(
            model.name(),
            &rows,
            &data.weight,
            covariates,
            &self.spec,
            start,
            &|p| model.links(p),
            ll_fn,
        )?;
        Ok(FittedStaticCovariates {
            model,
            base,
            base_standard_errors: base_se,
            effects,
            l2: self.spec.l2,
            report,
            unit: data.unit,
        })
    }
}

/// Static covariates on the Gamma-Gamma spend model: `v_i = v₀ exp(δ' z_i)`, so a customer's
/// expected spend per transaction is multiplied by `exp(δ' z_i)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SpendCovariates;

impl SpendCovariates {
    /// The builder, with no covariate yet.
    pub fn params() -> SpendCovariatesParams {
        SpendCovariatesParams {
            spec: Spec {
                terms: vec![],
                l2: 0.0,
                options: FitOptions::default(),
            },
        }
    }
}

/// Builder of a [`SpendCovariates`] fit.
#[derive(Clone, Debug, PartialEq)]
pub struct SpendCovariatesParams {
    spec: Spec,
}

/// Checked [`SpendCovariatesParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidSpendCovariatesParams {
    spec: Spec,
}

impl SpendCovariatesParams {
    /// Covariates acting on the spend per transaction.
    pub fn spend<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        let names: Vec<(String, Process)> = names
            .into_iter()
            .map(|n| (n.into(), Process::Spend))
            .collect();
        self.spec.terms.extend(names);
        self
    }

    spec_setters!();

    /// Checks the options.
    ///
    /// # Errors
    /// As [`StaticCovariatesParams::check`].
    pub fn check(&self) -> Result<ValidSpendCovariatesParams> {
        self.spec.check()?;
        Ok(ValidSpendCovariatesParams {
            spec: self.spec.clone(),
        })
    }

    /// Checks, then fits ([`ValidSpendCovariatesParams::fit`]).
    ///
    /// # Errors
    /// As [`Self::check`] and [`ValidSpendCovariatesParams::fit`].
    pub fn fit(
        &self,
        data: &SpendData,
        covariates: &CovariateTable,
    ) -> Result<FittedSpendCovariates> {
        self.check()?.fit(data, covariates)
    }
}

/// The Gamma-Gamma spend model with static covariates, fitted.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedSpendCovariates {
    /// The base parameters `(p, q, v₀)`.
    pub base: [f64; 3],
    /// Their standard errors.
    pub base_standard_errors: Option<[f64; 3]>,
    /// The coefficients `δ`.
    pub effects: Vec<CovariateEffect>,
    /// The L2 weight the fit used.
    pub l2: f64,
    /// Log-likelihood, covariance `(p, q, v₀, δ)`, optimiser details.
    pub report: FitReport,
}

impl FittedSpendCovariates {
    /// A model from saved estimates `(p, q, v₀)` and spend coefficients; the report is empty.
    ///
    /// # Errors
    /// As [`FittedStaticCovariates::from_estimates`].
    pub fn from_estimates(base: [f64; 3], effects: Vec<CovariateEffect>) -> Result<Self> {
        check_estimates(&base, &effects)?;
        if let Some(e) = effects.iter().find(|e| e.process != Process::Spend) {
            return Err(invalid(
                "covariate effect",
                &e.name,
                "a spend model takes spend covariates only",
            ));
        }
        Ok(Self {
            base,
            base_standard_errors: None,
            effects,
            l2: 0.0,
            report: empty_report(3),
        })
    }

    /// The covariates a customer's values are given for, in order.
    pub fn covariate_names(&self) -> Vec<String> {
        distinct_names(&self.effects)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// The Gamma-Gamma parameters of a customer with covariate values `z` (in the order of
    /// [`Self::covariate_names`]); their
    /// [`conditional_expected_average_profit`](GammaGammaParameters::conditional_expected_average_profit)
    /// is her expected spend.
    ///
    /// # Errors
    /// As [`FittedStaticCovariates::customer_model`].
    pub fn customer_parameters(&self, z: &[f64]) -> Result<GammaGammaParameters> {
        let ln = individual_log_parameters(&self.base, &self.effects, &spend_links, z)?;
        let [p, q, v] = ln.map(f64::exp);
        GammaGammaParameters::new(p, q, v)
    }

    /// [`Self::customer_parameters`] for row `row` of a covariate table (columns found by name).
    ///
    /// # Errors
    /// As [`FittedStaticCovariates::customer_model_of`].
    pub fn customer_parameters_of(
        &self,
        table: &CovariateTable,
        row: usize,
    ) -> Result<GammaGammaParameters> {
        let z = table.values_of(&self.covariate_names(), row)?;
        self.customer_parameters(&z)
    }
}

fn spend_links(process: Process) -> Vec<(usize, f64)> {
    match process {
        Process::Spend => vec![(2, 1.0)],
        _ => vec![],
    }
}

impl ValidSpendCovariatesParams {
    /// Fits Gamma-Gamma with covariates: row `i` of `covariates` belongs to row `i` of `data`.
    ///
    /// # Errors
    /// As [`ValidStaticCovariatesParams::fit`].
    pub fn fit(
        &self,
        data: &SpendData,
        covariates: &CovariateTable,
    ) -> Result<FittedSpendCovariates> {
        let f = GammaGamma::params().options(self.spec.options).fit(data)?;
        let p = f.params;
        let rows: Vec<[f64; 3]> = (0..data.x.len())
            .map(|i| [data.x[i], data.m[i], 0.0])
            .collect();
        let (base, base_se, effects, report) = fit_with_covariates(
            "Gamma-Gamma",
            &rows,
            &data.weight,
            covariates,
            &self.spec,
            [p.p, p.q, p.v],
            &spend_links,
            |p, row| GammaGammaParameters::ln_likelihood_generic(p, row[0], row[1]),
        )?;
        Ok(FittedSpendCovariates {
            base,
            base_standard_errors: base_se,
            effects,
            l2: self.spec.l2,
            report,
        })
    }
}

/// A base model's per-row log-likelihood at individual parameters, with exact derivatives.
type RowLikelihood<const N: usize> = fn(&[Dual<N>; N], &[f64; 3]) -> Dual<N>;

/// The covariate fitting problem on internal coordinates `u = (ln θ₀, γ · sd)`.
struct Problem<'a, const N: usize> {
    rows: &'a [[f64; 3]],
    weight: &'a [f64],
    /// Scaled covariate values, row-major `rows × k` (one column per coefficient).
    z: Vec<f64>,
    k: usize,
    /// Per coefficient: `(parameter, sign)` links.
    links: Vec<Vec<(usize, f64)>>,
    /// Per coefficient: the covariate's scale (standard deviation, 1 for a constant column).
    sd: Vec<f64>,
    l2: f64,
    ll: RowLikelihood<N>,
}

/// Rows per parallel chunk.
const CHUNK: usize = 2_048;

impl<const N: usize> Problem<'_, N> {
    /// Log-likelihood (unpenalised) and its gradient in `u`; `None` outside the box where a
    /// parameter of some customer leaves `e^±30` or the likelihood is not finite.
    fn ll_and_gradient(&self, u: &[f64]) -> Option<(f64, Vec<f64>)> {
        if u.iter().any(|v| !v.is_finite()) || u[..N].iter().any(|v| v.abs() > MAX_LOG_PARAM) {
            return None;
        }
        let k = self.k;
        let dim = N + k;
        let acc = self
            .rows
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, chunk)| {
                let mut acc = vec![0.0; 1 + dim];
                let mut ln = [0.0; N];
                for (j, row) in chunk.iter().enumerate() {
                    let i = c * CHUNK + j;
                    let w = self.weight[i];
                    if w == 0.0 {
                        continue;
                    }
                    ln.copy_from_slice(&u[..N]);
                    let zi = &self.z[i * k..(i + 1) * k];
                    for (g, links) in self.links.iter().enumerate() {
                        for &(p, s) in links {
                            ln[p] += s * u[N + g] * zi[g];
                        }
                    }
                    if ln.iter().any(|v| v.abs() > MAX_LOG_PARAM) {
                        acc[0] = f64::NAN;
                        return acc;
                    }
                    let theta: [Dual<N>; N] = std::array::from_fn(|p| Dual::var(ln[p].exp(), p));
                    let l = (self.ll)(&theta, row);
                    acc[0] += w * l.v;
                    // ∂ℓ/∂ln θ_p = θ_p ∂ℓ/∂θ_p
                    let mut dln = [0.0; N];
                    for p in 0..N {
                        dln[p] = l.d[p] * theta[p].v;
                        acc[1 + p] += w * dln[p];
                    }
                    for (g, links) in self.links.iter().enumerate() {
                        let mut s_sum = 0.0;
                        for &(p, s) in links {
                            s_sum += s * dln[p];
                        }
                        acc[1 + N + g] += w * s_sum * zi[g];
                    }
                }
                acc
            })
            .collect::<Vec<Vec<f64>>>();
        let acc = sum_in_order(acc, 1 + dim);
        (acc.iter().all(|v| v.is_finite())).then(|| (acc[0], acc[1..].to_vec()))
    }

    /// The penalised log-likelihood `LL - λ Σ γ²` and its gradient in `u`.
    fn penalised(&self, u: &[f64]) -> Option<(f64, Vec<f64>)> {
        let (ll, mut g) = self.ll_and_gradient(u)?;
        let mut pen = 0.0;
        for (j, sd) in self.sd.iter().enumerate() {
            let gamma = u[N + j] / sd;
            pen += self.l2 * gamma * gamma;
            // d(λ γ²)/du = 2 λ γ / sd
            g[N + j] -= 2.0 * self.l2 * gamma / sd;
        }
        Some((ll - pen, g))
    }
}

/// The result of [`fit_with_covariates`]: base parameters, their standard errors, the effects
/// and the report.
type CovariateFit<const N: usize> = ([f64; N], Option<[f64; N]>, Vec<CovariateEffect>, FitReport);

/// Fits base parameters and covariate coefficients from the plain fit `start`.
#[allow(clippy::too_many_arguments)] // one internal entry point shared by the two builders
fn fit_with_covariates<const N: usize>(
    name: &'static str,
    rows: &[[f64; 3]],
    weight: &[f64],
    table: &CovariateTable,
    spec: &Spec,
    start: [f64; N],
    links_of: &dyn Fn(Process) -> Vec<(usize, f64)>,
    ll: RowLikelihood<N>,
) -> Result<CovariateFit<N>> {
    if table.len() != rows.len() {
        return Err(invalid(
            "covariates",
            format!("{} rows", table.len()),
            format!(
                "the covariate table needs one row per data row ({} rows)",
                rows.len()
            ),
        ));
    }
    let columns = spec
        .terms
        .iter()
        .map(|(n, _)| table.column(n))
        .collect::<Result<Vec<_>>>()?;
    let k = columns.len();
    let total: f64 = weight.iter().sum();
    // Scale each column by its weighted standard deviation (1 for a constant column).
    let mut z = Vec::with_capacity(rows.len() * k);
    for i in 0..rows.len() {
        table.pick(i, &columns, &mut z);
    }
    let sd: Vec<f64> = (0..k)
        .map(|j| {
            let mean = (0..rows.len())
                .map(|i| weight[i] * z[i * k + j])
                .sum::<f64>()
                / total;
            let var = (0..rows.len())
                .map(|i| weight[i] * (z[i * k + j] - mean).powi(2))
                .sum::<f64>()
                / total;
            let sd = var.sqrt();
            if sd > 1e-12 && sd.is_finite() {
                sd
            } else {
                1.0
            }
        })
        .collect();
    for row in z.chunks_mut(k) {
        for (v, s) in row.iter_mut().zip(&sd) {
            *v /= s;
        }
    }
    let links: Vec<Vec<(usize, f64)>> = spec.terms.iter().map(|(_, p)| links_of(*p)).collect();
    if let Some(((n, p), _)) = spec.terms.iter().zip(&links).find(|(_, l)| l.is_empty()) {
        return Err(invalid(
            "covariates",
            n,
            format!("{name} has no {} process", p.name()),
        ));
    }
    let problem = Problem {
        rows,
        weight,
        z,
        k,
        links,
        sd: sd.clone(),
        l2: spec.l2,
        ll,
    };
    let mut u0: Vec<f64> = start.iter().map(|v| v.ln()).collect();
    u0.extend(std::iter::repeat_n(0.0, k));
    let natural = |u: &[f64]| -> Vec<f64> {
        u.iter()
            .enumerate()
            .map(|(j, v)| if j < N { v.exp() } else { v / sd[j - N] })
            .collect()
    };
    let optimum = maximise_vec(
        &|u: &[f64]| problem.penalised(u),
        u0,
        &spec.options,
        total,
        &VecProblem {
            name,
            n_log: N,
            natural: &natural,
            hint: "a covariate that separates customers perfectly runs its coefficient off; try l2, e.g. 0.1",
        },
    )?;
    let best = optimum.best;
    let iterations = optimum.iterations;
    let (ll, _) = problem.ll_and_gradient(&best).unwrap_or((f64::NAN, vec![]));
    // The inverse information of the penalised log-likelihood in u, moved to natural
    // coordinates by the delta method.
    let dim = N + k;
    let jac: Vec<f64> = (0..dim)
        .map(|j| {
            if j < N {
                best[j].exp()
            } else {
                1.0 / sd[j - N]
            }
        })
        .collect();
    let covariance = optimum
        .information_inverse
        .map(|cov| rescale_covariance(cov, &jac));
    let se = covariance
        .as_ref()
        .and_then(|c| crate::optim::standard_errors_of(c, dim));
    let params = natural(&best);
    let mut base = [0.0; N];
    base.copy_from_slice(&params[..N]);
    let base_se = se.as_ref().map(|s| {
        let mut b = [0.0; N];
        b.copy_from_slice(&s[..N]);
        b
    });
    let effects = spec
        .terms
        .iter()
        .enumerate()
        .map(|(j, (name, process))| CovariateEffect {
            name: name.clone(),
            process: *process,
            estimate: params[N + j],
            standard_error: se.as_ref().map(|s| s[N + j]),
        })
        .collect();
    let report = FitReport {
        log_likelihood: ll,
        standard_errors: se,
        covariance,
        n_customers: total,
        iterations,
        method: "L-BFGS (covariates)".into(),
        n_params: dim,
    };
    Ok((base, base_se, effects, report))
}
