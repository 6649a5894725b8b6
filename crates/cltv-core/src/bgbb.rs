//! The BG/BB model (Fader, Hardie & Shang 2010, "Customer-Base Analysis in a Discrete-Time
//! Noncontractual Setting", Marketing Science 29(6), 1086-1108).
//!
//! Time is a sequence of discrete transaction opportunities (e.g. yearly donation drives). While
//! alive, a customer transacts at each opportunity with probability p ~ Beta(α, β); before each
//! opportunity she may drop out with probability θ ~ Beta(γ, δ). For a customer with `x`
//! transactions in `n` opportunities, the last at opportunity `t_x` (equation 5 of the paper):
//!
//! ```text
//! L = B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//!     + Σ_{i=0}^{n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
//! ```
//! evaluated in log space with log-sum-exp.
//!
//! ## Predictions
//!
//! Each takes a checked [`BgBbCustomer`] (`x` transactions in `n` opportunities, the last at
//! `t_x`) on [`BgBbParameters`] and on [`FittedBgBb`], and returns `Result`.
//!
//! ### `p_alive`
//!
//! P(alive at opportunity `n + m`) of a customer with pattern `(x, t_x, n)` (equation A10 of
//! the paper; lifetimes' `conditional_probability_alive(m, x, t_x, n)`):
//!
//! ```text
//! P(alive at n+m | x, t_x, n) = B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L(α,β,γ,δ | x, t_x, n)
//! ```
//! `m = 1` is the chance of being alive at the next opportunity.
//!
//! ### `expected_purchases`
//!
//! Expected transactions in the next `m` opportunities `(n, n+m]` of a customer with pattern
//! `(x, t_x, n)` (equation 13 of the paper; lifetimes'
//! `conditional_expected_number_of_purchases_up_to_time(m, x, t_x, n)`), computed as
//!
//! ```text
//! E[X(n, n+m) | x, t_x, n] = Σ_{k=1}^{m} (α+x)/(α+β+n) · P(alive at n+k | x, t_x, n)
//! ```
//! which equals the paper's closed form `1/L · B(α+x+1, β+n-x)/B(α,β) · δ/(γ-1) ·
//! Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) - Γ(1+δ+n+m)/Γ(γ+δ+n+m)]` and needs no special case at
//! `γ = 1`, where the closed form is 0/0.
//!
//! ### `probability_of_a_transaction`
//!
//! Probability of at least one transaction in the next `m` opportunities `(n, n+m]` for
//! pattern `(x, t_x, n)`. Given alive at `n`, the posterior is `p ~ Beta(α+x, β+n-x)` and
//! `θ ~ Beta(γ, δ+n)`, and the customer makes no transaction if she dies before opportunity
//! `n+j+1` having passed `j` opportunities without buying, or survives all `m` without buying:
//!
//! ```text
//! P(none | alive) = Σ_{j<m} B(γ+1, δ+n+j)/B(γ, δ+n) · B(α+x, β+n-x+j)/B(α+x, β+n-x)
//!                 + B(γ, δ+n+m)/B(γ, δ+n) · B(α+x, β+n-x+m)/B(α+x, β+n-x)
//! P(at least one) = P(alive at n) · (1 - P(none | alive))
//! ```
//!
//! ### `expected_transactions_new`
//!
//! Expected transactions of a new customer in the first `n` opportunities, `E[X(n)]`
//! (equation 8 of Fader, Hardie & Shang 2010):
//!
//! ```text
//! E[X(n)] = α/(α+β) · δ/(γ-1) · [1 - Γ(γ+δ)/Γ(γ+δ+n) · Γ(1+δ+n)/Γ(1+δ)]
//! ```
//! (at `γ = 1` the limit, summed term by term: `Σ_{i=1..n} P(alive at i) α/(α+β)`).
//!
//! ### `probability_of_transactions`
//!
//! Probability that a new customer makes exactly `x` transactions in the first `n`
//! opportunities (equation 7 of the paper):
//!
//! ```text
//! P(X(n) = x) = C(n, x) B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//!             + Σ_{i=x}^{n-1} C(i, x) B(α+x, β+i-x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ)
//! ```
//! Zero for `x > n`.

