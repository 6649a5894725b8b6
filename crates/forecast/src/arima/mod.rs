//! ARIMA(p,d,q)(P,D,Q)s models fitted by exact Gaussian maximum likelihood.
//!
//! # Model
//! With `B` the backshift operator and `s` the seasonal period,
//!
//! ```text
//! φ(B) Φ(B^s) [(1 - B)^d (1 - B^s)^D y_t - μ] = θ(B) Θ(B^s) ε_t,   ε_t ~ N(0, σ²)
//! φ(B) = 1 - φ₁B - … - φₚBᵖ          θ(B) = 1 + θ₁B + … + θ_qB^q
//! Φ(B) = 1 - Φ₁B^s - … - Φ_P B^{sP}  Θ(B) = 1 + Θ₁B^s + … + Θ_Q B^{sQ}
//! ```
//!
//! `μ` (the optional constant, named `const`) is the mean of the differenced series: a mean when
//! `d + D = 0`, a drift when `d + D = 1`.
//!
//! # Estimation
//! The likelihood is the exact Gaussian likelihood of the differenced series
//! `w = (1 - B)^d (1 - B^s)^D y` under the stationary ARMA model, computed by the Kalman filter
//! (Harvey's state-space form) from the exact stationary initial state, at `O(p³ + n r)` per
//! evaluation (the initial covariance from the ARMA autocovariances, Chandrasekhar recursions
//! for the likelihood). This is the diffuse likelihood of `y`
//! (Durbin & Koopman 2012, §5.7), the quantity R's `stats::arima` and statsmodels' `SARIMAX`
//! (with its approximate diffuse initialisation, which drops the first `d + sD` observations)
//! report: on log(AirPassengers) both give 244.696. `σ²` is concentrated out
//! (`σ̂² = Σ v_t²/F_t / n`), the remaining parameters are mapped to the stationary and invertible
//! region with the Monahan/Jones transform of partial autocorrelations and optimised by BFGS, starting from the
//! conditional-sum-of-squares estimate (R's default `method = "CSS-ML"`).
//!
//! Information criteria count `k` = coefficients + 1 (σ²) and use `n` = length of `w`:
//! `AIC = -2ℓ + 2k`, `AICc = AIC + 2k(k+1)/(n-k-1)`, `BIC = -2ℓ + k ln n`.
//! Standard errors are the outer product of gradients (OPG) estimate statsmodels reports by
//! default.
//!
//! References: Box, Jenkins, Reinsel & Ljung (2015), *Time Series Analysis*, 5th ed.; Harvey
//! (1989), *Forecasting, Structural Time Series Models and the Kalman Filter*; Durbin & Koopman
//! (2012), *Time Series Analysis by State Space Methods*, 2nd ed.; Jones (1980),
//! "Maximum likelihood fitting of ARMA models to time series with missing observations",
//! Technometrics 22(3).

mod auto;
mod css;
mod fitted;
pub(crate) mod kalman;
pub(crate) mod params;
pub(crate) mod unitroot;

pub use auto::{
    AutoArima, AutoArimaParams, CandidateModel, InformationCriterion, ValidAutoArimaParams,
};
pub use fitted::{ArimaForecaster, ArimaSpec, AutoArimaForecaster, FittedArima};
pub use unitroot::{
    LagSelection, OcsbTest, SeasonalTest, kpss_statistic, ndiffs, nsdiffs, nsdiffs_with,
    ocsb_critical_value, ocsb_test, seasonal_strength,
};

use crate::error::{Error, Result, check_series};
use crate::forecaster::{Forecast, Forecaster, check_horizon, check_levels};
use crate::optim::{BfgsOptions, bfgs};

use kalman::{StateSpace, filter};

/// How the parameters are estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum FitMethod {
    /// Conditional sum of squares for starting values, then exact maximum likelihood (default,
    /// as R's `arima`).
    #[default]
    CssMl,
    /// Exact maximum likelihood from zero starting values.
    Ml,
    /// Conditional sum of squares only (fast; the log-likelihood reported is the CSS one).
    Css,
}

/// The ARIMA(p,d,q)(P,D,Q)s model. [`Arima::params`] starts a fit:
/// `Arima::params(p, d, q)` -> setters -> `check()` -> [`ValidArimaParams`] -> `fit(&y)` ->
/// [`FittedArima`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Arima;

