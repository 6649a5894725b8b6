//! The Gamma-Gamma model of monetary value (Fader & Hardie 2013, "The Gamma-Gamma Model of
//! Monetary Value", <http://www.brucehardie.com/notes/025/>; Colombo & Jiang 1999, "A stochastic
//! RFM model", Journal of Interactive Marketing 13(3), 2-12).
//!
//! The value of each transaction of a customer is `Z ~ Gamma(p, ν)` (shape `p`, rate `ν`), and the
//! rate varies across customers as `ν ~ Gamma(q, v)` (shape `q`, rate `v`). Spend is assumed
//! independent of the transaction process, so the model is fitted on repeat buyers only: a customer
//! with `x > 0` repeat transactions of mean value `m` contributes (equation 1a of the note, the density
//! of the mean `m`)
//!
//! ```text
//! L = Γ(p x + q) / (Γ(p x) Γ(q)) · v^q · m^(p x - 1) · x^(p x) / (v + x m)^(p x + q)
//! ```
//!
//! evaluated in log space. The conditional expectation of a customer's mean spend (equation 5) is a
//! weighted average of the population mean `p v / (q - 1)` and the customer's own mean `m`.

use std::collections::HashMap;

use custalyze_transaction_types::{Id, SummaryTable};

use crate::data::{CHEAP_CHUNK, chunked_fold, weighted_sum_chunked};
use crate::error::{Error, InputProblem, Result};
use crate::optim::{FitReport, LogLikelihood, fit};
use crate::real::{Dual, Real};
use crate::special::trigamma;

/// Spend data of repeat buyers: repeat transactions `x > 0` and their mean value `m > 0` per row,
/// with a weight (the number of customers sharing the row).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendData {
    /// Repeat transactions (> 0).
    pub x: Vec<f64>,
    /// Mean value of the repeat transactions (> 0).
    pub m: Vec<f64>,
    /// Customers per row.
    pub weight: Vec<f64>,
}

impl SpendData {
    /// Rows from columns (weights default to 1), validated.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] when there are no rows or the columns differ in length;
    /// [`Error::InvalidInput`] naming the first row with `x <= 0`, `m <= 0`, a non-finite value or a
    /// negative weight. Customers without repeat purchases carry no spend information; drop them
    /// first, or use [`SpendData::from_customers`], which does.
    pub fn new(x: &[f64], m: &[f64], weight: Option<&[f64]>) -> Result<Self> {
        check_lengths(x, m, weight)?;
        for i in 0..x.len() {
            check_row(i, x[i], m[i], weight.map_or(1.0, |w| w[i]))?;
        }
        Ok(Self {
            x: x.to_vec(),
            m: m.to_vec(),
            weight: weight.map_or_else(|| vec![1.0; x.len()], <[f64]>::to_vec),
        })
    }

    /// The repeat buyers among all customers: rows with `x == 0` are dropped (their `m` is not
    /// looked at, lifetimes' summaries put 0 there), the others validated as in [`SpendData::new`].
    /// Returns the data and the number of rows dropped.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] when the columns are empty or differ in length, or no customer has a
    /// repeat purchase; [`Error::InvalidInput`] for a row (index into the input) with a negative or
    /// non-finite `x`, or `x > 0` with a bad `m` or weight.
    pub fn from_customers(x: &[f64], m: &[f64], weight: Option<&[f64]>) -> Result<(Self, usize)> {
        check_lengths(x, m, weight)?;
        let mut out = Self::default();
        let mut dropped = 0;
        for i in 0..x.len() {
            if x[i] == 0.0 {
                dropped += 1;
                continue;
            }
            let w = weight.map_or(1.0, |w| w[i]);
            check_row(i, x[i], m[i], w)?;
            out.x.push(x[i]);
            out.m.push(m[i]);
            out.weight.push(w);
        }
        if out.is_empty() {
            return Err(Error::EmptyInput {
                reason: format!("none of the {} customers has a repeat purchase", x.len()),
            });
        }
        Ok((out, dropped))
    }

