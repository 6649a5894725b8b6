//! The fitted model: estimates, standard errors, fit statistics, forecasts with intervals,
//! residuals; and [`ArimaForecaster`], the model behind the [`Forecaster`] trait.

#[allow(clippy::wildcard_imports)]
use super::*;

/// A fitted ARIMA model: estimates, fit statistics and the state needed to forecast.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedArima {
    pub(super) spec: ArimaParams,
    pub(super) coefficients: Vec<f64>,
    pub(super) std_errors: Vec<f64>,
    /// Innovation variance σ² (maximum likelihood estimate, divisor `n` of the differenced
    /// series).
    pub sigma2: f64,
    /// Exact log-likelihood at the estimates (the CSS one for [`FitMethod::Css`]).
    pub log_likelihood: f64,
    /// Akaike information criterion.
    pub aic: f64,
    /// AIC corrected for small samples (the criterion auto-ARIMA minimises).
    pub aicc: f64,
    /// Bayesian information criterion.
    pub bic: f64,
    /// Length of the input series.
    pub nobs: usize,
    /// Observations in the likelihood: `nobs - d - sD`.
    pub nobs_effective: usize,
    pub(super) residuals: Vec<f64>,
    pub(super) state: Vec<f64>,
    pub(super) covariance: Vec<f64>,
    pub(super) tail: Vec<f64>,
    pub(super) converged: bool,
}

impl FittedArima {
    /// The specification that was fitted.
    pub fn spec(&self) -> &ArimaParams {
        &self.spec
    }

    fn coefs(&self) -> Coefs {
        Coefs::from_vec(&self.spec, &self.coefficients)
    }

    /// Non-seasonal AR coefficients `φ₁..φₚ`.
    pub fn ar(&self) -> Vec<f64> {
        self.coefs().ar
    }

    /// Non-seasonal MA coefficients `θ₁..θ_q`.
    pub fn ma(&self) -> Vec<f64> {
        self.coefs().ma
    }

    /// Seasonal AR coefficients `Φ₁..Φ_P`.
    pub fn seasonal_ar(&self) -> Vec<f64> {
        self.coefs().sar
    }

    /// Seasonal MA coefficients `Θ₁..Θ_Q`.
    pub fn seasonal_ma(&self) -> Vec<f64> {
        self.coefs().sma
    }

    /// The regression coefficients `β` of a fit with exogenous regressors (empty otherwise).
    pub fn exog_coefficients(&self) -> Vec<f64> {
        self.coefs().beta
    }

    /// The constant `μ` (mean of the differenced series), if the model has one.
    pub fn constant(&self) -> Option<f64> {
        self.spec.constant.then(|| self.coefs().mu)
    }

    /// Parameter names as statsmodels writes them: `const`, `x1`, …, `ar.L1`, `ma.L1`,
    /// `ar.S.L12`, `ma.S.L12`, …, `sigma2` (sparse lags by their lag: `ma.L1`, `ma.L4`).
    pub fn param_names(&self) -> Vec<String> {
        let s = self.spec.s();
        let mut names = Vec::new();
        if self.spec.constant {
            names.push("const".to_string());
        }
        names.extend((1..=self.spec.n_exog).map(|i| format!("x{i}")));
        names.extend(self.spec.ar_lag_list().iter().map(|i| format!("ar.L{i}")));
        names.extend(self.spec.ma_lag_list().iter().map(|i| format!("ma.L{i}")));
        names.extend((1..=self.spec.sp).map(|i| format!("ar.S.L{}", i * s)));
        names.extend((1..=self.spec.sq).map(|i| format!("ma.S.L{}", i * s)));
        names.push("sigma2".to_string());
        names
    }

    /// `(name, value)` of every parameter, σ² last.
    pub fn params(&self) -> Vec<(String, f64)> {
        let mut v = self.coefficients.clone();
        v.push(self.sigma2);
        self.param_names().into_iter().zip(v).collect()
    }

    /// `(name, standard error)` of every parameter (OPG estimate; NaN where it cannot be
    /// computed, e.g. at the boundary of the stationary region).
    pub fn std_errors(&self) -> Vec<(String, f64)> {
        let se = if self.std_errors.is_empty() {
            vec![f64::NAN; self.coefficients.len() + 1]
        } else {
            self.std_errors.clone()
        };
        self.param_names().into_iter().zip(se).collect()
    }