use crate::data::weighted_sum;
use crate::error::{Error, InputProblem, Result};
use crate::optim::{FitReport, LogLikelihood, fit};
use crate::real::Real;

/// Discrete-time repeat-transaction data for the BG/BB model: per row (pattern) the frequency `x`
/// (opportunities with a transaction), the recency `t_x` (the last such opportunity), the number
/// of opportunities `n`, and a weight (customers sharing the pattern). The columns are those of
/// Fader, Hardie & Shang's donation data (`frequency, recency, periods, weights`).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BgBbData {
    /// Opportunities with a transaction.
    pub frequency: Vec<f64>,
    /// The last opportunity with a transaction (0 when none).
    pub recency: Vec<f64>,
    /// Number of opportunities observed.
    pub periods: Vec<f64>,
    /// Customers per row.
    pub weight: Vec<f64>,
}

impl BgBbData {
    /// Rows from the `frequency, recency, periods` columns and optional `weights` (default 1),
    /// validated.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] when there are no rows or the columns differ in length;
    /// [`Error::InvalidInput`] naming the first row with a value that is not a finite non-negative
    /// integer (weights: finite and non-negative), `recency > periods`, `frequency > recency`, or
    /// `frequency = 0` with `recency > 0`.
    pub fn new(
        frequency: &[f64],
        recency: &[f64],
        periods: &[f64],
        weights: Option<&[f64]>,
    ) -> Result<Self> {
        let n = frequency.len();
        if n == 0
            || recency.len() != n
            || periods.len() != n
            || weights.is_some_and(|w| w.len() != n)
        {
            return Err(Error::EmptyInput {
                reason: format!(
                    "need equally long, non-empty columns (frequency {}, recency {}, periods {}, weights {})",
                    n,
                    recency.len(),
                    periods.len(),
                    weights.map_or(n, <[f64]>::len)
                ),
            });
        }
        for i in 0..n {
            let (x, tx, np) = (frequency[i], recency[i], periods[i]);
            let w = weights.map_or(1.0, |w| w[i]);
            let bad = |problem| Err(Error::InvalidInput { row: i, problem });
            if let Some(problem) = count_problem(x, tx, np) {
                return bad(problem);
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
            if let Some(problem) = order_problem(x, tx, np) {
                return bad(problem);
            }
        }
        Ok(Self {
            frequency: frequency.to_vec(),
            recency: recency.to_vec(),
            periods: periods.to_vec(),
            weight: weights.map_or_else(|| vec![1.0; n], <[f64]>::to_vec),
        })
    }

    /// Merges identical `(x, t_x, n)` rows, adding their weights (rows keep first-seen order).
    pub fn compress(&self) -> Self {
        let mut out = Self::default();
        out.weight = crate::data::merge_by_key(
            &self.weight,
            |i| {
                (
                    self.frequency[i].to_bits(),
                    self.recency[i].to_bits(),
                    self.periods[i].to_bits(),
                )
            },
            |i| {
                out.frequency.push(self.frequency[i]);
                out.recency.push(self.recency[i]);
                out.periods.push(self.periods[i]);
            },
        );
        out
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.frequency.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.frequency.is_empty()
    }

    /// Sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }
}

/// BG/BB parameters: transaction probability Beta(α, β) and dropout probability Beta(γ, δ).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "BgBbParametersUnchecked"))]
pub struct BgBbParameters {
    /// Transaction-probability Beta parameter α.
    pub alpha: f64,
    /// Transaction-probability Beta parameter β.
    pub beta: f64,
    /// Dropout-probability Beta parameter γ.
    pub gamma: f64,
    /// Dropout-probability Beta parameter δ.
    pub delta: f64,
}

/// [`BgBbParameters`] as read from JSON, before [`BgBbParameters::new`] validates it (a saved model with a
/// negative or non-finite parameter is refused on load).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct BgBbParametersUnchecked {
    alpha: f64,
    beta: f64,
    gamma: f64,
    delta: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<BgBbParametersUnchecked> for BgBbParameters {
    type Error = Error;

    fn try_from(raw: BgBbParametersUnchecked) -> Result<Self> {
        BgBbParameters::new(raw.alpha, raw.beta, raw.gamma, raw.delta)
    }
}

impl BgBbParameters {
    /// Validated parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and positive.
    pub fn new(alpha: f64, beta: f64, gamma: f64, delta: f64) -> Result<Self> {
        for (name, v) in [
            ("alpha", alpha),
            ("beta", beta),
            ("gamma", gamma),
            ("delta", delta),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::new(name, v, "must be finite and > 0"),
                ));
            }
        }
        Ok(Self {
            alpha,
            beta,
            gamma,
            delta,
        })
    }

    fn as_array(&self) -> [f64; 4] {
        [self.alpha, self.beta, self.gamma, self.delta]
    }

    /// One pattern's log-likelihood (generic for exact gradients); `x`, `t_x`, `n` are validated
    /// non-negative integers with `x <= t_x <= n`.
    pub(crate) fn ln_likelihood<T: Real>(p: &[T; 4], x: f64, t_x: f64, n: f64) -> T {
        let [alpha, beta, gamma, delta] = *p;
        let ln_ab = T::ln_beta(alpha, beta);
        let ln_gd = T::ln_beta(gamma, delta);
        let mut acc = T::ln_beta(alpha + x, beta + (n - x)) + T::ln_beta(gamma, delta + n);
        // The loop bound is a validated integer count of opportunities after t_x.
        let after = (n - t_x).max(0.0) as u64;
        for i in 0..after {
            let i = i as f64;
            let term = T::ln_beta(alpha + x, beta + (t_x - x + i))
                + T::ln_beta(gamma + 1.0, delta + (t_x + i));
            acc = T::log_add_exp(acc, term);
        }
        acc - ln_ab - ln_gd
    }

    /// The log-likelihood of one pattern `(x, t_x, n)` at these parameters.
    pub(crate) fn log_likelihood_of(&self, x: f64, t_x: f64, n: f64) -> f64 {
        Self::ln_likelihood(&self.as_array(), x, t_x, n)
    }

    /// `ln[B(α+x, β+n-x)/B(α,β)] - ln L`: the log-probability of being alive at `n` given the
    /// pattern, without the survival factor `B(γ, δ+n+m)/B(γ,δ)`.
    fn ln_alive_core(&self, x: f64, t_x: f64, n: f64) -> f64 {
        let lb = <f64 as Real>::ln_beta;
        lb(self.alpha + x, self.beta + n - x)
            - lb(self.alpha, self.beta)
            - self.log_likelihood_of(x, t_x, n)
            - lb(self.gamma, self.delta)
    }

    /// P(alive at opportunity `n + m`) of a customer with pattern `(x, t_x, n)` (equation A10 of
    /// the paper; lifetimes' `conditional_probability_alive(m, x, t_x, n)`):
    ///
    /// ```text
    /// P(alive at n+m | x, t_x, n) = B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L(α,β,γ,δ | x, t_x, n)
    /// ```
    /// `m = 1` is the chance of being alive at the next opportunity.
    pub(crate) fn p_alive_of(&self, m: u32, x: f64, t_x: f64, n: f64) -> f64 {
        let ln = self.ln_alive_core(x, t_x, n)
            + <f64 as Real>::ln_beta(self.gamma, self.delta + n + f64::from(m));
        ln.exp().min(1.0)
    }

    /// Expected transactions in the next `m` opportunities `(n, n+m]` of a customer with pattern
    /// `(x, t_x, n)` (equation 13 of the paper; lifetimes'
    /// `conditional_expected_number_of_purchases_up_to_time(m, x, t_x, n)`), computed as
    ///
    /// ```text
    /// E[X(n, n+m) | x, t_x, n] = Σ_{k=1}^{m} (α+x)/(α+β+n) · P(alive at n+k | x, t_x, n)
    /// ```
    /// which equals the paper's closed form `1/L · B(α+x+1, β+n-x)/B(α,β) · δ/(γ-1) ·
    /// Γ(γ+δ)/Γ(1+δ) · [Γ(1+δ+n)/Γ(γ+δ+n) - Γ(1+δ+n+m)/Γ(γ+δ+n+m)]` and needs no special case at
    /// `γ = 1`, where the closed form is 0/0.
    pub(crate) fn expected_purchases_of(&self, m: u32, x: f64, t_x: f64, n: f64) -> f64 {
        if m == 0 {
            return 0.0;
        }
        let core = self.ln_alive_core(x, t_x, n);
        let mut ln_sum = f64::NEG_INFINITY;
        for k in 1..=m {
            let term = <f64 as Real>::ln_beta(self.gamma, self.delta + n + f64::from(k));
            ln_sum = <f64 as Real>::log_add_exp(ln_sum, term);
        }
        let p_buy = (self.alpha + x) / (self.alpha + self.beta + n);
        p_buy * (core + ln_sum).exp()
    }

    /// Probability of at least one transaction in the next `m` opportunities `(n, n+m]` for
    /// pattern `(x, t_x, n)`. Given alive at `n`, the posterior is `p ~ Beta(α+x, β+n-x)` and
    /// `θ ~ Beta(γ, δ+n)`, and the customer makes no transaction if she dies before opportunity
    /// `n+j+1` having passed `j` opportunities without buying, or survives all `m` without buying:
    ///
    /// ```text
    /// P(none | alive) = Σ_{j<m} B(γ+1, δ+n+j)/B(γ, δ+n) · B(α+x, β+n-x+j)/B(α+x, β+n-x)
    ///                 + B(γ, δ+n+m)/B(γ, δ+n) · B(α+x, β+n-x+m)/B(α+x, β+n-x)
    /// P(at least one) = P(alive at n) · (1 - P(none | alive))
    /// ```
    pub(crate) fn probability_of_a_transaction_of(&self, m: u32, x: f64, t_x: f64, n: f64) -> f64 {
        if m == 0 {
            return 0.0;
        }
        let lb = <f64 as Real>::ln_beta;
        let (a, b, g, d) = (
            self.alpha + x,
            self.beta + n - x,
            self.gamma,
            self.delta + n,
        );
        let (ln_p0, ln_t0) = (lb(a, b), lb(g, d));
        let mut ln_none = f64::NEG_INFINITY;
        for j in 0..m {
            let j = f64::from(j);
            let term = lb(g + 1.0, d + j) - ln_t0 + lb(a, b + j) - ln_p0;
            ln_none = <f64 as Real>::log_add_exp(ln_none, term);
        }
        let mf = f64::from(m);
        let survive = lb(g, d + mf) - ln_t0 + lb(a, b + mf) - ln_p0;
        ln_none = <f64 as Real>::log_add_exp(ln_none, survive);
        (self.p_alive_of(0, x, t_x, n) * -ln_none.exp_m1()).clamp(0.0, 1.0)
    }

    /// Expected transactions of a new customer in the first `n` opportunities, `E[X(n)]`
    /// (equation 8 of Fader, Hardie & Shang 2010):
    ///
    /// ```text
    /// E[X(n)] = α/(α+β) · δ/(γ-1) · [1 - Γ(γ+δ)/Γ(γ+δ+n) · Γ(1+δ+n)/Γ(1+δ)]
    /// ```
    /// (at `γ = 1` the limit, summed term by term: `Σ_{i=1..n} P(alive at i) α/(α+β)`).
    pub(crate) fn expected_transactions_new_of(&self, n: u32) -> f64 {
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        let nf = f64::from(n);
        let lg = <f64 as Real>::ln_gamma;
        let p = a / (a + b);
        if (g - 1.0).abs() < 1e-9 {
            // P(alive at opportunity i) = B(γ, δ+i)/B(γ, δ).
            let lb = <f64 as Real>::ln_beta;
            return (1..=n)
                .map(|i| (lb(g, d + f64::from(i)) - lb(g, d)).exp() * p)
                .sum();
        }
        let ratio = (lg(g + d) - lg(g + d + nf) + lg(1.0 + d + nf) - lg(1.0 + d)).exp();
        p * d / (g - 1.0) * (1.0 - ratio)
    }

    /// Probability that a new customer makes exactly `x` transactions in the first `n`
    /// opportunities (equation 7 of the paper):
    ///
    /// ```text
    /// P(X(n) = x) = C(n, x) B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
    ///             + Σ_{i=x}^{n-1} C(i, x) B(α+x, β+i-x)/B(α,β) · B(γ+1, δ+i)/B(γ,δ)
    /// ```
    /// Zero for `x > n`.
    pub(crate) fn probability_of_transactions_of(&self, x: u32, n: u32) -> f64 {
        if x > n {
            return 0.0;
        }
        let lb = <f64 as Real>::ln_beta;
        let lg = <f64 as Real>::ln_gamma;
        let (a, b, g, d) = (self.alpha, self.beta, self.gamma, self.delta);
        let xf = f64::from(x);
        let ln_choose = |k: f64| lg(k + 1.0) - lg(xf + 1.0) - lg(k - xf + 1.0);
        let base = -lb(a, b) - lb(g, d);
        let nf = f64::from(n);
        let mut acc = ln_choose(nf) + lb(a + xf, b + nf - xf) + lb(g, d + nf);
        for i in x..n {
            let i = f64::from(i);
            let term = ln_choose(i) + lb(a + xf, b + i - xf) + lb(g + 1.0, d + i);
            acc = <f64 as Real>::log_add_exp(acc, term);
        }
        (acc + base).exp()
    }
}

