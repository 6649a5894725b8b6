//! Automatic order selection: the Hyndman-Khandakar algorithm of R's `forecast::auto.arima`.
//!
//! Hyndman & Khandakar (2008), "Automatic time series forecasting: the forecast package for R",
//! J. Statistical Software 27(3). Steps, with R's defaults:
//!
//! 1. `D` from the seasonal-strength heuristic ([`nsdiffs`](super::nsdiffs), at most 1; or the
//!    OCSB test with [`AutoArimaParams::seasonal_test`]), then `d`
//!    from repeated KPSS tests on the seasonally differenced series ([`ndiffs`](super::ndiffs), at
//!    most 2).
//! 2. A constant (mean or drift) is allowed only when `d + D <= 1`.
//! 3. Stepwise: fit ARIMA(2,d,2)(1,D,1), (0,d,0)(0,D,0), (1,d,0)(1,D,0), (0,d,1)(0,D,1) (and the
//!    null model without constant); then repeatedly try the neighbours of the current best
//!    (±1 on P, Q, both; ±1 on p, q, both; toggling the constant) and move to any that lowers
//!    the criterion, until none does or 94 models were fitted. Orders are capped at p, q <= 5
//!    (and < s when seasonal), P, Q <= 2, and, as R, at a third of the series: p, q <= n/3,
//!    P, Q <= n/(3s). Series shorter than 10 start from orders at most 1 and no seasonal terms.
//!    As R, a win of the null model without constant resets the orders but the neighbours are
//!    still searched with the constant until it is toggled at the end of a round.
//! 4. Models whose AR or MA roots lie within 1.01 of the unit circle are rejected.
//! 5. For series longer than 150 or with a period above 12 the search uses CSS fits with R's AIC
//!    offset (`approximation`); then, as R, the visited models are refitted by exact maximum
//!    likelihood in order of their approximate criterion until one is admissible.
//!
//! The exhaustive mode (`stepwise(false)`) fits every model with `p + q + P + Q <= max_order`.

use super::params::{ar_roots_outside, difference, expand_ar, expand_ma};
use super::unitroot::{SeasonalTest, ndiffs, nsdiffs_with};
use super::{Arima, ArimaParams, FitMethod, FittedArima};
use crate::error::{Error, Result, check_series};

/// The information criterion minimised by the search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum InformationCriterion {
    /// Corrected AIC (R's default).
    #[default]
    Aicc,
    /// AIC.
    Aic,
    /// BIC.
    Bic,
}

/// One model visited by the search and its criterion (infinite when rejected).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CandidateModel {
    /// The specification.
    pub spec: ArimaParams,
    /// Value of the criterion (approximate under CSS approximation).
    pub criterion: f64,
}

/// Automatic ARIMA order selection (Hyndman & Khandakar 2008, R's `forecast::auto.arima`).
/// [`AutoArima::params`] starts a search: `AutoArima::params(period)` -> setters -> `check()` ->
/// [`ValidAutoArimaParams`] -> `fit(&y)` -> [`FittedArima`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AutoArima;

impl AutoArima {
    /// R's defaults for a series with seasonal period `period` (1 = non-seasonal); see
    /// [`AutoArimaParams`] for the settings.
    pub fn params(period: usize) -> AutoArimaParams {
        AutoArimaParams::new(period)
    }
}

/// Checked auto-ARIMA settings, from [`AutoArimaParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidAutoArimaParams(AutoArimaParams);

impl ValidAutoArimaParams {
    /// The settings.
    pub fn params(&self) -> &AutoArimaParams {
        &self.0
    }

    /// Searches and fits the best model (see [`AutoArimaParams::fit`]).
    ///
    /// # Errors
    /// As [`AutoArimaParams::fit`].
    pub fn fit(&self, y: &[f64]) -> Result<FittedArima> {
        Ok(self.0.search(y)?.0)
    }

    /// As [`ValidAutoArimaParams::fit`], also returning every model visited with its criterion.
    ///
    /// # Errors
    /// As [`AutoArimaParams::fit`].
    pub fn fit_with_trace(&self, y: &[f64]) -> Result<(FittedArima, Vec<CandidateModel>)> {
        self.0.search(y)
    }
}

