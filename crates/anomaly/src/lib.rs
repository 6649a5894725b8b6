#![doc = include_str!("../README.md")]
//!
//! # What is computed
//!
//! * [`OrderFeatures::from_log`] turns every order of a log into a row of [`Feature`]s, each
//!   oriented so that large is unusual: order value, value against the customer's own history
//!   (median/MAD), basket size, rarity of the hour, orders within an hour and a day, a large
//!   first order, the customer's return ratio, and spend against the customer's expected order
//!   value.
//! * [`IsolationForest`] (our own; see [`forest`] for why) scores the rows;
//!   [`AnomalyDetector`] adds robust per-feature rules, [`RiskBand`]s at documented thresholds,
//!   [`Reason`]s, customer-level [`CustomerRisk`] and the share of revenue flagged.
//! * [`precision_at_k`], [`average_precision`] and [`zscore_baseline`] evaluate scores against
//!   labels (custalyze-datagen's `inject_fraud` writes them).

pub mod detector;
pub mod error;
pub mod evaluate;
pub mod features;
pub mod forest;

pub use detector::{
    ALERT_COLUMNS, AnomalyDetector, AnomalyDetectorParams, CustomerRisk, FeatureScale,
    FittedAnomalyDetector, OrderRisk, Reason, RiskBand, RiskScores, RiskSummary,
    ValidAnomalyDetectorParams, write_alerts, zscore_baseline,
};
pub use error::{Error, Result};
pub use evaluate::{average_precision, precision_at_k};
pub use features::{CustomerInputs, Feature, MAD_SCALE, Order, OrderFeatures};
pub use forest::{
    FittedIsolationForest, IsolationForest, IsolationForestParams, Matrix,
    ValidIsolationForestParams, average_path_length,
};

/// Builds the features of `log`, fits the detector on them and scores every order: the whole
/// path in one call.
///
/// # Errors
/// As [`OrderFeatures::from_log`], [`AnomalyDetectorParams::fit`] and
/// [`FittedAnomalyDetector::score`].
pub fn score_log(
    log: &custalyze_transaction_types::TransactionLog,
    inputs: &CustomerInputs<'_>,
    params: AnomalyDetectorParams,
) -> Result<RiskScores> {
    let features = OrderFeatures::from_log(log, inputs)?;
    let detector = params.fit(&features)?;
    detector.score(log, &features)
}