    /// The spend data of a summary table: repeat buyers with a positive mean repeat spend.
    /// Customers without a repeat purchase and repeat buyers whose repeat purchases are worth 0 or
    /// less are left out and counted in the returned [`SpendExclusions`] (give them the
    /// population mean spend, [`GammaGammaParameters::mean_spend`]).
    ///
    /// # Errors
    /// [`Error::InvalidCustomer`] naming a customer with a non-finite or negative frequency or a
    /// non-finite spend; [`Error::EmptyInput`] when no customer is left.
    ///
    /// # Examples
    /// ```
    /// use custalyze_cltv_core::SpendData;
    /// use custalyze_transaction_types::{CustomerSummary, Id, Period, SummaryTable};
    /// let row = |id: i64, x: f64, m: f64| CustomerSummary {
    ///     customer: Id::Int(id), frequency: x, recency: x, t: 10.0, monetary_value: m,
    /// };
    /// let table = SummaryTable {
    ///     period: Period::WEEK,
    ///     observation_end: chrono::NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("date")?,
    ///     rows: vec![row(1, 2.0, 20.0), row(2, 0.0, 0.0), row(3, 1.0, 0.0), row(4, 3.0, 12.5)],
    /// };
    /// let (spend, left_out) = SpendData::from_summary(&table)?;
    /// assert_eq!(spend.len(), 2);
    /// assert_eq!((left_out.no_repeat_purchase, left_out.non_positive_spend), (1, 1));
    /// assert_eq!(left_out.non_positive_examples, vec![Id::Int(3)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_summary(table: &SummaryTable) -> Result<(Self, SpendExclusions)> {
        let mut out = Self::default();
        let mut left = SpendExclusions::default();
        for r in &table.rows {
            let (x, m) = (r.frequency, r.monetary_value);
            let bad = |problem| Error::InvalidCustomer {
                customer: r.customer.clone(),
                problem,
            };
            if !x.is_finite() {
                return Err(bad(InputProblem::NonFinite {
                    field: "x",
                    value: x,
                }));
            }
            if x < 0.0 {
                return Err(bad(InputProblem::Negative {
                    field: "x",
                    value: x,
                }));
            }
            if x == 0.0 {
                left.no_repeat_purchase += 1;
                continue;
            }
            if !m.is_finite() {
                return Err(bad(InputProblem::NonFinite {
                    field: "m",
                    value: m,
                }));
            }
            if m <= 0.0 {
                left.non_positive_spend += 1;
                if left.non_positive_examples.len() < 5 {
                    left.non_positive_examples.push(r.customer.clone());
                }
                continue;
            }
            out.x.push(x);
            out.m.push(m);
            out.weight.push(1.0);
        }
        if out.is_empty() {
            return Err(Error::EmptyInput {
                reason: format!(
                    "none of the {} customers has a repeat purchase with positive spend",
                    table.rows.len()
                ),
            });
        }
        Ok((out, left))
    }

    /// Merges identical `(x, m)` rows, adding their weights (rows keep first-seen order).
    pub fn compress(&self) -> Self {
        let mut index: HashMap<(u64, u64), usize> = HashMap::new();
        let mut out = Self::default();
        for i in 0..self.len() {
            let key = (self.x[i].to_bits(), self.m[i].to_bits());
            match index.get(&key) {
                Some(&k) => out.weight[k] += self.weight[i],
                None => {
                    index.insert(key, out.len());
                    out.x.push(self.x[i]);
                    out.m.push(self.m[i]);
                    out.weight.push(self.weight[i]);
                }
            }
        }
        out
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }

    /// Weighted mean of `m` (0 without weight).
    pub fn mean_spend(&self) -> f64 {
        let w = self.total_weight();
        if w > 0.0 {
            self.m
                .iter()
                .zip(&self.weight)
                .map(|(m, w)| m * w)
                .sum::<f64>()
                / w
        } else {
            0.0
        }
    }
}

fn check_lengths(x: &[f64], m: &[f64], weight: Option<&[f64]>) -> Result<()> {
    let n = x.len();
    if n == 0 || m.len() != n || weight.is_some_and(|w| w.len() != n) {
        return Err(Error::EmptyInput {
            reason: format!(
                "need equally long, non-empty columns (x {}, m {}, weights {})",
                n,
                m.len(),
                weight.map_or(n, <[f64]>::len)
            ),
        });
    }
    Ok(())
}