/// Settings of the automatic ARIMA search (R's `auto.arima` defaults).
///
/// # Examples
/// ```
/// use custalyze_forecast::arima::AutoArima;
/// let y: Vec<f64> = (0..48).map(|t| 100.0 + t as f64 + [5.0, -3.0, 2.0, -4.0][t % 4] + ((t * 13) % 7) as f64).collect();
/// let fit = AutoArima::params(4).fit(&y)?;
/// println!("{}", fit.spec().name());
/// # Ok::<(), custalyze_forecast::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AutoArimaParams {
    period: usize,
    max_p: usize,
    max_q: usize,
    max_sp: usize,
    max_sq: usize,
    max_order: usize,
    max_d: usize,
    max_sd: usize,
    d: Option<usize>,
    sd: Option<usize>,
    stepwise: bool,
    max_models: usize,
    allow_drift: bool,
    allow_mean: bool,
    approximation: Option<bool>,
    criterion: InformationCriterion,
    seasonal_test: SeasonalTest,
}

impl AutoArimaParams {
    /// R's defaults for a series with seasonal period `period` (1 = non-seasonal).
    pub(crate) fn new(period: usize) -> Self {
        AutoArimaParams {
            period: period.max(1),
            max_p: 5,
            max_q: 5,
            max_sp: 2,
            max_sq: 2,
            max_order: 5,
            max_d: 2,
            max_sd: 1,
            d: None,
            sd: None,
            stepwise: true,
            max_models: 94,
            allow_drift: true,
            allow_mean: true,
            approximation: None,
            criterion: InformationCriterion::Aicc,
            seasonal_test: SeasonalTest::Strength,
        }
    }

    /// Maximum orders p, q, P, Q (defaults 5, 5, 2, 2).
    #[must_use]
    pub fn max_orders(mut self, p: usize, q: usize, sp: usize, sq: usize) -> Self {
        self.max_p = p;
        self.max_q = q;
        self.max_sp = sp;
        self.max_sq = sq;
        self
    }

    /// Maximum `p + q + P + Q` in the exhaustive search (default 5).
    #[must_use]
    pub fn max_order(mut self, max_order: usize) -> Self {
        self.max_order = max_order;
        self
    }

    /// Fixes `d` instead of testing for it.
    #[must_use]
    pub fn d(mut self, d: usize) -> Self {
        self.d = Some(d);
        self
    }

    /// Fixes `D` instead of testing for it.
    #[must_use]
    pub fn seasonal_d(mut self, sd: usize) -> Self {
        self.sd = Some(sd);
        self
    }

    /// Stepwise (default) or exhaustive search.
    #[must_use]
    pub fn stepwise(mut self, stepwise: bool) -> Self {
        self.stepwise = stepwise;
        self
    }

    /// Whether a drift (`d + D = 1`) or a mean (`d + D = 0`) may be included (default both true).
    #[must_use]
    pub fn allow_constant(mut self, drift: bool, mean: bool) -> Self {
        self.allow_drift = drift;
        self.allow_mean = mean;
        self
    }

    /// Forces (`Some(true)`) or forbids (`Some(false)`) the CSS approximation during the search;
    /// `None` (default) uses it when the series is longer than 150 or the period above 12.
    #[must_use]
    pub fn approximation(mut self, approximation: Option<bool>) -> Self {
        self.approximation = approximation;
        self
    }

    /// The test deciding `D` when it is not fixed: seasonal strength (default, as R and
    /// statsforecast) or OCSB (as pmdarima).
    #[must_use]
    pub fn seasonal_test(mut self, test: SeasonalTest) -> Self {
        self.seasonal_test = test;
        self
    }

    /// The criterion to minimise (default AICc).
    #[must_use]
    pub fn criterion(mut self, criterion: InformationCriterion) -> Self {
        self.criterion = criterion;
        self
    }

