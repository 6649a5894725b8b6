//! Choosing the differencing orders as R's `forecast::ndiffs` / `nsdiffs` do by default.
//!
//! * `d`: repeated KPSS tests (Kwiatkowski, Phillips, Schmidt & Shin 1992) for level
//!   stationarity at level α = 0.05, with `trunc(3 √n / 13)` Bartlett lags (as `ndiffs`).
//! * `D`: the seasonal-strength heuristic (`seas.heuristic`, Wang, Smith & Hyndman 2006):
//!   `F_S = max(0, 1 - Var(R) / Var(S + R))` from an STL decomposition; difference when
//!   `F_S > 0.64`. Or, with [`SeasonalTest::Ocsb`], the Osborn-Chui-Smith-Birchenhall test
//!   ([`ocsb_test`], as `nsdiffs(x, test = "ocsb")`).

use crate::error::{Error, Result, check_series};
use crate::stl::stl;

/// KPSS level-stationarity statistic `η = Σ S_t² / (n² σ̂²)` with `S_t` the partial sums of the
/// demeaned series and `σ̂²` the Newey-West long-run variance with `lags` Bartlett lags.
pub fn kpss_statistic(x: &[f64], lags: usize) -> f64 {
    let n = x.len();
    let nf = n as f64;
    let mean = x.iter().sum::<f64>() / nf;
    let e: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let mut s = 0.0;
    let mut eta = 0.0;
    for v in &e {
        s += v;
        eta += s * s;
    }
    let mut lrv = e.iter().map(|v| v * v).sum::<f64>() / nf;
    for l in 1..=lags.min(n.saturating_sub(1)) {
        let cov: f64 = (l..n).map(|t| e[t] * e[t - l]).sum::<f64>() / nf;
        lrv += 2.0 * (1.0 - l as f64 / (lags as f64 + 1.0)) * cov;
    }
    eta / (nf * nf * lrv)
}

/// 5% critical value of the KPSS level test (Kwiatkowski et al. 1992, Table 1).
const KPSS_CRIT_05: f64 = 0.463;

fn is_constant(x: &[f64]) -> bool {
    x.windows(2).all(|w| w[0] == w[1])
}

fn kpss_rejects(x: &[f64]) -> bool {
    let lags = (3.0 * (x.len() as f64).sqrt() / 13.0) as usize;
    kpss_statistic(x, lags) > KPSS_CRIT_05
}

/// Number of first differences (at most `max_d`) needed for the KPSS test at 5% not to reject
/// level stationarity (R's `ndiffs(x, test = "kpss")`).
///
/// # Errors
/// Bad data (empty, non-finite).
pub fn ndiffs(x: &[f64], max_d: usize) -> Result<usize> {
    check_series(x)?;
    let mut x = x.to_vec();
    let mut d = 0;
    if is_constant(&x) || x.len() < 3 {
        return Ok(0);
    }
    let mut dodiff = kpss_rejects(&x);
    while dodiff && d < max_d {
        d += 1;
        x = x.windows(2).map(|w| w[1] - w[0]).collect();
        if is_constant(&x) || x.len() < 3 {
            return Ok(d);
        }
        dodiff = kpss_rejects(&x);
    }
    Ok(d)
}

/// Seasonal strength `max(0, min(1, 1 - Var(R)/Var(S + R)))` from STL with `s.window = 11`
/// (R's `mstl` default for the first seasonality).
///
/// # Errors
/// As [`crate::stl::stl`]: fewer than two full periods, period < 2, bad data.
pub fn seasonal_strength(x: &[f64], period: usize) -> Result<f64> {
    let d = stl(x, period, 11)?;
    let var = |v: &mut dyn Iterator<Item = f64>| {
        let v: Vec<f64> = v.collect();
        let n = v.len() as f64;
        let m = v.iter().sum::<f64>() / n;
        v.iter().map(|a| (a - m).powi(2)).sum::<f64>() / (n - 1.0)
    };
    let vr = var(&mut d.remainder.iter().copied());
    let vsr = var(&mut d.remainder.iter().zip(&d.seasonal).map(|(r, s)| r + s));
    if vsr.is_nan() || vsr <= 0.0 {
        return Ok(0.0);
    }
    Ok((1.0 - vr / vsr).clamp(0.0, 1.0))
}

/// Number of seasonal differences (at most `max_d`) by the seasonal-strength heuristic (R's
/// `nsdiffs(x, test = "seas")`): 0 for constant series or fewer than two full periods.
///
/// # Errors
/// Bad data (empty, non-finite).
pub fn nsdiffs(x: &[f64], period: usize, max_d: usize) -> Result<usize> {
    nsdiffs_with(x, period, max_d, SeasonalTest::Strength)
}

/// The test that decides on a seasonal difference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SeasonalTest {
    /// Seasonal strength from STL above 0.64 (Wang, Smith & Hyndman 2006; R's default since
    /// forecast 8.3, and statsforecast's).
    #[default]
    Strength,
    /// The OCSB seasonal unit-root test at 5% with up to 3 lags chosen by AIC ([`ocsb_test`];
    /// pmdarima's default and R's `test = "ocsb"`).
    Ocsb,
}

