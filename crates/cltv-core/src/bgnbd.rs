//! The BG/NBD model (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way: An
//! Alternative to the Pareto/NBD Model", Marketing Science 24(2), 275-284).
//!
//! While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each purchase
//! she drops out with probability p ~ Beta(a, b). For a customer with `x` repeat purchases, the last
//! at `t_x`, observed for `T`:
//!
//! ```text
//! L = B(a, b+x)/B(a, b) · Γ(r+x)/Γ(r) · α^r / (α+T)^(r+x)
//!     + 1{x>0} · B(a+1, b+x-1)/B(a, b) · Γ(r+x)/Γ(r) · α^r / (α+t_x)^(r+x)
//! ```
//! (equation 6 of the paper), evaluated in log space with log-sum-exp.
//!
//! ## Predictions
//!
//! Each takes a checked [`Customer`](crate::Customer) (`x` repeat purchases, the last at `t_x`,
//! observed for `T`) on the parameters type and on the fitted model, and returns `Result`.
//!
//! ### `p_alive`
//!
//! P(alive) of a customer with history `(x, t_x, T)`:
//! `1 / (1 + 1{x>0} · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))`, computed in log space so it stays in
//! [0, 1] and finite for any frequency.
//!
//! ### `expected_purchases`
//!
//! Expected purchases in `(T, T + t]` of a customer with history `(x, t_x, T)` (equation 10):
//!
//! ```text
//! E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
//!                       / (1 + 1{x>0} · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))
//! ```
//! For `a < 1` both factors are negative and the product is the (positive) expectation.
//!
//! ### `probability_of_a_purchase`
//!
//! Probability that a customer with history `(x, t_x, T)` makes at least one purchase in
//! `(T, T + t]`: `1 - P(Y(t) = 0 | x, t_x, T)`.
//!
//! A customer who has dropped out buys nothing; one who is alive at `T` has the posterior
//! purchase rate `λ | x, T ~ Gamma(r + x, α + T)` (the likelihood of an alive customer is
//! `λ^x e^{-λT} (1-p)^x`), and in the BG/NBD the dropout coin is tossed only after a purchase,
//! so an alive customer makes no purchase in `(T, T + t]` with probability `E[e^{-λt}]`:
//!
//! ```text
//! P(Y(t) > 0 | x, t_x, T) = P(alive | x, t_x, T) · [1 - ((α+T)/(α+T+t))^(r+x)]
//! ```
//!
//! Unlike [`BgNbdParameters::p_alive`], which is 1 for every one-time buyer, this ranks customers
//! by how likely they are to buy in the horizon (one-time buyers with a long silence have a
//! small posterior rate). `t <= 0` gives 0.
//!
//! ### `p_alive_at`
//!
//! Probability that a customer with history `(x, t_x, T)` is still alive at `T + t`.
//!
//! Given alive at `T`, the posterior is `λ ~ Gamma(r+x, α+T)` and `p ~ Beta(a, b+x)`, and each
//! purchase in `(T, T+t]` (Poisson, rate `λ`) is followed by a dropout with probability `p`,
//! so dropouts come at rate `λ p` and `P(no dropout) = E[e^{-λ p t}]`. With `z = t/(α+T)`:
//!
//! ```text
//! P(alive at T+t) = P(alive at T) · E_p[(1 + z p)^-(r+x)]
//!                 = P(alive at T) · (1+z)^-(r+x) · 2F1(r+x, b+x; a+b+x; z/(1+z))
//! ```
//! (Euler's integral and Pfaff's transformation). `t = 0` gives [`BgNbdParameters::p_alive`].
//!
//! ### `expected_purchases_new`
//!
//! Expected purchases in `(0, t]` of a newly acquired customer (equation 9):
//! `E[X(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))]`.
//!
//! ### `probability_of_purchases`
//!
//! Probability that a new customer makes exactly `n` purchases in `(0, t]` (equation 8).

use crate::data::{
    CHEAP_CHUNK, RfmData, chunked_fold, distinct, grouped_fold, weighted_sum_chunked,
};
use crate::error::{Error, Result};
use crate::optim::{FitReport, LogLikelihood, fit_penalised};
use crate::real::{Dual, Real};
use crate::special::{ln_hyp2f1, trigamma};

