//! The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, "Counting Your Customers: Who Are
//! They and What Will They Do Next?", Management Science 33(1), 1-24), with the likelihood and
//! conditional expectations of Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and
//! Related Expressions".
//!
//! While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); her lifetime is
//! exponential with rate μ ~ Gamma(s, β). For a customer with `x` repeat purchases, the last at
//! `t_x`, observed for `T` (equations 18-20 of the note):
//!
//! ```text
//! L = Γ(r+x) α^r β^s / Γ(r) · [ 1 / ((α+T)^(r+x) (β+T)^s) + s/(r+s+x) · A0 ]
//!
//! α ≥ β:  A0 = 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+t_x)) / (α+t_x)^(r+s+x)
//!            - 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+T))   / (α+T)^(r+s+x)
//! α < β:  A0 = 2F1(r+s+x, r+x; r+s+x+1; (β-α)/(β+t_x)) / (β+t_x)^(r+s+x)
//!            - 2F1(r+s+x, r+x; r+s+x+1; (β-α)/(β+T))   / (β+T)^(r+s+x)
//! ```
//!
//! Everything is evaluated in log space: `ln A0` is a log-difference (`log_sub_exp`) of two
//! log-hypergeometric terms (Gauss series summed in log space), so the likelihood, P(alive) and
//! the expectations stay finite for any frequency (lifetimes, which exponentiates `2F1` first,
//! returns NaN at frequencies in the hundreds).
//!
//! ## Predictions
//!
//! Each takes a checked [`Customer`](crate::Customer) (`x` repeat purchases, the last at `t_x`,
//! observed for `T`) on the parameters type and on the fitted model, and returns `Result`.
//!
//! ### `p_alive`
//!
//! P(alive at `T`) of a customer with history `(x, t_x, T)` (equation 21 of the note):
//!
//! ```text
//! P(alive) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0)
//! ```
//! computed as a logistic function of the log-odds, so it stays in [0, 1] and finite for any
//! frequency.
//!
//! ### `expected_purchases`
//!
//! Expected purchases in `(T, T + t]` of a customer with history `(x, t_x, T)` (equation 22 of
//! the note):
//!
//! ```text
//! E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)]
//! ```
//! At `s = 1` the bracket over `s - 1` is its limit `ln((β+T+t)/(β+T))`.
//!
//! ### `expected_purchases_new`
//!
//! Expected purchases in `(0, t]` of a newly acquired customer (equation 17 of the note):
//! `E[X(t)] = r β / (α (s-1)) · [1 - (β/(β+t))^(s-1)]` (at `s = 1`: `r β/α · ln((β+t)/β)`).

use rayon::prelude::*;

use crate::data::{RfmData, distinct, weighted_sum};
use crate::error::{Error, Result};
use crate::optim::{FitReport, LogLikelihood, fit_penalised};
use crate::real::Real;
use crate::special::{Hyp2f1Series, ln_hyp2f1};

/// Pareto/NBD parameters: purchase-rate heterogeneity Gamma(r, α) and dropout-rate heterogeneity
/// Gamma(s, β).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ParetoNbdParametersUnchecked"))]
pub struct ParetoNbdParameters {
    /// Shape of the purchase-rate distribution.
    pub r: f64,
    /// Scale (in periods) of the purchase-rate distribution.
    pub alpha: f64,
    /// Shape of the dropout-rate distribution.
    pub s: f64,
    /// Scale (in periods) of the dropout-rate distribution.
    pub beta: f64,
}

/// [`ParetoNbdParameters`] as read from JSON, before [`ParetoNbdParameters::new`] validates it (a saved model with a
/// negative or non-finite parameter is refused on load).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct ParetoNbdParametersUnchecked {
    r: f64,
    alpha: f64,
    s: f64,
    beta: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<ParetoNbdParametersUnchecked> for ParetoNbdParameters {
    type Error = Error;

    fn try_from(raw: ParetoNbdParametersUnchecked) -> Result<Self> {
        ParetoNbdParameters::new(raw.r, raw.alpha, raw.s, raw.beta)
    }
}