    /// One-step-ahead innovations `v_t` of the differenced series (length `nobs_effective`).
    pub fn residuals(&self) -> &[f64] {
        &self.residuals
    }

    /// Whether the optimiser met its convergence test (rather than the iteration cap).
    pub fn converged(&self) -> bool {
        self.converged
    }

    /// Forecasts `horizon` steps ahead with Gaussian prediction intervals at `levels` (percent).
    ///
    /// The filtered state of the ARMA part is augmented with the last `d + sD` observations and
    /// propagated through the integrated model, so the standard errors include the uncertainty
    /// of the state at the end of the sample (as statsmodels' `get_forecast`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a zero horizon or a level outside (0, 100);
    /// [`Error::LengthMismatch`] for a model with exogenous regressors (their future values are
    /// needed: [`FittedArima::forecast_with_exog`]).
    pub fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        if self.spec.n_exog > 0 {
            return Err(Error::LengthMismatch {
                what: "future exogenous columns (use forecast_with_exog)".into(),
                expected: self.spec.n_exog,
                got: 0,
            });
        }
        self.forecast_errors(horizon, levels)
    }

    /// Forecasts a regression with ARIMA errors: the ARIMA forecast of the errors plus
    /// `Σ β_j x_{j,T+h}` from `future` (one column per regressor, `horizon` values each); the
    /// intervals are the errors' (the coefficients `β` taken as known, as R and statsmodels).
    ///
    /// # Errors
    /// As [`FittedArima::forecast`]; [`Error::LengthMismatch`] when `future` does not have one
    /// column per regressor of `horizon` values; [`Error::NonFiniteExog`].
    pub fn forecast_with_exog(
        &self,
        horizon: usize,
        levels: &[f64],
        future: &[Vec<f64>],
    ) -> Result<Forecast> {
        if future.len() != self.spec.n_exog {
            return Err(Error::LengthMismatch {
                what: "future exogenous columns".into(),
                expected: self.spec.n_exog,
                got: future.len(),
            });
        }
        super::check_exog(future, horizon, "future exogenous column")?;
        let beta = self.exog_coefficients();
        let fc = self.forecast_errors(horizon, levels)?;
        let shift: Vec<f64> = (0..horizon)
            .map(|h| future.iter().zip(&beta).map(|(c, b)| c[h] * b).sum())
            .collect();
        let add = |v: &mut Vec<f64>| v.iter_mut().zip(&shift).for_each(|(a, s)| *a += s);
        let mut fc = fc;
        add(&mut fc.mean);
        for (_, b) in fc.lower.iter_mut().chain(fc.upper.iter_mut()) {
            add(b);
        }
        Ok(fc)
    }

    /// Forecasts of the ARIMA part (the series itself without regressors).
    fn forecast_errors(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        check_horizon(horizon)?;
        check_levels(levels)?;
        let coefs = self.coefs();
        let ss = coefs.state_space(&self.spec);
        let r = ss.r;
        let dpoly = params::differencing_poly(self.spec.d, self.spec.sd, self.spec.s());
        let m = dpoly.len() - 1;
        let nn = r + m;
        // Transition G, constant g, noise loading h of the augmented state [α; y_t..y_{t-m+1}].
        let mut g = vec![0.0; nn * nn];
        for i in 0..r {
            g[i * nn] = ss.phi[i];
            if i + 1 < r {
                g[i * nn + i + 1] = 1.0;
            }
        }
        let mut hvec = vec![0.0; nn];
        hvec[..r].copy_from_slice(&ss.rvec);
        if m > 0 {
            // y_{t+1} = μ + (Tα)_0 - Σ c_k y_{t+1-k}
            g[r * nn] = ss.phi[0];
            if r > 1 {
                g[r * nn + 1] = 1.0;
            }
            for k in 1..=m {
                g[r * nn + r + k - 1] = -dpoly[k];
            }
            for i in 1..m {
                g[(r + i) * nn + r + i - 1] = 1.0;
            }
            hvec[r] = ss.rvec[0];
        }
        let mut x = vec![0.0; nn];
        x[..r].copy_from_slice(&self.state);
        // tail holds y oldest first; the augmented state wants y_t first.
        for (i, v) in self.tail.iter().rev().enumerate() {
            x[r + i] = *v;
        }
        let mut p = vec![0.0; nn * nn];
        for i in 0..r {
            for j in 0..r {
                p[i * nn + j] = self.covariance[i * r + j];
            }
        }
        let obs = if m > 0 { r } else { 0 };
        let mut mean = Vec::with_capacity(horizon);
        let mut se = Vec::with_capacity(horizon);
        let mut gp = vec![0.0; nn * nn];
        let mut pn = vec![0.0; nn * nn];
        let mut xn = vec![0.0; nn];
        for _ in 0..horizon {
            for i in 0..nn {
                xn[i] = (0..nn).map(|j| g[i * nn + j] * x[j]).sum();
            }
            if m > 0 {
                xn[r] += coefs.mu;
            }
            std::mem::swap(&mut x, &mut xn);
            kalman::matmul(&g, &p, &mut gp, nn);
            kalman::matmul_bt(&gp, &g, &mut pn, nn);
            for i in 0..nn {
                for j in 0..nn {
                    pn[i * nn + j] += hvec[i] * hvec[j];
                }
            }
            std::mem::swap(&mut p, &mut pn);
            let point = if m > 0 { x[obs] } else { coefs.mu + x[0] };
            mean.push(point);
            se.push((self.sigma2 * p[obs * nn + obs]).max(0.0).sqrt());
        }
        Forecast::gaussian(mean, &se, levels)
    }
}

