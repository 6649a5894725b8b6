//! The log-log demand regression of one product and its ordinary least squares fit.
//!
//! # Design
//! One row per selling week `w` of the product (weeks without sales have no price and are left
//! out), `y = ln(units)`, and the columns
//!
//! | column | value |
//! |---|---|
//! | `const` | 1 |
//! | `log_price` | `ln(price)`; its coefficient is the elasticity `ε` |
//! | `promo` | 1 in promotion weeks (when the product has both kinds of week) |
//! | `post_promo` | 1 in the week after a promotion (when it varies) |
//! | `trend` | years since the product's first selling week, `(w − w₀) / 52` |
//! | `trend_k` | `max(0, (w − w₀ − k·K) / 52)`, a hinge every `K` weeks (`K` = [`DesignSettings::trend_knot_weeks`], widened so that there are at most [`MAX_KNOTS`]) with at least 8 selling weeks after it: a piecewise-linear trend that follows launch, maturity and decline |
//! | `sin_h`, `cos_h` | `sin(2π h w / 52.1775)`, `cos(…)`, annual seasonality, `h = 1` when the weeks span a year, `h = 1, 2` when they span two |
//!
//! # Estimation
//! `β̂ = (XᵀX)⁻¹Xᵀy` by a Cholesky factorisation of `XᵀX` (faer), `σ̂² = ‖y − Xβ̂‖² / (n − k)`,
//! standard errors `√(σ̂² [(XᵀX)⁻¹]ⱼⱼ)` (the classical OLS covariance, statsmodels'
//! `OLS(...).fit()` default), 95% intervals `β̂ⱼ ± t₀.₉₇₅,ₙ₋ₖ · seⱼ`.

use faer::linalg::solvers::DenseSolveCore;
use faer::{Mat, Side};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::panel::WeekSales;

/// Weeks in a year, for the seasonal terms.
const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;
/// Selling weeks a trend hinge needs after it.
const WEEKS_AFTER_KNOT: usize = 8;
/// The most trend hinges: over long histories the spacing widens so that a product's regression
/// stays small (decades of weekly data would otherwise give hundreds of columns per product).
pub const MAX_KNOTS: usize = 20;

/// Settings of the design matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DesignSettings {
    /// Weeks between trend hinges (0: a straight-line trend).
    pub trend_knot_weeks: usize,
    /// Whether to add seasonal terms.
    pub seasonality: bool,
}

/// A design matrix, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// Column names.
    pub names: Vec<String>,
    /// Rows: one per selling week, `names.len()` values each.
    pub rows: Vec<Vec<f64>>,
    /// `ln(units)` of each row.
    pub y: Vec<f64>,
}

impl Design {
    /// Builds the design of a product's selling weeks (see the module docs).
    pub fn new(weeks: &[WeekSales], settings: &DesignSettings) -> Self {
        let n = weeks.len();
        let w0 = weeks.first().map_or(0, |w| w.week);
        let span = weeks.last().map_or(0, |w| w.week - w0) + 1;
        let varies =
            |f: &dyn Fn(&WeekSales) -> bool| weeks.iter().any(f) && weeks.iter().any(|w| !f(w));
        let with_promo = varies(&|w| w.promo);
        let with_post = varies(&|w| w.post_promo);
        let mut knots: Vec<i64> = Vec::new();
        if settings.trend_knot_weeks > 0 {
            let step =
                (settings.trend_knot_weeks as i64).max(span.div_euclid(MAX_KNOTS as i64 + 1) + 1);
            let mut k = step;
            while k < span {
                let after = weeks.iter().filter(|w| w.week - w0 > k).count();
                if after < WEEKS_AFTER_KNOT {
                    break;
                }
                knots.push(k);
                k += step;
            }
        }
        let harmonics = if !settings.seasonality {
            0
        } else if span as f64 >= 2.0 * WEEKS_PER_YEAR {
            2
        } else if span as f64 >= WEEKS_PER_YEAR {
            1
        } else {
            0
        };
        let mut names = vec!["const".to_string(), "log_price".to_string()];
        if with_promo {
            names.push("promo".into());
        }
        if with_post {
            names.push("post_promo".into());
        }
        names.push("trend".into());
        for k in 1..=knots.len() {
            names.push(format!("trend_{k}"));
        }
        for h in 1..=harmonics {
            names.push(format!("sin_{h}"));
            names.push(format!("cos_{h}"));
        }
        let mut rows = Vec::with_capacity(n);
        let mut y = Vec::with_capacity(n);
        for w in weeks {
            let t = (w.week - w0) as f64;
            let mut row = vec![1.0, w.price().ln()];
            if with_promo {
                row.push(f64::from(u8::from(w.promo)));
            }
            if with_post {
                row.push(f64::from(u8::from(w.post_promo)));
            }
            row.push(t / 52.0);
            for &k in &knots {
                row.push((t - k as f64).max(0.0) / 52.0);
            }
            for h in 1..=harmonics {
                let angle = std::f64::consts::TAU * h as f64 * w.week as f64 / WEEKS_PER_YEAR;
                row.push(angle.sin());
                row.push(angle.cos());
            }
            rows.push(row);
            y.push(w.units.ln());
        }
        Self { names, rows, y }
    }