impl Arima {
    /// A non-seasonal ARIMA(p,d,q) without constant (see [`ArimaParams`] for the other settings
    /// and their defaults).
    pub fn params(p: usize, d: usize, q: usize) -> ArimaParams {
        ArimaParams::new(p, d, q)
    }
}

/// An ARIMA(p,d,q)(P,D,Q)s specification: the unfitted model and its settings.
///
/// | Setting | Default |
/// |---|---|
/// | `seasonal(P, D, Q, s)` | none |
/// | `constant` | `false` |
/// | `method` | [`FitMethod::CssMl`] |
/// | `max_iter` | 200 BFGS iterations |
///
/// # Examples
/// ```
/// use custalyze_forecast::arima::Arima;
/// // A seasonal AR(1) with a trend, fitted to a toy series.
/// let y: Vec<f64> = (0..60).map(|t| t as f64 + (t % 4) as f64 * 3.0 + ((t * 7) % 5) as f64).collect();
/// let fit = Arima::params(1, 1, 0).seasonal(0, 1, 0, 4).fit(&y)?;
/// let fc = fit.forecast(4, &[95.0])?;
/// assert_eq!(fc.mean.len(), 4);
/// # Ok::<(), custalyze_forecast::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ArimaParams {
    p: usize,
    d: usize,
    q: usize,
    sp: usize,
    sd: usize,
    sq: usize,
    period: usize,
    constant: bool,
    method: FitMethod,
    max_iter: usize,
    /// Non-seasonal AR lags with a free coefficient (`None`: all of `1..=p`).
    ar_lags: Option<Vec<usize>>,
    /// Non-seasonal MA lags with a free coefficient (`None`: all of `1..=q`).
    ma_lags: Option<Vec<usize>>,
    /// Number of exogenous regressors (set by [`ValidArimaParams::fit_with_exog`]).
    n_exog: usize,
}

impl ArimaParams {
    /// A non-seasonal ARIMA(p,d,q) without constant.
    pub(crate) fn new(p: usize, d: usize, q: usize) -> Self {
        ArimaParams {
            p,
            d,
            q,
            sp: 0,
            sd: 0,
            sq: 0,
            period: 1,
            constant: false,
            method: FitMethod::CssMl,
            max_iter: 200,
            ar_lags: None,
            ma_lags: None,
            n_exog: 0,
        }
    }

    /// Non-seasonal AR coefficients only at `lags` (e.g. `[1, 4]`), the others fixed at zero;
    /// `p` becomes the largest lag. statsmodels writes this `order=([1, 4], d, q)`. A sparse
    /// polynomial is estimated directly (no partial-autocorrelation transform), with candidates
    /// outside the stationary region rejected.
    #[must_use]
    pub fn ar_lags(mut self, lags: &[usize]) -> Self {
        let mut l = lags.to_vec();
        l.sort_unstable();
        l.dedup();
        self.p = l.last().copied().unwrap_or(0);
        self.ar_lags = Some(l);
        self
    }

    /// Non-seasonal MA coefficients only at `lags` (e.g. `[1, 4]`), the others fixed at zero;
    /// `q` becomes the largest lag; candidates outside the invertible region are rejected.
    #[must_use]
    pub fn ma_lags(mut self, lags: &[usize]) -> Self {
        let mut l = lags.to_vec();
        l.sort_unstable();
        l.dedup();
        self.q = l.last().copied().unwrap_or(0);
        self.ma_lags = Some(l);
        self
    }

    /// The non-seasonal AR lags with a free coefficient.
    pub fn ar_lag_list(&self) -> Vec<usize> {
        self.ar_lags
            .clone()
            .unwrap_or_else(|| (1..=self.p).collect())
    }

    /// The non-seasonal MA lags with a free coefficient.
    pub fn ma_lag_list(&self) -> Vec<usize> {
        self.ma_lags
            .clone()
            .unwrap_or_else(|| (1..=self.q).collect())
    }

    /// Number of exogenous regressors of a fit with [`ValidArimaParams::fit_with_exog`].
    pub fn n_exog(&self) -> usize {
        self.n_exog
    }

    /// Adds the seasonal part (P,D,Q) with period `s` (e.g. 12 for monthly data).
    #[must_use]
    pub fn seasonal(mut self, p: usize, d: usize, q: usize, s: usize) -> Self {
        self.sp = p;
        self.sd = d;
        self.sq = q;
        self.period = s;
        self
    }