fn row_problem(x: f64, m: f64, w: f64) -> Option<InputProblem> {
    for (field, value) in [("x", x), ("m", m), ("weight", w)] {
        if !value.is_finite() {
            return Some(InputProblem::NonFinite { field, value });
        }
    }
    if x <= 0.0 {
        return Some(InputProblem::NoRepeatPurchase);
    }
    if m <= 0.0 {
        return Some(InputProblem::NonPositiveSpend { spend: m });
    }
    if w < 0.0 {
        return Some(InputProblem::Negative {
            field: "weight",
            value: w,
        });
    }
    None
}

fn check_row(row: usize, x: f64, m: f64, w: f64) -> Result<()> {
    match row_problem(x, m, w) {
        Some(problem) => Err(Error::InvalidInput { row, problem }),
        None => Ok(()),
    }
}

/// Who [`SpendData::from_summary`] left out of the spend fit.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendExclusions {
    /// Customers without a repeat purchase (`x = 0`): the model says nothing about them.
    pub no_repeat_purchase: usize,
    /// Repeat buyers whose mean repeat spend is 0 or less (e.g. $0.00 rows).
    pub non_positive_spend: usize,
    /// The first few of them, by id.
    pub non_positive_examples: Vec<Id>,
}

/// Gamma-Gamma parameters: transaction values `Gamma(p, ν)` with `ν ~ Gamma(q, v)`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "GammaGammaParametersUnchecked"))]
pub struct GammaGammaParameters {
    /// Shape of a customer's transaction-value distribution.
    pub p: f64,
    /// Shape of the distribution of the transaction-value rate ν across customers.
    pub q: f64,
    /// Rate (in money units) of the distribution of ν across customers.
    pub v: f64,
}

/// [`GammaGammaParameters`] as read from JSON, before [`GammaGammaParameters::new`] validates it (a saved model with a
/// negative or non-finite parameter is refused on load).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct GammaGammaParametersUnchecked {
    p: f64,
    q: f64,
    v: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<GammaGammaParametersUnchecked> for GammaGammaParameters {
    type Error = Error;

    fn try_from(raw: GammaGammaParametersUnchecked) -> Result<Self> {
        GammaGammaParameters::new(raw.p, raw.q, raw.v)
    }
}

impl GammaGammaParameters {
    /// Validated parameters.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a parameter that is not finite and positive.
    pub fn new(p: f64, q: f64, v: f64) -> Result<Self> {
        for (name, value) in [("p", p), ("q", q), ("v", v)] {
            if !(value.is_finite() && value > 0.0) {
                return Err(Error::InvalidParameter(
                    crate::error::InvalidParameter::new(name, value, "must be finite and > 0"),
                ));
            }
        }
        Ok(Self { p, q, v })
    }

    /// One customer's log-likelihood (generic for exact gradients), equation 1a of the note.
    /// One repeat buyer's log-likelihood given `x` repeat purchases of mean value `m`.
    pub fn log_likelihood(&self, x: f64, m: f64) -> f64 {
        Self::ln_likelihood_generic(&[self.p, self.q, self.v], x, m)
    }

    pub(crate) fn ln_likelihood_generic<T: Real>(params: &[T; 3], x: f64, m: f64) -> T {
        let [p, q, v] = *params;
        let px = p * x;
        (px + q).ln_gamma() - px.ln_gamma() - q.ln_gamma()
            + q * v.ln()
            + (px - 1.0) * m.ln()
            + px * x.ln()
            - (px + q) * (v + x * m).ln()
    }

    /// Population mean of the transaction value, `E[Z] = p v / (q - 1)` (infinite for `q <= 1`).
    pub fn mean_spend(&self) -> f64 {
        if self.q > 1.0 {
            self.p * self.v / (self.q - 1.0)
        } else {
            f64::INFINITY
        }
    }

    /// Expected mean transaction value of a customer with `x` repeat transactions of mean value `m`
    /// (equation 5 of the note; lifetimes' `conditional_expected_average_profit`):
    ///
    /// ```text
    /// E[Z | x, m] = (q - 1)/(p x + q - 1) · p v/(q - 1) + p x/(p x + q - 1) · m
    ///             = p (v + x m) / (p x + q - 1)
    /// ```
    ///
    /// computed in the second form, which is also right for `q <= 1` as long as `p x + q > 1`. For
    /// `x = 0` it is the population mean [`GammaGammaParameters::mean_spend`] whatever `m`; where the
    /// posterior mean does not exist (`p x + q <= 1`) it is infinite.
    pub fn conditional_expected_average_profit(&self, x: f64, m: f64) -> f64 {
        let denominator = self.p * x + self.q - 1.0;
        if denominator <= 0.0 {
            return f64::INFINITY;
        }
        let spend = if x > 0.0 { x * m } else { 0.0 };
        self.p * (self.v + spend) / denominator
    }
}