impl ParetoNbdParameters {
    /// Validated parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and positive.
    pub fn new(r: f64, alpha: f64, s: f64, beta: f64) -> Result<Self> {
        for (name, v) in [("r", r), ("alpha", alpha), ("s", s), ("beta", beta)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::new(name, v, "must be finite and > 0"),
                ));
            }
        }
        Ok(Self { r, alpha, s, beta })
    }

    /// `ln A0` of equations 19-20 of Fader & Hardie's note (`-inf` when `t_x >= T`, where `A0 = 0`).
    /// The form is chosen by the larger of α and β so the hypergeometric argument is in `[0, 1)`.
    fn ln_a0<T: Real>(p: &[T; 4], x: f64, t_x: f64, t: f64) -> T {
        let [r, alpha, s, beta] = *p;
        if t_x >= t {
            return T::cst(f64::NEG_INFINITY);
        }
        let (hi, lo, b) = if alpha.value() >= beta.value() {
            (alpha, beta, s + 1.0)
        } else {
            (beta, alpha, r + x)
        };
        let a = r + s + x;
        let c = a + 1.0;
        let gap = hi - lo;
        T::log_sub_exp(
            a0_term(a, b, c, hi, gap, t_x, (hi + t_x).ln()),
            a0_term(a, b, c, hi, gap, t, (hi + t).ln()),
        )
    }

    /// The two log-terms of the likelihood without the common factor
    /// `Γ(r+x) α^r β^s / Γ(r)`: `(-(r+x) ln(α+T) - s ln(β+T), ln s - ln(r+s+x) + ln A0)`.
    fn ln_terms<T: Real>(p: &[T; 4], x: f64, t_x: f64, t: f64) -> (T, T) {
        let [r, alpha, s, beta] = *p;
        let survive = -(r + x) * (alpha + t).ln() - s * (beta + t).ln();
        let died = s.ln() - (r + s + x).ln() + Self::ln_a0(p, x, t_x, t);
        (survive, died)
    }

    /// One customer's log-likelihood (generic for exact gradients), equation 18 of the note.
    pub(crate) fn ln_likelihood<T: Real>(p: &[T; 4], x: f64, t_x: f64, t: f64) -> T {
        let [r, alpha, s, beta] = *p;
        let a1 = (r + x).ln_gamma() - r.ln_gamma() + r * alpha.ln() + s * beta.ln();
        let (survive, died) = Self::ln_terms(p, x, t_x, t);
        a1 + T::log_add_exp(survive, died)
    }

    fn as_array(&self) -> [f64; 4] {
        [self.r, self.alpha, self.s, self.beta]
    }

    /// The log-likelihood of one customer with history `(x, t_x, T)` at these parameters.
    pub(crate) fn log_likelihood_of(&self, x: f64, t_x: f64, t: f64) -> f64 {
        Self::ln_likelihood(&self.as_array(), x, t_x, t)
    }

    /// P(alive at `T`) of a customer with history `(x, t_x, T)` (equation 21 of the note):
    ///
    /// ```text
    /// P(alive) = 1 / (1 + s/(r+s+x) · (α+T)^(r+x) (β+T)^s · A0)
    /// ```
    /// computed as a logistic function of the log-odds, so it stays in [0, 1] and finite for any
    /// frequency.
    pub(crate) fn p_alive_of(&self, x: f64, t_x: f64, t: f64) -> f64 {
        let (survive, died) = Self::ln_terms(&self.as_array(), x, t_x, t);
        let ln_odds = died - survive;
        if ln_odds.is_nan() {
            return f64::NAN;
        }
        // 1 / (1 + e^d) without overflow.
        if ln_odds > 0.0 {
            (-ln_odds).exp() / (1.0 + (-ln_odds).exp())
        } else {
            1.0 / (1.0 + ln_odds.exp())
        }
    }

    /// Expected purchases in `(T, T + t]` of a customer with history `(x, t_x, T)` (equation 22 of
    /// the note):
    ///
    /// ```text
    /// E[Y(t) | x, t_x, T] = P(alive) · (r+x)(β+T) / ((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)]
    /// ```
    /// At `s = 1` the bracket over `s - 1` is its limit `ln((β+T+t)/(β+T))`.
    pub(crate) fn expected_purchases_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let (r, alpha, s, beta) = (self.r, self.alpha, self.s, self.beta);
        let rate = (r + x) / (alpha + big_t);
        self.p_alive_of(x, t_x, big_t) * rate * lifetime_factor(s, beta + big_t, t)
    }

    /// Expected purchases in `(0, t]` of a newly acquired customer (equation 17 of the note):
    /// `E[X(t)] = r β / (α (s-1)) · [1 - (β/(β+t))^(s-1)]` (at `s = 1`: `r β/α · ln((β+t)/β)`).
    pub(crate) fn expected_purchases_new_of(&self, t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        self.r / self.alpha * lifetime_factor(self.s, self.beta, t)
    }
}