    /// Includes a constant `μ` (mean of the differenced series: mean or drift).
    #[must_use]
    pub fn constant(mut self, constant: bool) -> Self {
        self.constant = constant;
        self
    }

    /// The estimation method.
    #[must_use]
    pub fn method(mut self, method: FitMethod) -> Self {
        self.method = method;
        self
    }

    /// Maximum number of BFGS iterations.
    #[must_use]
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }

    /// The non-seasonal order `(p, d, q)`.
    pub fn order(&self) -> (usize, usize, usize) {
        (self.p, self.d, self.q)
    }

    /// The seasonal order `(P, D, Q, s)`; `(0, 0, 0, s)` when there is no seasonal part.
    pub fn seasonal_order(&self) -> (usize, usize, usize, usize) {
        let s = if self.has_seasonal() { self.period } else { 0 };
        (self.sp, self.sd, self.sq, s)
    }

    /// Whether a constant is included.
    pub fn has_constant(&self) -> bool {
        self.constant
    }

    fn has_seasonal(&self) -> bool {
        self.sp + self.sd + self.sq > 0
    }

    /// Number of estimated coefficients (without σ²).
    pub fn n_coefficients(&self) -> usize {
        usize::from(self.constant)
            + self.n_exog
            + self.ar_lag_list().len()
            + self.ma_lag_list().len()
            + self.sp
            + self.sq
    }

    /// The model in R's notation, e.g. `ARIMA(0,1,1)(0,1,1)[12]`; sparse lags as
    /// statsmodels writes them (`ARIMA([1,4],1,0)`); with regressors R's
    /// `Regression with ARIMA(1,1,1) errors`.
    pub fn name(&self) -> String {
        let lags = |l: &Option<Vec<usize>>, dense: usize| match l {
            Some(l) => format!(
                "[{}]",
                l.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            None => dense.to_string(),
        };
        let mut s = format!(
            "ARIMA({},{},{})",
            lags(&self.ar_lags, self.p),
            self.d,
            lags(&self.ma_lags, self.q)
        );
        if self.has_seasonal() {
            s.push_str(&format!(
                "({},{},{})[{}]",
                self.sp, self.sd, self.sq, self.period
            ));
        }
        if self.constant {
            s.push_str(if self.d + self.sd == 0 {
                " with non-zero mean"
            } else {
                " with drift"
            });
        }
        if self.n_exog > 0 {
            s = format!("Regression with {s} errors");
        }
        s
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a seasonal part without a period >= 2, differencing orders
    /// above 3 (d) or 2 (D), or `max_iter` of 0.
    pub fn check(&self) -> Result<ValidArimaParams> {
        self.validate()?;
        Ok(ValidArimaParams(self.clone()))
    }

    /// The rules of [`ArimaParams::check`], without the copy.
    fn validate(&self) -> Result<()> {
        if self.has_seasonal() && self.period < 2 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "seasonal period",
                    format!(
                        "a seasonal part needs a period of at least 2, got {}",
                        self.period
                    ),
                ),
            ));
        }
        if self.d > 3 || self.sd > 2 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "differencing order",
                    format!(
                        "d = {} and D = {} (at most 3 and 2; 1 is usual)",
                        self.d, self.sd
                    ),
                ),
            ));
        }
        if self.max_iter == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination("max_iter", "must be at least 1"),
            ));
        }
        for (name, lags) in [("ar_lags", &self.ar_lags), ("ma_lags", &self.ma_lags)] {
            if let Some(l) = lags
                && (l.is_empty() || l[0] == 0 || l[l.len() - 1] > 520)
            {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::combination(
                        name,
                        format!("{l:?}: lags are between 1 and 520, at least one"),
                    ),
                ));
            }
        }
        Ok(())
    }

    fn s(&self) -> usize {
        if self.has_seasonal() { self.period } else { 1 }
    }

    /// Observations lost to differencing: `d + sD`.
    fn n_lost(&self) -> usize {
        self.d + self.s() * self.sd
    }

    /// Fits the model to `y` (oldest first).
    ///
    /// # Errors
    /// [`Error::EmptySeries`], [`Error::NonFiniteValue`], [`Error::SeriesTooShort`] when fewer
    /// than `coefficients + 2` observations remain after differencing,
    /// [`Error::InvalidParameter`] from [`ArimaParams::check`], [`Error::LikelihoodFailed`] when the
    /// likelihood cannot be evaluated.
    pub fn fit(&self, y: &[f64]) -> Result<FittedArima> {
        self.check()?.fit(y)
    }

    /// The exact log-likelihood of `y` at given coefficients and σ² (not concentrated), in
    /// statsmodels' parameter order: `const` (if any), `ar.L*`, `ma.L*`, `ar.S.L*`, `ma.S.L*`.
    ///
    /// # Errors
    /// Bad data as for [`ArimaParams::fit`]; [`Error::InvalidParameter`] when the number of
    /// coefficients is wrong, `sigma2 <= 0`, or the coefficients are not stationary.
    pub fn log_likelihood(&self, y: &[f64], coefficients: &[f64], sigma2: f64) -> Result<f64> {
        self.validate()?;
        check_series(y)?;
        if coefficients.len() != self.n_coefficients() {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "coefficients",
                    format!(
                        "{} given, the model has {}",
                        coefficients.len(),
                        self.n_coefficients()
                    ),
                ),
            ));
        }
        if sigma2.is_nan() || sigma2 <= 0.0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "sigma2",
                    format!("{sigma2} is not positive"),
                ),
            ));
        }
        let w = self.differenced(y)?;
        let c = Coefs::from_vec(self, coefficients);
        let ss = c.state_space(self);
        let out = filter(&ss, &w, c.mu, false).ok_or_else(|| {
            Error::InvalidParameter(crate::error::InvalidParameter::combination(
                "coefficients",
                "the AR part is not stationary",
            ))
        })?;
        let n = out.n as f64;
        Ok(-0.5 * (n * (2.0 * std::f64::consts::PI * sigma2).ln() + out.sumlog + out.ssq / sigma2))
    }

    fn differenced(&self, y: &[f64]) -> Result<Vec<f64>> {
        let needed = self.n_lost() + self.n_coefficients() + 2;
        if y.len() < needed {
            return Err(Error::SeriesTooShort {
                what: self.name(),
                needed,
                got: y.len(),
            });
        }
        Ok(params::difference(y, self.d, self.sd, self.s()))
    }

    /// Fits; `with_se` also computes the OPG standard errors (skipped in the auto-ARIMA search);
    /// `search` fits the candidates of auto-ARIMA with at most 100 iterations (R's `optim`
    /// default) and forward-difference gradients; the winner is refitted with the default
    /// central differences. Its tolerances (gradient 1e-7, relative improvement 1e-11) are
    /// tight enough for the search to land on R's optima: with the looser 1.5e-8 of R's
    /// `reltol` our optimiser stops early on flat ridges, and 8 instead of 5 of the 100 retail
    /// series of the benchmark got a different model from R (docs/benchmarks.md).
    pub(crate) fn fit_impl(&self, y: &[f64], with_se: bool, search: bool) -> Result<FittedArima> {
        self.fit_impl_exog(y, &[], with_se, search)
    }

    /// [`ArimaParams::fit_impl`] with exogenous columns `exog` (each as long as `y`; `self.n_exog`
    /// must equal their number).
    pub(crate) fn fit_impl_exog(
        &self,
        y: &[f64],
        exog: &[Vec<f64>],
        with_se: bool,
        search: bool,
    ) -> Result<FittedArima> {
        self.validate()?;
        check_series(y)?;
        let w = self.differenced(y)?;
        let n = w.len() as f64;
        let dx: Vec<Vec<f64>> = exog
            .iter()
            .map(|col| params::difference(col, self.d, self.sd, self.s()))
            .collect();
        // Regression starting values: OLS of the differenced series on the differenced
        // regressors (and a constant when the model has one), as R's Arima(xreg=).
        let (beta0, beta_scale, base) = if dx.is_empty() {
            (Vec::new(), Vec::new(), w.clone())
        } else {
            let k = dx.len() + usize::from(self.constant);
            let design: Vec<f64> = (0..w.len())
                .flat_map(|t| {
                    let mut row: Vec<f64> = Vec::with_capacity(k);
                    if self.constant {
                        row.push(1.0);
                    }
                    row.extend(dx.iter().map(|c| c[t]));
                    row
                })
                .collect();
            let b = crate::decompose::least_squares(&design, k, &w)
                .ok_or(Error::SingularRegression { what: "exogenous" })?;
            let beta: Vec<f64> = b[usize::from(self.constant)..].to_vec();
            let resid: Vec<f64> = (0..w.len())
                .map(|t| w[t] - dx.iter().zip(&beta).map(|(c, b)| c[t] * b).sum::<f64>())
                .collect();
            let rm = resid.iter().sum::<f64>() / n;
            let rsd = (resid.iter().map(|v| (v - rm).powi(2)).sum::<f64>() / n).sqrt();
            let scale: Vec<f64> = dx
                .iter()
                .map(|c| {
                    let cm = c.iter().sum::<f64>() / n;
                    let csd = (c.iter().map(|v| (v - cm).powi(2)).sum::<f64>() / n).sqrt();
                    (rsd / csd.max(1e-12)).max(1e-8)
                })
                .collect();
            (beta, scale, resid)
        };
        let mean = base.iter().sum::<f64>() / n;
        let sd = (base.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n)
            .sqrt()
            .max(1e-8 * mean.abs().max(1.0));
        let layout = Layout::new(self, mean, sd, beta0, beta_scale);
        let adjusted = |c: &Coefs| -> Vec<f64> {
            if dx.is_empty() {
                return w.clone();
            }
            (0..w.len())
                .map(|t| {
                    w[t] - dx
                        .iter()
                        .zip(&c.beta)
                        .map(|(col, b)| col[t] * b)
                        .sum::<f64>()
                })
                .collect()
        };
        let x0 = vec![0.0; layout.len];
        let opts = BfgsOptions {
            max_iter: self.max_iter,
            ..BfgsOptions::default()
        };
        let loose = BfgsOptions {
            max_iter: self.max_iter.min(100),
            gtol: 1e-5,
            ftol: 1.5e-8,
            forward: true,
        };
        let search_opts = BfgsOptions {
            max_iter: self.max_iter.min(100),
            gtol: 1e-7,
            ftol: 1e-11,
            forward: true,
        };
        let opts = if search { search_opts } else { opts };
        let css_obj = |x: &[f64]| {
            let c = layout.decode(self, x);
            if !c.admissible(self) {
                return f64::INFINITY;
            }
            let phi = params::expand_ar(&c.ar, &c.sar, self.s());
            let theta = params::expand_ma(&c.ma, &c.sma, self.s());
            match css::css(&adjusted(&c), c.mu, &phi, &theta) {
                Some((ssq, nu)) if ssq > 0.0 => 0.5 * (ssq / nu as f64).ln(),
                _ => f64::INFINITY,
            }
        };
        let ml_obj = |x: &[f64]| {
            let c = layout.decode(self, x);
            if !c.admissible(self) {
                return f64::INFINITY;
            }
            let ss = c.state_space(self);
            match filter(&ss, &adjusted(&c), c.mu, false) {
                Some(out) if out.ssq > 0.0 => -out.concentrated_loglik() / n,
                _ => f64::INFINITY,
            }
        };
        let (xhat, converged) = match self.method {
            FitMethod::Css => {
                let m = bfgs(css_obj, &x0, opts);
                (m.x, m.converged)
            }
            FitMethod::Ml => {
                let m = bfgs(ml_obj, &x0, opts);
                (m.x, m.converged)
            }
            FitMethod::CssMl => {
                let start = bfgs(css_obj, &x0, loose);
                // Start ML from the CSS estimate, but not from the edge of the admissible region
                // where the likelihood surface is flat.
                let xs: Vec<f64> = if start.f.is_finite() {
                    start.x.iter().map(|v| v.clamp(-5.0, 5.0)).collect()
                } else {
                    x0.clone()
                };
                let xs = if ml_obj(&xs).is_finite() {
                    xs
                } else {
                    x0.clone()
                };
                let m = bfgs(ml_obj, &xs, opts);
                (m.x, m.converged)
            }
        };
        let coefs = layout.decode(self, &xhat);
        let ss = coefs.state_space(self);
        let w_adj = adjusted(&coefs);
        let out = filter(&ss, &w_adj, coefs.mu, true)
            .filter(|o| o.ssq > 0.0 && o.ssq.is_finite())
            .ok_or_else(|| Error::LikelihoodFailed { model: self.name() })?;
        let (sigma2, loglik) = match self.method {
            FitMethod::Css => {
                let phi = params::expand_ar(&coefs.ar, &coefs.sar, self.s());
                let theta = params::expand_ma(&coefs.ma, &coefs.sma, self.s());
                let (ssq, nu) =
                    css::css(&w_adj, coefs.mu, &phi, &theta).ok_or_else(|| Error::NotFinite {
                        what: "the CSS residuals",
                    })?;
                let s2 = ssq / nu as f64;
                // R: loglik = -0.5 * (n log(2π σ²) + n) with n the differenced length.
                (
                    s2,
                    -0.5 * n * ((2.0 * std::f64::consts::PI * s2).ln() + 1.0),
                )
            }
            _ => (out.ssq / n, out.concentrated_loglik()),
        };
        let k = (self.n_coefficients() + 1) as f64;
        let aic = -2.0 * loglik + 2.0 * k;
        let aicc = if n - k - 1.0 > 0.0 {
            aic + 2.0 * k * (k + 1.0) / (n - k - 1.0)
        } else {
            f64::INFINITY
        };
        let bic = -2.0 * loglik + k * n.ln();
        let coef_vec = coefs.to_vec(self);
        let std_errors = if with_se {
            opg_std_errors(self, &w, &dx, &coef_vec, sigma2, &out)
        } else {
            Vec::new()
        };
        let m = self.n_lost();
        // The regression errors `y − Xβ` carry the integrated part into the forecasts.
        let tail = (y.len() - m..y.len())
            .map(|t| {
                y[t] - exog
                    .iter()
                    .zip(&coefs.beta)
                    .map(|(c, b)| c[t] * b)
                    .sum::<f64>()
            })
            .collect();
        Ok(FittedArima {
            spec: self.clone(),
            coefficients: coef_vec,
            std_errors,
            sigma2,
            log_likelihood: loglik,
            aic,
            aicc,
            bic,
            nobs: y.len(),
            nobs_effective: w.len(),
            residuals: out.innovations,
            state: out.state,
            covariance: out.covariance,
            tail,
            converged,
        })
    }
}

