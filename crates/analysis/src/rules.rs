//! The bundles stage: FP-Growth on the order baskets, association rules, and one row per bundle
//! (the set of products bought together) with the strongest rule inside it.
//!
//! Thresholds are chosen automatically: itemsets of at most [`MAX_LEN`] products, rules with
//! confidence >= [`MIN_CONFIDENCE`]; the support starts at [`START_SUPPORT`] and halves until
//! at least [`TARGET_BUNDLES`] bundles appear or the threshold reaches [`MIN_COUNT`] baskets.

use std::collections::BTreeMap;

use custalyze_assoc_rules::{AssociationRules, FpGrowth, RuleSet, Transactions};
use custalyze_transaction_types::{Baskets, TransactionLog};

use crate::error::{Error, Result};

/// Longest itemset mined.
pub const MAX_LEN: usize = 3;
/// Smallest rule confidence.
pub const MIN_CONFIDENCE: f64 = 0.3;
/// Support the search starts at.
pub const START_SUPPORT: f64 = 0.01;
/// The support is lowered no further than this many baskets.
pub const MIN_COUNT: u64 = 5;
/// The search stops lowering the support once this many bundles are found.
pub const TARGET_BUNDLES: usize = 10;

/// A set of products bought together, with the strongest rule among its splits.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Bundle {
    /// The products (catalogue indices, ascending).
    pub items: Vec<u32>,
    /// Share of baskets holding all of them.
    pub support: f64,
    /// Baskets holding all of them.
    pub baskets: u64,
    /// Antecedents of the strongest rule (highest confidence, then lift).
    pub antecedents: Vec<u32>,
    /// Consequents of the strongest rule.
    pub consequents: Vec<u32>,
    /// Its confidence.
    pub confidence: f64,
    /// Its lift.
    pub lift: f64,
    /// Rules (splits of the bundle) that passed the confidence threshold.
    pub rules: usize,
}

/// The bundles stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BundleAnalysis {
    /// Bundles by lift descending, then support.
    pub bundles: Vec<Bundle>,
    /// Rules in all bundles.
    pub rules: usize,
    /// Baskets (orders) mined.
    pub baskets: usize,
    /// The support threshold used, as a share of baskets.
    pub min_support: f64,
    /// The same threshold in baskets.
    pub min_count: u64,
}

/// Mines the bundles of `log`'s order baskets.
///
/// # Errors
/// [`Error::NoProducts`] for a log without items; [`Error::NotEnoughData`] without baskets;
/// errors of FP-Growth.
pub fn bundles(log: &TransactionLog) -> Result<BundleAnalysis> {
    if !log.has_items() {
        return Err(Error::NoProducts);
    }
    let baskets = Baskets::from_log(log)?;
    let tx = Transactions::from_baskets(&baskets);
    let n = tx.len() as u64;
    if n == 0 {
        return Err(Error::NotEnoughData("the log holds no basket".into()));
    }
    let mut count = (START_SUPPORT * n as f64).ceil() as u64;
    loop {
        let last = count <= MIN_COUNT;
        let used = count.max(MIN_COUNT).min(n);
        let itemsets = FpGrowth::params()
            .min_count(used)
            .max_len(MAX_LEN)
            .fit(&tx)?;
        let set = AssociationRules::params()
            .min_confidence(MIN_CONFIDENCE)
            .fit(&itemsets)?;
        let found = group(&set, log)?;
        if found.len() >= TARGET_BUNDLES || last {
            return Ok(BundleAnalysis {
                rules: found.iter().map(|b| b.rules).sum(),
                bundles: found,
                baskets: baskets.len(),
                min_support: used as f64 / n as f64,
                min_count: used,
            });
        }
        count /= 2;
    }
}

/// Groups rules by their itemset; item names of the rule set are mapped to catalogue indices.
fn group(set: &RuleSet, log: &TransactionLog) -> Result<Vec<Bundle>> {
    let catalogue: std::collections::HashMap<String, u32> = log
        .item_ids()
        .iter()
        .enumerate()
        .map(|(k, id)| (id.to_string(), k as u32))
        .collect();
    let to_items = |ix: &[u32]| -> Result<Vec<u32>> {
        let mut v = set
            .names(ix)
            .iter()
            .map(|name| catalogue.get(*name).copied().ok_or(Error::NoProducts))
            .collect::<Result<Vec<u32>>>()?;
        v.sort_unstable();
        Ok(v)
    };
    let mut by_set: BTreeMap<Vec<u32>, Bundle> = BTreeMap::new();
    for r in &set.rules {
        let antecedents = to_items(&r.antecedents)?;
        let consequents = to_items(&r.consequents)?;
        let mut items: Vec<u32> = antecedents.iter().chain(&consequents).copied().collect();
        items.sort_unstable();
        let m = &r.metrics;
        let candidate = Bundle {
            items: items.clone(),
            support: m.support,
            baskets: r.count,
            antecedents,
            consequents,
            confidence: m.confidence,
            lift: m.lift,
            rules: 1,
        };
        match by_set.get_mut(&items) {
            None => {
                by_set.insert(items, candidate);
            }
            Some(b) => {
                b.rules += 1;
                let better = candidate
                    .confidence
                    .total_cmp(&b.confidence)
                    .then(candidate.lift.total_cmp(&b.lift))
                    .then(b.antecedents.cmp(&candidate.antecedents))
                    .is_gt();
                if better {
                    let rules = b.rules;
                    *b = Bundle { rules, ..candidate };
                }
            }
        }
    }
    let mut v: Vec<Bundle> = by_set.into_values().collect();
    v.sort_by(|p, q| {
        q.lift
            .total_cmp(&p.lift)
            .then(q.support.total_cmp(&p.support))
            .then(p.items.cmp(&q.items))
    });
    Ok(v)
}