    /// Searches and fits the best model.
    ///
    /// # Errors
    /// Bad data (empty, non-finite), [`Error::SeriesTooShort`] below 3 observations (unless
    /// constant), [`Error::ConstantSeries`] for a constant non-zero series when the mean is not
    /// allowed, [`Error::NoModelFound`] when no candidate could be fitted.
    ///
    /// A constant series (a single value included) gets what R's `auto.arima` returns: ARIMA(0,0,0)
    /// with the mean fixed at the value, `σ² = 0` and zero-width intervals.
    ///
    /// When the differenced series is constant (a straight line, an exactly repeating season)
    /// the result is R's deterministic model: ARIMA(0,d,0)(0,D,0) with the constant fixed at
    /// the mean difference (when `d + D <= 1`), `σ² = 0` and zero-width intervals.
    pub fn fit(&self, y: &[f64]) -> Result<FittedArima> {
        self.check()?.fit(y)
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a fixed `d` above 3 or `D` above 2, a seasonal period of
    /// 0, or a model budget of 0.
    pub fn check(&self) -> Result<ValidAutoArimaParams> {
        if self.d.is_some_and(|d| d > 3) || self.sd.is_some_and(|d| d > 2) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    "differencing order",
                    format!(
                        "fixed d = {:?} and D = {:?} (at most 3 and 2; 1 is usual)",
                        self.d, self.sd
                    ),
                ),
            ));
        }
        if self.max_models == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination("max_models", "must be at least 1"),
            ));
        }
        Ok(ValidAutoArimaParams(self.clone()))
    }

    /// As [`AutoArimaParams::fit`], also returning every model visited with its criterion.
    ///
    /// # Errors
    /// As [`AutoArimaParams::fit`].
    pub fn fit_with_trace(&self, y: &[f64]) -> Result<(FittedArima, Vec<CandidateModel>)> {
        self.check()?.fit_with_trace(y)
    }

    fn search(&self, y: &[f64]) -> Result<(FittedArima, Vec<CandidateModel>)> {
        check_series(y)?;
        // A constant series (one value included): R's `auto.arima` returns ARIMA(0,0,0) with
        // the mean fixed at the value (σ² = 0), before any test or search.
        if y.windows(2).all(|w| w[0] == w[1]) && (self.allow_mean || y[0] == 0.0) {
            let spec = Arima::params(0, 0, 0).constant(self.allow_mean && y[0] != 0.0);
            let fit = spec.deterministic(y)?;
            let visited = vec![CandidateModel {
                spec,
                criterion: f64::NEG_INFINITY,
            }];
            return Ok((fit, visited));
        }
        if y.len() < 3 {
            return Err(Error::SeriesTooShort {
                what: "auto-ARIMA".into(),
                needed: 3,
                got: y.len(),
            });
        }
        let n = y.len();
        let mut m = self.period;
        // As R: at most a third of the series in AR or MA lags (seasonal lags count m each).
        let (mut max_sp, mut max_sq) = (self.max_sp.min(n / 3 / m), self.max_sq.min(n / 3 / m));
        let (mut max_p, mut max_q) = (self.max_p.min(n / 3), self.max_q.min(n / 3));
        if y.windows(2).all(|w| w[0] == w[1]) {
            return Err(Error::ConstantSeries { value: y[0] });
        }
        let sd = if m <= 1 || m >= n {
            m = 1;
            max_sp = 0;
            max_sq = 0;
            0
        } else {
            match self.sd {
                Some(v) => v,
                None => nsdiffs_with(y, m, self.max_sd, self.seasonal_test)?,
            }
        };
        let d = match self.d {
            Some(v) => v,
            None => {
                let dx = if sd > 0 {
                    difference(y, 0, sd, m)
                } else {
                    y.to_vec()
                };
                ndiffs(&dx, self.max_d)?
            }
        };
        // A constant differenced series (a straight line, an exactly repeating season): R's
        // deterministic models, which no likelihood search can fit.
        let dx = difference(y, d, sd, m);
        if dx.len() < 2 {
            return Err(Error::SeriesTooShort {
                what: format!("auto-ARIMA with d = {d}, D = {sd}, period {m}"),
                needed: d + sd * m + 2,
                got: n,
            });
        }
        if dx.windows(2).all(|w| w[0] == w[1]) {
            let spec = match (sd > 0, d) {
                (true, 0) => Arima::params(0, 0, 0).seasonal(0, sd, 0, m).constant(true),
                (true, _) => Arima::params(0, d, 0).seasonal(0, sd, 0, m),
                (false, 2..) => Arima::params(0, d, 0),
                (false, _) => Arima::params(0, d, 0).constant(true),
            };
            let fit = spec.deterministic(y)?;
            let visited = vec![CandidateModel {
                spec,
                criterion: f64::NEG_INFINITY,
            }];
            return Ok((fit, visited));
        }
        if m > 1 {
            if max_sp > 0 {
                max_p = max_p.min(m - 1);
            }
            if max_sq > 0 {
                max_q = max_q.min(m - 1);
            }
        }
        let approximation = self.approximation.unwrap_or(n > 150 || m > 12);
        let allow_drift = self.allow_drift && d + sd == 1;
        let allow_mean = self.allow_mean && d + sd == 0;
        let mut search = Search {
            y,
            m,
            d,
            sd,
            approximation,
            offset: 0.0,
            criterion: self.criterion,
            visited: Vec::new(),
        };
        if approximation {
            let spec = Arima::params(0, d, 0).seasonal(0, sd, 0, m);
            match spec.fit_impl(y, false, true) {
                Ok(f) => search.offset = -2.0 * f.log_likelihood - n as f64 * f.sigma2.ln(),
                Err(_) => search.approximation = false,
            }
        }
        let constant = allow_drift || allow_mean;
        let run = |search: &mut Search<'_>| {
            if self.stepwise {
                self.stepwise_search(search, max_p, max_q, max_sp, max_sq, constant)
            } else {
                self.exhaustive(search, max_p, max_q, max_sp, max_sq, constant)
            }
        };
        let mut best = run(&mut search);
        if search.approximation && best.is_some() {
            // As R: refit the visited models by exact likelihood in order of their approximate
            // criterion and keep the first admissible one.
            let mut order: Vec<&CandidateModel> = search
                .visited
                .iter()
                .filter(|c| c.criterion.is_finite())
                .collect();
            order.sort_by(|a, b| a.criterion.total_cmp(&b.criterion));
            best = order.iter().find_map(|c| {
                let exact = c.spec.clone().method(FitMethod::CssMl);
                let ic = search.exact_ic(&exact);
                ic.is_finite().then_some((exact, ic))
            });
            if best.is_none() {
                // None is admissible by exact likelihood (R stops here): search again without
                // the approximation.
                search.approximation = false;
                best = run(&mut search);
            }
        }
        let (spec, _) = best
            .filter(|(_, ic)| ic.is_finite())
            .ok_or_else(|| Error::NoModelFound { what: "ARIMA" })?;
        let fit = spec.method(FitMethod::CssMl).fit(y)?;
        Ok((fit, search.visited))
    }

    fn exhaustive(
        &self,
        s: &mut Search<'_>,
        max_p: usize,
        max_q: usize,
        max_sp: usize,
        max_sq: usize,
        constant: bool,
    ) -> Option<(ArimaParams, f64)> {
        let mut best: Option<(ArimaParams, f64)> = None;
        for i in 0..=max_p {
            for j in 0..=max_q {
                for ii in 0..=max_sp {
                    for jj in 0..=max_sq {
                        if i + j + ii + jj > self.max_order {
                            continue;
                        }
                        for k in 0..=usize::from(constant) {
                            let spec = s.spec(i, j, ii, jj, k == 1);
                            let ic = s.evaluate(&spec);
                            if best.as_ref().is_none_or(|(_, b)| ic < *b) {
                                best = Some((spec, ic));
                            }
                        }
                    }
                }
            }
        }
        best
    }

    #[allow(clippy::too_many_lines)]
    fn stepwise_search(
        &self,
        s: &mut Search<'_>,
        max_p: usize,
        max_q: usize,
        max_sp: usize,
        max_sq: usize,
        allow_constant: bool,
    ) -> Option<(ArimaParams, f64)> {
        s.visited.clear();
        let seasonal = s.m > 1;
        let short = s.y.len() < 10;
        let mut p = (if short { 1 } else { 2 }).min(max_p);
        let mut q = (if short { 1 } else { 2 }).min(max_q);
        let mut sp = if seasonal && !short { 1.min(max_sp) } else { 0 };
        let mut sq = if seasonal && !short { 1.min(max_sq) } else { 0 };
        let mut constant = allow_constant;
        let mut best_ic = s.evaluate(&s.spec(p, q, sp, sq, constant));
        // The best model so far; R keeps it apart from the orders and the constant the search
        // moves with, which differ after the null model without constant wins (below).
        let mut best = (p, q, sp, sq, constant);
        let try_move = |s: &mut Search<'_>,
                        o: (usize, usize, usize, usize, bool),
                        best_ic: &mut f64,
                        best: &mut (usize, usize, usize, usize, bool)|
         -> bool {
            let spec = s.spec(o.0, o.1, o.2, o.3, o.4);
            if s.seen(&spec) {
                return false;
            }
            let ic = s.evaluate(&spec);
            if ic < *best_ic {
                *best_ic = ic;
                *best = o;
                return true;
            }
            false
        };
        // Null model.
        if try_move(s, (0, 0, 0, 0, constant), &mut best_ic, &mut best) {
            (p, q, sp, sq) = (0, 0, 0, 0);
        }
        // Basic AR model.
        if max_p > 0 || max_sp > 0 {
            let o = (
                usize::from(max_p > 0),
                0,
                usize::from(seasonal && max_sp > 0),
                0,
                constant,
            );
            if try_move(s, o, &mut best_ic, &mut best) {
                (p, q, sp, sq) = (o.0, 0, o.2, 0);
            }
        }
        // Basic MA model.
        if max_q > 0 || max_sq > 0 {
            let o = (
                0,
                usize::from(max_q > 0),
                0,
                usize::from(seasonal && max_sq > 0),
                constant,
            );
            if try_move(s, o, &mut best_ic, &mut best) {
                (p, q, sp, sq) = (0, o.1, 0, o.3);
            }
        }
        // Null model without constant. As R's auto.arima, a win here resets the orders but not
        // the constant the neighbours are searched with (the constant is toggled at the end of
        // each round).
        if constant && try_move(s, (0, 0, 0, 0, false), &mut best_ic, &mut best) {
            (p, q, sp, sq) = (0, 0, 0, 0);
        }
        let mut startk = usize::MAX;
        while startk != s.visited.len() && s.visited.len() < self.max_models {
            startk = s.visited.len();
            let c = constant;
            let moves: [(bool, (isize, isize, isize, isize)); 16] = [
                (sp > 0, (0, 0, -1, 0)),
                (sq > 0, (0, 0, 0, -1)),
                (sp < max_sp, (0, 0, 1, 0)),
                (sq < max_sq, (0, 0, 0, 1)),
                (sq > 0 && sp > 0, (0, 0, -1, -1)),
                (sq < max_sq && sp > 0, (0, 0, -1, 1)),
                (sq > 0 && sp < max_sp, (0, 0, 1, -1)),
                (sq < max_sq && sp < max_sp, (0, 0, 1, 1)),
                (p > 0, (-1, 0, 0, 0)),
                (q > 0, (0, -1, 0, 0)),
                (p < max_p, (1, 0, 0, 0)),
                (q < max_q, (0, 1, 0, 0)),
                (q > 0 && p > 0, (-1, -1, 0, 0)),
                (q < max_q && p > 0, (-1, 1, 0, 0)),
                (q > 0 && p < max_p, (1, -1, 0, 0)),
                (q < max_q && p < max_p, (1, 1, 0, 0)),
            ];
            let mut moved = false;
            for (ok, (dp, dq, dsp, dsq)) in moves {
                if !ok || s.visited.len() >= self.max_models {
                    continue;
                }
                let o = (
                    p.saturating_add_signed(dp),
                    q.saturating_add_signed(dq),
                    sp.saturating_add_signed(dsp),
                    sq.saturating_add_signed(dsq),
                    c,
                );
                if try_move(s, o, &mut best_ic, &mut best) {
                    (p, q, sp, sq) = (o.0, o.1, o.2, o.3);
                    moved = true;
                    break;
                }
            }
            if moved {
                continue;
            }
            if allow_constant
                && s.visited.len() < self.max_models
                && try_move(s, (p, q, sp, sq, !c), &mut best_ic, &mut best)
            {
                constant = !c;
            }
        }
        best_ic
            .is_finite()
            .then(|| (s.spec(best.0, best.1, best.2, best.3, best.4), best_ic))
    }
}