crate::optim::estimator!(
    GammaGamma,
    GammaGammaParams,
    ValidGammaGammaParams,
    GammaGammaParameters,
    SpendData,
    FittedGammaGamma,
    "Gamma-Gamma",
    "see [`ValidGammaGammaParams::fit`]"
);

/// A fitted Gamma-Gamma model: the parameters and how they were found. Serialisable.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedGammaGamma {
    /// The estimates.
    pub params: GammaGammaParameters,
    /// Log-likelihood, standard errors (order p, q, v) and optimiser details.
    pub report: FitReport,
}

/// The fitting problem. With `W_x` the weight of frequency `x`, the log-likelihood is rearranged as
///
/// ```text
/// Σ_x W_x [lnΓ(px+q) - lnΓ(px) + px ln x] - W lnΓ(q) + W q ln v
///   + p Σ w x ln m - Σ w ln m - Σ_i w_i (p x_i + q) ln(v + x_i m_i)
/// ```
/// so the Gamma functions are evaluated once per distinct frequency and each row costs one
/// logarithm.
struct Problem<'a> {
    data: &'a SpendData,
    by_x: Vec<(f64, f64)>,
    total: f64,
    sum_wx_ln_m: f64,
    sum_w_ln_m: f64,
}

impl<'a> Problem<'a> {
    fn new(data: &'a SpendData) -> Self {
        let mut by_x: Vec<(f64, f64)> = Vec::new();
        for (&x, &w) in data.x.iter().zip(&data.weight) {
            match by_x.iter_mut().find(|(v, _)| *v == x) {
                Some((_, acc)) => *acc += w,
                None => by_x.push((x, w)),
            }
        }
        by_x.sort_by(|a, b| a.0.total_cmp(&b.0));
        let sum_wx_ln_m = (0..data.len())
            .map(|i| data.weight[i] * data.x[i] * data.m[i].ln())
            .sum();
        let sum_w_ln_m = (0..data.len())
            .map(|i| data.weight[i] * data.m[i].ln())
            .sum();
        Self {
            data,
            by_x,
            total: data.total_weight(),
            sum_wx_ln_m,
            sum_w_ln_m,
        }
    }
}

