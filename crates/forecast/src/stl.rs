//! STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning 1990,
//! "STL: A Seasonal-Trend Decomposition Procedure Based on Loess", J. Official Statistics 6(1)).
//!
//! A port of the inner loop of the reference Fortran (`stl.f`, as used by R's `stats::stl`),
//! without the robustness iterations (R's default `robust = FALSE`): cycle-subseries loess of
//! degree `isdeg` and span `ns`, a low-pass filter (moving averages of lengths s, s, 3 and a loess
//! of span `nl`), and a trend loess of span `nt`, with R's default spans and jumps.

use crate::error::{Error, Result, check_series};

/// An STL decomposition `y = trend + seasonal + remainder`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Stl {
    /// Trend component.
    pub trend: Vec<f64>,
    /// Seasonal component.
    pub seasonal: Vec<f64>,
    /// Remainder `y - trend - seasonal`.
    pub remainder: Vec<f64>,
}

fn next_odd(x: f64) -> usize {
    let n = x.ceil().max(1.0) as usize;
    if n.is_multiple_of(2) { n + 1 } else { n }
}

/// The spans, degrees and jumps of one STL run.
///
/// [`StlSettings::r`] gives R's `stats::stl` defaults (used by the seasonal-strength test of
/// auto-ARIMA), [`StlSettings::statsmodels`] statsmodels' `STL` defaults (used by MSTL, as
/// statsforecast's `mstl` calls statsmodels): every span odd, jumps of 1, the low-pass span the
/// smallest odd number above the period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct StlSettings {
    /// Seasonal period (at least 2).
    pub period: usize,
    /// Span of the cycle-subseries loess (odd, at least 3).
    pub seasonal: usize,
    /// Span of the trend loess (odd).
    pub trend: usize,
    /// Span of the low-pass loess (odd).
    pub low_pass: usize,
    /// Degree (0 or 1) of the seasonal loess.
    pub seasonal_deg: usize,
    /// Degree (0 or 1) of the trend loess.
    pub trend_deg: usize,
    /// Degree (0 or 1) of the low-pass loess.
    pub low_pass_deg: usize,
    /// Evaluate the seasonal loess every this many points and interpolate between.
    pub seasonal_jump: usize,
    /// Same for the trend loess.
    pub trend_jump: usize,
    /// Same for the low-pass loess.
    pub low_pass_jump: usize,
    /// Inner-loop passes (R 2, statsmodels 5 without robustness).
    pub inner_iterations: usize,
}

impl StlSettings {
    /// R's `stl(x, s.window)` defaults: `t.window = nextodd(1.5 s / (1 − 1.5 / s.window))`,
    /// `l.window = nextodd(s)`, degrees 0, 1, 1, jumps `ceil(window / 10)`.
    pub fn r(period: usize, s_window: usize) -> Self {
        let ns = next_odd(s_window.max(3) as f64);
        let nt = next_odd(1.5 * period as f64 / (1.0 - 1.5 / ns as f64));
        let nl = next_odd(period as f64);
        let jump = |w: usize| w.div_ceil(10);
        StlSettings {
            period,
            seasonal: ns,
            trend: nt,
            low_pass: nl,
            seasonal_deg: 0,
            trend_deg: 1,
            low_pass_deg: 1,
            seasonal_jump: jump(ns),
            trend_jump: jump(nt),
            low_pass_jump: jump(nl),
            inner_iterations: 2,
        }
    }

    /// statsmodels' `STL(endog, period, seasonal, seasonal_deg).fit()` defaults: trend span
    /// `ceil(1.5 p / (1 − 1.5 / seasonal))` made odd, low-pass span the smallest odd number
    /// above `p`, trend and low-pass degree 1, all jumps 1, five inner passes.
    pub fn statsmodels(period: usize, seasonal: usize, seasonal_deg: usize) -> Self {
        let mut nt = (1.5 * period as f64 / (1.0 - 1.5 / seasonal as f64)).ceil() as usize;
        nt += usize::from(nt.is_multiple_of(2));
        let mut nl = period + 1;
        nl += usize::from(nl.is_multiple_of(2));
        StlSettings {
            period,
            seasonal,
            trend: nt,
            low_pass: nl,
            seasonal_deg,
            trend_deg: 1,
            low_pass_deg: 1,
            seasonal_jump: 1,
            trend_jump: 1,
            low_pass_jump: 1,
            inner_iterations: 5,
        }
    }
}