impl BgBbParameters {
    /// One pattern's log-likelihood at these parameters (equation 5, in the module docs).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a pattern the model cannot take ([`BgBbCustomer::check`]).
    pub fn log_likelihood(&self, customer: &BgBbCustomer) -> Result<f64> {
        customer.check()?;
        Ok(self.log_likelihood_of(customer.x, customer.t_x, customer.n))
    }

    /// P(alive at opportunity `n + m`) (equation A10; [module docs](self#p_alive)); `m = 1` is
    /// the chance of being alive at the next opportunity.
    ///
    /// # Errors
    /// As [`BgBbCustomer::check`].
    pub fn p_alive(&self, m: u32, customer: &BgBbCustomer) -> Result<f64> {
        customer.check()?;
        Ok(self.p_alive_of(m, customer.x, customer.t_x, customer.n))
    }

    /// Expected transactions in the next `m` opportunities `(n, n+m]` (equation 13;
    /// [module docs](self#expected_purchases)).
    ///
    /// # Errors
    /// As [`BgBbCustomer::check`].
    pub fn expected_purchases(&self, m: u32, customer: &BgBbCustomer) -> Result<f64> {
        customer.check()?;
        Ok(self.expected_purchases_of(m, customer.x, customer.t_x, customer.n))
    }

