//! Rule-based recommendations from association rules `A ⇒ C` (Agrawal, Imieliński & Swami 1993).
//!
//! [`AssociationRule`] is a plain input type so rules from any miner can be used (the workspace's
//! `custalyze-assoc-rules` crate, mlxtend exports, ...). For a customer who bought `H`, every rule
//! with `A ⊆ H` recommends the items of `C` not in `H`; an item's score is the largest confidence
//! among the rules recommending it, plus `10⁻⁶ · lift` to order equal confidences by lift.
//!
//! [`pair_rules`] mines single-antecedent rules `{a} ⇒ {c}` from co-occurrence counts: a small
//! built-in stand-in for a full frequent-itemset miner. With the `assoc-rules` feature (default
//! on), `from_rule_set` converts the rules of `custalyze-assoc-rules` (FP-Growth) and
//! `fp_growth_rules` mines them from baskets; [`crate::Recommenders::fit`] then uses those.

use std::collections::HashMap;

use custalyze_transaction_types::Id;

use crate::error::{Error, Result};
use crate::interactions::item_names;
use crate::recommender::Recommender;

/// An association rule over item ids written as text (as `Id`'s `Display`).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AssociationRule {
    /// Items of the left-hand side.
    pub antecedents: Vec<String>,
    /// Items of the right-hand side.
    pub consequents: Vec<String>,
    /// `P(C | A)`.
    pub confidence: f64,
    /// `P(C | A) / P(C)`.
    pub lift: f64,
    /// `P(A ∪ C)`.
    pub support: f64,
}

/// Rules mapped onto a catalogue.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleBased {
    n_items: usize,
    /// `(antecedent items, consequent items, score)` of each usable rule.
    rules: Vec<(Vec<u32>, Vec<u32>, f64)>,
    /// Rules dropped because they name an item outside the catalogue.
    pub skipped_rules: usize,
}

impl RuleBased {
    /// Maps `rules` onto the catalogue `item_ids` (rules naming an unknown item are skipped and
    /// counted, rules with an empty side too).
    ///
    /// # Errors
    /// [`Error::InvalidRule`] for a confidence outside `[0, 1]` or a non-finite or negative lift
    /// or support.
    pub fn new(rules: &[AssociationRule], item_ids: &[Id]) -> Result<Self> {
        let index: HashMap<String, u32> = item_names(item_ids)
            .into_iter()
            .enumerate()
            .map(|(i, s)| (s, i as u32))
            .collect();
        let mut out = Vec::new();
        let mut skipped = 0;
        for (k, r) in rules.iter().enumerate() {
            if !(r.confidence.is_finite() && (0.0..=1.0).contains(&r.confidence)) {
                return Err(Error::InvalidRule {
                    index: k,
                    reason: format!("confidence {} is outside [0, 1]", r.confidence),
                });
            }
            if !(r.lift.is_finite() && r.lift >= 0.0 && r.support.is_finite() && r.support >= 0.0) {
                return Err(Error::InvalidRule {
                    index: k,
                    reason: format!(
                        "lift {} and support {} must be finite and >= 0",
                        r.lift, r.support
                    ),
                });
            }
            let map = |side: &[String]| -> Option<Vec<u32>> {
                side.iter().map(|s| index.get(s).copied()).collect()
            };
            match (map(&r.antecedents), map(&r.consequents)) {
                (Some(a), Some(c)) if !a.is_empty() && !c.is_empty() => {
                    out.push((a, c, r.confidence + 1e-6 * r.lift));
                }
                _ => skipped += 1,
            }
        }
        Ok(Self {
            n_items: item_ids.len(),
            rules: out,
            skipped_rules: skipped,
        })
    }

    /// Number of usable rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// `true` when no rule is usable.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl Recommender for RuleBased {
    fn n_items(&self) -> usize {
        self.n_items
    }

