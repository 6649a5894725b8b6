//! A scorecard of fitted purchase models on a calibration/holdout split, and model selection by
//! a stated rule.
//!
//! Each model fitted on the calibration period predicts every customer's holdout purchases
//! (given her calibration history) and the probability that she buys at all in the holdout
//! period; the scorecard compares those with what she did:
//!
//! | column | meaning |
//! |---|---|
//! | `mae`, `rmse` | per-customer error of the holdout purchase count |
//! | `total_error` | (predicted − actual) / actual of the holdout total |
//! | `auc` | ROC AUC of P(a purchase in the holdout) against whether one happened (0.5 = chance) |
//! | `tracking_error` | period-by-period (weekly) error of the holdout's repeat transactions, when their times are known |
//! | `log_likelihood`, `aic`, `bic` | the calibration fit |
//!
//! plus likelihood-ratio tests for pairs the caller declares nested (the restricted model's
//! parameter space inside the full one's). [`Scorecard::select`] picks a row by a
//! [`SelectionRule`]: an information criterion (in-sample) or a holdout error (out of sample).

use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::clv::PurchaseModel;
use crate::data::Customer;
use crate::error::{Error, Result};
use crate::optim::FitReport;

/// Customers' calibration histories and what they did in the holdout period.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldoutData {
    /// Calibration histories.
    pub customers: Vec<Customer>,
    /// Repeat purchases in the holdout period.
    pub purchases: Vec<f64>,
    /// Holdout duration per customer, in the models' time unit.
    pub duration: Vec<f64>,
    /// When known, the time (since the end of the calibration period, in the models' unit) of
    /// every holdout repeat purchase of these customers, pooled: the scorecard then tracks the
    /// models period by period ([`ScorecardRow::tracking_error`]). Empty when unknown.
    #[cfg_attr(feature = "serde", serde(default))]
    pub purchase_times: Vec<f64>,
}

impl HoldoutData {
    /// From a split of a transaction log.
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for a split without customers; [`Error::InvalidInput`] for a
    /// calibration history no model can take.
    pub fn from_split(split: &custalyze_transaction_types::CalibrationHoldout) -> Result<Self> {
        if split.rows.is_empty() {
            return Err(Error::EmptyInput {
                reason: "the calibration/holdout split has no customers".into(),
            });
        }
        let mut out = HoldoutData::default();
        for r in &split.rows {
            out.customers
                .push(Customer::new(r.frequency_cal, r.recency_cal, r.t_cal)?);
            out.purchases.push(r.frequency_holdout);
            out.duration.push(r.duration_holdout);
        }
        Ok(out)
    }
}

/// One model's scores.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ScorecardRow {
    /// The model's name as given.
    pub model: String,
    /// Free parameters.
    pub n_params: usize,
    /// Calibration log-likelihood.
    pub log_likelihood: f64,
    /// Calibration AIC.
    pub aic: f64,
    /// Calibration BIC.
    pub bic: f64,
    /// Mean absolute error of the holdout purchases per customer.
    pub mae: f64,
    /// Root mean squared error of the holdout purchases per customer.
    pub rmse: f64,
    /// Predicted holdout total.
    pub total_predicted: f64,
    /// Actual holdout total.
    pub total_actual: f64,
    /// `(predicted − actual) / actual` of the total (NaN when nobody bought).
    pub total_error: f64,
    /// ROC AUC of the probability of a holdout purchase against holdout activity (NaN when all
    /// or none bought).
    pub auc: f64,
    /// Period-by-period tracking error of the holdout: with `P_k = Σ_i E[Y(min(k, d_i)) | history_i]`
    /// the predicted and `A_k` the actual repeat purchases in the first `k` periods,
    /// `Σ_k |ΔP_k − ΔA_k| / Σ_k ΔA_k` (weekly when the unit is weeks). NaN without
    /// [`HoldoutData::purchase_times`].
    #[cfg_attr(feature = "serde", serde(default = "nan"))]
    pub tracking_error: f64,
}

#[cfg(feature = "serde")]
fn nan() -> f64 {
    f64::NAN
}

/// Most periods [`ScorecardRow::tracking_error`] tracks (beyond that the holdout is summarised
/// by its totals only).
pub const MAX_TRACKED_PERIODS: usize = 1_000;

