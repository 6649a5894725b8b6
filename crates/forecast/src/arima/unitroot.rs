//! Choosing the differencing orders as R's `forecast::ndiffs` / `nsdiffs` do by default.
//!
//! * `d`: repeated KPSS tests (Kwiatkowski, Phillips, Schmidt & Shin 1992) for level
//!   stationarity at level α = 0.05, with `trunc(3 √n / 13)` Bartlett lags (as `ndiffs`).
//! * `D`: the seasonal-strength heuristic (`seas.heuristic`, Wang, Smith & Hyndman 2006):
//!   `F_S = max(0, 1 - Var(R) / Var(S + R))` from an STL decomposition; difference when
//!   `F_S > 0.64`.

use crate::error::{Result, check_series};
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
    check_series(x)?;
    if period < 2 || is_constant(x) || x.len() < 2 * period + 1 {
        return Ok(0);
    }
    let mut x = x.to_vec();
    let mut d = 0;
    let mut dodiff = seasonal_strength(&x, period)? > 0.64;
    while dodiff && d < max_d {
        d += 1;
        x = (period..x.len()).map(|t| x[t] - x[t - period]).collect();
        if is_constant(&x) {
            return Ok(d);
        }
        dodiff = if x.len() > 2 * period && d < max_d {
            seasonal_strength(&x, period)? > 0.64
        } else {
            false
        };
    }
    Ok(d)
}
