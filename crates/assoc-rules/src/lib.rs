#![doc = include_str!("../README.md")]
//!
//! ## What is here
//! - [`Transactions`]: sparse baskets with interned `u32` items, from a basket file
//!   ([`Transactions::read_path`]), from a transaction log's [`Baskets`](custalyze_transaction_types::Baskets)
//!   ([`Transactions::from_baskets`]) or from lists of names.
//! - [`FpGrowth`]: parallel FP-Growth with a minimum support (fraction or count), a maximum
//!   length, and closed or maximal itemsets ([`ItemsetKind`]); the result is
//!   [`FrequentItemsets`] with exact counts.
//! - [`AssociationRules`]: every rule of the frequent itemsets that passes a threshold on any
//!   [`Metric`], with all of mlxtend's metrics ([`RuleMetrics`]), in a [`RuleSet`].
//! - [`RuleSet::recommend`]: the top-k cross-sell items for a basket, ranked by confidence,
//!   lift or a blend ([`Ranking`]), with the rules that fired.
//! - [`QuestGenerator`]: seeded synthetic baskets for benchmarks.
//!
//! See `docs/association-rules.md` in the repository for the algorithm and the metrics.
//!
//! ## Features
//! - `serde` (default): `Serialize`/`Deserialize` on the result and parameter types.

pub mod error;
pub mod fpgrowth;
pub mod itemsets;
pub mod recommend;
pub mod rules;
pub mod synthetic;
pub mod transactions;
mod tree;

pub use error::{Error, Result};
pub use fpgrowth::{FpGrowth, FpGrowthParams, ItemsetKind, MinSupport, ValidFpGrowthParams};
pub use itemsets::{FrequentItemsets, Itemset};
pub use recommend::{Ranking, RuleRecommendation};
pub use rules::{
    AssociationRules, Metric, Rule, RuleMetrics, RuleParams, RuleSet, ValidRuleParams,
};
pub use synthetic::QuestGenerator;
pub use transactions::{Transactions, TransactionsBuilder};

#[cfg(test)]
mod tests {
    /// The public types can cross threads.
    #[test]
    fn autotraits() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<crate::Transactions>();
        send_sync::<crate::FrequentItemsets>();
        send_sync::<crate::RuleSet>();
        send_sync::<crate::Error>();
        send_sync::<crate::FpGrowthParams>();
    }
}
