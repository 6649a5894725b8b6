//! Residual diagnostics: the Ljung-Box portmanteau test (Ljung & Box 1978, Biometrika 65(2)).
//!
//! `Q = n(n+2) Σ_{k=1}^{h} ρ̂_k² / (n - k)` with `ρ̂_k` the lag-k autocorrelation of the residuals;
//! under the null of no autocorrelation `Q ~ χ²(h - df)` where `df` is the number of estimated
//! ARMA coefficients (`p + q + P + Q`).

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::error::{Error, Result, check_series};

/// Result of [`ljung_box`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LjungBox {
    /// The statistic Q.
    pub statistic: f64,
    /// Degrees of freedom `lags - fitted_df`.
    pub df: usize,
    /// Upper-tail χ² p-value.
    pub p_value: f64,
}

/// Sample autocorrelations at lags `1..=lags`.
///
/// # Errors
/// Bad data; [`Error::SeriesTooShort`] when `lags >= x.len()`.
pub fn acf(x: &[f64], lags: usize) -> Result<Vec<f64>> {
    check_series(x)?;
    let n = x.len();
    if lags >= n {
        return Err(Error::SeriesTooShort {
            what: format!("an autocorrelation at lag {lags}"),
            needed: lags + 1,
            got: n,
        });
    }
    let mean = x.iter().sum::<f64>() / n as f64;
    let c0: f64 = x.iter().map(|v| (v - mean).powi(2)).sum();
    Ok((1..=lags)
        .map(|k| {
            if c0 == 0.0 {
                0.0
            } else {
                (k..n)
                    .map(|t| (x[t] - mean) * (x[t - k] - mean))
                    .sum::<f64>()
                    / c0
            }
        })
        .collect())
}

/// The Ljung-Box test on `residuals` with `lags` lags and `fitted_df` fitted coefficients.
///
/// # Errors
/// As [`acf`]; [`Error::InvalidParameter`] when `lags <= fitted_df`.
pub fn ljung_box(residuals: &[f64], lags: usize, fitted_df: usize) -> Result<LjungBox> {
    if lags <= fitted_df {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "lags",
                format!("{lags} lags leave no degrees of freedom after {fitted_df} coefficients"),
            ),
        ));
    }
    let r = acf(residuals, lags)?;
    let n = residuals.len() as f64;
    let q = n
        * (n + 2.0)
        * r.iter()
            .enumerate()
            .map(|(i, rk)| rk * rk / (n - (i + 1) as f64))
            .sum::<f64>();
    let df = lags - fitted_df;
    let chi = ChiSquared::new(df as f64).map_err(|e| {
        Error::InvalidParameter(crate::error::InvalidParameter::combination(
            "lags",
            e.to_string(),
        ))
    })?;
    Ok(LjungBox {
        statistic: q,
        df,
        p_value: 1.0 - chi.cdf(q),
    })
}