impl ArimaParams {
    /// The deterministic model R's `auto.arima` returns when the differenced series is constant
    /// (a linear trend, an exactly repeating season): no ARMA terms, the constant (when the spec
    /// has one) fixed at the mean of the differenced series, `σ² = 0`, an infinite likelihood
    /// and forecasts with zero-width intervals.
    pub(crate) fn deterministic(&self, y: &[f64]) -> Result<FittedArima> {
        self.validate()?;
        // Nothing is estimated: one value past the differencing is enough (a constant series of
        // one value gets its mean model).
        let w = if y.len() > self.n_lost() {
            params::difference(y, self.d, self.sd, self.s())
        } else {
            self.differenced(y)?
        };
        let mu = if self.constant {
            w.iter().sum::<f64>() / w.len() as f64
        } else {
            0.0
        };
        let coefs = Coefs {
            mu,
            beta: Vec::new(),
            ar: Vec::new(),
            ma: Vec::new(),
            sar: Vec::new(),
            sma: Vec::new(),
        };
        let out = filter(&coefs.state_space(self), &w, mu, true)
            .ok_or_else(|| Error::LikelihoodFailed { model: self.name() })?;
        let m = self.n_lost();
        Ok(FittedArima {
            spec: self.clone(),
            coefficients: coefs.to_vec(self),
            std_errors: vec![0.0; self.n_coefficients() + 1],
            sigma2: 0.0,
            log_likelihood: f64::INFINITY,
            aic: f64::NEG_INFINITY,
            aicc: f64::NEG_INFINITY,
            bic: f64::NEG_INFINITY,
            nobs: y.len(),
            nobs_effective: w.len(),
            residuals: out.innovations,
            state: out.state,
            covariance: out.covariance,
            tail: y[y.len() - m..].to_vec(),
            converged: true,
        })
    }
}

