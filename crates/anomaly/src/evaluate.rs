//! Ranking metrics for scores against labels: precision at k and average precision (the area
//! under the precision-recall curve as scikit-learn's `average_precision_score` computes it).

use crate::error::{Error, Result};

fn ranked(scores: &[f64], labels: &[bool]) -> Result<Vec<usize>> {
    if scores.len() != labels.len() {
        return Err(Error::LengthMismatch {
            scores: scores.len(),
            labels: labels.len(),
        });
    }
    if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
        return Err(Error::NonFinite {
            row: i,
            column: 0,
            value: scores[i],
        });
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    Ok(order)
}

/// The share of positives among the `k` highest scores (ties broken by position; `k` capped at
/// the number of scores; 0 for `k = 0`).
///
/// # Errors
/// [`Error::LengthMismatch`] when the slices differ in length; [`Error::NonFinite`] for a NaN or
/// infinite score.
pub fn precision_at_k(scores: &[f64], labels: &[bool], k: usize) -> Result<f64> {
    let order = ranked(scores, labels)?;
    let k = k.min(order.len());
    if k == 0 {
        return Ok(0.0);
    }
    Ok(order[..k].iter().filter(|&&i| labels[i]).count() as f64 / k as f64)
}

/// Average precision `AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ` over the distinct score thresholds from the top
/// (tied scores enter together), the step-wise area under the precision-recall curve; equal to
/// scikit-learn's `average_precision_score`. 0 when there is no positive.
///
/// # Errors
/// As [`precision_at_k`].
///
/// # Examples
/// ```
/// use custalyze_anomaly::average_precision;
/// // Positives ranked 1st and 3rd: AP = (1/2)(1/1) + (1/2)(2/3) = 0.8333.
/// let ap = average_precision(&[0.9, 0.8, 0.7, 0.1], &[true, false, true, false])?;
/// assert!((ap - 5.0 / 6.0).abs() < 1e-12);
/// # Ok::<(), custalyze_anomaly::Error>(())
/// ```
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Result<f64> {
    let order = ranked(scores, labels)?;
    let positives = labels.iter().filter(|&&l| l).count();
    if positives == 0 {
        return Ok(0.0);
    }
    let (mut tp, mut seen, mut ap, mut last_recall) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            tp += usize::from(labels[order[i]]);
            seen += 1;
            i += 1;
        }
        let recall = tp as f64 / positives as f64;
        ap += (recall - last_recall) * (tp as f64 / seen as f64);
        last_recall = recall;
    }
    Ok(ap)
}
