//! The shifted-beta-geometric (sBG) model of contract renewal (Fader & Hardie 2007, "How to
//! Project Customer Retention", Journal of Interactive Marketing 21(1), 76-90).
//!
//! The contractual counterpart of the BTYD models: customers of a subscription renew at the end of
//! each period until they cancel. Each customer cancels at the end of any period with her own
//! probability `θ`, constant over time, and `θ ~ Beta(α, β)` across customers. The lifetime `T`
//! (the period in which a customer cancels) then has
//!
//! ```text
//! P(T = t) = B(α + 1, β + t − 1) / B(α, β)            t = 1, 2, …
//! S(t)     = P(T > t) = B(α, β + t) / B(α, β)          (survivors after t renewals)
//! r_t      = S(t) / S(t − 1) = (β + t − 1) / (α + β + t − 1)
//! ```
//!
//! The retention rate `r_t` rises with `t` although no customer's own `θ` changes: the
//! customers with a high `θ` leave first. That is why a projection that assumes a constant
//! retention rate (or fits a curve to the survivor counts) undershoots: on Fader and Hardie's
//! regular segment an exponential curve fitted to years 0-7 projects 80 survivors in year 12
//! against 173 that remained; the sBG fit to the same years projects 170
//! (`tests/sbg_reference.rs`).
//!
//! Fitting takes survivor counts of a cohort (`SbgData::from_survivors(&[1000, 631, 468, …])`) or
//! per-customer durations with a censoring flag (`SbgData::new`); the likelihood is
//! `Σ_t n_t ln P(T = t) + s ln S(t_max)` over those who cancelled in period `t` and those still
//! active. Predictions: survival, retention rates, churn probabilities, the expected lifetime,
//! expected survivors of a cohort, and the discounted expected residual lifetime (DERL) of a
//! customer who has renewed `n` times, the next renewal undiscounted (Fader & Hardie 2010, "Customer-Base Valuation in a
//! Contractual Setting: The Perils of Ignoring Heterogeneity", Marketing Science 29(1), eq. 6):
//! `DERL(d | n) = (β + n)/(α + β + n) · ₂F₁(1, β + n + 1; α + β + n + 1; 1/(1 + d))`, which times the
//! margin per period is the customer's residual value.

use crate::data::weighted_sum;
use crate::error::{Error, InputProblem, Result};
use crate::optim::{FitReport, LogLikelihood, fit};
use crate::real::Real;

/// Lifetimes of a cohort: per row, the number of periods `t` a customer was observed and whether
/// she cancelled in period `t` (`churned`) or was still active after it (censored), with a weight.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SbgData {
    /// Periods: the period of cancellation, or the periods renewed so far when still active.
    pub periods: Vec<f64>,
    /// Whether the customer cancelled (`false`: still active, censored).
    pub churned: Vec<bool>,
    /// Row weights (customers with that pattern).
    pub weight: Vec<f64>,
}

/// The longest lifetime the model takes, in periods (a bound on the input, not a modelling
/// limit).
pub const MAX_PERIODS: f64 = 1e6;