/// Customers per parallel chunk of [`tracking_error`].
const TRACKING_CHUNK: usize = 512;

/// The tracking error of one model (see [`ScorecardRow::tracking_error`]).
fn tracking_error(model: &(dyn PurchaseModel + Sync), holdout: &HoldoutData) -> Result<f64> {
    use rayon::prelude::*;
    if holdout.purchase_times.is_empty() {
        return Ok(f64::NAN);
    }
    let longest = holdout.duration.iter().fold(0.0f64, |m, d| m.max(*d));
    let periods = (longest.ceil() as usize).clamp(1, MAX_TRACKED_PERIODS);
    // Fixed chunks summed in order: the same result whatever the thread count.
    let n = holdout.customers.len();
    let chunks: Vec<Vec<f64>> = (0..n.div_ceil(TRACKING_CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut acc = vec![0.0; periods];
            for i in c * TRACKING_CHUNK..((c + 1) * TRACKING_CHUNK).min(n) {
                let (cust, d) = (&holdout.customers[i], holdout.duration[i]);
                for (k, a) in acc.iter_mut().enumerate() {
                    *a += model.expected_purchases(((k + 1) as f64).min(d), cust)?;
                }
            }
            Ok(acc)
        })
        .collect::<Result<_>>()?;
    let mut predicted = vec![0.0; periods];
    for chunk in chunks {
        for (p, c) in predicted.iter_mut().zip(chunk) {
            *p += c;
        }
    }
    let mut times = holdout.purchase_times.clone();
    times.sort_by(f64::total_cmp);
    let (mut err, mut total, mut prev_p, mut prev_a) = (0.0, 0.0, 0.0, 0.0);
    for (k, p) in predicted.iter().enumerate() {
        let a = times.partition_point(|t| *t <= (k + 1) as f64) as f64;
        err += ((p - prev_p) - (a - prev_a)).abs();
        total += a - prev_a;
        prev_p = *p;
        prev_a = a;
    }
    Ok(if total > 0.0 { err / total } else { f64::NAN })
}

/// A likelihood-ratio test of a restricted model against a fuller one it is nested in.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct LikelihoodRatioTest {
    /// The restricted model.
    pub restricted: String,
    /// The full model.
    pub full: String,
    /// `2 (LL_full − LL_restricted)`.
    pub statistic: f64,
    /// Degrees of freedom: the difference in free parameters.
    pub df: usize,
    /// `P(χ²_df ≥ statistic)`: small values reject the restriction.
    pub p_value: f64,
}

/// The scorecard.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Scorecard {
    /// One row per model, in the order given.
    pub rows: Vec<ScorecardRow>,
    /// Tests of the declared nested pairs.
    pub likelihood_ratio_tests: Vec<LikelihoodRatioTest>,
    /// Customers scored.
    pub customers: usize,
}

/// How [`Scorecard::select`] picks a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SelectionRule {
    /// Lowest calibration BIC.
    Bic,
    /// Lowest calibration AIC.
    Aic,
    /// Lowest holdout MAE per customer.
    HoldoutMae,
    /// Smallest absolute error of the holdout total.
    HoldoutTotal,
}

/// A model to score: its name, the fitted model and its fit report.
pub struct Candidate<'a> {
    /// Name in the scorecard.
    pub name: &'a str,
    /// The fitted purchase model.
    pub model: &'a (dyn PurchaseModel + Sync),
    /// Its fit report (log-likelihood, parameters, customers).
    pub report: &'a FitReport,
}