/// STL with R's defaults for a given seasonal window `s_window` (odd, >= 7 recommended; `mstl`
/// uses 11 for the first seasonality): see [`StlSettings::r`]; two inner passes, no
/// robustness iterations.
///
/// # Errors
/// [`Error::InvalidParameter`] for a period below 2; [`Error::SeriesTooShort`] with fewer than two
/// full periods; bad data as usual.
pub fn stl(y: &[f64], period: usize, s_window: usize) -> Result<Stl> {
    stl_with(y, &StlSettings::r(period, s_window))
}

/// STL with explicit settings, without robustness iterations.
///
/// # Errors
/// [`Error::InvalidParameter`] for a period below 2, an even or too short span, or a degree
/// above 1; [`Error::SeriesTooShort`] with fewer than two full periods (plus one); bad data as
/// usual.
pub fn stl_with(y: &[f64], settings: &StlSettings) -> Result<Stl> {
    check_series(y)?;
    let s = settings;
    if s.period < 2 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination(
                "period",
                format!(
                    "STL needs a seasonal period of at least 2, got {}",
                    s.period
                ),
            ),
        ));
    }
    for (name, span) in [
        ("seasonal", s.seasonal),
        ("trend", s.trend),
        ("low_pass", s.low_pass),
    ] {
        if span < 3 || span.is_multiple_of(2) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::combination(
                    name,
                    format!("an STL span must be odd and at least 3, got {span}"),
                ),
            ));
        }
    }
    if s.seasonal_deg > 1 || s.trend_deg > 1 || s.low_pass_deg > 1 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::combination("degree", "loess degrees are 0 or 1"),
        ));
    }
    let n = y.len();
    let np = s.period;
    if n < 2 * np + 1 {
        return Err(Error::SeriesTooShort {
            what: "STL".into(),
            needed: 2 * np + 1,
            got: n,
        });
    }
    let (ns, nt, nl) = (s.seasonal, s.trend, s.low_pass);
    let (isdeg, itdeg, ildeg) = (s.seasonal_deg, s.trend_deg, s.low_pass_deg);
    let (nsjump, ntjump, nljump) = (
        s.seasonal_jump.max(1),
        s.trend_jump.max(1),
        s.low_pass_jump.max(1),
    );
    let mut trend = vec![0.0; n];
    let mut season = vec![0.0; n];
    let mut c = vec![0.0; n + 2 * np];
    let mut work = vec![0.0; n];
    for _ in 0..s.inner_iterations.max(1) {
        for i in 0..n {
            work[i] = y[i] - trend[i];
        }
        cycle_subseries(&work, np, ns, isdeg, nsjump, &mut c);
        let low = low_pass(&c, n, np, nl, ildeg, nljump);
        for i in 0..n {
            season[i] = c[np + i] - low[i];
            work[i] = y[i] - season[i];
        }
        trend = ess(&work, nt, itdeg, ntjump);
    }
    let remainder = (0..n).map(|i| y[i] - trend[i] - season[i]).collect();
    Ok(Stl {
        trend,
        seasonal: season,
        remainder,
    })
}

/// Loess estimate at abscissa `xs` (1-based as in the Fortran) from points `nl..=nr`.
fn est(y: &[f64], len: usize, ideg: usize, xs: f64, nl: usize, nr: usize) -> Option<f64> {
    let n = y.len();
    let range = n as f64 - 1.0;
    let mut h = (xs - nl as f64).max(nr as f64 - xs);
    if len > n {
        h += ((len - n) / 2) as f64;
    }
    let h9 = 0.999 * h;
    let h1 = 0.001 * h;
    let mut w = vec![0.0; nr - nl + 1];
    let mut a = 0.0;
    for j in nl..=nr {
        let r = (j as f64 - xs).abs();
        let wj = if r <= h9 {
            if r <= h1 {
                1.0
            } else {
                (1.0 - (r / h).powi(3)).powi(3)
            }
        } else {
            0.0
        };
        w[j - nl] = wj;
        a += wj;
    }
    if a <= 0.0 {
        return None;
    }
    w.iter_mut().for_each(|v| *v /= a);
    if h > 0.0 && ideg > 0 {
        let a: f64 = (nl..=nr).map(|j| w[j - nl] * j as f64).sum();
        let mut b = xs - a;
        let c: f64 = (nl..=nr).map(|j| w[j - nl] * (j as f64 - a).powi(2)).sum();
        if c.sqrt() > 0.001 * range {
            b /= c;
            for j in nl..=nr {
                w[j - nl] *= b * (j as f64 - a) + 1.0;
            }
        }
    }
    Some((nl..=nr).map(|j| w[j - nl] * y[j - 1]).sum())
}