impl SbgData {
    /// Rows from per-customer `periods` and `churned` flags, optional `weights` (default 1).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows or columns of different lengths;
    /// [`Error::InvalidInput`] naming the first row whose periods are not a whole number (at least
    /// 1 for a cancellation, at least 0 when active) up to [`MAX_PERIODS`], or whose weight is
    /// negative or not finite.
    pub fn new(periods: &[f64], churned: &[bool], weights: Option<&[f64]>) -> Result<Self> {
        let n = periods.len();
        if n == 0 || churned.len() != n || weights.is_some_and(|w| w.len() != n) {
            return Err(Error::EmptyInput {
                reason: format!(
                    "need equally long, non-empty columns (periods {n}, churned {}, weights {})",
                    churned.len(),
                    weights.map_or(n, <[f64]>::len)
                ),
            });
        }
        for i in 0..n {
            let t = periods[i];
            let w = weights.map_or(1.0, |w| w[i]);
            let bad = |problem| Err(Error::InvalidInput { row: i, problem });
            if !t.is_finite() {
                return bad(InputProblem::NonFinite {
                    field: "periods",
                    value: t,
                });
            }
            let least = if churned[i] { 1.0 } else { 0.0 };
            if t < least || t.fract() != 0.0 {
                return bad(InputProblem::NotACount {
                    field: "periods",
                    value: t,
                });
            }
            if t > MAX_PERIODS {
                return bad(InputProblem::TooLarge {
                    field: "periods",
                    value: t,
                    limit: MAX_PERIODS,
                });
            }
            if !w.is_finite() {
                return bad(InputProblem::NonFinite {
                    field: "weight",
                    value: w,
                });
            }
            if w < 0.0 {
                return bad(InputProblem::Negative {
                    field: "weight",
                    value: w,
                });
            }
        }
        Ok(SbgData {
            periods: periods.to_vec(),
            churned: churned.to_vec(),
            weight: weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec),
        })
    }

    /// A cohort's survivor counts: `survivors[0]` customers at the start, `survivors[t]` still
    /// active after `t` periods. Those lost between `t − 1` and `t` cancelled in period `t`; the
    /// last count is censored.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] with fewer than two counts; [`Error::InvalidInput`] for a count that
    /// is negative or not finite, or one larger than the count before it.
    ///
    /// # Examples
    /// ```
    /// use custalyze_cltv_core::sbg::{Sbg, SbgData};
    /// // Fader & Hardie (2007), the "regular" segment, years 0-7.
    /// let data = SbgData::from_survivors(&[1000.0, 631.0, 468.0, 382.0, 326.0, 289.0, 262.0, 241.0])?;
    /// let fit = Sbg::params().fit(&data)?;
    /// assert!((fit.params.alpha - 0.704).abs() < 1e-3 && (fit.params.beta - 1.182).abs() < 1e-3);
    /// # Ok::<(), custalyze_cltv_core::Error>(())
    /// ```
    pub fn from_survivors(survivors: &[f64]) -> Result<Self> {
        if survivors.len() < 2 {
            return Err(Error::EmptyInput {
                reason: "survivor counts need the starting size and at least one later count"
                    .into(),
            });
        }
        let mut data = SbgData::default();
        for (t, pair) in survivors.windows(2).enumerate() {
            let (prev, cur) = (pair[0], pair[1]);
            let bad = |problem| {
                Err(Error::InvalidInput {
                    row: t + 1,
                    problem,
                })
            };
            for v in [prev, cur] {
                if !v.is_finite() {
                    return bad(InputProblem::NonFinite {
                        field: "survivors",
                        value: v,
                    });
                }
                if v < 0.0 {
                    return bad(InputProblem::Negative {
                        field: "survivors",
                        value: v,
                    });
                }
            }
            if cur > prev {
                return bad(InputProblem::SurvivorsIncrease {
                    previous: prev,
                    value: cur,
                });
            }
            if prev > cur {
                data.periods.push((t + 1) as f64);
                data.churned.push(true);
                data.weight.push(prev - cur);
            }
        }
        let last = survivors[survivors.len() - 1];
        if last > 0.0 {
            data.periods.push((survivors.len() - 1) as f64);
            data.churned.push(false);
            data.weight.push(last);
        }
        if data.periods.is_empty() {
            return Err(Error::EmptyInput {
                reason: "the cohort is empty".into(),
            });
        }
        Ok(data)
    }

    /// Rows merged by pattern.
    pub fn compress(&self) -> Self {
        let (mut periods, mut churned) = (vec![], vec![]);
        let weight = crate::data::merge_by_key(
            &self.weight,
            |i| (self.periods[i].to_bits(), self.churned[i]),
            |i| {
                periods.push(self.periods[i]);
                churned.push(self.churned[i]);
            },
        );
        SbgData {
            periods,
            churned,
            weight,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.periods.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.periods.is_empty()
    }

    /// Sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }
}

/// sBG parameters: the cancellation probability `θ ~ Beta(α, β)`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SbgParameters {
    /// Beta parameter α.
    pub alpha: f64,
    /// Beta parameter β.
    pub beta: f64,
}

