//! The MBG/NBD model (Batislam, Denizel & Filiztekin 2007, "Empirical validation and comparison of
//! models for customer base analysis", International Journal of Research in Marketing 24(3),
//! 201-209; corrected by Wagner & Hoppe 2008, "Erratum on the MBG/NBD model", IJRM 25(3), 225-226),
//! as lifetimes' `ModifiedBetaGeoFitter`.
//!
//! As BG/NBD, but a customer may also drop out at time 0, right after the first purchase: while
//! alive she buys as a Poisson process with rate λ ~ Gamma(r, α); at the first purchase and after
//! each repeat purchase she drops out with probability p ~ Beta(a, b). For a customer with `x` repeat
//! purchases, the last at `t_x`, observed for `T`:
//!
//! ```text
//! L = B(a, b+x+1)/B(a, b) · Γ(r+x)/Γ(r) · α^r / (α+T)^(r+x)
//!     · [1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)]
//! ```
//!
//! evaluated in log space with log-sum-exp. Unlike BG/NBD, a customer without repeat purchases is
//! not certainly alive.
//!
//! ## Predictions
//!
//! Each takes a checked [`Customer`](crate::Customer) (`x` repeat purchases, the last at `t_x`,
//! observed for `T`) on the parameters type and on the fitted model, and returns `Result`.
//!
//! ### `p_alive`
//!
//! P(alive) of a customer with history `(x, t_x, T)` (Batislam et al., appendix A, eq. 5):
//! `1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))`, computed in log space so it stays in [0, 1]
//! and finite for any frequency. Below 1 also for `x = 0`.
//!
//! ### `expected_purchases`
//!
//! Expected purchases in `(T, T + t]` of a customer with history `(x, t_x, T)` (Wagner & Hoppe
//! 2008; lifetimes' `conditional_expected_number_of_purchases_up_to_time`):
//!
//! ```text
//! E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))]
//!                       / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))
//! ```
//! For `a < 1` both factors are negative and the product is the (positive) expectation.
//!
//! ### `expected_purchases_new`
//!
//! Expected purchases in `(0, t]` of a newly acquired customer:
//! `E[X(t)] = b/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))]`.

use crate::data::{RfmData, weighted_sum};
use crate::error::{Error, Result};
use crate::optim::{FitReport, LogLikelihood, fit_penalised};
use crate::real::Real;
use crate::special::ln_hyp2f1;

/// MBG/NBD parameters: purchase-rate heterogeneity Gamma(r, α) and dropout Beta(a, b).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "MbgNbdParametersUnchecked"))]
pub struct MbgNbdParameters {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale (in periods) of the purchase-rate distribution.
    pub alpha: f64,
    /// Dropout Beta parameter a.
    pub a: f64,
    /// Dropout Beta parameter b.
    pub b: f64,
}

/// [`MbgNbdParameters`] as read from JSON, before [`MbgNbdParameters::new`] validates it (a saved model with a
/// negative or non-finite parameter is refused on load).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct MbgNbdParametersUnchecked {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<MbgNbdParametersUnchecked> for MbgNbdParameters {
    type Error = Error;

    fn try_from(raw: MbgNbdParametersUnchecked) -> Result<Self> {
        MbgNbdParameters::new(raw.r, raw.alpha, raw.a, raw.b)
    }
}

