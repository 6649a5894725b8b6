#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! ## Crate layout
//! This crate only re-exports. Each library crate of the workspace is available as a module named
//! after it ([`transaction_types`], and `datagen` with the `datagen` feature), and the types used
//! in almost every program (the log, the loaders, periods and summaries) are re-exported at the
//! top level so that `use custalyze::{...}` is enough for the common path.

pub use custalyze_transaction_types as transaction_types;

/// A calendar date (chrono's), as taken by observation and calibration ends.
pub use chrono::NaiveDate;
pub use custalyze_transaction_types::load::{
    LoadOptions, LoadReport, Loaded, Schema, load_path, load_reader,
};
pub use custalyze_transaction_types::summary::SummaryAccumulator;
pub use custalyze_transaction_types::{
    Basket, Baskets, CalibrationHoldout, CustomerSummary, DataError, Id, Measure, Period,
    PeriodUnit, SummaryOptions, SummaryTable, TimeSeries, Transaction, TransactionLog,
    TransactionLogBuilder, summarize,
};

#[cfg(feature = "datagen")]
#[cfg_attr(docsrs, doc(cfg(feature = "datagen")))]
pub use custalyze_datagen as datagen;

/// CLV models (feature `cltv`): BG/NBD, MBG/NBD, Pareto/NBD, BG/BB, Gamma-Gamma and CLV.
#[cfg(feature = "cltv")]
#[cfg_attr(docsrs, doc(cfg(feature = "cltv")))]
pub use custalyze_cltv_core as cltv;

/// RFM scores, segment maps and migrations (feature `rfm`).
#[cfg(feature = "rfm")]
#[cfg_attr(docsrs, doc(cfg(feature = "rfm")))]
pub use custalyze_rfm as rfm;

/// ABC and XYZ classification (feature `abc`).
#[cfg(feature = "abc")]
#[cfg_attr(docsrs, doc(cfg(feature = "abc")))]
pub use custalyze_abc as abc;

/// Acquisition cohorts and retention (feature `cohort`).
#[cfg(feature = "cohort")]
#[cfg_attr(docsrs, doc(cfg(feature = "cohort")))]
pub use custalyze_cohort as cohort;

/// FP-Growth frequent itemsets, association rules and cross-sell recommendations (feature
/// `assoc-rules`).
#[cfg(feature = "assoc-rules")]
#[cfg_attr(docsrs, doc(cfg(feature = "assoc-rules")))]
pub use custalyze_assoc_rules as assoc_rules;
/// Churn scoring with trees and forests (feature `churn`).
#[cfg(feature = "churn")]
#[cfg_attr(docsrs, doc(cfg(feature = "churn")))]
pub use custalyze_churn as churn;

/// Forecasting (feature `forecast`): ARIMA with exact likelihood, auto-ARIMA, baselines,
/// backtesting, multi-step strategies over ridge and LSTM learners (the LSTM needs
/// `forecast-lstm`).
#[cfg(feature = "forecast")]
#[cfg_attr(docsrs, doc(cfg(feature = "forecast")))]
pub use custalyze_forecast as forecast;
/// Product recommendations (feature `recommend`).
#[cfg(feature = "recommend")]
#[cfg_attr(docsrs, doc(cfg(feature = "recommend")))]
pub use custalyze_recommend as recommend;
/// Customer segmentation (feature `segment`): features, K-Means, hierarchical clustering in
/// SciPy's convention, dendrogram SVG, segment profiles.
#[cfg(feature = "segment")]
#[cfg_attr(docsrs, doc(cfg(feature = "segment")))]
pub use custalyze_segment as segment;

/// Price elasticity, optimal prices within bounds and promotion effects (feature `pricing`).
#[cfg(feature = "pricing")]
#[cfg_attr(docsrs, doc(cfg(feature = "pricing")))]
pub use custalyze_pricing as pricing;

/// Demand forecasts and stock policies: safety stock, reorder points, EOQ, order now (feature
/// `inventory`).
#[cfg(feature = "inventory")]
#[cfg_attr(docsrs, doc(cfg(feature = "inventory")))]
pub use custalyze_inventory as inventory;

/// Order and customer risk scores: isolation forest, robust per-feature rules, bands and reasons
/// (feature `anomaly`).
#[cfg(feature = "anomaly")]
#[cfg_attr(docsrs, doc(cfg(feature = "anomaly")))]
pub use custalyze_anomaly as anomaly;

/// Marketing attribution: journeys, heuristic models, exact Markov removal effects, Shapley
/// values, ROI and budget reallocation (feature `attribution`).
#[cfg(feature = "attribution")]
#[cfg_attr(docsrs, doc(cfg(feature = "attribution")))]
pub use custalyze_attribution as attribution;

/// The whole analysis of a log as a typed library (feature `analysis`): summaries, CLV with
/// purchase probabilities, holdout check, RFM, ABC-XYZ, cohorts, bundles, backtested forecast,
/// segments, churn, the engagement playbook, pricing and stock, each stage `Ok` or a typed
/// error.
#[cfg(feature = "analysis")]
#[cfg_attr(docsrs, doc(cfg(feature = "analysis")))]
pub use custalyze_analysis as analysis;

#[cfg(test)]
mod tests {
    /// The re-exported data types can cross threads (the analysis crates fit in parallel).
    #[test]
    fn autotraits() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<crate::TransactionLog>();
        send_sync::<crate::SummaryTable>();
        send_sync::<crate::LoadReport>();
        send_sync::<crate::DataError>();
    }
}