/// One of the two terms of `ln A0`: `ln 2F1(a, b; c; z) - a ln q` with `q = hi + age` (its log
/// `ln_q` passed in, so callers can reuse it) and `z = gap / q`, `gap = hi - lo`.
fn a0_term<T: Real>(a: T, b: T, c: T, hi: T, gap: T, age: f64, ln_q: T) -> T {
    a0_term_with(None, a, b, c, hi, gap, age, ln_q)
}

/// [`a0_term`] with the hypergeometric series of this `a, b, c` prepared where there is one.
#[allow(clippy::too_many_arguments)]
fn a0_term_with<T: Real>(
    series: Option<&Hyp2f1Series>,
    a: T,
    b: T,
    c: T,
    hi: T,
    gap: T,
    age: f64,
    ln_q: T,
) -> T {
    let z = gap / (hi + age);
    // At α = β exactly (the default start of the fit) z is 0; `ln_hyp2f1` returns its value 0
    // there but not its derivative `ab/c` with respect to z, which the gradient needs. The
    // first-order expansion carries both exactly.
    let ln_h = if z.value() == 0.0 {
        a * b / c * z
    } else {
        series
            .and_then(|h| h.ln_eval(a, b, c, z))
            .unwrap_or_else(|| ln_hyp2f1(a, b, c, z))
    };
    ln_h - a * ln_q
}

/// `b / (s-1) · [1 - (b/(b+t))^(s-1)]`, the expected time alive in a window of length `t` for a
/// Gamma(s, b) mixture of exponential lifetimes, with its limit `b ln((b+t)/b)` at `s = 1`.
fn lifetime_factor(s: f64, b: f64, t: f64) -> f64 {
    let ln_q = b.ln() - (b + t).ln();
    let sm1 = s - 1.0;
    if sm1 == 0.0 {
        -b * ln_q
    } else {
        -b * (sm1 * ln_q).exp_m1() / sm1
    }
}

crate::optim::estimator!(
    ParetoNbd,
    ParetoNbdParams,
    ValidParetoNbdParams,
    ParetoNbdParameters,
    RfmData,
    FittedParetoNbd,
    "Pareto/NBD",
    "r = 1, α = max T / 10, s = 1, β = max T / 10"
);

/// A fitted Pareto/NBD model: the parameters and how they were found. Serialisable, so a service
/// can load one and answer per-customer requests with [`ParetoNbdParameters`]' methods.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedParetoNbd {
    /// The estimates.
    pub params: ParetoNbdParameters,
    /// Log-likelihood, standard errors (order r, α, s, β) and optimiser details.
    pub report: FitReport,
    /// The time unit of the data it was fitted on (`None` when the data did not say);
    /// predictions in CLV options of another unit are refused.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit: Option<crate::clv::TimeUnit>,
}