/// Coefficients split by polynomial.
#[derive(Clone, Debug)]
struct Coefs {
    mu: f64,
    beta: Vec<f64>,
    ar: Vec<f64>,
    ma: Vec<f64>,
    sar: Vec<f64>,
    sma: Vec<f64>,
}

impl Coefs {
    fn from_vec(spec: &ArimaParams, v: &[f64]) -> Self {
        let mut i = 0;
        let mut take = |k: usize| {
            let s = v[i..i + k].to_vec();
            i += k;
            s
        };
        let mu = if spec.constant { take(1)[0] } else { 0.0 };
        let beta = take(spec.n_exog);
        let ar = spread(&take(spec.ar_lag_list().len()), &spec.ar_lag_list(), spec.p);
        let ma = spread(&take(spec.ma_lag_list().len()), &spec.ma_lag_list(), spec.q);
        Coefs {
            mu,
            beta,
            ar,
            ma,
            sar: take(spec.sp),
            sma: take(spec.sq),
        }
    }

    fn to_vec(&self, spec: &ArimaParams) -> Vec<f64> {
        let mut v = Vec::with_capacity(spec.n_coefficients());
        if spec.constant {
            v.push(self.mu);
        }
        v.extend_from_slice(&self.beta);
        v.extend(spec.ar_lag_list().iter().map(|l| self.ar[l - 1]));
        v.extend(spec.ma_lag_list().iter().map(|l| self.ma[l - 1]));
        v.extend_from_slice(&self.sar);
        v.extend_from_slice(&self.sma);
        v
    }