impl LogLikelihood<3> for Problem<'_> {
    const NAME: &'static str = "Gamma-Gamma";
    fn log_likelihood<T: Real + Send + Sync>(&self, params: &[T; 3]) -> T {
        let [p, q, v] = *params;
        let d = self.data;
        let mut ll =
            (q * v.ln() - q.ln_gamma()) * self.total + p * self.sum_wx_ln_m - self.sum_w_ln_m;
        for &(x, w) in &self.by_x {
            let px = p * x;
            ll = ll + ((px + q).ln_gamma() - px.ln_gamma() + px * x.ln()) * w;
        }
        ll - weighted_sum_chunked(d.len(), CHEAP_CHUNK, |i| {
            (p * d.x[i] + q) * (v + d.x[i] * d.m[i]).ln() * d.weight[i]
        })
    }
    fn total_weight(&self) -> f64 {
        self.total
    }

    /// Hand-written row loop: with `L = ln(v + x m)`, the row term `-(p x + q) L` has derivatives
    /// `-x L`, `-L` and `-(p x + q)/(v + x m)`; the per-frequency Gamma terms use [`Dual`] numbers.
    fn value_and_gradient(&self, params: &[f64; 3]) -> (f64, [f64; 3]) {
        let [p, q, v] = *params;
        let d = self.data;
        let dp: [Dual<3>; 3] = std::array::from_fn(|k| Dual::var(params[k], k));
        let [dpp, dq, dv] = dp;
        let mut head =
            (dq * dv.ln() - dq.ln_gamma()) * self.total + dpp * self.sum_wx_ln_m - self.sum_w_ln_m;
        for &(x, w) in &self.by_x {
            let px = dpp * x;
            head = head + ((px + dq).ln_gamma() - px.ln_gamma() + px * x.ln()) * w;
        }
        // acc: Σ w (px+q) L, Σ w x L, Σ w L, Σ w (px+q)/(v+xm).
        let acc = chunked_fold::<4>(d.len(), CHEAP_CHUNK, |i, acc| {
            let (x, w) = (d.x[i], d.weight[i]);
            let u = v + x * d.m[i];
            let l = u.ln();
            let a = p * x + q;
            acc[0] += w * a * l;
            acc[1] += w * x * l;
            acc[2] += w * l;
            acc[3] += w * a / u;
        });
        (
            head.v - acc[0],
            [head.d[0] - acc[1], head.d[1] - acc[2], head.d[2] - acc[3]],
        )
    }

    /// The exact Hessian (trigamma for the Gamma terms), for one-pass standard errors.
    fn hessian(&self, params: &[f64; 3]) -> Option<[[f64; 3]; 3]> {
        let [p, q, v] = *params;
        let d = self.data;
        let mut h = [[0.0; 3]; 3];
        h[1][1] = -trigamma(q) * self.total;
        h[1][2] = self.total / v;
        h[2][2] = -q * self.total / (v * v);
        for &(x, w) in &self.by_x {
            let t = trigamma(p * x + q);
            h[0][0] += w * x * x * (t - trigamma(p * x));
            h[0][1] += w * x * t;
            h[1][1] += w * t;
        }
        // Rows: -(p x + q) ln(v + x m) has ∂p∂v = -x/u, ∂q∂v = -1/u, ∂v∂v = (p x + q)/u².
        let acc = chunked_fold::<3>(d.len(), CHEAP_CHUNK, |i, acc| {
            let (x, w) = (d.x[i], d.weight[i]);
            let iu = 1.0 / (v + x * d.m[i]);
            acc[0] -= w * x * iu;
            acc[1] -= w * iu;
            acc[2] += w * (p * x + q) * iu * iu;
        });
        h[0][2] += acc[0];
        h[1][2] += acc[1];
        h[2][2] += acc[2];
        h[1][0] = h[0][1];
        h[2][0] = h[0][2];
        h[2][1] = h[1][2];
        h.iter().flatten().all(|x| x.is_finite()).then_some(h)
    }
}