/// Number of seasonal differences (at most `max_d`) chosen by `test` (R's
/// `nsdiffs(x, test = ...)`): 0 for constant series, period < 2, or a series too short for the
/// test (fewer than two full periods plus one for the strength, too few rows for the OCSB
/// regression).
///
/// # Errors
/// Bad data (empty, non-finite).
pub fn nsdiffs_with(x: &[f64], period: usize, max_d: usize, test: SeasonalTest) -> Result<usize> {
    check_series(x)?;
    let wants_difference = |x: &[f64]| -> Result<bool> {
        match test {
            SeasonalTest::Strength => Ok(seasonal_strength(x, period)? > 0.64),
            SeasonalTest::Ocsb => match ocsb_test(x, period, 3, LagSelection::Aic) {
                Ok(t) => Ok(t.seasonal_unit_root()),
                Err(Error::SeriesTooShort { .. } | Error::SingularRegression { .. }) => Ok(false),
                Err(e) => Err(e),
            },
        }
    };
    if period < 2 || is_constant(x) || x.len() < 2 * period + 1 {
        return Ok(0);
    }
    let mut x = x.to_vec();
    let mut d = 0;
    let mut dodiff = wants_difference(&x)?;
    while dodiff && d < max_d {
        d += 1;
        x = (period..x.len()).map(|t| x[t] - x[t - period]).collect();
        if is_constant(&x) {
            return Ok(d);
        }
        dodiff = if x.len() > 2 * period && d < max_d {
            wants_difference(&x)?
        } else {
            false
        };
    }
    Ok(d)
}

/// How [`ocsb_test`] chooses the number of lagged `Δ Δ_m y` terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LagSelection {
    /// Exactly `max_lag` lags.
    Fixed,
    /// By AIC (R's `nsdiffs` default for OCSB).
    #[default]
    Aic,
    /// By BIC.
    Bic,
    /// By corrected AIC.
    Aicc,
}

/// Result of [`ocsb_test`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OcsbTest {
    /// t statistic of the `λ(B) Δ y_{t-m}` coefficient.
    pub statistic: f64,
    /// 5% critical value for the period (simulation-smoothed; Osborn et al. via R's
    /// `calcOCSBCritVal`).
    pub critical_value: f64,
    /// Number of lagged `Δ Δ_m y` terms in the final regression.
    pub lag_order: usize,
}

impl OcsbTest {
    /// Whether the seasonal unit root is not rejected at 5% (statistic above the critical
    /// value): a seasonal difference is needed.
    pub fn seasonal_unit_root(&self) -> bool {
        self.statistic > self.critical_value
    }
}

/// 5% critical value of the OCSB test for seasonal period `m`:
/// `-0.2937411 exp(-0.2850853 (ln m - 0.7656451) - 0.05983644 (ln m - 0.7656451)²) - 1.652202`
/// (a smooth fit to simulated quantiles, from R's forecast package).
pub fn ocsb_critical_value(m: usize) -> f64 {
    let l = (m as f64).ln() - 0.765_645_1;
    -0.293_741_1 * (-0.285_085_3 * l - 0.059_836_44 * l * l).exp() - 1.652_202
}

/// Osborn, Chui, Smith & Birchenhall (1988) test of a seasonal unit root, as R's
/// `forecast::ocsb.test` and pmdarima's `OCSBTest`.
///
/// With `y_t = Δ Δ_m x_t` and `λ(B) = 1 - Σ_k λ_k B^k` estimated by regressing `y_t` on its own
/// `L` lags, the test regression is
///
/// ```text
/// y_t = Σ_k β_k y_{t-k} + γ₁ λ(B) Δ_m x_{t-1} + γ₂ λ(B) Δ x_{t-m} + e_t     (no intercept)
/// ```
///
/// and the statistic is the t value of `γ₂`; the null of a seasonal unit root is rejected when
/// it is below [`ocsb_critical_value`]. With [`LagSelection::Fixed`], `L = max_lag`; otherwise
/// the regressions with `1 … max_lag` lags are fitted on the same rows and, exactly as R (and
/// pmdarima, which follows it), the final regression uses one lag fewer than the position of
/// the best criterion (so a best fit with one lag means `L = 0`).
///
/// # Examples
/// ```
/// use custalyze_forecast::arima::{LagSelection, ocsb_test};
/// // A deterministic seasonal pattern with noise: no seasonal unit root.
/// let y: Vec<f64> = (0..120)
///     .map(|t| 10.0 * (t as f64 * std::f64::consts::PI / 6.0).sin() + ((t * 7919) % 13) as f64)
///     .collect();
/// let test = ocsb_test(&y, 12, 3, LagSelection::Aic)?;
/// assert!(!test.seasonal_unit_root());
/// # Ok::<(), custalyze_forecast::Error>(())
/// ```
///
/// # Errors
/// Bad data; [`Error::InvalidParameter`] for `period < 2`; [`Error::SeriesTooShort`] below
/// `period + 2 max_lag + 5` observations; [`Error::SingularRegression`] when a regression is singular
/// (a constant or perfectly periodic series).
pub fn ocsb_test(
    x: &[f64],
    period: usize,
    max_lag: usize,
    method: LagSelection,
) -> Result<OcsbTest> {
    check_series(x)?;
    let m = period;
    if m < 2 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "period",
                format!("the OCSB test needs a seasonal period of at least 2, got {m}"),
            ),
        ));
    }
    let needed = m + 2 * max_lag + 5;
    if x.len() < needed {
        return Err(Error::SeriesTooShort {
            what: format!("the OCSB test with period {m} and {max_lag} lags"),
            needed,
            got: x.len(),
        });
    }
    let lag = match method {
        LagSelection::Fixed => max_lag,
        _ if max_lag == 0 => 0,
        _ => {
            let mut best = (f64::INFINITY, 1);
            for l in 1..=max_lag {
                let fit = ocsb_regression(x, m, l, max_lag)?;
                let n = fit.rows as f64;
                let k = (l + 2 + 1) as f64;
                let loglik =
                    -0.5 * n * ((2.0 * std::f64::consts::PI).ln() + 1.0 - n.ln() + fit.rss.ln());
                let ic = match method {
                    LagSelection::Bic => -2.0 * loglik + n.ln() * k,
                    LagSelection::Aicc => {
                        -2.0 * loglik + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0)
                    }
                    _ => -2.0 * loglik + 2.0 * k,
                };
                if ic < best.0 {
                    best = (ic, l);
                }
            }
            best.1 - 1
        }
    };
    let fit = ocsb_regression(x, m, lag, lag)?;
    Ok(OcsbTest {
        statistic: fit.t_z5,
        critical_value: ocsb_critical_value(m),
        lag_order: lag,
    })
}