/// BG/NBD parameters: purchase-rate heterogeneity Gamma(r, α) and dropout Beta(a, b).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BgNbdParametersUnchecked"))]
pub struct BgNbdParameters {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale (in periods) of the purchase-rate distribution.
    pub alpha: f64,
    /// Dropout Beta parameter a.
    pub a: f64,
    /// Dropout Beta parameter b.
    pub b: f64,
}

/// [`BgNbdParameters`] as read from JSON, before [`BgNbdParameters::new`] validates it (a saved model with a
/// negative or non-finite parameter is refused on load).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct BgNbdParametersUnchecked {
    r: f64,
    alpha: f64,
    a: f64,
    b: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<BgNbdParametersUnchecked> for BgNbdParameters {
    type Error = Error;

    fn try_from(raw: BgNbdParametersUnchecked) -> Result<Self> {
        BgNbdParameters::new(raw.r, raw.alpha, raw.a, raw.b)
    }
}

impl BgNbdParameters {
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

    /// One customer's log-likelihood `ln L(r, α, a, b | x, t_x, T)` (equation 6 of the paper).
    pub(crate) fn log_likelihood_of(&self, x: f64, t_x: f64, t: f64) -> f64 {
        Self::ln_likelihood(&[self.r, self.alpha, self.a, self.b], x, t_x, t)
    }