/// Scores `candidates` on `holdout`; `nested` lists `(restricted, full)` index pairs to test.
///
/// # Errors
/// [`Error::EmptyInput`] for no candidates or customers, or columns of different lengths;
/// [`Error::InvalidParameter`] for a nested pair out of range or without more parameters in
/// the full model; a model's prediction error.
pub fn scorecard(
    candidates: &[Candidate<'_>],
    holdout: &HoldoutData,
    nested: &[(usize, usize)],
) -> Result<Scorecard> {
    let n = holdout.customers.len();
    if candidates.is_empty()
        || n == 0
        || holdout.purchases.len() != n
        || holdout.duration.len() != n
    {
        return Err(Error::EmptyInput {
            reason: format!(
                "need at least one model and equally long holdout columns (customers {n}, purchases {}, durations {})",
                holdout.purchases.len(),
                holdout.duration.len()
            ),
        });
    }
    let total_actual: f64 = holdout.purchases.iter().sum();
    let bought: Vec<bool> = holdout.purchases.iter().map(|p| *p > 0.0).collect();
    let mut rows = Vec::with_capacity(candidates.len());
    for c in candidates {
        let (mut abs, mut sq, mut total) = (0.0, 0.0, 0.0);
        let mut prob = Vec::with_capacity(n);
        for i in 0..n {
            let cust = &holdout.customers[i];
            let e = c.model.expected_purchases(holdout.duration[i], cust)?;
            let err = e - holdout.purchases[i];
            abs += err.abs();
            sq += err * err;
            total += e;
            prob.push(
                c.model
                    .probability_of_a_purchase(holdout.duration[i], cust)?,
            );
        }
        rows.push(ScorecardRow {
            model: c.name.to_string(),
            n_params: c.report.n_params,
            log_likelihood: c.report.log_likelihood,
            aic: c.report.aic(),
            bic: c.report.bic(),
            mae: abs / n as f64,
            rmse: (sq / n as f64).sqrt(),
            total_predicted: total,
            total_actual,
            total_error: if total_actual > 0.0 {
                (total - total_actual) / total_actual
            } else {
                f64::NAN
            },
            auc: roc_auc(&prob, &bought),
            tracking_error: tracking_error(c.model, holdout)?,
        });
    }
    let mut tests = Vec::with_capacity(nested.len());
    for &(r, f) in nested {
        let (Some(restricted), Some(full)) = (rows.get(r), rows.get(f)) else {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "nested",
                    r.max(f) as f64,
                    "index beyond the candidates",
                ),
            ));
        };
        if full.n_params <= restricted.n_params {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "nested",
                    full.n_params as f64,
                    "the full model needs more free parameters than the restricted one",
                ),
            ));
        }
        let df = full.n_params - restricted.n_params;
        let statistic = (2.0 * (full.log_likelihood - restricted.log_likelihood)).max(0.0);
        let p_value = ChiSquared::new(df as f64).map_or(f64::NAN, |d| 1.0 - d.cdf(statistic));
        tests.push(LikelihoodRatioTest {
            restricted: restricted.model.clone(),
            full: full.model.clone(),
            statistic,
            df,
            p_value,
        });
    }
    Ok(Scorecard {
        rows,
        likelihood_ratio_tests: tests,
        customers: n,
    })
}

impl Scorecard {
    /// The row the rule picks (the first of equals).
    pub fn select(&self, rule: SelectionRule) -> Option<&ScorecardRow> {
        let key = |r: &ScorecardRow| match rule {
            SelectionRule::Bic => r.bic,
            SelectionRule::Aic => r.aic,
            SelectionRule::HoldoutMae => r.mae,
            SelectionRule::HoldoutTotal => r.total_error.abs(),
        };
        self.rows
            .iter()
            .filter(|r| key(r).is_finite())
            .min_by(|a, b| key(a).total_cmp(&key(b)))
    }
}

/// ROC AUC by the Mann-Whitney statistic with average ranks for ties; NaN without both classes.
pub(crate) fn roc_auc(score: &[f64], positive: &[bool]) -> f64 {
    let n_pos = positive.iter().filter(|p| **p).count();
    let n_neg = positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return f64::NAN;
    }
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[a].total_cmp(&score[b]));
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && score[idx[j + 1]] == score[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            if positive[k] {
                rank_sum += avg;
            }
        }
        i = j + 1;
    }
    (rank_sum - (n_pos * (n_pos + 1)) as f64 / 2.0) / (n_pos as f64 * n_neg as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ordered_pairs_with_half_ties() {
        // Pairs (pos, neg): (0.9 > 0.1), (0.9 > 0.5), (0.5 = 0.5 half), (0.5 > 0.1) = 3.5 / 4.
        let auc = roc_auc(&[0.9, 0.5, 0.5, 0.1], &[true, true, false, false]);
        assert!((auc - 0.875).abs() < 1e-12, "{auc}");
        assert!(roc_auc(&[0.1, 0.2], &[true, true]).is_nan());
    }
}