    /// Probability of at least one transaction in the next `m` opportunities
    /// ([module docs](self#probability_of_a_transaction)).
    ///
    /// # Errors
    /// As [`BgBbCustomer::check`].
    pub fn probability_of_a_transaction(&self, m: u32, customer: &BgBbCustomer) -> Result<f64> {
        customer.check()?;
        Ok(self.probability_of_a_transaction_of(m, customer.x, customer.t_x, customer.n))
    }

    /// Expected transactions of a new customer in the first `n` opportunities, `E[X(n)]`
    /// (equation 8; [module docs](self#expected_transactions_new)).
    pub fn expected_transactions_new(&self, n: u32) -> f64 {
        self.expected_transactions_new_of(n)
    }

    /// Probability that a new customer makes exactly `x` transactions in the first `n`
    /// opportunities (equation 7; [module docs](self#probability_of_transactions)).
    pub fn probability_of_transactions(&self, x: u32, n: u32) -> f64 {
        self.probability_of_transactions_of(x, n)
    }
}

impl FittedBgBb {
    /// [`BgBbParameters::p_alive`] at the estimates.
    ///
    /// # Errors
    /// As [`BgBbCustomer::check`].
    pub fn p_alive(&self, m: u32, customer: &BgBbCustomer) -> Result<f64> {
        self.params.p_alive(m, customer)
    }