struct OcsbFit {
    t_z5: f64,
    rss: f64,
    rows: usize,
}

/// The OCSB regression with `lag` lags on the rows `t >= m + 1 + max_lag` (0-based).
fn ocsb_regression(x: &[f64], m: usize, lag: usize, max_lag: usize) -> Result<OcsbFit> {
    let n = x.len();
    let y = |t: usize| x[t] - x[t - 1] - x[t - m] + x[t - m - 1];
    let dm = |t: usize| x[t] - x[t - m];
    let d1 = |t: usize| x[t] - x[t - 1];
    let rows: Vec<usize> = (m + 1 + max_lag..n).collect();
    let singular = || Error::SingularRegression { what: "OCSB" };
    let target: Vec<f64> = rows.iter().map(|&t| y(t)).collect();
    let lags: Vec<Vec<f64>> = (1..=lag)
        .map(|k| rows.iter().map(|&t| y(t - k)).collect())
        .collect();
    let lambda = if lag > 0 {
        ols(&target, &lags).ok_or_else(singular)?.0
    } else {
        Vec::new()
    };
    let filt = |f: &dyn Fn(usize) -> f64, t: usize| -> f64 {
        f(t) - lambda
            .iter()
            .enumerate()
            .map(|(k, l)| l * f(t - k - 1))
            .sum::<f64>()
    };
    let mut cols = lags;
    cols.push(rows.iter().map(|&t| filt(&dm, t - 1)).collect());
    cols.push(rows.iter().map(|&t| filt(&d1, t - m)).collect());
    let (beta, se, rss) = ols(&target, &cols).ok_or_else(singular)?;
    let t_z5 = beta[lag + 1] / se[lag + 1];
    if !t_z5.is_finite() {
        return Err(singular());
    }
    Ok(OcsbFit {
        t_z5,
        rss,
        rows: rows.len(),
    })
}

/// Least squares without intercept: coefficients, standard errors and residual sum of squares;
/// `None` when `X'X` is singular or there are no residual degrees of freedom.
fn ols(y: &[f64], cols: &[Vec<f64>]) -> Option<(Vec<f64>, Vec<f64>, f64)> {
    let k = cols.len();
    let n = y.len();
    if n <= k {
        return None;
    }
    let mut xtx = vec![0.0; k * k];
    let mut xty = vec![0.0; k];
    for a in 0..k {
        xty[a] = cols[a].iter().zip(y).map(|(u, v)| u * v).sum();
        for b in a..k {
            let v: f64 = cols[a].iter().zip(&cols[b]).map(|(u, w)| u * w).sum();
            xtx[a * k + b] = v;
            xtx[b * k + a] = v;
        }
    }
    let inv = custalyze_transaction_types::linalg::invert(&xtx, k)?;
    let beta: Vec<f64> = (0..k)
        .map(|a| (0..k).map(|b| inv[a * k + b] * xty[b]).sum())
        .collect();
    let rss: f64 = (0..n)
        .map(|t| {
            let fit: f64 = (0..k).map(|a| beta[a] * cols[a][t]).sum();
            (y[t] - fit).powi(2)
        })
        .sum();
    let s2 = rss / (n - k) as f64;
    let se = (0..k).map(|a| (s2 * inv[a * k + a]).sqrt()).collect();
    Some((beta, se, rss))
}
