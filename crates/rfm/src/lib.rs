#![doc = include_str!("../README.md")]
//!
//! ## What is here
//! - [`RfmParams::fit`]: recency (days to the as-of date), frequency ([`FrequencyRule`]) and
//!   monetary value of every customer with a transaction before the as-of date, with scores.
//! - [`score`]: the scoring rules, bit-for-bit pandas: `qcut(rank(method="first"))`
//!   ([`Scoring::RankFirst`], the default) and `qcut` on raw values ([`Scoring::RawQuantiles`]).
//! - [`SegmentMap`]: the reference 10-segment R-F map ([`SegmentMap::reference`]), the R `rfm`
//!   package map ([`SegmentMap::rfm_package`]) and your own rules.
//! - Retrospective analysis: any past as-of date, [`RfmTable::segment_sizes`],
//!   [`RfmTable::segment_summaries`] and [`MigrationMatrix`].
//!
//! ## Features
//! - `serde` (default): `Serialize`/`Deserialize` on the result and option types.

pub mod analysis;
pub mod error;
pub mod score;
pub mod segment;
pub mod table;

pub use analysis::{MigrationMatrix, SegmentSummary};
pub use error::{Error, Result};
pub use score::Direction;
pub use segment::{ScoreRange, SegmentMap, SegmentRule};
pub use table::{CustomerRfm, FrequencyRule, Rfm, RfmParams, RfmTable, Scoring, ValidRfmParams};