    /// [`BgBbParameters::expected_purchases`] at the estimates.
    ///
    /// # Errors
    /// As [`BgBbCustomer::check`].
    pub fn expected_purchases(&self, m: u32, customer: &BgBbCustomer) -> Result<f64> {
        self.params.expected_purchases(m, customer)
    }

    /// [`BgBbParameters::probability_of_a_transaction`] at the estimates.
    ///
    /// # Errors
    /// As [`BgBbCustomer::check`].
    pub fn probability_of_a_transaction(&self, m: u32, customer: &BgBbCustomer) -> Result<f64> {
        self.params.probability_of_a_transaction(m, customer)
    }

    /// [`BgBbParameters::expected_transactions_new`] at the estimates.
    pub fn expected_transactions_new(&self, n: u32) -> f64 {
        self.params.expected_transactions_new(n)
    }

    /// [`BgBbParameters::probability_of_transactions`] at the estimates.
    pub fn probability_of_transactions(&self, x: u32, n: u32) -> f64 {
        self.params.probability_of_transactions(x, n)
    }
}

/// The problem, if any, of the counts of one BG/BB pattern `(x, t_x, n)`: each a finite
/// non-negative integer of at most [`MAX_OPPORTUNITIES`].
fn count_problem(x: f64, t_x: f64, n: f64) -> Option<InputProblem> {
    for (field, value) in [("frequency", x), ("recency", t_x), ("periods", n)] {
        if !(value.is_finite() && value >= 0.0 && value.fract() == 0.0) {
            return Some(InputProblem::NotACount { field, value });
        }
        if value > MAX_OPPORTUNITIES {
            return Some(InputProblem::TooLarge {
                field,
                value,
                limit: MAX_OPPORTUNITIES,
            });
        }
    }
    None
}