    fn score_into(&self, history: &[u32], scores: &mut [f64]) {
        let mut has = vec![false; self.n_items];
        for &i in history {
            if let Some(h) = has.get_mut(i as usize) {
                *h = true;
            }
        }
        let mut best = vec![0.0f64; self.n_items];
        for (a, c, s) in &self.rules {
            if a.iter().all(|&i| has[i as usize]) {
                for &i in c {
                    best[i as usize] = best[i as usize].max(*s);
                }
            }
        }
        for (x, b) in scores.iter_mut().zip(best) {
            *x += b;
        }
    }
}

/// Single-antecedent rules `{a} ⇒ {c}` from item sets (baskets, or customers' purchase sets):
/// `support = n_ac / n`, `confidence = n_ac / n_a`, `lift = confidence / (n_c / n)`, kept when
/// `support ≥ min_support` and `confidence ≥ min_confidence`; sorted by confidence, then lift.
///
/// # Errors
/// [`Error::Empty`] for no sets; [`Error::InvalidParameter`] for thresholds outside `[0, 1]`.
pub fn pair_rules(
    sets: &[Vec<u32>],
    item_ids: &[Id],
    min_support: f64,
    min_confidence: f64,
) -> Result<Vec<AssociationRule>> {
    for (name, v) in [
        ("min_support", min_support),
        ("min_confidence", min_confidence),
    ] {
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(name, v, "must be in [0, 1]"),
            ));
        }
    }
    if sets.is_empty() {
        return Err(Error::Empty("no item set to mine rules from".into()));
    }
    let n = sets.len() as f64;
    let mut single: HashMap<u32, f64> = HashMap::new();
    let mut pair: HashMap<(u32, u32), f64> = HashMap::new();
    for s in sets {
        let mut s = s.clone();
        s.sort_unstable();
        s.dedup();
        for (k, &a) in s.iter().enumerate() {
            *single.entry(a).or_insert(0.0) += 1.0;
            for &c in &s[k + 1..] {
                *pair.entry((a, c)).or_insert(0.0) += 1.0;
            }
        }
    }
    let names = item_names(item_ids);
    let name = |i: u32| {
        names
            .get(i as usize)
            .cloned()
            .unwrap_or_else(|| i.to_string())
    };
    let mut rules = Vec::new();
    for (&(a, c), &n_ac) in &pair {
        if n_ac / n < min_support {
            continue;
        }
        for (x, y) in [(a, c), (c, a)] {
            let conf = n_ac / single[&x];
            if conf >= min_confidence {
                rules.push(AssociationRule {
                    antecedents: vec![name(x)],
                    consequents: vec![name(y)],
                    confidence: conf,
                    lift: conf / (single[&y] / n),
                    support: n_ac / n,
                });
            }
        }
    }
    rules.sort_by(|p, q| {
        q.confidence
            .total_cmp(&p.confidence)
            .then(q.lift.total_cmp(&p.lift))
            .then(p.antecedents.cmp(&q.antecedents))
            .then(p.consequents.cmp(&q.consequents))
    });
    Ok(rules)
}

/// Longest itemset (antecedent plus consequent) [`fp_growth_rules`] mines.
#[cfg(feature = "assoc-rules")]
#[cfg_attr(docsrs, doc(cfg(feature = "assoc-rules")))]
pub const FP_GROWTH_MAX_LEN: usize = 3;

#[cfg(feature = "assoc-rules")]
#[cfg_attr(docsrs, doc(cfg(feature = "assoc-rules")))]
impl AssociationRule {
    /// Converts one rule of `custalyze-assoc-rules`, mapping its interned item indices back to
    /// names with `items` (the `items` table of its `RuleSet` / `FrequentItemsets`).
    ///
    /// # Errors
    /// [`Error::InvalidRule`] (with `index` 0) when an item index is outside `items`.
    pub fn from_assoc_rule(rule: &custalyze_assoc_rules::Rule, items: &[String]) -> Result<Self> {
        let names = |side: &[u32]| -> Result<Vec<String>> {
            side.iter()
                .map(|&i| {
                    items
                        .get(i as usize)
                        .cloned()
                        .ok_or_else(|| Error::InvalidRule {
                            index: 0,
                            reason: format!(
                                "item index {i} is outside the item table of {} names",
                                items.len()
                            ),
                        })
                })
                .collect()
        };
        Ok(Self {
            antecedents: names(&rule.antecedents)?,
            consequents: names(&rule.consequents)?,
            confidence: rule.metrics.confidence,
            lift: rule.metrics.lift,
            support: rule.metrics.support,
        })
    }
}