/// The fitting problem on compressed data sorted by `x`. Per evaluation, the Gamma functions and
/// the hypergeometric parameters are computed once per frequency, `ln(α + T)` and `ln(β + T)` once
/// per distinct `T`; each row then costs the two hypergeometric series of `A0`, one logarithm and
/// the log-sum-exps. The row sum runs in parallel over fixed chunks.
struct Problem<'a> {
    data: &'a RfmData,
    groups: Vec<(f64, f64, std::ops::Range<usize>)>,
    group_of: Vec<u32>,
    t_values: Vec<f64>,
    t_index: Vec<u32>,
    /// Smallest recency per frequency: the largest hypergeometric argument of the group is at it.
    min_t_x: Vec<f64>,
    /// The distinct `(frequency group, age)` pairs at which `A0`'s terms are needed (ages `t_x`
    /// and `T` of the rows with `t_x < T`): on CDNOW 965 pairs instead of 2 x 932 row terms.
    pairs: Vec<(u32, f64)>,
    /// Per row, the indices into `pairs` of its `t_x` and `T` terms (unused when `t_x >= T`).
    row_pairs: Vec<(u32, u32)>,
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
        let min_t_x = groups
            .iter()
            .map(|(_, _, rows)| {
                data.t_x[rows.clone()]
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        // Distinct (group, age) keys; non-negative ages order like their bit patterns.
        let mut keys: Vec<(u32, u64)> = Vec::new();
        for ((&g, &t_x), &t) in group_of.iter().zip(&data.t_x).zip(&data.t) {
            if t_x < t {
                keys.push((g, (t_x + 0.0).to_bits()));
                keys.push((g, (t + 0.0).to_bits()));
            }
        }
        keys.sort_unstable();
        keys.dedup();
        let find =
            |g: u32, age: f64| keys.partition_point(|k| *k < (g, (age + 0.0).to_bits())) as u32;
        let row_pairs = (0..data.len())
            .map(|i| {
                if data.t_x[i] < data.t[i] {
                    (find(group_of[i], data.t_x[i]), find(group_of[i], data.t[i]))
                } else {
                    (0, 0)
                }
            })
            .collect();
        let pairs = keys
            .iter()
            .map(|&(g, bits)| (g, f64::from_bits(bits)))
            .collect();
        Self {
            data,
            groups,
            group_of,
            t_values,
            t_index,
            min_t_x,
            pairs,
            row_pairs,
            total: data.total_weight(),
        }
    }
}

/// Per-frequency quantities of the likelihood: `r + x`, the hypergeometric parameters `a`, `b`, `c`
/// of `A0` with their series, and `ln s - ln(r + s + x)`.
/// `A0` terms per parallel task (each costs a hypergeometric series).
const PAIRS_PER_TASK: usize = 64;

struct PerFrequency<T> {
    rx: T,
    a: T,
    b: T,
    c: T,
    series: Option<Hyp2f1Series>,
    died: T,
}