    /// One customer's log-likelihood (generic for exact gradients).
    pub(crate) fn ln_likelihood<T: Real>(p: &[T; 4], x: f64, t_x: f64, t: f64) -> T {
        let [r, alpha, a, b] = *p;
        let a1 = (r + x).ln_gamma() - r.ln_gamma() + r * alpha.ln();
        let a2 = (a + b).ln_gamma() + (b + x).ln_gamma() - b.ln_gamma() - (a + b + x).ln_gamma();
        let a3 = -(r + x) * (alpha + t).ln();
        let a4 = if x > 0.0 {
            a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + t_x).ln()
        } else {
            T::cst(f64::NEG_INFINITY)
        };
        a1 + a2 + T::log_add_exp(a3, a4)
    }

    /// P(alive) of a customer with history `(x, t_x, T)`:
    /// `1 / (1 + 1{x>0} · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))`, computed in log space so it stays in
    /// [0, 1] and finite for any frequency.
    pub(crate) fn p_alive_of(&self, x: f64, t_x: f64, t: f64) -> f64 {
        if x == 0.0 {
            return 1.0;
        }
        let ln_odds = self.a.ln() - (self.b + x - 1.0).ln()
            + (self.r + x) * ((self.alpha + t).ln() - (self.alpha + t_x).ln());
        // 1 / (1 + e^d) without overflow.
        if ln_odds > 0.0 {
            (-ln_odds).exp() / (1.0 + (-ln_odds).exp())
        } else {
            1.0 / (1.0 + ln_odds.exp())
        }
    }

    /// Expected purchases in `(T, T + t]` of a customer with history `(x, t_x, T)` (equation 10):
    ///
    /// ```text
    /// E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
    ///                       / (1 + 1{x>0} · a/(b+x-1) · ((α+T)/(α+t_x))^(r+x))
    /// ```
    /// For `a < 1` both factors are negative and the product is the (positive) expectation.
    pub(crate) fn expected_purchases_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let a = away_from_one(self.a);
        let z = t / (alpha + big_t + t);
        let ln_ratio = (r + x) * ((alpha + big_t).ln() - (alpha + big_t + t).ln());
        let bracket = one_minus_scaled_hyp2f1(ln_ratio, r + x, b + x, a + b + x - 1.0, z);
        let num = (a + b + x - 1.0) / (a - 1.0) * bracket;
        num * self.p_alive_of(x, t_x, big_t)
    }

    /// Probability that a customer with history `(x, t_x, T)` makes at least one purchase in
    /// `(T, T + t]`: `1 - P(Y(t) = 0 | x, t_x, T)`.
    ///
    /// A customer who has dropped out buys nothing; one who is alive at `T` has the posterior
    /// purchase rate `λ | x, T ~ Gamma(r + x, α + T)` (the likelihood of an alive customer is
    /// `λ^x e^{-λT} (1-p)^x`), and in the BG/NBD the dropout coin is tossed only after a purchase,
    /// so an alive customer makes no purchase in `(T, T + t]` with probability `E[e^{-λt}]`:
    ///
    /// ```text
    /// P(Y(t) > 0 | x, t_x, T) = P(alive | x, t_x, T) · [1 - ((α+T)/(α+T+t))^(r+x)]
    /// ```
    ///
    /// Unlike [`BgNbdParameters::p_alive`], which is 1 for every one-time buyer, this ranks customers
    /// by how likely they are to buy in the horizon (one-time buyers with a long silence have a
    /// small posterior rate). `t <= 0` gives 0.
    pub(crate) fn probability_of_a_purchase_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let ln_none_if_alive =
            (self.r + x) * ((self.alpha + big_t).ln() - (self.alpha + big_t + t).ln());
        self.p_alive_of(x, t_x, big_t) * -ln_none_if_alive.exp_m1()
    }

    /// Probability that a customer with history `(x, t_x, T)` is still alive at `T + t`.
    ///
    /// Given alive at `T`, the posterior is `λ ~ Gamma(r+x, α+T)` and `p ~ Beta(a, b+x)`, and each
    /// purchase in `(T, T+t]` (Poisson, rate `λ`) is followed by a dropout with probability `p`,
    /// so dropouts come at rate `λ p` and `P(no dropout) = E[e^{-λ p t}]`. With `z = t/(α+T)`:
    ///
    /// ```text
    /// P(alive at T+t) = P(alive at T) · E_p[(1 + z p)^-(r+x)]
    ///                 = P(alive at T) · (1+z)^-(r+x) · 2F1(r+x, b+x; a+b+x; z/(1+z))
    /// ```
    /// (Euler's integral and Pfaff's transformation). `t = 0` gives [`BgNbdParameters::p_alive`].
    pub(crate) fn p_alive_at_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        let now = self.p_alive_of(x, t_x, big_t);
        if t <= 0.0 {
            return now;
        }
        let z = t / (self.alpha + big_t);
        let rx = self.r + x;
        let survive =
            (-rx * z.ln_1p() + ln_hyp2f1(rx, self.b + x, self.a + self.b + x, z / (1.0 + z))).exp();
        (now * survive).clamp(0.0, now)
    }

    /// Expected purchases in `(0, t]` of a newly acquired customer (equation 9):
    /// `E[X(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r · 2F1(r, b; a+b-1; t/(α+t))]`.
    pub(crate) fn expected_purchases_new_of(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let (r, alpha, b) = (self.r, self.alpha, self.b);
        let a = away_from_one(self.a);
        let bracket = one_minus_scaled_hyp2f1(
            r * (alpha.ln() - (alpha + t).ln()),
            r,
            b,
            a + b - 1.0,
            t / (alpha + t),
        );
        (a + b - 1.0) / (a - 1.0) * bracket
    }

    /// Probability that a new customer makes exactly `n` purchases in `(0, t]` (equation 8).
    pub(crate) fn probability_of_purchases_of(&self, t: f64, n: u32) -> f64 {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let nf = f64::from(n);
        let ln_beta = |p: f64, q: f64| <f64 as Real>::ln_beta(p, q);
        let lg = <f64 as Real>::ln_gamma;
        let ln_nb = |k: f64| {
            lg(r + k) - lg(r) - lg(k + 1.0)
                + r * (alpha / (alpha + t)).ln()
                + k * (t / (alpha + t)).ln()
        };
        let first = (ln_beta(a, b + nf) - ln_beta(a, b) + ln_nb(nf)).exp();
        if n == 0 {
            return first;
        }
        // δ_{n>0} B(a+1, b+n-1)/B(a,b) [1 - (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j]
        let tail: f64 = (0..n).map(|j| ln_nb(f64::from(j)).exp()).sum();
        first + (ln_beta(a + 1.0, b + nf - 1.0) - ln_beta(a, b)).exp() * (1.0 - tail)
    }
}