/// Converts every rule of a `custalyze-assoc-rules` [`RuleSet`](custalyze_assoc_rules::RuleSet)
/// (in its order), item indices mapped to names with the set's `items` table.
///
/// # Errors
/// [`Error::InvalidRule`] (with the rule's position) when a rule names an index outside `items`.
///
/// # Examples
/// ```
/// use custalyze_assoc_rules::{AssociationRules, FpGrowth, Transactions};
/// use custalyze_recommend::rules::from_rule_set;
/// let tx = Transactions::from_item_lists([vec!["milk", "bread"], vec!["milk", "bread"], vec!["eggs"]])?;
/// let itemsets = FpGrowth::params().min_support(0.5).fit(&tx)?;
/// let set = AssociationRules::params().min_confidence(0.9).fit(&itemsets)?;
/// let rules = from_rule_set(&set)?;
/// assert_eq!(rules.len(), 2); // milk -> bread and bread -> milk
/// assert!(rules.iter().all(|r| r.confidence == 1.0 && r.antecedents.len() == 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "assoc-rules")]
#[cfg_attr(docsrs, doc(cfg(feature = "assoc-rules")))]
pub fn from_rule_set(set: &custalyze_assoc_rules::RuleSet) -> Result<Vec<AssociationRule>> {
    set.rules
        .iter()
        .enumerate()
        .map(|(k, r)| {
            AssociationRule::from_assoc_rule(r, &set.items).map_err(|e| match e {
                Error::InvalidRule { reason, .. } => Error::InvalidRule { index: k, reason },
                e => e,
            })
        })
        .collect()
}

/// FP-Growth rules on the baskets: itemsets of at most [`FP_GROWTH_MAX_LEN`] items with
/// `support >= min_support` (`custalyze-assoc-rules`' `FpGrowth`), rules with
/// `confidence >= min_confidence`, converted with [`from_rule_set`] (items named by their ids)
/// and sorted by confidence, then lift, like [`pair_rules`].
///
/// # Errors
/// [`Error::Empty`] for no baskets; [`Error::AssocRules`] for a support outside `(0, 1]` or a NaN
/// confidence.
#[cfg(feature = "assoc-rules")]
#[cfg_attr(docsrs, doc(cfg(feature = "assoc-rules")))]
pub fn fp_growth_rules(
    baskets: &custalyze_transaction_types::Baskets,
    min_support: f64,
    min_confidence: f64,
) -> Result<Vec<AssociationRule>> {
    use custalyze_assoc_rules::{AssociationRules, FpGrowth, Transactions};
    if baskets.baskets.is_empty() {
        return Err(Error::Empty("no basket to mine rules from".into()));
    }
    let tx = Transactions::from_baskets(baskets);
    let itemsets = FpGrowth::params()
        .min_support(min_support)
        .max_len(FP_GROWTH_MAX_LEN)
        .fit(&tx)?;
    let set = AssociationRules::params()
        .min_confidence(min_confidence)
        .fit(&itemsets)?;
    let mut rules = from_rule_set(&set)?;
    rules.sort_by(|p, q| {
        q.confidence
            .total_cmp(&p.confidence)
            .then(q.lift.total_cmp(&p.lift))
            .then(p.antecedents.cmp(&q.antecedents))
            .then(p.consequents.cmp(&q.consequents))
    });
    Ok(rules)
}