impl LogLikelihood<4> for Problem<'_> {
    const NAME: &'static str = "Pareto/NBD";
    fn log_likelihood<T: Real + Send + Sync>(&self, p: &[T; 4]) -> T {
        // The terms of `ParetoNbdParameters::ln_likelihood`, regrouped.
        let [r, alpha, s, beta] = *p;
        let d = self.data;
        let mut ll = (r * alpha.ln() + s * beta.ln() - r.ln_gamma()) * self.total;
        let alpha_hi = alpha.value() >= beta.value();
        let (hi, lo) = if alpha_hi {
            (alpha, beta)
        } else {
            (beta, alpha)
        };
        let gap = hi - lo;
        let ln_s = s.ln();
        let per_group: Vec<PerFrequency<T>> = self
            .groups
            .iter()
            .zip(&self.min_t_x)
            .map(|(&(x, w, _), &min_t_x)| {
                let rx = r + x;
                ll = ll + rx.ln_gamma() * w;
                let a = r + s + x;
                let b = if alpha_hi { s + 1.0 } else { rx };
                let c = a + 1.0;
                let z_max = (gap / (hi + min_t_x)).value();
                PerFrequency {
                    rx,
                    a,
                    b,
                    c,
                    series: Hyp2f1Series::new(a.value(), b.value(), c.value(), z_max),
                    died: ln_s - a.ln(),
                }
            })
            .collect();
        // (ln(α + T), ln(β + T)) per distinct T.
        let ln_t: Vec<(T, T)> = self
            .t_values
            .iter()
            .map(|&t| ((alpha + t).ln(), (beta + t).ln()))
            .collect();
        // The terms of ln A0 once per distinct (frequency, age), in parallel, in a fixed order.
        let terms: Vec<T> = self
            .pairs
            .par_iter()
            .with_min_len(PAIRS_PER_TASK)
            .map(|&(g, age)| {
                let g = &per_group[g as usize];
                a0_term_with(
                    g.series.as_ref(),
                    g.a,
                    g.b,
                    g.c,
                    hi,
                    gap,
                    age,
                    (hi + age).ln(),
                )
            })
            .collect();
        ll + weighted_sum(d.len(), |i| {
            let g = &per_group[self.group_of[i] as usize];
            let (ln_at, ln_bt) = ln_t[self.t_index[i] as usize];
            let survive = -(g.rx * ln_at) - s * ln_bt;
            let term = if d.t_x[i] >= d.t[i] {
                survive
            } else {
                let (k_tx, k_t) = self.row_pairs[i];
                let ln_a0 = T::log_sub_exp(terms[k_tx as usize], terms[k_t as usize]);
                T::log_add_exp(survive, g.died + ln_a0)
            };
            term * d.weight[i]
        })
    }
    fn total_weight(&self) -> f64 {
        self.total
    }
}