/// The problem, if any, of the order of one pattern: `t_x <= n`, `x <= t_x`, and `t_x = 0` when
/// `x = 0`.
fn order_problem(x: f64, t_x: f64, n: f64) -> Option<InputProblem> {
    if t_x > n {
        return Some(InputProblem::RecencyAfterAge {
            recency: t_x,
            age: n,
        });
    }
    if x > t_x {
        return Some(InputProblem::FrequencyAboveRecency {
            frequency: x,
            recency: t_x,
        });
    }
    if x == 0.0 && t_x > 0.0 {
        return Some(InputProblem::RecencyWithoutRepeat { recency: t_x });
    }
    None
}

/// One customer's pattern for the discrete-time BG/BB: `x` transactions in `n` opportunities
/// after the first, the last at opportunity `t_x` (0 without repeat transactions). Built by
/// [`BgBbCustomer::new`], which rejects what the model cannot take.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BgBbCustomer {
    /// Transactions (`frequency`).
    pub x: f64,
    /// Opportunity of the last transaction (`recency`).
    pub t_x: f64,
    /// Opportunities observed (`periods`).
    pub n: f64,
}

impl BgBbCustomer {
    /// A validated pattern.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (row 0) for a value that is not a finite non-negative integer (or
    /// above [`MAX_OPPORTUNITIES`]), `t_x > n`, `x > t_x`, or `t_x > 0` with `x = 0`.
    ///
    /// # Examples
    /// ```
    /// use custalyze_cltv_core::BgBbCustomer;
    /// assert!(BgBbCustomer::new(3.0, 5.0, 6.0).is_ok());
    /// assert!(BgBbCustomer::new(3.0, 7.0, 6.0).is_err()); // last transaction after n
    /// assert!(BgBbCustomer::new(1.5, 5.0, 6.0).is_err()); // not a count
    /// ```
    pub fn new(x: f64, t_x: f64, n: f64) -> Result<Self> {
        let c = Self { x, t_x, n };
        c.check()?;
        Ok(c)
    }

