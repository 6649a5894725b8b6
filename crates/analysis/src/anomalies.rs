//! The anomaly stage: order and customer risk scores ([`custalyze_anomaly`]) with the
//! customer's Gamma-Gamma expected order value and BG/NBD × Gamma-Gamma expected weekly spend
//! from the CLV stage (spend spikes) and the load's per-customer returns (return ratio) when
//! they are known.

use std::collections::HashMap;

use custalyze_anomaly::{
    AnomalyDetector, CustomerInputs, CustomerRisk, Feature, OrderFeatures, OrderRisk, RiskBand,
    RiskScores, RiskSummary,
};
use custalyze_transaction_types::{Id, TransactionLog};

use crate::error::Result;

/// Flagged orders kept in an [`AnomalyAnalysis`] (the highest scores).
pub const KEPT_ORDERS: usize = 200;
/// Flagged customers kept in an [`AnomalyAnalysis`].
pub const KEPT_CUSTOMERS: usize = 100;

/// The anomaly stage's result: totals, and the highest-scoring flagged orders and customers.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AnomalyAnalysis {
    /// The features the forest used.
    pub features: Vec<Feature>,
    /// Orders, bands and revenue flagged.
    pub summary: RiskSummary,
    /// Medium and high orders, highest score first, at most [`KEPT_ORDERS`].
    pub flagged_orders: Vec<OrderRisk>,
    /// Customers with a flagged order, highest score first, at most [`KEPT_CUSTOMERS`].
    pub flagged_customers: Vec<CustomerRisk>,
}

/// Scores every order of `log`: features (with the return ratio when `returned_rows` is not
/// empty, spend against `expected_spend` per order and `expected_weekly_spend` per week when
/// given, one value per customer), the detector with its defaults and `seed`.
///
/// # Errors
/// [`crate::Error::Anomaly`] from feature building, fitting or scoring.
pub fn score_orders(
    log: &TransactionLog,
    expected_spend: Option<&[f64]>,
    expected_weekly_spend: Option<&[f64]>,
    returned_rows: &HashMap<Id, u64>,
    seed: u64,
) -> Result<RiskScores> {
    let inputs = CustomerInputs {
        returned_rows: (!returned_rows.is_empty()).then_some(returned_rows),
        expected_spend,
        expected_weekly_spend,
    };
    let features = OrderFeatures::from_log(log, &inputs)?;
    let detector = AnomalyDetector::params().seed(seed).fit(&features)?;
    Ok(detector.score(log, &features)?)
}

/// The stage: [`score_orders`], condensed to the flagged orders and customers.
///
/// # Errors
/// As [`score_orders`].
pub fn anomalies(
    log: &TransactionLog,
    expected_spend: Option<&[f64]>,
    expected_weekly_spend: Option<&[f64]>,
    returned_rows: &HashMap<Id, u64>,
    seed: u64,
) -> Result<AnomalyAnalysis> {
    let scores = score_orders(
        log,
        expected_spend,
        expected_weekly_spend,
        returned_rows,
        seed,
    )?;
    let flagged_orders = scores
        .top_orders(scores.orders.len())
        .into_iter()
        .filter(|o| o.band != RiskBand::Low)
        .take(KEPT_ORDERS)
        .cloned()
        .collect();
    let mut customers: Vec<CustomerRisk> = scores
        .customers
        .into_iter()
        .filter(|c| c.flagged_orders > 0)
        .collect();
    customers.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    customers.truncate(KEPT_CUSTOMERS);
    Ok(AnomalyAnalysis {
        features: scores.features,
        summary: scores.summary,
        flagged_orders,
        flagged_customers: customers,
    })
}

/// The outcome of an analysis saved before the anomaly stage existed.
#[cfg(feature = "serde")]
pub(crate) fn not_run() -> crate::error::Outcome<AnomalyAnalysis> {
    Err(crate::error::StageError::from(
        crate::error::Error::Restored(
            "not run: the analysis was saved before the anomaly stage existed".into(),
        ),
    ))
}