impl MbgNbdParameters {
    /// Validated parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and positive.
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Result<Self> {
        for (name, v) in [("r", r), ("alpha", alpha), ("a", a), ("b", b)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::new(name, v, "must be finite and > 0"),
                ));
            }
        }
        Ok(Self { r, alpha, a, b })
    }

    /// One customer's log-likelihood at these parameters.
    pub(crate) fn log_likelihood_of(&self, x: f64, t_x: f64, t: f64) -> f64 {
        Self::ln_likelihood(&[self.r, self.alpha, self.a, self.b], x, t_x, t)
    }

    /// One customer's log-likelihood (generic for exact gradients).
    pub(crate) fn ln_likelihood<T: Real>(p: &[T; 4], x: f64, t_x: f64, t: f64) -> T {
        let [r, alpha, a, b] = *p;
        let a1 = (r + x).ln_gamma() - r.ln_gamma() + r * alpha.ln();
        let a2 = (a + b).ln_gamma() + (b + x + 1.0).ln_gamma()
            - b.ln_gamma()
            - (a + b + x + 1.0).ln_gamma();
        let a3 = -(r + x) * (alpha + t).ln();
        let a4 = a.ln() - (b + x).ln() + (r + x) * ((alpha + t).ln() - (alpha + t_x).ln());
        a1 + a2 + a3 + T::log_add_exp(a4, T::cst(0.0))
    }

    /// P(alive) of a customer with history `(x, t_x, T)` (Batislam et al., appendix A, eq. 5):
    /// `1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))`, computed in log space so it stays in [0, 1]
    /// and finite for any frequency. Below 1 also for `x = 0`.
    pub(crate) fn p_alive_of(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let ln_odds = self.a.ln() - (self.b + x).ln()
            + (self.r + x) * ((self.alpha + t).ln() - (self.alpha + t_x).ln());
        // 1 / (1 + e^d) without overflow.
        if ln_odds > 0.0 {
            (-ln_odds).exp() / (1.0 + (-ln_odds).exp())
        } else {
            1.0 / (1.0 + ln_odds.exp())
        }
    }

    /// Expected purchases in `(T, T + t]` of a customer with history `(x, t_x, T)` (Wagner & Hoppe
    /// 2008; lifetimes' `conditional_expected_number_of_purchases_up_to_time`):
    ///
    /// ```text
    /// E[Y(t) | x, t_x, T] = (a+b+x)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x+1; a+b+x; t/(α+T+t))]
    ///                       / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))
    /// ```
    /// For `a < 1` both factors are negative and the product is the (positive) expectation.
    pub(crate) fn expected_purchases_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let a = away_from_one(self.a);
        let z = t / (alpha + big_t + t);
        let ln_h = ln_hyp2f1(r + x, b + x + 1.0, a + b + x, z);
        let ln_inner = (r + x) * ((alpha + big_t).ln() - (alpha + big_t + t).ln()) + ln_h;
        let bracket = -ln_inner.exp_m1();
        (a + b + x) / (a - 1.0) * bracket * self.p_alive_of(x, t_x, big_t)
    }

    /// Expected purchases in `(0, t]` of a newly acquired customer:
    /// `E[X(t)] = b/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b+1; a+b; t/(α+t))]`.
    pub(crate) fn expected_purchases_new_of(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let a = away_from_one(self.a);
        let ln_inner =
            r * (alpha.ln() - (alpha + t).ln()) + ln_hyp2f1(r, b + 1.0, a + b, t / (alpha + t));
        b / (a - 1.0) * -ln_inner.exp_m1()
    }
}

/// The formulas divide by `a - 1`; at `a = 1` exactly the limit is taken by moving `a` by 1e-9
/// (the expectation is continuous in `a`).
fn away_from_one(a: f64) -> f64 {
    if (a - 1.0).abs() < 1e-9 {
        1.0 + 1e-9
    } else {
        a
    }
}

crate::optim::estimator!(
    MbgNbd,
    MbgNbdParams,
    ValidMbgNbdParams,
    MbgNbdParameters,
    RfmData,
    FittedMbgNbd,
    "MBG/NBD",
    "see [`ValidMbgNbdParams::fit`]"
);

/// A fitted MBG/NBD model: the parameters and how they were found. Serialisable, so a service can
/// load one and answer per-customer requests with [`MbgNbdParameters`]' methods.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedMbgNbd {
    /// The estimates.
    pub params: MbgNbdParameters,
    /// Log-likelihood, standard errors (order r, α, a, b) and optimiser details.
    pub report: FitReport,
    /// The time unit of the data it was fitted on (`None` when the data did not say);
    /// predictions in CLV options of another unit are refused.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit: Option<crate::clv::TimeUnit>,
}

struct Problem<'a>(&'a RfmData);

impl LogLikelihood<4> for Problem<'_> {
    const NAME: &'static str = "MBG/NBD";
    fn log_likelihood<T: Real + Send + Sync>(&self, p: &[T; 4]) -> T {
        let d = self.0;
        weighted_sum(d.len(), |i| {
            MbgNbdParameters::ln_likelihood(p, d.x[i], d.t_x[i], d.t[i]) * d.weight[i]
        })
    }
    fn total_weight(&self) -> f64 {
        self.0.total_weight()
    }
}

