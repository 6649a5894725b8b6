//! Cross-sell recommendations from a rule set ("frequently bought together").

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::rules::{Rule, RuleSet};

/// How candidate items are ranked.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Ranking {
    /// By the confidence `P(item | antecedents)` of the best fired rule.
    Confidence,
    /// By the lift of the best fired rule.
    Lift,
    /// `(1 - w)·confidence + w·lift/(1 + lift)`: confidence blended with lift mapped to `[0, 1)`
    /// (0.5 at independence), `w` in `[0, 1]`.
    Blend {
        /// The weight `w` of the lift term.
        lift_weight: f64,
    },
}

impl Ranking {
    /// The score of one rule under this ranking.
    pub fn score(self, rule: &Rule) -> f64 {
        let m = &rule.metrics;
        match self {
            Ranking::Confidence => m.confidence,
            Ranking::Lift => m.lift,
            Ranking::Blend { lift_weight: w } => {
                (1.0 - w) * m.confidence + w * (m.lift / (1.0 + m.lift))
            }
        }
    }
}

/// A recommended item and the rules that produced it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RuleRecommendation {
    /// The item index.
    pub item: u32,
    /// Its name.
    pub name: String,
    /// The best score among the fired rules recommending it.
    pub score: f64,
    /// Confidence of the best rule.
    pub confidence: f64,
    /// Lift of the best rule.
    pub lift: f64,
    /// Indices (into [`RuleSet::rules`]) of every fired rule whose consequent holds the item,
    /// best first.
    pub rules: Vec<usize>,
}

impl RuleSet {
    /// The top-`k` items not in `basket`, from the rules whose antecedent lies in the basket
    /// (fired rules), each item scored by its best fired rule under `ranking`; ties go to the
    /// lower item index.
    ///
    /// # Errors
    /// [`Error::UnknownItem`] for an index outside the item table;
    /// [`Error::InvalidBlendWeight`] for a blend weight outside `[0, 1]`.
    ///
    /// # Examples
    /// ```
    /// use custalyze_assoc_rules::{AssociationRules, FpGrowth, Ranking, Transactions};
    /// let tx = Transactions::from_item_lists([
    ///     vec!["pasta", "sauce", "cheese"], vec!["pasta", "sauce"], vec!["pasta", "cheese"],
    ///     vec!["sauce"], vec!["bread"],
    /// ])?;
    /// let itemsets = FpGrowth::params().min_count(2).fit(&tx)?;
    /// let rules = AssociationRules::params().min_confidence(0.5).fit(&itemsets)?;
    /// let recs = rules.recommend_names(&["pasta"], 2, Ranking::Confidence)?;
    /// assert_eq!(recs.len(), 2); // sauce and cheese, each with confidence 2/3
    /// assert!(recs.iter().all(|r| r.name != "pasta" && (r.confidence - 2.0 / 3.0).abs() < 1e-12));
    /// # Ok::<(), custalyze_assoc_rules::Error>(())
    /// ```
    pub fn recommend(
        &self,
        basket: &[u32],
        k: usize,
        ranking: Ranking,
    ) -> Result<Vec<RuleRecommendation>> {
        if let Ranking::Blend { lift_weight } = ranking
            && !(0.0..=1.0).contains(&lift_weight)
        {
            return Err(Error::InvalidBlendWeight { value: lift_weight });
        }
        let n_items = self.items.len();
        if let Some(&bad) = basket.iter().find(|&&i| i as usize >= n_items) {
            return Err(Error::UnknownItem {
                index: bad,
                n_items,
            });
        }
        let mut in_basket = vec![false; n_items];
        for &i in basket {
            in_basket[i as usize] = true;
        }
        let mut best: HashMap<u32, Vec<(f64, usize)>> = HashMap::new();
        for (r, rule) in self.rules.iter().enumerate() {
            if !rule.antecedents.iter().all(|&i| in_basket[i as usize]) {
                continue;
            }
            let s = ranking.score(rule);
            for &c in &rule.consequents {
                if !in_basket[c as usize] {
                    best.entry(c).or_default().push((s, r));
                }
            }
        }
        let mut recs: Vec<RuleRecommendation> = best
            .into_iter()
            .map(|(item, mut fired)| {
                fired.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                let (score, top) = fired[0];
                let m = &self.rules[top].metrics;
                RuleRecommendation {
                    item,
                    name: self.items[item as usize].clone(),
                    score,
                    confidence: m.confidence,
                    lift: m.lift,
                    rules: fired.into_iter().map(|(_, r)| r).collect(),
                }
            })
            .collect();
        recs.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.item.cmp(&b.item)));
        recs.truncate(k);
        Ok(recs)
    }

    /// [`RuleSet::recommend`] for a basket of item names. Names the rules do not know are
    /// ignored: an item never seen in the mined transactions cannot fire a rule.
    ///
    /// # Errors
    /// [`Error::InvalidBlendWeight`].
    pub fn recommend_names<S: AsRef<str>>(
        &self,
        basket: &[S],
        k: usize,
        ranking: Ranking,
    ) -> Result<Vec<RuleRecommendation>> {
        let index: HashMap<&str, u32> = self
            .items
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i as u32))
            .collect();
        let ids: Vec<u32> = basket
            .iter()
            .filter_map(|n| index.get(n.as_ref()).copied())
            .collect();
        self.recommend(&ids, k, ranking)
    }
}
