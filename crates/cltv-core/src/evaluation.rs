//! Calibration/holdout comparison: predicted against actual repeat purchases in the holdout period,
//! per calibration frequency (the check of Fader, Hardie & Lee 2005, figure 4, and lifetimes'
//! `plot_calibration_purchases_vs_holdout_purchases`).

use custalyze_transaction_types::CalibrationHoldout;

use crate::clv::PurchaseModel;
use crate::data::Customer;
use crate::error::{Error, Result};

/// Customers with one calibration frequency (the last bucket: that frequency or more).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldoutBucket {
    /// Calibration repeat purchases; the last bucket holds this many or more.
    pub frequency: u32,
    /// Customers in the bucket.
    pub customers: usize,
    /// Mean actual purchases in the holdout period.
    pub actual: f64,
    /// Mean expected purchases in the holdout period given each customer's calibration history.
    pub predicted: f64,
}

/// The comparison table and its totals.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldoutComparison {
    /// One row per calibration frequency `0..=max_frequency`, the last open-ended.
    pub buckets: Vec<HoldoutBucket>,
    /// Sum of actual holdout purchases over all customers.
    pub total_actual: f64,
    /// Sum of predicted holdout purchases.
    pub total_predicted: f64,
}

/// Predicts each customer's holdout purchases from her calibration summary with `model` and
/// compares with what she did, by calibration frequency `0..=max_frequency` (the last bucket
/// collects higher frequencies).
///
/// # Errors
/// [`Error::EmptyInput`] for a split without customers; [`Error::InvalidInput`] for a calibration
/// history no model can take; [`Error::InvalidParameter`] for a negative holdout duration.
pub fn compare_holdout<M: PurchaseModel + ?Sized>(
    model: &M,
    split: &CalibrationHoldout,
    max_frequency: u32,
) -> Result<HoldoutComparison> {
    if split.rows.is_empty() {
        return Err(Error::EmptyInput {
            reason: "the calibration/holdout split has no customers".into(),
        });
    }
    let k = max_frequency as usize + 1;
    let mut buckets: Vec<HoldoutBucket> = (0..k)
        .map(|f| HoldoutBucket {
            frequency: f as u32,
            customers: 0,
            actual: 0.0,
            predicted: 0.0,
        })
        .collect();
    let (mut total_actual, mut total_predicted) = (0.0, 0.0);
    for r in &split.rows {
        let history = Customer {
            x: r.frequency_cal,
            t_x: r.recency_cal,
            t: r.t_cal,
        };
        let predicted = model.expected_purchases(r.duration_holdout, &history)?;
        let b = (r.frequency_cal.max(0.0) as usize).min(k - 1);
        buckets[b].customers += 1;
        buckets[b].actual += r.frequency_holdout;
        buckets[b].predicted += predicted;
        total_actual += r.frequency_holdout;
        total_predicted += predicted;
    }
    for b in &mut buckets {
        if b.customers > 0 {
            b.actual /= b.customers as f64;
            b.predicted /= b.customers as f64;
        }
    }
    Ok(HoldoutComparison {
        buckets,
        total_actual,
        total_predicted,
    })
}