    /// Whether sparse polynomials (estimated without a transform) are stationary and invertible.
    fn admissible(&self, spec: &ArimaParams) -> bool {
        let ar_ok = spec.ar_lags.is_none() || params::ar_roots_outside(&self.ar, 1.0);
        let neg_ma: Vec<f64> = self.ma.iter().map(|v| -v).collect();
        let ma_ok = spec.ma_lags.is_none() || params::ar_roots_outside(&neg_ma, 1.0);
        ar_ok && ma_ok
    }

    fn state_space(&self, spec: &ArimaParams) -> StateSpace {
        StateSpace::new(
            &params::expand_ar(&self.ar, &self.sar, spec.s()),
            &params::expand_ma(&self.ma, &self.sma, spec.s()),
        )
    }
}

/// Coefficients at `lags` spread into a dense polynomial of degree `order` (zeros elsewhere).
fn spread(values: &[f64], lags: &[usize], order: usize) -> Vec<f64> {
    let mut dense = vec![0.0; order];
    for (v, l) in values.iter().zip(lags) {
        dense[l - 1] = *v;
    }
    dense
}

/// Unconstrained parameter layout: `[μ scaled?, β scaled, ar, ma, sar, sma]`.
struct Layout {
    len: usize,
    mean: f64,
    sd: f64,
    beta0: Vec<f64>,
    beta_scale: Vec<f64>,
}