impl SbgParameters {
    /// Validated parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and positive.
    pub fn new(alpha: f64, beta: f64) -> Result<Self> {
        for (name, v) in [("alpha", alpha), ("beta", beta)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::new(name, v, "must be finite and > 0"),
                ));
            }
        }
        Ok(SbgParameters { alpha, beta })
    }

    fn ln_term<T: Real>(p: &[T; 2], t: f64, churned: bool) -> T {
        let [alpha, beta] = *p;
        if churned {
            T::ln_beta(alpha + 1.0, beta + (t - 1.0)) - T::ln_beta(alpha, beta)
        } else {
            T::ln_beta(alpha, beta + t) - T::ln_beta(alpha, beta)
        }
    }

    /// `S(t) = P(T > t)`, the share of a cohort still active after `t` periods (`S(0) = 1`).
    pub fn survival(&self, t: u32) -> f64 {
        Self::ln_term(&[self.alpha, self.beta], f64::from(t), false).exp()
    }

    /// `P(T = t)`, the share of a cohort that cancels in period `t` (0 for `t = 0`).
    pub fn churn_probability(&self, t: u32) -> f64 {
        if t == 0 {
            return 0.0;
        }
        Self::ln_term(&[self.alpha, self.beta], f64::from(t), true).exp()
    }

    /// The retention rate of period `t ≥ 1`: `r_t = (β + t − 1)/(α + β + t − 1)`, the share of
    /// those active after `t − 1` periods who renew once more (1 for `t = 0`).
    pub fn retention_rate(&self, t: u32) -> f64 {
        if t == 0 {
            return 1.0;
        }
        let t = f64::from(t);
        (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)
    }

    /// Expected lifetime `E[T] = (α + β − 1)/(α − 1)` in periods; `None` when `α ≤ 1` (infinite:
    /// enough customers almost never cancel).
    pub fn expected_lifetime(&self) -> Option<f64> {
        (self.alpha > 1.0).then(|| (self.alpha + self.beta - 1.0) / (self.alpha - 1.0))
    }

    /// Expected survivors of a cohort of `size` after each of `1..=periods` periods.
    pub fn expected_survivors(&self, size: f64, periods: u32) -> Vec<f64> {
        (1..=periods).map(|t| size * self.survival(t)).collect()
    }

    /// Discounted expected residual lifetime of a customer who has renewed `n` times so far
    /// (`T > n`) and is about to decide on her next renewal, at discount rate `d` per period: the
    /// expected number of further renewals (payments), the next one undiscounted and each later
    /// one discounted by `1/(1+d)` per period more,
    /// `Σ_{t>n} S(t)/S(n) · (1+d)^{−(t−n−1)}` (Fader & Hardie 2010, eq. 6, with their `n − 1`
    /// renewals as our `n`). Multiply by the margin per period for the residual value.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a discount rate that is not finite and positive.
    pub fn discounted_expected_residual_lifetime(&self, discount: f64, n: u32) -> Result<f64> {
        if !(discount.is_finite() && discount > 0.0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "discount",
                    discount,
                    "must be finite and > 0 (e.g. 0.1 for 10% per period)",
                ),
            ));
        }
        let n = f64::from(n);
        let (a, b) = (self.alpha, self.beta);
        // ₂F₁(1, b'; c'; z) = Σ_k (b')_k/(c')_k z^k, with b' < c' and z = 1/(1+d) < 1.
        let (bp, cp, z) = (b + n + 1.0, a + b + n + 1.0, 1.0 / (1.0 + discount));
        let (mut term, mut sum, mut k) = (1.0_f64, 1.0_f64, 0.0_f64);
        while term > 1e-17 * sum && k < 1e7 {
            term *= (bp + k) / (cp + k) * z;
            sum += term;
            k += 1.0;
        }
        Ok((b + n) / (a + b + n) * sum)
    }
}

crate::optim::estimator!(
    Sbg,
    SbgParams,
    ValidSbgParams,
    SbgParameters,
    SbgData,
    FittedSbg,
    "sBG",
    "α = β = 1"
);

/// A fitted sBG model.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedSbg {
    /// The estimates.
    pub params: SbgParameters,
    /// Log-likelihood, standard errors (order α, β) and optimiser details.
    pub report: FitReport,
}