/// State of one search.
struct Search<'a> {
    y: &'a [f64],
    m: usize,
    d: usize,
    sd: usize,
    approximation: bool,
    offset: f64,
    criterion: InformationCriterion,
    visited: Vec<CandidateModel>,
}

impl Search<'_> {
    fn spec(&self, p: usize, q: usize, sp: usize, sq: usize, constant: bool) -> ArimaParams {
        let spec = Arima::params(p, self.d, q).constant(constant);
        if self.m > 1 {
            spec.seasonal(sp, self.sd, sq, self.m)
        } else {
            spec
        }
    }

    fn seen(&self, spec: &ArimaParams) -> bool {
        self.visited.iter().any(|c| {
            c.spec.order() == spec.order()
                && c.spec.seasonal_order() == spec.seasonal_order()
                && c.spec.has_constant() == spec.has_constant()
        })
    }

    /// Fits `spec` (CSS under approximation) and returns its criterion; infinite when the fit
    /// fails or a root is within 1.01 of the unit circle.
    fn evaluate(&mut self, spec: &ArimaParams) -> f64 {
        let ic = if self.approximation {
            self.approx_ic(spec)
        } else {
            self.exact_ic(spec)
        };
        self.visited.push(CandidateModel {
            spec: spec.clone(),
            criterion: ic,
        });
        ic
    }

    fn criterion_of(&self, aic: f64, npar: f64, nstar: f64) -> f64 {
        match self.criterion {
            InformationCriterion::Aic => aic,
            InformationCriterion::Aicc => {
                if nstar - npar - 1.0 > 0.0 {
                    aic + 2.0 * npar * (npar + 1.0) / (nstar - npar - 1.0)
                } else {
                    f64::INFINITY
                }
            }
            InformationCriterion::Bic => aic + npar * (nstar.ln() - 2.0),
        }
    }

    fn admissible(fit: &FittedArima, spec: &ArimaParams) -> bool {
        let s = spec.seasonal_order().3.max(1);
        let phi = expand_ar(&fit.ar(), &fit.seasonal_ar(), s);
        let theta = expand_ma(&fit.ma(), &fit.seasonal_ma(), s);
        let neg: Vec<f64> = theta.iter().map(|v| -v).collect();
        (phi.is_empty() || ar_roots_outside(&phi, 1.01))
            && (neg.is_empty() || ar_roots_outside(&neg, 1.01))
    }

    fn exact_ic(&self, spec: &ArimaParams) -> f64 {
        match spec.fit_impl(self.y, false, true) {
            Ok(fit) if Self::admissible(&fit, spec) => {
                let npar = (spec.n_coefficients() + 1) as f64;
                self.criterion_of(fit.aic, npar, fit.nobs_effective as f64)
            }
            _ => f64::INFINITY,
        }
    }

    fn approx_ic(&self, spec: &ArimaParams) -> f64 {
        let css = spec.clone().method(FitMethod::Css);
        match css.fit_impl(self.y, false, true) {
            Ok(fit) if Self::admissible(&fit, spec) => {
                let npar = (spec.n_coefficients() + 1) as f64;
                let nstar = fit.nobs_effective as f64;
                let aic = self.offset + nstar * fit.sigma2.ln() + 2.0 * npar;
                self.criterion_of(aic, npar, nstar)
            }
            _ => f64::INFINITY,
        }
    }
}