impl Layout {
    fn new(spec: &ArimaParams, mean: f64, sd: f64, beta0: Vec<f64>, beta_scale: Vec<f64>) -> Self {
        Layout {
            len: spec.n_coefficients(),
            mean,
            sd,
            beta0,
            beta_scale,
        }
    }

    fn decode(&self, spec: &ArimaParams, x: &[f64]) -> Coefs {
        let mut i = 0;
        let mut take = |k: usize| {
            let s = &x[i..i + k];
            i += k;
            s
        };
        let mu = if spec.constant {
            self.mean + self.sd * take(1)[0]
        } else {
            0.0
        };
        let beta = take(spec.n_exog)
            .iter()
            .zip(self.beta0.iter().zip(&self.beta_scale))
            .map(|(x, (b, s))| b + s * x)
            .collect();
        let ar = match &spec.ar_lags {
            Some(lags) => spread(take(lags.len()), lags, spec.p),
            None => params::constrain_ar(take(spec.p)),
        };
        let ma = match &spec.ma_lags {
            Some(lags) => spread(take(lags.len()), lags, spec.q),
            None => params::constrain_ma(take(spec.q)),
        };
        Coefs {
            mu,
            beta,
            ar,
            ma,
            sar: params::constrain_ar(take(spec.sp)),
            sma: params::constrain_ma(take(spec.sq)),
        }
    }
}