impl ValidGammaGammaParams {
    /// Maximum-likelihood fit on (compressed) data. Default start: p = 1, q = 2, v = the weighted
    /// mean of `m` (so the starting population mean spend is the sample's).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no rows or zero total weight, [`Error::NotConverged`] with the last
    /// parameters when the optimiser does not reach a stationary point, [`Error::InvalidParameter`]
    /// for bad options.
    pub fn fit(&self, data: &SpendData) -> Result<FittedGammaGamma> {
        if data.is_empty() || data.total_weight() <= 0.0 {
            return Err(Error::EmptyInput {
                reason: "Gamma-Gamma needs at least one repeat buyer".into(),
            });
        }
        let data = data.compress();
        let init = self.init.unwrap_or(GammaGammaParameters {
            p: 1.0,
            q: 2.0,
            v: data.mean_spend().max(1e-3),
        });
        let (p, report) = fit(
            &Problem::new(&data),
            [init.p, init.q, init.v],
            &self.options,
        )?;
        Ok(FittedGammaGamma {
            params: GammaGammaParameters {
                p: p[0],
                q: p[1],
                v: p[2],
            },
            report,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::optim::assert_derivatives_match;

    #[test]
    fn hand_written_derivatives_equal_dual_numbers_and_differences() {
        let x = [1.0, 1.0, 2.0, 3.0, 7.0, 2.0];
        let m = [10.0, 35.5, 20.0, 12.25, 50.0, 20.0];
        let w = [2.0, 1.0, 1.0, 3.0, 1.0, 1.0];
        let data = SpendData::new(&x, &m, Some(&w)).unwrap().compress();
        assert_derivatives_match(
            &Problem::new(&data),
            &[[6.25, 3.74, 15.44], [0.5, 9.0, 1.0], [30.0, 0.7, 200.0]],
        );
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(GammaGammaParameters::new(1.0, 2.0, 3.0).is_ok());
        for (p, q, v) in [(0.0, 2.0, 3.0), (1.0, -2.0, 3.0), (1.0, 2.0, f64::NAN)] {
            assert!(matches!(
                GammaGammaParameters::new(p, q, v),
                Err(Error::InvalidParameter(
                    crate::error::InvalidParameter { .. }
                ))
            ));
        }
    }

    #[test]
    fn rejects_empty_and_mismatched_columns() {
        assert!(matches!(
            SpendData::new(&[], &[], None),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            SpendData::new(&[1.0], &[1.0, 2.0], None),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            SpendData::new(&[1.0], &[1.0], Some(&[1.0, 1.0])),
            Err(Error::EmptyInput { .. })
        ));
    }

    #[test]
    fn rejects_zero_frequency() {
        assert!(matches!(
            SpendData::new(&[1.0, 0.0], &[5.0, 5.0], None),
            Err(Error::InvalidInput { row: 1, .. })
        ));
    }

    #[test]
    fn rejects_non_positive_spend() {
        assert!(matches!(
            SpendData::new(&[1.0, 2.0], &[5.0, 0.0], None),
            Err(Error::InvalidInput { row: 1, .. })
        ));
    }

    #[test]
    fn rejects_non_finite_values() {
        assert!(matches!(
            SpendData::new(&[1.0, 2.0], &[5.0, f64::INFINITY], None),
            Err(Error::InvalidInput { row: 1, .. })
        ));
    }

    #[test]
    fn rejects_negative_weight() {
        assert!(matches!(
            SpendData::new(&[1.0], &[5.0], Some(&[-1.0])),
            Err(Error::InvalidInput { row: 0, .. })
        ));
    }

    #[test]
    fn from_customers_drops_one_time_buyers() {
        let (d, dropped) =
            SpendData::from_customers(&[0.0, 2.0, 0.0, 1.0], &[0.0, 10.0, 0.0, 4.0], None).unwrap();
        assert_eq!(dropped, 2);
        assert_eq!(d.x, vec![2.0, 1.0]);
        assert_eq!(d.m, vec![10.0, 4.0]);
        // Rows keep their index in the input.
        assert!(matches!(
            SpendData::from_customers(&[0.0, 2.0, 1.0], &[0.0, 10.0, -4.0], None),
            Err(Error::InvalidInput { row: 2, .. })
        ));
        assert!(matches!(
            SpendData::from_customers(&[0.0, 0.0], &[0.0, 0.0], None),
            Err(Error::EmptyInput { .. })
        ));
    }

    #[test]
    fn fit_rejects_zero_weight() {
        let d = SpendData::new(&[1.0], &[5.0], Some(&[0.0])).unwrap();
        assert!(matches!(
            GammaGamma::params().fit(&d),
            Err(Error::EmptyInput { .. })
        ));
    }

    #[test]
    fn conditional_expectation_forms_agree() {
        let g = GammaGammaParameters::new(6.25, 3.74, 15.44).unwrap();
        let (x, m) = (3.0, 20.0);
        let w = g.p * x / (g.p * x + g.q - 1.0);
        let lifetimes = (1.0 - w) * g.mean_spend() + w * m;
        let got = g.conditional_expected_average_profit(x, m);
        assert!((got - lifetimes).abs() < 1e-12 * lifetimes);
        assert_eq!(g.conditional_expected_average_profit(0.0, 99.0), {
            g.p * g.v / (g.q - 1.0)
        });
    }

    #[test]
    fn gradient_matches_finite_differences() {
        use crate::real::Dual;
        let (x, m) = (3.0, 20.0);
        let p = [6.2, 3.7, 15.4];
        let dual = [
            Dual::<3>::var(p[0], 0),
            Dual::<3>::var(p[1], 1),
            Dual::<3>::var(p[2], 2),
        ];
        let g = GammaGammaParameters::ln_likelihood_generic(&dual, x, m);
        for k in 0..3 {
            let h = 1e-6;
            let (mut up, mut down) = (p, p);
            up[k] += h;
            down[k] -= h;
            let fd = (GammaGammaParameters::ln_likelihood_generic(&up, x, m)
                - GammaGammaParameters::ln_likelihood_generic(&down, x, m))
                / (2.0 * h);
            assert!((g.d[k] - fd).abs() < 1e-6, "{k}: {} vs {fd}", g.d[k]);
        }
    }
}