/// A specification that fits to a [`FittedArima`]: one ARIMA order ([`ArimaParams`],
/// [`ValidArimaParams`]) or the auto-ARIMA search ([`AutoArimaParams`],
/// [`ValidAutoArimaParams`]). It lets one [`ArimaForecaster`] carry either behind the
/// [`Forecaster`] trait.
pub trait ArimaSpec {
    /// Fits the model, or searches and fits the selected one.
    ///
    /// # Errors
    /// As the implementor's own `fit`.
    fn fit_arima(&self, y: &[f64]) -> Result<FittedArima>;
}

impl ArimaSpec for ArimaParams {
    fn fit_arima(&self, y: &[f64]) -> Result<FittedArima> {
        self.fit(y)
    }
}

impl ArimaSpec for ValidArimaParams {
    fn fit_arima(&self, y: &[f64]) -> Result<FittedArima> {
        self.fit(y)
    }
}

impl ArimaSpec for AutoArimaParams {
    fn fit_arima(&self, y: &[f64]) -> Result<FittedArima> {
        self.fit(y)
    }
}

impl ArimaSpec for ValidAutoArimaParams {
    fn fit_arima(&self, y: &[f64]) -> Result<FittedArima> {
        self.fit(y)
    }
}

/// An ARIMA specification behind the [`Forecaster`] trait: [`ArimaParams`] by default,
/// [`AutoArimaParams`] as [`AutoArimaForecaster`].
#[derive(Clone, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ArimaForecaster<S = ArimaParams> {
    /// The model to fit (or the search to run).
    pub spec: S,
    /// The fit, after [`Forecaster::fit`].
    pub fitted: Option<FittedArima>,
}

/// The auto-ARIMA search behind the [`Forecaster`] trait: each `fit` searches again.
pub type AutoArimaForecaster = ArimaForecaster<AutoArimaParams>;

impl<S: ArimaSpec> ArimaForecaster<S> {
    /// A forecaster for `spec`, not fitted yet.
    pub fn new(spec: S) -> Self {
        ArimaForecaster { spec, fitted: None }
    }
}

impl<S: ArimaSpec> Forecaster for ArimaForecaster<S> {
    fn fit(&mut self, y: &[f64]) -> Result<()> {
        self.fitted = Some(self.spec.fit_arima(y)?);
        Ok(())
    }

    fn forecast(&self, horizon: usize, levels: &[f64]) -> Result<Forecast> {
        self.fitted
            .as_ref()
            .ok_or(Error::NotFitted)?
            .forecast(horizon, levels)
    }
}