/// Loess smoothing of `y` with span `len`, degree `ideg`, evaluated every `njump` points and
/// linearly interpolated in between (`stless`).
fn ess(y: &[f64], len: usize, ideg: usize, njump: usize) -> Vec<f64> {
    let n = y.len();
    let mut ys = vec![0.0; n];
    if n < 2 {
        return y.to_vec();
    }
    let newnj = njump.min(n - 1).max(1);
    let at =
        |i: usize, nl: usize, nr: usize| est(y, len, ideg, i as f64, nl, nr).unwrap_or(y[i - 1]);
    if len >= n {
        let mut i = 1;
        while i <= n {
            ys[i - 1] = at(i, 1, n);
            i += newnj;
        }
    } else if newnj == 1 {
        let nsh = len.div_ceil(2);
        let (mut nl, mut nr) = (1, len);
        for i in 1..=n {
            if i > nsh && nr != n {
                nl += 1;
                nr += 1;
            }
            ys[i - 1] = at(i, nl, nr);
        }
    } else {
        let nsh = len.div_ceil(2);
        let mut i = 1;
        while i <= n {
            let (nl, nr) = if i < nsh {
                (1, len)
            } else if i > n - nsh {
                (n - len + 1, n)
            } else {
                (i - nsh + 1, len + i - nsh)
            };
            ys[i - 1] = at(i, nl, nr);
            i += newnj;
        }
    }
    if newnj > 1 {
        let mut i = 1;
        while i + newnj <= n {
            let delta = (ys[i + newnj - 1] - ys[i - 1]) / newnj as f64;
            for j in i + 1..i + newnj {
                ys[j - 1] = ys[i - 1] + delta * (j - i) as f64;
            }
            i += newnj;
        }
        let k = ((n - 1) / newnj) * newnj + 1;
        if k != n {
            let nl = if len >= n { 1 } else { n + 1 - len };
            ys[n - 1] = at(n, nl.max(1), n);
            if k != n - 1 {
                let delta = (ys[n - 1] - ys[k - 1]) / (n - k) as f64;
                for j in k + 1..n {
                    ys[j - 1] = ys[k - 1] + delta * (j - k) as f64;
                }
            }
        }
    }
    ys
}

/// Cycle-subseries smoothing with one extrapolated value at each end (`stlss`): output length
/// `n + 2 np`.
fn cycle_subseries(y: &[f64], np: usize, ns: usize, isdeg: usize, nsjump: usize, out: &mut [f64]) {
    let n = y.len();
    for j in 1..=np {
        let k = (n - j) / np + 1;
        let sub: Vec<f64> = (0..k).map(|i| y[i * np + j - 1]).collect();
        let sm = ess(&sub, ns, isdeg, nsjump);
        let nright = ns.min(k);
        let first = est(&sub, ns, isdeg, 0.0, 1, nright).unwrap_or(sm[0]);
        let nleft = if k >= ns { k - ns + 1 } else { 1 };
        let last = est(&sub, ns, isdeg, (k + 1) as f64, nleft, k).unwrap_or(sm[k - 1]);
        out[j - 1] = first;
        for (m, v) in sm.iter().enumerate() {
            out[(m + 1) * np + j - 1] = *v;
        }
        out[(k + 1) * np + j - 1] = last;
    }
}

fn moving_average(x: &[f64], len: usize) -> Vec<f64> {
    let n = x.len();
    let m = n + 1 - len;
    let mut out = Vec::with_capacity(m);
    let mut s: f64 = x[..len].iter().sum();
    out.push(s / len as f64);
    for j in 1..m {
        s += x[j + len - 1] - x[j - 1];
        out.push(s / len as f64);
    }
    out
}

/// Low-pass filter of the cycle-subseries (`stlfts` + loess): length `n`.
fn low_pass(c: &[f64], n: usize, np: usize, nl: usize, ildeg: usize, nljump: usize) -> Vec<f64> {
    let a = moving_average(&c[..n + 2 * np], np);
    let b = moving_average(&a, np);
    let l = moving_average(&b, 3);
    ess(&l[..n], nl, ildeg, nljump)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_pure_seasonality() {
        let pattern = [3.0, -1.0, 0.5, -2.5];
        let y: Vec<f64> = (0..40)
            .map(|t| 10.0 + 0.1 * t as f64 + pattern[t % 4])
            .collect();
        let d = stl(&y, 4, 11).unwrap_or_else(|_| Stl {
            trend: vec![],
            seasonal: vec![],
            remainder: vec![],
        });
        for t in 8..32 {
            assert!((d.seasonal[t] - pattern[t % 4]).abs() < 0.05, "t={t}");
        }
    }
}
