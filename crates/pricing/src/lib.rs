#![doc = include_str!("../README.md")]
//!
//! # Modules
//! - [`panel`]: weekly units, revenue and prices per product; promotion weeks found from prices.
//! - [`regression`]: the log-log design (price, promotion, post-promotion, piecewise trend,
//!   seasonality) and its OLS fit.
//! - [`pooling`]: empirical-Bayes shrinkage within categories.
//! - [`optimise`]: revenue- or margin-optimal prices within bounds.
//! - [`promotion`]: promotion lift and post-promotion dip.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod error;
mod model;
pub mod optimise;
pub mod panel;
pub mod pooling;
pub mod promotion;
pub mod regression;

pub use error::{Error, Result};
pub use model::{
    CSV_COLUMNS, Estimate, EstimateStatus, FittedPricing, ItemAttributes, ItemTable, Pricing,
    PricingParams, ProductPricing, ValidPricingParams,
};
pub use optimise::{Change, Objective, PriceRecommendation, optimal_price};
pub use pooling::CategoryPrior;
pub use promotion::{PromotionEffect, PromotionSummary};
pub use regression::{Design, DesignSettings, OlsFit};
