//! A hybrid recommender chosen by RFM segment, and a bundle of every model fitted on one log.
//!
//! Segments come from the RFM quintile scores of `custalyze-rfm` (frequency = distinct orders):
//! - [`CustomerSegment::LoyalHighValue`]: `F ≥ 4` and `M ≥ 4`;
//! - [`CustomerSegment::NewOrLowEngagement`]: one order, or `F ≤ 2`;
//! - [`CustomerSegment::Moderate`]: everyone else.
//!
//! Per segment the hybrid blends two models, each score vector divided by its largest value over
//! the candidate items (so both lie in `[0, 1]`), with equal weights:
//! new / low engagement = best sellers + content; loyal high value = item CF + content;
//! moderate = rules + item CF. A model that is missing (no descriptions, no rules) is left out,
//! and `10⁻³ x` normalised popularity is added to every blend so ties and customers the models
//! know nothing about fall back to best sellers. Already-bought items are never recommended.

use std::collections::HashMap;

use chrono::Days;
use custalyze_rfm::{FrequencyRule, Rfm};
use custalyze_transaction_types::{Baskets, Id, TransactionLog};

use crate::content::ContentModel;
use crate::error::{Error, Result};
use crate::interactions::Interactions;
use crate::item_cf::{FittedItemCf, ItemCf, ItemCfParams};
use crate::popularity::Popularity;
use crate::recommender::{Recommendation, Recommender, check_history, top_k};
use crate::rules::RuleBased;
#[cfg(not(feature = "assoc-rules"))]
use crate::rules::pair_rules;

/// The customer segments the hybrid distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CustomerSegment {
    /// One order, or frequency score ≤ 2.
    NewOrLowEngagement,
    /// Frequency and monetary scores ≥ 4.
    LoyalHighValue,
    /// The rest.
    Moderate,
}

impl CustomerSegment {
    /// The segment of RFM scores (1..=5) and the number of orders.
    pub fn from_scores(orders: u64, f_score: u8, m_score: u8) -> Self {
        if f_score >= 4 && m_score >= 4 {
            Self::LoyalHighValue
        } else if orders <= 1 || f_score <= 2 {
            Self::NewOrLowEngagement
        } else {
            Self::Moderate
        }
    }

    /// `"new_or_low_engagement"`, `"loyal_high_value"` or `"moderate"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewOrLowEngagement => "new_or_low_engagement",
            Self::LoyalHighValue => "loyal_high_value",
            Self::Moderate => "moderate",
        }
    }
}

/// The segment of every customer of `log`, from RFM scores the day after its last transaction.
///
/// # Errors
/// [`Error::Empty`] for an empty log; RFM errors.
pub fn segments(log: &TransactionLog) -> Result<HashMap<Id, CustomerSegment>> {
    let last = log
        .last_date()
        .ok_or_else(|| Error::Empty("the log has no transaction".into()))?;
    let as_of = last.checked_add_days(Days::new(1)).unwrap_or(last);
    let table = Rfm::params(as_of)
        .frequency_rule(FrequencyRule::Orders)
        .fit(log)?;
    Ok(table
        .rows
        .iter()
        .map(|r| {
            (
                r.customer.clone(),
                CustomerSegment::from_scores(r.frequency, r.f_score, r.m_score),
            )
        })
        .collect())
}

/// Which model answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Method {
    /// The segment hybrid.
    Hybrid,
    /// Item-based CF.
    Cf,
    /// TF-IDF content.
    Content,
    /// Association rules.
    Rules,
    /// Best sellers.
    Popularity,
}

/// Options of [`Recommenders::fit`]: CF parameters, and the thresholds of the rule miner run on
/// the baskets (FP-Growth with the `assoc-rules` feature, else the built-in pair-rule miner;
/// defaults: support 0.001, confidence 0.1).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct RecommendOptions {
    /// Item CF parameters.
    pub cf: ItemCfParams,
    /// Minimum support of mined pair rules.
    pub min_support: f64,
    /// Minimum confidence of mined pair rules.
    pub min_confidence: f64,
}

impl Default for RecommendOptions {
    fn default() -> Self {
        Self {
            cf: ItemCf::params(),
            min_support: 0.001,
            min_confidence: 0.1,
        }
    }
}

/// Every model, fitted on one set of interactions, and the segment hybrid over them.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recommenders {
    /// Item CF.
    pub cf: FittedItemCf,
    /// TF-IDF content (`None` when there are no descriptions).
    pub content: Option<ContentModel>,
    /// Rules (`None` when none is given or mined).
    pub rules: Option<RuleBased>,
    /// Best sellers.
    pub popularity: Popularity,
}

fn normalised(model: &dyn Recommender, history: &[u32], n: usize) -> Vec<f64> {
    let mut s = vec![0.0; n];
    model.score_into(history, &mut s);
    for &i in history {
        s[i as usize] = 0.0;
    }
    let max = s.iter().copied().fold(0.0f64, f64::max);
    if max > 0.0 {
        s.iter_mut().for_each(|x| *x /= max);
    }
    s
}

