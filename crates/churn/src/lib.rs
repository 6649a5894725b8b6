#![doc = include_str!("../README.md")]
//!
//! ## What is here
//! - [`features`]: [`ChurnFrame`], RFM, tenure, inter-purchase, spend-trend and BG/NBD features at
//!   a snapshot, and churn labels from the window after it.
//! - [`forest`]: [`Forest::params`] -> [`ForestParams`] -> `check()` -> [`ValidForestParams`] ->
//!   [`FittedForest`], a CART decision tree or a seeded, parallel random forest grown with linfa-trees, class weights, impurity-based feature importance.
//! - [`metrics`]: ROC AUC and average precision as scikit-learn, precision/recall at a
//!   threshold, lift by decile.
//! - [`study`]: [`run_study`], the out-of-time train/evaluate design with the `1 - P(alive)`
//!   baseline, risk bands and revenue at risk (CLV x churn probability).
//!
//! ## Features
//! - `serde` (default): `Serialize`/`Deserialize` on the fitted models and results.

pub mod error;
pub mod features;
pub mod forest;
pub mod metrics;
pub mod study;

pub use error::{Error, Result};
pub use features::{ChurnFrame, FEATURE_NAMES};
pub use forest::{ClassWeight, FittedForest, Forest, ForestParams, ValidForestParams};
pub use metrics::Evaluation;
pub use study::{ChurnOptions, ChurnStudy, CustomerScore, RiskBand, run_study, score_at};