    /// The position of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }
}

/// An ordinary least squares fit.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OlsFit {
    /// Coefficients, in design column order.
    pub coefficients: Vec<f64>,
    /// Their standard errors.
    pub std_errors: Vec<f64>,
    /// Residual variance `σ̂²` (divisor `n − k`).
    pub sigma2: f64,
    /// Residual degrees of freedom `n − k`.
    pub dof: usize,
    /// Coefficient of determination.
    pub r_squared: f64,
}

impl OlsFit {
    /// The two-sided `level` (e.g. 0.95) interval of coefficient `j`, from Student's t with
    /// [`OlsFit::dof`] degrees of freedom.
    pub fn interval(&self, j: usize, level: f64) -> Option<(f64, f64)> {
        let b = *self.coefficients.get(j)?;
        let se = *self.std_errors.get(j)?;
        let t = t_quantile(0.5 + level / 2.0, self.dof)?;
        Some((b - t * se, b + t * se))
    }
}

/// Student's t quantile with `dof` degrees of freedom.
pub(crate) fn t_quantile(p: f64, dof: usize) -> Option<f64> {
    let dist = StudentsT::new(0.0, 1.0, dof as f64).ok()?;
    Some(dist.inverse_cdf(p))
}

/// Fits `y = Xβ + e` by OLS; `None` when there are no more rows than columns or `XᵀX` is not
/// positive definite (collinear columns).
pub fn ols(design: &Design) -> Option<OlsFit> {
    let n = design.rows.len();
    let k = design.names.len();
    if n <= k {
        return None;
    }
    let x = Mat::from_fn(n, k, |i, j| design.rows[i][j]);
    let y = Mat::from_fn(n, 1, |i, _| design.y[i]);
    let xtx = x.transpose() * &x;
    let xty = x.transpose() * &y;
    let llt = xtx.llt(Side::Lower).ok()?;
    // A pivot that is tiny against its column's scale means collinear columns: the factorisation
    // went through on rounding error.
    let l = llt.L();
    if (0..k).any(|j| l[(j, j)] * l[(j, j)] <= 1e-10 * xtx[(j, j)]) {
        return None;
    }
    let inverse = llt.inverse();
    let beta = &inverse * &xty;
    let fitted = &x * &beta;
    let rss: f64 = (0..n).map(|i| (y[(i, 0)] - fitted[(i, 0)]).powi(2)).sum();
    let mean = design.y.iter().sum::<f64>() / n as f64;
    let tss: f64 = design.y.iter().map(|v| (v - mean).powi(2)).sum();
    let dof = n - k;
    let sigma2 = rss / dof as f64;
    let coefficients: Vec<f64> = (0..k).map(|j| beta[(j, 0)]).collect();
    let std_errors: Vec<f64> = (0..k)
        .map(|j| (sigma2 * inverse[(j, j)]).max(0.0).sqrt())
        .collect();
    if coefficients
        .iter()
        .chain(&std_errors)
        .any(|v| !v.is_finite())
    {
        return None;
    }
    Some(OlsFit {
        coefficients,
        std_errors,
        sigma2,
        dof,
        r_squared: if tss > 0.0 { 1.0 - rss / tss } else { 0.0 },
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn exact_line_is_recovered() {
        let design = Design {
            names: vec!["const".into(), "x".into()],
            rows: (0..10).map(|i| vec![1.0, f64::from(i)]).collect(),
            y: (0..10)
                .map(|i| 2.0 - 0.5 * f64::from(i) + if i % 2 == 0 { 0.1 } else { -0.1 })
                .collect(),
        };
        let fit = ols(&design).unwrap();
        assert!((fit.coefficients[1] + 0.5).abs() < 0.05);
        assert_eq!(fit.dof, 8);
        let (lo, hi) = fit.interval(1, 0.95).unwrap();
        assert!(lo < fit.coefficients[1] && fit.coefficients[1] < hi);
    }

    #[test]
    fn long_histories_get_at_most_max_knots() {
        let weeks: Vec<WeekSales> = (0..2600)
            .map(|w| WeekSales {
                week: w,
                units: 3.0,
                revenue: 3.0 * (2.0 + f64::from((w % 7) as u8)),
                promo: false,
                post_promo: false,
                regular_price: 2.0,
            })
            .collect();
        let d = Design::new(
            &weeks,
            &DesignSettings {
                trend_knot_weeks: 13,
                seasonality: true,
            },
        );
        let hinges = d.names.iter().filter(|n| n.starts_with("trend_")).count();
        assert!(hinges <= MAX_KNOTS, "{hinges}");
        assert!(hinges >= MAX_KNOTS - 1, "{hinges}");
    }

    #[test]
    fn collinear_columns_give_none() {
        let design = Design {
            names: vec!["a".into(), "b".into()],
            rows: (0..10)
                .map(|i| vec![f64::from(i), 2.0 * f64::from(i)])
                .collect(),
            y: (0..10).map(f64::from).collect(),
        };
        assert!(ols(&design).is_none());
    }
}
