//! Evaluation of churn scores against observed labels: ROC AUC, PR AUC (average precision),
//! precision and recall at a threshold, and lift by decile.
//!
//! Conventions follow scikit-learn so numbers can be compared:
//! - [`roc_auc`] equals `sklearn.metrics.roc_auc_score`: the area under the ROC curve built on the
//!   distinct score values (trapezoids), which is the Mann-Whitney statistic with tied scores
//!   counted one half: `AUC = (Σ rank(positives) - P(P+1)/2) / (P·N)` with average ranks.
//! - [`average_precision`] equals `sklearn.metrics.average_precision_score`:
//!   `AP = Σ_k (R_k - R_{k-1}) P_k` over the distinct thresholds in decreasing order (a step
//!   function, no interpolation), with `P_k`, `R_k` the precision and recall of "score ≥ threshold k".

use crate::error::{Error, Result};

fn check(scores: &[f64], labels: &[bool]) -> Result<(usize, usize)> {
    if scores.len() != labels.len() {
        return Err(Error::InvalidInput(format!(
            "{} scores but {} labels",
            scores.len(),
            labels.len()
        )));
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::InvalidInput(format!(
            "score {i} is not finite ({})",
            scores[i]
        )));
    }
    let pos = labels.iter().filter(|&&l| l).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(Error::OneClass {
            what: "the evaluation labels",
            label: pos > 0,
        });
    }
    Ok((pos, neg))
}

/// Indices sorted by decreasing score (stable: equal scores keep input order).
fn order_desc(scores: &[f64]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    idx
}

/// Area under the ROC curve of `scores` (higher = more likely positive) for `labels`
/// (`true` = positive, here: churned). Tied scores count one half, as scikit-learn.
///
/// # Errors
/// [`Error::InvalidInput`] for different lengths or a non-finite score; [`Error::OneClass`] when
/// the labels hold one class only (the AUC is undefined, scikit-learn raises too).
///
/// # Examples
/// ```
/// use custalyze_churn::metrics::roc_auc;
/// // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
/// let auc = roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true])?;
/// assert!((auc - 0.75).abs() < 1e-12);
/// # Ok::<(), custalyze_churn::Error>(())
/// ```
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Result<f64> {
    let (pos, neg) = check(scores, labels)?;
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Average ranks (1-based) over runs of equal scores.
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        let positives = idx[i..=j].iter().filter(|&&k| labels[k]).count();
        rank_sum_pos += avg_rank * positives as f64;
        i = j + 1;
    }
    let p = pos as f64;
    Ok((rank_sum_pos - p * (p + 1.0) / 2.0) / (p * neg as f64))
}

/// Average precision (area under the precision-recall curve as a step function), as
/// scikit-learn's `average_precision_score`.
///
/// # Errors
/// As [`roc_auc`].
///
/// # Examples
/// ```
/// use custalyze_churn::metrics::average_precision;
/// // sklearn.metrics.average_precision_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.8333...
/// let ap = average_precision(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true])?;
/// assert!((ap - 5.0 / 6.0).abs() < 1e-12);
/// # Ok::<(), custalyze_churn::Error>(())
/// ```
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Result<f64> {
    let (pos, _) = check(scores, labels)?;
    let idx = order_desc(scores);
    let (mut tp, mut fp, mut ap, mut last_recall) = (0.0f64, 0.0f64, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let s = scores[idx[i]];
        while i < idx.len() && scores[idx[i]] == s {
            if labels[idx[i]] {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i += 1;
        }
        let recall = tp / pos as f64;
        ap += (recall - last_recall) * tp / (tp + fp);
        last_recall = recall;
    }
    Ok(ap)
}

/// Precision, recall and counts of the rule "churn if score ≥ threshold".
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ThresholdMetrics {
    /// The threshold.
    pub threshold: f64,
    /// Share of flagged customers who churned (0 when none is flagged, as scikit-learn's
    /// `zero_division=0`).
    pub precision: f64,
    /// Share of churners who are flagged.
    pub recall: f64,
    /// Flagged churners.
    pub true_positives: usize,
    /// Flagged customers who did not churn.
    pub false_positives: usize,
    /// Churners not flagged.
    pub false_negatives: usize,
}

/// Precision and recall at `threshold`.
///
/// # Errors
/// As [`roc_auc`]; also [`Error::InvalidParameter`] for a non-finite threshold.
pub fn at_threshold(scores: &[f64], labels: &[bool], threshold: f64) -> Result<ThresholdMetrics> {
    if !threshold.is_finite() {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("threshold", threshold, "must be finite"),
        ));
    }
    let (pos, _) = check(scores, labels)?;
    let (mut tp, mut fp) = (0usize, 0usize);
    for (&s, &l) in scores.iter().zip(labels) {
        if s >= threshold {
            if l {
                tp += 1;
            } else {
                fp += 1;
            }
        }
    }
    Ok(ThresholdMetrics {
        threshold,
        precision: if tp + fp == 0 {
            0.0
        } else {
            tp as f64 / (tp + fp) as f64
        },
        recall: tp as f64 / pos as f64,
        true_positives: tp,
        false_positives: fp,
        false_negatives: pos - tp,
    })
}

