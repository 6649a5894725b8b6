#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! ## What is here
//! - [`Interactions`]: the binary customer-item matrix (CSR) from baskets.
//! - [`ItemCf::params`] -> [`ItemCfParams`] -> [`FittedItemCf`]: item-based collaborative filtering, shrunk cosine, top-N
//!   neighbours per item, fitted in parallel.
//! - [`ContentModel`]: TF-IDF of product descriptions, cosine to the customer's profile.
//! - [`RuleBased`] over [`AssociationRule`]s (any miner's), and [`pair_rules`], a built-in
//!   single-antecedent miner; with the `assoc-rules` feature, `rules::from_rule_set` and
//!   `rules::fp_growth_rules` bring in FP-Growth rules from `custalyze-assoc-rules`.
//! - [`Popularity`]: best sellers, the baseline.
//! - [`Recommenders`] and [`Method::Hybrid`]: the model chosen by RFM segment
//!   ([`CustomerSegment`], [`segments`]).
//! - [`evaluation`]: leave-last-basket-out and basket-completion splits, HR@k, precision@k,
//!   recall@k, NDCG@k and coverage.
//!
//! Every model implements [`Recommender`], whose `recommend` never returns an item the customer
//! already bought.
//!
//! ## Features
//! - `serde` (default): `Serialize`/`Deserialize` on the fitted models and results.
//! - `assoc-rules` (default): conversion from `custalyze-assoc-rules`' `RuleSet`, and
//!   [`Recommenders::fit`] mines FP-Growth rules (itemsets up to 3 items) instead of pair rules.

pub mod content;
pub mod error;
pub mod evaluation;
pub mod hybrid;
pub mod interactions;
pub mod item_cf;
pub mod popularity;
pub mod recommender;
pub mod rules;

pub use content::ContentModel;
pub use error::{Error, Result};
pub use hybrid::{CustomerSegment, Method, RecommendOptions, Recommenders, segments};
pub use interactions::Interactions;
pub use item_cf::{FittedItemCf, ItemCf, ItemCfParams, ValidItemCfParams};
pub use popularity::Popularity;
pub use recommender::{Recommendation, Recommender};
pub use rules::{AssociationRule, RuleBased, pair_rules};