impl ValidMbgNbdParams {
    /// Maximum-likelihood fit on (compressed) data. Default start: r = 1, α = max(T)/10, a = 1,
    /// b = 1.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows, [`Error::NotConverged`] with the last parameters when the
    /// optimiser does not reach a stationary point, [`Error::InvalidParameter`] for bad options.
    pub fn fit(&self, data: &RfmData) -> Result<FittedMbgNbd> {
        if data.is_empty() || data.total_weight() <= 0.0 {
            return Err(Error::EmptyInput {
                reason: "MBG/NBD needs at least one customer".into(),
            });
        }
        if data
            .x
            .iter()
            .zip(&data.weight)
            .all(|(x, w)| *x == 0.0 || *w == 0.0)
        {
            return Err(Error::EmptyInput {
                reason: "no customer has a repeat purchase: MBG/NBD cannot estimate the purchase rate and the dropout (the fit would run off to meaningless parameters)".into(),
            });
        }
        let data = data.compress();
        let init = self.init.unwrap_or(MbgNbdParameters {
            r: 1.0,
            alpha: (data.max_t() / 10.0).max(1e-3),
            a: 1.0,
            b: 1.0,
        });
        let pen_w = self
            .options
            .penalty_weights([false, true, false, false], data.max_t(), 1.0);
        let (p, report) = fit_penalised(
            &Problem(&data),
            [init.r, init.alpha, init.a, init.b],
            &self.options,
            pen_w,
        )?;
        Ok(FittedMbgNbd {
            params: MbgNbdParameters {
                r: p[0],
                alpha: p[1],
                a: p[2],
                b: p[3],
            },
            report,
            unit: data.unit,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rejects_bad_parameters() {
        assert!(MbgNbdParameters::new(0.5, 6.0, 0.9, 1.6).is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                MbgNbdParameters::new(0.5, bad, 0.9, 1.6),
                Err(Error::InvalidParameter(crate::error::InvalidParameter {
                    name: "alpha",
                    ..
                }))
            ));
        }
    }

    #[test]
    fn fit_rejects_zero_weight() {
        let d = RfmData::new(&[1.0], &[2.0], &[3.0], Some(&[0.0])).unwrap();
        assert!(matches!(
            MbgNbd::params().fit(&d),
            Err(Error::EmptyInput { .. })
        ));
    }

    #[test]
    fn one_time_buyers_may_be_dead() {
        let p = MbgNbdParameters::new(0.52, 6.18, 0.89, 1.61).unwrap();
        let alive = p.p_alive_of(0.0, 0.0, 38.86);
        assert!(alive > 0.0 && alive < 1.0, "{alive}");
    }

    #[test]
    fn stays_finite_at_frequency_1000() {
        let p = MbgNbdParameters::new(0.52, 6.18, 0.89, 1.61).unwrap();
        let a = p.p_alive_of(1000.0, 50.0, 52.0);
        assert!((0.0..=1.0).contains(&a), "{a}");
        let e = p.expected_purchases_of(52.0, 1000.0, 50.0, 52.0);
        assert!(e.is_finite() && e > 0.0, "{e}");
    }

    #[test]
    fn gradient_matches_finite_differences() {
        use crate::real::Dual;
        let (x, tx, t) = (3.0, 20.0, 35.0);
        let p = [0.52, 6.18, 0.89, 1.61];
        let dual: [Dual<4>; 4] = std::array::from_fn(|k| Dual::var(p[k], k));
        let g = MbgNbdParameters::ln_likelihood(&dual, x, tx, t);
        for k in 0..4 {
            let h = 1e-6;
            let (mut up, mut down) = (p, p);
            up[k] += h;
            down[k] -= h;
            let fd = (MbgNbdParameters::ln_likelihood(&up, x, tx, t)
                - MbgNbdParameters::ln_likelihood(&down, x, tx, t))
                / (2.0 * h);
            assert!((g.d[k] - fd).abs() < 1e-6, "{k}: {} vs {fd}", g.d[k]);
        }
    }
}