    /// Checks the fields (they are public, so a pattern may have been built by hand).
    ///
    /// # Errors
    /// As [`BgBbCustomer::new`].
    pub fn check(&self) -> Result<()> {
        match count_problem(self.x, self.t_x, self.n)
            .or_else(|| order_problem(self.x, self.t_x, self.n))
        {
            Some(problem) => Err(Error::InvalidInput { row: 0, problem }),
            None => Ok(()),
        }
    }
}

/// The most transaction opportunities a BG/BB pattern may have: the likelihood sums one term per
/// opportunity after the last transaction, so the bound keeps a fit's work bounded.
pub const MAX_OPPORTUNITIES: f64 = 100_000.0;

crate::optim::estimator!(
    BgBb,
    BgBbParams,
    ValidBgBbParams,
    BgBbParameters,
    BgBbData,
    FittedBgBb,
    "BG/BB",
    "α = β = γ = δ = 1"
);

/// A fitted BG/BB model: the parameters and how they were found. Serialisable, so a service can
/// load one and answer per-customer requests with [`BgBbParameters`]' methods.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedBgBb {
    /// The estimates.
    pub params: BgBbParameters,
    /// Log-likelihood, standard errors (order α, β, γ, δ) and optimiser details.
    pub report: FitReport,
}

struct Problem<'a>(&'a BgBbData);

impl LogLikelihood<4> for Problem<'_> {
    const NAME: &'static str = "BG/BB";
    fn log_likelihood<T: Real + Send + Sync>(&self, p: &[T; 4]) -> T {
        let d = self.0;
        weighted_sum(d.len(), |i| {
            BgBbParameters::ln_likelihood(p, d.frequency[i], d.recency[i], d.periods[i])
                * d.weight[i]
        })
    }
    fn total_weight(&self) -> f64 {
        self.0.total_weight()
    }
}