/// `1 - e^ln_ratio · 2F1(p, q; c; z)`, the bracket of equations 9 and 10. For `c > 0` the series is
/// positive and evaluated in log space (`exp_m1` keeps the difference accurate); for `c < 0` (small
/// `a + b` and `x`) the first terms change sign, so the series is summed directly with its signs.
/// `c` a non-positive integer has no series: NaN.
fn one_minus_scaled_hyp2f1(ln_ratio: f64, p: f64, q: f64, c: f64, z: f64) -> f64 {
    if c > 0.0 {
        return -(ln_ratio + ln_hyp2f1(p, q, c, z)).exp_m1();
    }
    if c == c.floor() {
        return f64::NAN;
    }
    // Terms t_{n+1} = t_n (p+n)(q+n) / ((c+n)(n+1)) z; they decay like n^(p+q-c-1) z^n.
    let (mut sum, mut term) = (1.0f64, 1.0f64);
    for n in 0..HYP2F1_MAX_TERMS {
        let k = n as f64;
        term *= (p + k) * (q + k) / ((c + k) * (k + 1.0)) * z;
        sum += term;
        if k > -c && term.abs() <= 1e-17 * sum.abs() {
            break;
        }
    }
    1.0 - ln_ratio.exp() * sum
}

/// Most terms summed by [`one_minus_scaled_hyp2f1`]'s direct series.
const HYP2F1_MAX_TERMS: usize = 1_000_000;

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
    BgNbd,
    BgNbdParams,
    ValidBgNbdParams,
    BgNbdParameters,
    RfmData,
    FittedBgNbd,
    "BG/NBD",
    "r = 1, α = max T / 10, a = 1, b = 1"
);

/// A fitted BG/NBD model: the parameters and how they were found. Serialisable, so a service can
/// load one and answer per-customer requests with [`BgNbdParameters`]' methods.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedBgNbd {
    /// The estimates.
    pub params: BgNbdParameters,
    /// Log-likelihood, standard errors (order r, α, a, b) and optimiser details.
    pub report: FitReport,
    /// The time unit of the data it was fitted on (`None` when the data did not say);
    /// predictions in CLV options of another unit are refused.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit: Option<crate::clv::TimeUnit>,
}

/// The fitting problem on compressed data sorted by `x`. Per evaluation, the terms that depend
/// only on `x` (the Gamma and Beta functions) are computed once per frequency, `ln(α + T)` once per
/// distinct `T` and `ln(α + t_x)` once per distinct `t_x`; each row then costs one log-sum-exp. The
/// row sum runs in parallel over fixed chunks.
struct Problem<'a> {
    data: &'a RfmData,
    groups: Vec<(f64, f64, std::ops::Range<usize>)>,
    group_of: Vec<u32>,
    t_values: Vec<f64>,
    t_index: Vec<u32>,
    tx_values: Vec<f64>,
    tx_index: Vec<u32>,
    total: f64,
}

impl<'a> Problem<'a> {
    fn new(data: &'a RfmData) -> Self {
        let groups = data.x_groups();
        let mut group_of = vec![0u32; data.len()];
        for (g, (_, _, rows)) in groups.iter().enumerate() {
            for i in rows.clone() {
                group_of[i] = g as u32;
            }
        }
        let (t_values, t_index) = distinct(&data.t);
        let (tx_values, tx_index) = distinct(&data.t_x);
        Self {
            data,
            groups,
            group_of,
            t_values,
            t_index,
            tx_values,
            tx_index,
            total: data.total_weight(),
        }
    }
}

/// Per-evaluation lookup tables of the hand-written derivatives.
struct RowTables {
    /// `(r + x, ln a - ln(b + x - 1), 1 / (b + x - 1))` per frequency group.
    per_group: Vec<(f64, f64, f64)>,
    /// `(ln(α + T), 1 / (α + T))` per distinct `T`.
    ln_t: Vec<(f64, f64)>,
    /// `(ln(α + t_x), 1 / (α + t_x))` per distinct `t_x`.
    ln_tx: Vec<(f64, f64)>,
}

impl Problem<'_> {
    fn row_tables(&self, p: &[f64; 4]) -> RowTables {
        let [r, alpha, a, b] = *p;
        let per_group = self
            .groups
            .iter()
            .map(|&(x, _, _)| {
                let bx = b + x - 1.0;
                (r + x, a.ln() - bx.ln(), 1.0 / bx)
            })
            .collect();
        let ln_inv = |v: &[f64]| -> Vec<(f64, f64)> {
            v.iter()
                .map(|&t| ((alpha + t).ln(), 1.0 / (alpha + t)))
                .collect()
        };
        RowTables {
            per_group,
            ln_t: ln_inv(&self.t_values),
            ln_tx: ln_inv(&self.tx_values),
        }
    }
}