/// One decile of customers ranked by decreasing score.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Decile {
    /// 1 = the tenth with the highest scores.
    pub decile: usize,
    /// Customers in the decile.
    pub customers: usize,
    /// Churners among them.
    pub churners: usize,
    /// Churn rate in the decile.
    pub churn_rate: f64,
    /// Churn rate in the decile / overall churn rate.
    pub lift: f64,
    /// Churn rate in deciles `1..=decile` / overall churn rate.
    pub cumulative_lift: f64,
}

/// Lift table: customers sorted by decreasing score (ties in input order), cut into ten groups
/// of `⌊n d / 10⌋..⌊n (d+1) / 10⌋`.
///
/// # Errors
/// As [`roc_auc`]; also [`Error::InvalidInput`] for fewer than 10 customers.
pub fn lift_by_decile(scores: &[f64], labels: &[bool]) -> Result<Vec<Decile>> {
    let (pos, _) = check(scores, labels)?;
    let n = scores.len();
    if n < 10 {
        return Err(Error::InvalidInput(format!(
            "a decile table needs at least 10 customers, got {n}"
        )));
    }
    let idx = order_desc(scores);
    let base = pos as f64 / n as f64;
    let (mut cum_n, mut cum_pos) = (0usize, 0usize);
    Ok((0..10)
        .map(|d| {
            let rows = &idx[n * d / 10..n * (d + 1) / 10];
            let churners = rows.iter().filter(|&&i| labels[i]).count();
            cum_n += rows.len();
            cum_pos += churners;
            let rate = churners as f64 / rows.len() as f64;
            Decile {
                decile: d + 1,
                customers: rows.len(),
                churners,
                churn_rate: rate,
                lift: rate / base,
                cumulative_lift: (cum_pos as f64 / cum_n as f64) / base,
            }
        })
        .collect())
}

/// All metrics of one score on one labelled set.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Evaluation {
    /// ROC AUC ([`roc_auc`]).
    pub roc_auc: f64,
    /// PR AUC as average precision ([`average_precision`]).
    pub pr_auc: f64,
    /// Precision and recall at the threshold.
    pub at_threshold: ThresholdMetrics,
    /// Lift by decile.
    pub lift: Vec<Decile>,
}

impl Evaluation {
    /// Computes every metric.
    ///
    /// # Errors
    /// As [`lift_by_decile`] and [`at_threshold`].
    pub fn compute(scores: &[f64], labels: &[bool], threshold: f64) -> Result<Self> {
        Ok(Self {
            roc_auc: roc_auc(scores, labels)?,
            pr_auc: average_precision(scores, labels)?,
            at_threshold: at_threshold(scores, labels, threshold)?,
            lift: lift_by_decile(scores, labels)?,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// O(P·N) definition: P(score of a positive > score of a negative) + ½ P(tie).
    fn naive_auc(s: &[f64], l: &[bool]) -> f64 {
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..s.len() {
            for j in 0..s.len() {
                if l[i] && !l[j] {
                    den += 1.0;
                    if s[i] > s[j] {
                        num += 1.0;
                    } else if s[i] == s[j] {
                        num += 0.5;
                    }
                }
            }
        }
        num / den
    }

    proptest::proptest! {
        #[test]
        fn auc_equals_pairwise_definition(
            v in proptest::collection::vec((0u8..6, proptest::bool::ANY), 2..60)
        ) {
            let s: Vec<f64> = v.iter().map(|p| f64::from(p.0) / 5.0).collect();
            let l: Vec<bool> = v.iter().map(|p| p.1).collect();
            proptest::prop_assume!(l.iter().any(|&x| x) && l.iter().any(|&x| !x));
            let a = roc_auc(&s, &l).unwrap();
            proptest::prop_assert!((a - naive_auc(&s, &l)).abs() < 1e-12);
            let ap = average_precision(&s, &l).unwrap();
            proptest::prop_assert!((0.0..=1.0 + 1e-12).contains(&ap));
        }
    }

    #[test]
    fn perfect_and_reversed_scores() {
        let l = [false, false, true, true];
        assert_eq!(roc_auc(&[0.1, 0.2, 0.3, 0.4], &l).unwrap(), 1.0);
        assert_eq!(roc_auc(&[0.4, 0.3, 0.2, 0.1], &l).unwrap(), 0.0);
        assert_eq!(roc_auc(&[0.5; 4], &l).unwrap(), 0.5);
        // All tied: one threshold, precision 1/2 at recall 1.
        assert_eq!(average_precision(&[0.5; 4], &l).unwrap(), 0.5);
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(matches!(
            roc_auc(&[0.1], &[true, false]),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            roc_auc(&[0.1, f64::NAN], &[true, false]),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            roc_auc(&[0.1, 0.2], &[true, true]),
            Err(Error::OneClass { label: true, .. })
        ));
        assert!(matches!(
            at_threshold(&[0.1, 0.2], &[true, false], f64::NAN),
            Err(Error::InvalidParameter(
                crate::error::InvalidParameter { .. }
            ))
        ));
        assert!(matches!(
            lift_by_decile(&[0.1, 0.2], &[true, false]),
            Err(Error::InvalidInput(_))
        ));
    }

    #[test]
    fn deciles_cover_everyone() {
        let s: Vec<f64> = (0..95).map(|i| f64::from(i) / 95.0).collect();
        let l: Vec<bool> = (0..95).map(|i| i % 3 == 0).collect();
        let t = lift_by_decile(&s, &l).unwrap();
        assert_eq!(t.iter().map(|d| d.customers).sum::<usize>(), 95);
        assert!((t[9].cumulative_lift - 1.0).abs() < 1e-12);
    }
}
