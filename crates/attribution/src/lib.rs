#![doc = include_str!("../README.md")]
//!
//! # What is computed
//!
//! * [`Touchpoints::from_reader`] reads `customer_id,timestamp,channel[,cost][,converted,value]`,
//!   counting every row it leaves out by [`TouchExclusion`].
//! * [`Journeys::build`] cuts each customer's touches at conversions (the log's orders, or the
//!   file's own `converted` column) within a lookback window; [`JourneyReport`] counts
//!   conversions without a touch, touches outside the window, and the funnel (touched,
//!   converted, repeat).
//! * [`attribute`] credits conversions and value to channels under each [`Model`]: first
//!   touch, last touch, linear, time decay, position based, Markov removal effects
//!   ([`markov`](mod@markov), exact) and Shapley values; with costs, ROI and cost per acquisition.
//! * [`reallocate`] moves spend towards higher marginal returns within bounds.
//! * [`Attribution::params`] runs the models and the reallocation in the family's
//!   `params → check → fit` shape.

pub mod budget;
pub mod error;
pub mod fit;
pub mod journeys;
pub mod markov;
pub mod models;
pub mod touchpoints;

pub use budget::{BudgetLine, reallocate};
pub use error::{Error, Result};
pub use fit::{Attribution, AttributionParams, FittedAttribution, ValidAttributionParams};
pub use journeys::{Conversions, Journey, JourneyReport, Journeys, MAX_LOOKBACK_DAYS};
pub use markov::{MarkovAttribution, markov};
pub use models::{
    ChannelResult, MAX_SHAPLEY_CHANNELS, Model, RESULT_COLUMNS, attribute, credits, write_results,
};
pub use touchpoints::{MAX_CHANNELS, Touch, TouchExclusion, TouchpointReport, Touchpoints};