impl LogLikelihood<4> for Problem<'_> {
    const NAME: &'static str = "BG/NBD";
    fn log_likelihood<T: Real + Send + Sync>(&self, p: &[T; 4]) -> T {
        let [r, alpha, a, b] = *p;
        let d = self.data;
        let mut ll = r * alpha.ln() * self.total;
        let (lg_r, lg_b, lg_ab) = (r.ln_gamma(), b.ln_gamma(), (a + b).ln_gamma());
        let ln_a = a.ln();
        // Per frequency: (r + x, ln a - ln(b + x - 1) or None for x = 0).
        let per_group: Vec<(T, Option<T>)> = self
            .groups
            .iter()
            .map(|&(x, w, _)| {
                let per_x = (r + x).ln_gamma() - lg_r + lg_ab + (b + x).ln_gamma()
                    - lg_b
                    - (a + b + x).ln_gamma();
                ll = ll + per_x * w;
                (r + x, (x > 0.0).then(|| ln_a - (b + x - 1.0).ln()))
            })
            .collect();
        let ln_t: Vec<T> = self.t_values.iter().map(|&t| (alpha + t).ln()).collect();
        let ln_tx: Vec<T> = self.tx_values.iter().map(|&t| (alpha + t).ln()).collect();
        ll + weighted_sum_chunked(d.len(), CHEAP_CHUNK, |i| {
            let (rx, c4) = per_group[self.group_of[i] as usize];
            let a3 = -rx * ln_t[self.t_index[i] as usize];
            let term = match c4 {
                Some(c) => T::log_add_exp(a3, c - rx * ln_tx[self.tx_index[i] as usize]),
                None => a3,
            };
            term * d.weight[i]
        })
    }
    fn total_weight(&self) -> f64 {
        self.total
    }

    /// The hand-written gradient of the row terms (the fit's hot loop), with the per-frequency
    /// Gamma and Beta terms differentiated by [`Dual`] numbers. For a row with `x > 0`, with
    /// `A = -(r+x) ln(α+T)`, `B = ln a - ln(b+x-1) - (r+x) ln(α+t_x)` and `π = e^B / (e^A + e^B)`:
    ///
    /// ```text
    /// ∂/∂r = -(1-π) ln(α+T) - π ln(α+t_x)        ∂/∂α = -(r+x) ((1-π)/(α+T) + π/(α+t_x))
    /// ∂/∂a = π / a                               ∂/∂b = -π / (b+x-1)
    /// ```
    /// and for `x = 0` the row is `A` alone. One `exp` and one `ln` per row.
    fn value_and_gradient(&self, p: &[f64; 4]) -> (f64, [f64; 4]) {
        let [r, alpha, a, _] = *p;
        let d = self.data;
        // Per-frequency terms with exact derivatives.
        let dp: [Dual<4>; 4] = std::array::from_fn(|k| Dual::var(p[k], k));
        let [dr, _, da, db] = dp;
        let (lg_r, lg_b, lg_ab) = (dr.ln_gamma(), db.ln_gamma(), (da + db).ln_gamma());
        let mut head = Dual::<4>::cst(0.0);
        for &(x, w, _) in &self.groups {
            let per_x = (dr + x).ln_gamma() - lg_r + lg_ab + (db + x).ln_gamma()
                - lg_b
                - (da + db + x).ln_gamma();
            head = head + per_x * w;
        }
        let RowTables {
            per_group,
            ln_t,
            ln_tx,
        } = self.row_tables(p);
        // acc: value, ∂r, ∂α, Σ wπ, Σ wπ/(b+x-1).
        let acc = grouped_fold::<5>(&self.groups, d.len(), CHEAP_CHUNK, |g, rows, acc| {
            let (rx, c, inv_bx) = per_group[g];
            let w = &d.weight[rows.clone()];
            let ti = &self.t_index[rows.clone()];
            if self.groups[g].0 > 0.0 {
                let txi = &self.tx_index[rows];
                for ((&w, &ti), &txi) in w.iter().zip(ti).zip(txi) {
                    let (lt, it) = ln_t[ti as usize];
                    let (lx, ix) = ln_tx[txi as usize];
                    let (big_a, big_b) = (-rx * lt, c - rx * lx);
                    // ln(1 + e) for e in (0, 1]: `ln` of the rounded sum is within 1.2e-16 of
                    // `ln_1p` in absolute terms, negligible in a sum of log-likelihoods, and
                    // cheaper.
                    let (term, pi) = if big_a >= big_b {
                        let e = (big_b - big_a).exp();
                        (big_a + (1.0 + e).ln(), e / (1.0 + e))
                    } else {
                        let e = (big_a - big_b).exp();
                        (big_b + (1.0 + e).ln(), 1.0 / (1.0 + e))
                    };
                    let pa = 1.0 - pi;
                    acc[0] += w * term;
                    acc[1] -= w * (pa * lt + pi * lx);
                    acc[2] -= w * rx * (pa * it + pi * ix);
                    acc[3] += w * pi;
                    acc[4] += w * pi * inv_bx;
                }
            } else {
                for (&w, &ti) in w.iter().zip(ti) {
                    let (lt, it) = ln_t[ti as usize];
                    acc[0] -= w * rx * lt;
                    acc[1] -= w * lt;
                    acc[2] -= w * rx * it;
                }
            }
        });
        let value = head.v + r * alpha.ln() * self.total + acc[0];
        let grad = [
            head.d[0] + alpha.ln() * self.total + acc[1],
            head.d[1] + r / alpha * self.total + acc[2],
            head.d[2] + acc[3] / a,
            head.d[3] - acc[4],
        ];
        (value, grad)
    }

    /// The exact Hessian, for the standard errors in one pass. With `π`, `A`, `B` as in the
    /// gradient, a row with `x > 0` adds `(1-π) ∇²A + π ∇²B + π(1-π) (∇B - ∇A)(∇B - ∇A)ᵀ`; the
    /// per-frequency Gamma and Beta terms add trigamma differences.
    #[allow(clippy::needless_range_loop)] // symmetric index pairs read clearer as indices
    fn hessian(&self, p: &[f64; 4]) -> Option<[[f64; 4]; 4]> {
        let [r, alpha, a, b] = *p;
        let d = self.data;
        let mut h = [[0.0; 4]; 4];
        // r ln α, once per customer.
        h[0][1] += self.total / alpha;
        h[1][1] -= r * self.total / (alpha * alpha);
        let (t_r, t_b, t_ab) = (trigamma(r), trigamma(b), trigamma(a + b));
        for &(x, w, _) in &self.groups {
            h[0][0] += w * (trigamma(r + x) - t_r);
            let ab = w * (t_ab - trigamma(a + b + x));
            h[2][2] += ab;
            h[2][3] += ab;
            h[3][3] += ab + w * (trigamma(b + x) - t_b);
        }
        let RowTables {
            per_group,
            ln_t,
            ln_tx,
        } = self.row_tables(p);
        // Upper triangle, row by row: rr, rα, ra, rb, αα, αa, αb, aa, ab, bb.
        let acc = chunked_fold::<10>(d.len(), CHEAP_CHUNK, |i, acc| {
            let w = d.weight[i];
            let (rx, c, inv_bx) = per_group[self.group_of[i] as usize];
            let (lt, it) = ln_t[self.t_index[i] as usize];
            if d.x[i] > 0.0 {
                let (lx, ix) = ln_tx[self.tx_index[i] as usize];
                let (big_a, big_b) = (-rx * lt, c - rx * lx);
                let pi = 1.0 / (1.0 + (big_a - big_b).exp());
                let pa = 1.0 - pi;
                // ∇B - ∇A
                let dv = [lt - lx, rx * (it - ix), 1.0 / a, -inv_bx];
                let q = w * pi * pa;
                let mut k = 0;
                for m in 0..4 {
                    for n in m..4 {
                        acc[k] += q * dv[m] * dv[n];
                        k += 1;
                    }
                }
                acc[1] -= w * (pa * it + pi * ix);
                acc[4] += w * rx * (pa * it * it + pi * ix * ix);
                acc[7] -= w * pi / (a * a);
                acc[9] += w * pi * inv_bx * inv_bx;
            } else {
                acc[1] -= w * it;
                acc[4] += w * rx * it * it;
            }
        });
        let mut k = 0;
        for m in 0..4 {
            for n in m..4 {
                h[m][n] += acc[k];
                k += 1;
            }
        }
        for m in 0..4 {
            for n in 0..m {
                h[m][n] = h[n][m];
            }
        }
        h.iter().flatten().all(|v| v.is_finite()).then_some(h)
    }
}