impl ValidParetoNbdParams {
    /// Maximum-likelihood fit on (compressed) data. Default start: r = 1, α = max(T)/10, s = 1,
    /// β = max(T)/10.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows, [`Error::NotConverged`] with the last parameters when the
    /// optimiser does not reach a stationary point, [`Error::InvalidParameter`] for bad options.
    pub fn fit(&self, data: &RfmData) -> Result<FittedParetoNbd> {
        if data.is_empty() || data.total_weight() <= 0.0 {
            return Err(Error::EmptyInput {
                reason: "Pareto/NBD needs at least one customer".into(),
            });
        }
        if data
            .x
            .iter()
            .zip(&data.weight)
            .all(|(x, w)| *x == 0.0 || *w == 0.0)
        {
            return Err(Error::EmptyInput {
                reason: "no customer has a repeat purchase: Pareto/NBD cannot estimate the purchase rate and the dropout (the fit would run off to meaningless parameters)".into(),
            });
        }
        let rows = data.len();
        let data = data.compress();
        let scale = (data.max_t() / 10.0).max(1e-3);
        let init = self.init.unwrap_or(ParetoNbdParameters {
            r: 1.0,
            alpha: scale,
            s: 1.0,
            beta: scale,
        });
        // lifetimes divides the Pareto/NBD log-likelihood by the mean weight of the rows it is
        // given, not their total (see `PenalizerConvention`).
        let pen_w = self.options.penalty_weights(
            [false, true, false, true],
            data.max_t(),
            1.0 / rows.max(1) as f64,
        );
        let (p, report) = fit_penalised(&Problem::new(&data), init.as_array(), &self.options, pen_w)
            .map_err(|e| match e {
                // The dropout rates' Gamma(s, β) collapsing to a point (s and β growing together)
                // is a flat ridge of the likelihood, where the hypergeometric series needs ever
                // more terms: say what the data are telling.
                Error::NotConverged {
                    model,
                    reason,
                    last_params,
                } if last_params.len() == 4 && last_params[2] > 100.0 && last_params[3] > 1e3 => {
                    Error::NotConverged {
                        model,
                        reason: format!(
                            "{reason}; s = {:.0} and β = {:.0} keep growing together: the data show \
                             no spread in the customers' dropout rates (the Pareto/NBD tends to \
                             exponential lifetimes with rate s/β = {:.4}); fit BG/NBD or MBG/NBD instead",
                            last_params[2],
                            last_params[3],
                            last_params[2] / last_params[3]
                        ),
                        last_params,
                    }
                }
                e => e,
            })?;
        Ok(FittedParetoNbd {
            params: ParetoNbdParameters {
                r: p[0],
                alpha: p[1],
                s: p[2],
                beta: p[3],
            },
            report,
            unit: data.unit,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn rejects_bad_parameters() {
        assert!(ParetoNbdParameters::new(0.0, 1.0, 1.0, 1.0).is_err());
        assert!(ParetoNbdParameters::new(1.0, f64::NAN, 1.0, 1.0).is_err());
        assert!(ParetoNbdParameters::new(1.0, 1.0, -1.0, 1.0).is_err());
        assert!(ParetoNbdParameters::new(1.0, 1.0, 1.0, f64::INFINITY).is_err());
        assert!(ParetoNbdParameters::new(0.5, 10.0, 0.6, 11.0).is_ok());
    }

    #[test]
    fn alpha_and_beta_forms_agree_where_they_meet() {
        // Just either side of α = β the two forms of A0 are used; the likelihood is continuous.
        let below = ParetoNbdParameters::new(0.55, 10.0 - 1e-9, 0.61, 10.0).unwrap();
        let above = ParetoNbdParameters::new(0.55, 10.0 + 1e-9, 0.61, 10.0).unwrap();
        for (x, tx, t) in [(0.0, 0.0, 30.0), (3.0, 20.0, 38.0), (40.0, 30.0, 39.0)] {
            let (l, h) = (
                below.log_likelihood_of(x, tx, t),
                above.log_likelihood_of(x, tx, t),
            );
            assert!((l - h).abs() < 1e-8, "{x} {tx} {t}: {l} vs {h}");
        }
    }

    #[test]
    fn gradient_is_exact_at_alpha_equal_beta() {
        use crate::real::Dual;
        // The fit starts at α = β, where the hypergeometric argument is 0.
        let p = [0.8, 4.0, 0.7, 4.0];
        for (x, tx, t) in [(0.0, 0.0, 30.0), (3.0, 20.0, 38.0), (12.0, 30.0, 39.0)] {
            let dual: [Dual<4>; 4] = std::array::from_fn(|k| Dual::var(p[k], k));
            let g = ParetoNbdParameters::ln_likelihood(&dual, x, tx, t);
            for k in 0..4 {
                let h = 1e-6 * p[k];
                let (mut up, mut down) = (p, p);
                up[k] += h;
                down[k] -= h;
                let fd = (ParetoNbdParameters::ln_likelihood(&up, x, tx, t)
                    - ParetoNbdParameters::ln_likelihood(&down, x, tx, t))
                    / (2.0 * h);
                assert!(
                    (g.d[k] - fd).abs() < 1e-6 * fd.abs().max(1.0),
                    "({x}, {tx}, {t}) d{k}: {} vs {fd}",
                    g.d[k]
                );
            }
        }
    }

    #[test]
    fn s_equal_one_is_the_limit() {
        let at = ParetoNbdParameters::new(0.55, 10.0, 1.0, 12.0).unwrap();
        let near = ParetoNbdParameters::new(0.55, 10.0, 1.0 + 1e-7, 12.0).unwrap();
        let (a, b) = (
            at.expected_purchases_new_of(52.0),
            near.expected_purchases_new_of(52.0),
        );
        assert!((a - b).abs() < 1e-6 * a, "{a} vs {b}");
        let (a, b) = (
            at.expected_purchases_of(52.0, 2.0, 30.0, 39.0),
            near.expected_purchases_of(52.0, 2.0, 30.0, 39.0),
        );
        assert!((a - b).abs() < 1e-6 * a, "{a} vs {b}");
    }

    #[test]
    fn recency_equal_to_age_has_no_dropout_term() {
        let p = ParetoNbdParameters::new(0.55, 10.0, 0.61, 12.0).unwrap();
        assert!((p.p_alive_of(3.0, 39.0, 39.0) - 1.0).abs() < 1e-15);
        assert!(p.log_likelihood_of(3.0, 39.0, 39.0).is_finite());
    }
}