impl ValidBgBbParams {
    /// Maximum-likelihood fit on (compressed) patterns. Default start: α = β = γ = δ = 1.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows or zero total weight, [`Error::NotConverged`] with the
    /// last parameters when the optimiser does not reach a stationary point,
    /// [`Error::InvalidParameter`] for bad options.
    pub fn fit(&self, data: &BgBbData) -> Result<FittedBgBb> {
        if data.is_empty() || data.total_weight() <= 0.0 {
            return Err(Error::EmptyInput {
                reason: "BG/BB needs at least one customer".into(),
            });
        }
        let data = data.compress();
        let init = self.init.unwrap_or(BgBbParameters {
            alpha: 1.0,
            beta: 1.0,
            gamma: 1.0,
            delta: 1.0,
        });
        let (p, report) = fit(&Problem(&data), init.as_array(), &self.options)?;
        Ok(FittedBgBb {
            params: BgBbParameters {
                alpha: p[0],
                beta: p[1],
                gamma: p[2],
                delta: p[3],
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
    fn rejects_bad_parameters() {
        assert!(BgBbParameters::new(0.0, 1.0, 1.0, 1.0).is_err());
        assert!(BgBbParameters::new(1.0, f64::NAN, 1.0, 1.0).is_err());
        assert!(BgBbParameters::new(1.0, 1.0, -1.0, 1.0).is_err());
        assert!(BgBbParameters::new(1.0, 1.0, 1.0, f64::INFINITY).is_err());
    }

    #[test]
    fn rejects_mismatched_or_empty_columns() {
        assert!(matches!(
            BgBbData::new(&[], &[], &[], None),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            BgBbData::new(&[1.0], &[1.0, 2.0], &[6.0], None),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            BgBbData::new(&[1.0], &[1.0], &[6.0], Some(&[1.0, 2.0])),
            Err(Error::EmptyInput { .. })
        ));
    }

    #[test]
    fn rejects_non_integer_counts() {
        let e = BgBbData::new(&[1.0, 1.5], &[2.0, 2.0], &[6.0, 6.0], None);
        assert!(matches!(e, Err(Error::InvalidInput { row: 1, .. })));
        let e = BgBbData::new(&[1.0], &[f64::NAN], &[6.0], None);
        assert!(matches!(e, Err(Error::InvalidInput { row: 0, .. })));
        let e = BgBbData::new(&[-1.0], &[0.0], &[6.0], None);
        assert!(matches!(e, Err(Error::InvalidInput { row: 0, .. })));
    }

    #[test]
    fn rejects_recency_beyond_periods() {
        let e = BgBbData::new(&[1.0], &[7.0], &[6.0], None);
        assert!(matches!(e, Err(Error::InvalidInput { row: 0, .. })));
    }

    #[test]
    fn rejects_frequency_beyond_recency() {
        let e = BgBbData::new(&[3.0], &[2.0], &[6.0], None);
        assert!(matches!(e, Err(Error::InvalidInput { row: 0, .. })));
    }

    #[test]
    fn rejects_recency_without_transactions() {
        let e = BgBbData::new(&[0.0], &[2.0], &[6.0], None);
        assert!(matches!(e, Err(Error::InvalidInput { row: 0, .. })));
    }

    #[test]
    fn rejects_bad_weights() {
        let e = BgBbData::new(&[1.0], &[2.0], &[6.0], Some(&[-1.0]));
        assert!(matches!(e, Err(Error::InvalidInput { row: 0, .. })));
    }

    #[test]
    fn pattern_probabilities_sum_to_one() {
        // Over all patterns (x, t_x) with n opportunities, the likelihood weighted by the number of
        // sequences with that pattern, C(t_x - 1, x - 1), sums to 1.
        let p = BgBbParameters::new(1.2, 0.75, 0.66, 2.8).unwrap();
        let n = 6u32;
        let lg = <f64 as Real>::ln_gamma;
        let choose = |a: f64, b: f64| (lg(a + 1.0) - lg(b + 1.0) - lg(a - b + 1.0)).exp();
        let mut total = p.log_likelihood_of(0.0, 0.0, f64::from(n)).exp();
        for tx in 1..=n {
            for x in 1..=tx {
                let (x, tx) = (f64::from(x), f64::from(tx));
                total += choose(tx - 1.0, x - 1.0) * p.log_likelihood_of(x, tx, f64::from(n)).exp();
            }
        }
        assert!((total - 1.0).abs() < 1e-12, "{total}");
        let by_count: f64 = (0..=n)
            .map(|x| p.probability_of_transactions_of(x, n))
            .sum();
        assert!((by_count - 1.0).abs() < 1e-12, "{by_count}");
    }

    #[test]
    fn gamma_one_needs_no_special_case() {
        let at = BgBbParameters::new(1.2, 0.75, 1.0, 2.8).unwrap();
        let near = BgBbParameters::new(1.2, 0.75, 1.0 + 1e-8, 2.8).unwrap();
        let (a, b) = (
            at.expected_purchases_of(5, 3.0, 5.0, 6.0),
            near.expected_purchases_of(5, 3.0, 5.0, 6.0),
        );
        assert!(a.is_finite() && (a - b).abs() < 1e-7 * a, "{a} vs {b}");
    }
}