impl ValidBgNbdParams {
    /// Maximum-likelihood fit on (compressed) data. Default start: r = 1, α = max(T)/10, a = 1,
    /// b = 1.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows, [`Error::NotConverged`] with the last parameters when the
    /// optimiser does not reach a stationary point, [`Error::InvalidParameter`] for bad options.
    pub fn fit(&self, data: &RfmData) -> Result<FittedBgNbd> {
        if data.is_empty() || data.total_weight() <= 0.0 {
            return Err(Error::EmptyInput {
                reason: "BG/NBD needs at least one customer".into(),
            });
        }
        if data
            .x
            .iter()
            .zip(&data.weight)
            .all(|(x, w)| *x == 0.0 || *w == 0.0)
        {
            return Err(Error::EmptyInput {
                reason: "no customer has a repeat purchase: BG/NBD cannot estimate the purchase rate and the dropout (the fit would run off to meaningless parameters)".into(),
            });
        }
        let data = data.compress();
        let init = self.init.unwrap_or(BgNbdParameters {
            r: 1.0,
            alpha: (data.max_t() / 10.0).max(1e-3),
            a: 1.0,
            b: 1.0,
        });
        let pen_w = self
            .options
            .penalty_weights([false, true, false, false], data.max_t(), 1.0);
        let (p, report) = fit_penalised(
            &Problem::new(&data),
            [init.r, init.alpha, init.a, init.b],
            &self.options,
            pen_w,
        )?;
        Ok(FittedBgNbd {
            params: BgNbdParameters {
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
    use super::*;
    use crate::optim::assert_derivatives_match;

    #[test]
    fn hand_written_derivatives_equal_dual_numbers_and_differences() -> Result<()> {
        // Frequencies 0..5 with repeated T and t_x values, weights not all one.
        let x = [0.0, 0.0, 1.0, 1.0, 2.0, 5.0, 5.0, 3.0];
        let t_x = [0.0, 0.0, 3.5, 10.0, 20.0, 30.0, 30.0, 1.0];
        let t = [38.0, 20.0, 38.0, 38.0, 25.0, 39.0, 39.0, 32.0];
        let w = [3.0, 1.0, 2.0, 1.0, 1.0, 4.0, 1.0, 2.0];
        let data = RfmData::new(&x, &t_x, &t, Some(&w))?.compress();
        assert_derivatives_match(
            &Problem::new(&data),
            &[
                [0.24, 4.4, 0.79, 2.4],
                [1.3, 0.5, 3.0, 0.2],
                [0.05, 60.0, 0.01, 9.0],
            ],
        );
        Ok(())
    }

    #[test]
    fn expectations_stay_finite_when_a_plus_b_is_below_one() -> Result<()> {
        // a + b - 1 < 0: the hypergeometric parameter c is negative (proptest found NaN here).
        let p = BgNbdParameters::new(0.05, 0.5, 0.1, 0.1)?;
        let mut last = 0.0;
        for t in [0.5, 1.0, 10.0, 52.375, 200.0] {
            let e = p.expected_purchases_of(t, 0.0, 0.0, 1.0);
            assert!(e.is_finite() && e >= last, "{t}: {e} after {last}");
            last = e;
        }
        // E[X(t)] of a new customer equals Σ n P(X(t) = n).
        let t = 10.0;
        let by_sum: f64 = (1..1500)
            .map(|n| f64::from(n) * p.probability_of_purchases_of(t, n))
            .sum();
        let e = p.expected_purchases_new(t)?;
        assert!((e - by_sum).abs() < 1e-6 * e, "{e} vs {by_sum}");
        Ok(())
    }
}