impl Recommenders {
    /// Fits CF and popularity on `data`, content on `descriptions` (per item; skipped when none
    /// holds a word) and takes `rules` as given.
    ///
    /// # Errors
    /// CF parameter errors; [`Error::InvalidParameter`] when `descriptions` is not one per item.
    pub fn from_parts(
        data: &Interactions,
        descriptions: &[Option<&str>],
        rules: Option<RuleBased>,
        cf: ItemCfParams,
    ) -> Result<Self> {
        if descriptions.len() != data.n_items {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "descriptions",
                    descriptions.len(),
                    "need one description (or None) per item",
                ),
            ));
        }
        Ok(Self {
            cf: cf.fit(data)?,
            content: ContentModel::fit(descriptions).ok(),
            rules: rules.filter(|r| !r.is_empty()),
            popularity: Popularity::fit(data)?,
        })
    }

    /// Fits everything on a log: interactions of its baskets, descriptions from the log, rules
    /// mined from its baskets: FP-Growth rules ([`crate::rules::fp_growth_rules`], itemsets up to
    /// 3 items) with the `assoc-rules` feature, single-antecedent
    /// [`pair_rules`](crate::rules::pair_rules) without it.
    ///
    /// # Errors
    /// [`Error::Data`] for a log without items; as [`Recommenders::from_parts`].
    pub fn fit(
        baskets: &Baskets,
        log: &TransactionLog,
        options: &RecommendOptions,
    ) -> Result<Self> {
        let data = Interactions::from_baskets(baskets)?;
        let descriptions: Vec<Option<&str>> = (0..baskets.item_ids.len())
            .map(|i| log.item_description(i as u32))
            .collect();
        #[cfg(feature = "assoc-rules")]
        let rules =
            crate::rules::fp_growth_rules(baskets, options.min_support, options.min_confidence)?;
        #[cfg(not(feature = "assoc-rules"))]
        let rules = {
            let sets: Vec<Vec<u32>> = baskets.baskets.iter().map(|b| b.items.clone()).collect();
            pair_rules(
                &sets,
                &baskets.item_ids,
                options.min_support,
                options.min_confidence,
            )?
        };
        let rules = RuleBased::new(&rules, &baskets.item_ids)?;
        Self::from_parts(&data, &descriptions, Some(rules), options.cf)
    }

    /// Catalogue size.
    pub fn n_items(&self) -> usize {
        self.popularity.buyers.len()
    }

    /// Top `k` for a history with one method (`segment` is used by [`Method::Hybrid`] only).
    /// A single method returns fewer than `k` items when it scores fewer; the hybrid always fills
    /// up from best sellers.
    ///
    /// # Errors
    /// As [`Recommender::recommend`].
    pub fn recommend(
        &self,
        method: Method,
        history: &[u32],
        segment: CustomerSegment,
        k: usize,
    ) -> Result<Vec<Recommendation>> {
        let n = self.n_items();
        check_history(history, n, k)?;
        let empty = |_: ()| Ok(Vec::new());
        match method {
            Method::Cf => self.cf.recommend(history, k),
            Method::Popularity => self.popularity.recommend(history, k),
            Method::Content => self
                .content
                .as_ref()
                .map_or_else(|| empty(()), |m| m.recommend(history, k)),
            Method::Rules => self
                .rules
                .as_ref()
                .map_or_else(|| empty(()), |m| m.recommend(history, k)),
            Method::Hybrid => {
                let content = self.content.as_ref().map(|m| m as &dyn Recommender);
                let rules = self.rules.as_ref().map(|m| m as &dyn Recommender);
                let parts: [Option<&dyn Recommender>; 2] = match segment {
                    CustomerSegment::NewOrLowEngagement => [Some(&self.popularity), content],
                    CustomerSegment::LoyalHighValue => [Some(&self.cf), content],
                    CustomerSegment::Moderate => [rules, Some(&self.cf)],
                };
                let mut total = normalised(&self.popularity, history, n);
                total.iter_mut().for_each(|x| *x *= 1e-3);
                for m in parts.into_iter().flatten() {
                    for (t, s) in total.iter_mut().zip(normalised(m, history, n)) {
                        *t += 0.5 * s;
                    }
                }
                Ok(top_k(&total, history, k))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_follow_the_scores() {
        assert_eq!(
            CustomerSegment::from_scores(9, 5, 4),
            CustomerSegment::LoyalHighValue
        );
        assert_eq!(
            CustomerSegment::from_scores(1, 3, 5),
            CustomerSegment::NewOrLowEngagement
        );
        assert_eq!(
            CustomerSegment::from_scores(4, 2, 5),
            CustomerSegment::NewOrLowEngagement
        );
        assert_eq!(
            CustomerSegment::from_scores(4, 3, 3),
            CustomerSegment::Moderate
        );
        assert_eq!(
            CustomerSegment::from_scores(4, 4, 3),
            CustomerSegment::Moderate
        );
    }
}