struct Problem<'a>(&'a SbgData);

impl LogLikelihood<2> for Problem<'_> {
    const NAME: &'static str = "sBG";
    fn log_likelihood<T: Real + Send + Sync>(&self, p: &[T; 2]) -> T {
        let d = self.0;
        weighted_sum(d.len(), |i| {
            SbgParameters::ln_term(p, d.periods[i], d.churned[i]) * d.weight[i]
        })
    }
    fn total_weight(&self) -> f64 {
        self.0.total_weight()
    }
}

impl ValidSbgParams {
    /// Maximum-likelihood fit. Default start: α = β = 1.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows or zero total weight; [`Error::NotConverged`] when the
    /// optimiser does not reach a stationary point (e.g. nobody ever cancels, so `β` grows
    /// without bound).
    pub fn fit(&self, data: &SbgData) -> Result<FittedSbg> {
        if data.is_empty() || data.total_weight() <= 0.0 {
            return Err(Error::EmptyInput {
                reason: "sBG needs at least one customer".into(),
            });
        }
        if !data
            .churned
            .iter()
            .zip(&data.weight)
            .any(|(c, w)| *c && *w > 0.0)
        {
            return Err(Error::NotConverged {
                model: "sBG",
                reason: "nobody cancelled: the cancellation rate is not identified".into(),
                last_params: vec![],
            });
        }
        let data = data.compress();
        let init = self.init.unwrap_or(SbgParameters {
            alpha: 1.0,
            beta: 1.0,
        });
        let (p, report) = fit(&Problem(&data), [init.alpha, init.beta], &self.options)?;
        Ok(FittedSbg {
            params: SbgParameters {
                alpha: p[0],
                beta: p[1],
            },
            report,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn probabilities_sum_to_one_and_retention_rises() {
        let p = SbgParameters::new(0.7, 1.2).unwrap();
        let mass: f64 = (1..=5000).map(|t| p.churn_probability(t)).sum::<f64>() + p.survival(5000);
        assert!((mass - 1.0).abs() < 1e-12, "{mass}");
        assert!((1..50).all(|t| p.retention_rate(t + 1) > p.retention_rate(t)));
        assert!((p.survival(3) / p.survival(2) - p.retention_rate(3)).abs() < 1e-12);
    }

    #[test]
    fn derl_equals_the_discounted_sum_of_survival() {
        // DERL(d | n) = Σ_{t>n} S(t)/S(n) / (1+d)^{t-n-1}.
        let p = SbgParameters::new(0.668, 3.806).unwrap();
        for n in [0u32, 3, 10] {
            let direct: f64 = (n + 1..n + 20_000)
                .map(|t| p.survival(t) / p.survival(n) / 1.1f64.powi((t - n - 1) as i32))
                .sum();
            let derl = p.discounted_expected_residual_lifetime(0.1, n).unwrap();
            assert!((derl - direct).abs() < 1e-9, "n {n}: {derl} vs {direct}");
        }
        assert!(p.discounted_expected_residual_lifetime(0.0, 1).is_err());
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            SbgData::from_survivors(&[1000.0]),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            SbgData::from_survivors(&[1000.0, 600.0, 700.0]),
            Err(Error::InvalidInput {
                row: 2,
                problem: InputProblem::SurvivorsIncrease { .. }
            })
        ));
        assert!(matches!(
            SbgData::from_survivors(&[1000.0, f64::NAN]),
            Err(Error::InvalidInput { row: 1, .. })
        ));
        assert!(matches!(
            SbgData::new(&[0.0], &[true], None),
            Err(Error::InvalidInput { row: 0, .. })
        ));
        assert!(matches!(
            SbgData::new(&[1.5], &[false], None),
            Err(Error::InvalidInput { row: 0, .. })
        ));
        let nobody_left = SbgData::from_survivors(&[100.0, 100.0, 100.0]).unwrap();
        assert!(matches!(
            Sbg::params().fit(&nobody_left),
            Err(Error::NotConverged { .. })
        ));
        assert!(SbgParameters::new(0.0, 1.0).is_err());
    }
}