/// OPG standard errors of the coefficients and σ² (statsmodels' default `cov_type="opg"`).
fn opg_std_errors(
    spec: &ArimaParams,
    w: &[f64],
    dx: &[Vec<f64>],
    coef: &[f64],
    sigma2: f64,
    base: &kalman::FilterOutput,
) -> Vec<f64> {
    let k = coef.len() + 1;
    let n = w.len();
    let ll_obs = |out: &kalman::FilterOutput| -> Vec<f64> {
        out.innovations
            .iter()
            .zip(&out.variances)
            .map(|(v, f)| {
                -0.5 * ((2.0 * std::f64::consts::PI * sigma2 * f).ln() + v * v / (sigma2 * f))
            })
            .collect()
    };
    let nan = vec![f64::NAN; k];
    // scores[t][j]
    let mut scores = vec![0.0; n * k];
    for j in 0..coef.len() {
        let h = 1e-6 * coef[j].abs().max(1.0);
        let mut plus = coef.to_vec();
        plus[j] += h;
        let mut minus = coef.to_vec();
        minus[j] -= h;
        let eval = |c: &[f64]| {
            let cf = Coefs::from_vec(spec, c);
            let wa: Vec<f64> = (0..n)
                .map(|t| {
                    w[t] - dx
                        .iter()
                        .zip(&cf.beta)
                        .map(|(col, b)| col[t] * b)
                        .sum::<f64>()
                })
                .collect();
            filter(&cf.state_space(spec), &wa, cf.mu, true).map(|o| ll_obs(&o))
        };
        let (Some(lp), Some(lm)) = (eval(&plus), eval(&minus)) else {
            return nan;
        };
        for t in 0..n {
            scores[t * k + j] = (lp[t] - lm[t]) / (2.0 * h);
        }
    }
    for t in 0..n {
        let (v, f) = (base.innovations[t], base.variances[t]);
        scores[t * k + k - 1] = -0.5 / sigma2 + 0.5 * v * v / (f * sigma2 * sigma2);
    }
    let mut opg = vec![0.0; k * k];
    for t in 0..n {
        let s = &scores[t * k..(t + 1) * k];
        for a in 0..k {
            for b in 0..k {
                opg[a * k + b] += s[a] * s[b];
            }
        }
    }
    match custalyze_transaction_types::linalg::invert(&opg, k) {
        Some(inv) => (0..k)
            .map(|i| {
                let v = inv[i * k + i];
                if v > 0.0 { v.sqrt() } else { f64::NAN }
            })
            .collect(),
        None => nan,
    }
}
/// Checked ARIMA settings, from [`ArimaParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidArimaParams(ArimaParams);

impl ValidArimaParams {
    /// The settings.
    pub fn params(&self) -> &ArimaParams {
        &self.0
    }

    /// Fits the model to `y` (oldest first).
    ///
    /// # Errors
    /// [`Error::EmptySeries`], [`Error::NonFiniteValue`], [`Error::SeriesTooShort`] when fewer
    /// than `coefficients + 2` observations remain after differencing, [`Error::LikelihoodFailed`] when
    /// the likelihood cannot be evaluated.
    pub fn fit(&self, y: &[f64]) -> Result<FittedArima> {
        self.0.fit_impl(y, true, false)
    }

    /// Regression with ARIMA errors (R's `Arima(y, xreg = X)`, statsmodels'
    /// `SARIMAX(y, exog = X)`): `y_t = Σ_j β_j x_{j,t} + u_t` with `u` following this ARIMA
    /// model. `exog` holds one column per regressor, each as long as `y`. The regression
    /// coefficients and the ARMA coefficients maximise the exact likelihood of the differenced
    /// equation `Δy_t − Σ β_j Δx_{j,t} = ARMA`, starting from the least-squares `β`; they are
    /// named `x1, x2, …` after `const`. Forecast with [`FittedArima::forecast_with_exog`].
    ///
    /// # Errors
    /// As [`ValidArimaParams::fit`]; [`Error::LengthMismatch`] when a column's length differs
    /// from the series'; [`Error::NonFiniteExog`]; [`Error::SingularRegression`] when the
    /// (differenced) regressors are collinear.
    pub fn fit_with_exog(&self, y: &[f64], exog: &[Vec<f64>]) -> Result<FittedArima> {
        check_exog(exog, y.len(), "exogenous column")?;
        let mut spec = self.0.clone();
        spec.n_exog = exog.len();
        spec.fit_impl_exog(y, exog, true, false)
    }
}

impl ArimaParams {
    /// Checks the settings and fits a regression with ARIMA errors: see
    /// [`ValidArimaParams::fit_with_exog`].
    ///
    /// # Errors
    /// As [`ArimaParams::check`] and [`ValidArimaParams::fit_with_exog`].
    pub fn fit_with_exog(&self, y: &[f64], exog: &[Vec<f64>]) -> Result<FittedArima> {
        self.check()?.fit_with_exog(y, exog)
    }
}

/// Every column `len` long and finite.
pub(crate) fn check_exog(exog: &[Vec<f64>], len: usize, what: &str) -> Result<()> {
    for (j, col) in exog.iter().enumerate() {
        if col.len() != len {
            return Err(Error::LengthMismatch {
                what: format!("{what} {j}"),
                expected: len,
                got: col.len(),
            });
        }
        if col.iter().any(|v| !v.is_finite()) {
            return Err(Error::NonFiniteExog { column: j });
        }
    }
    Ok(())
}
