//! The playbook stage: customers in three engagement tiers (the recommend crate's
//! [`CustomerSegment`], from the RFM scores), each with its profile, a one-line strategy and the
//! products to put in front of it; and per customer the products bought most and recommended.
//!
//! Tiers: loyal high value (`F >= 4` and `M >= 4`), new or low engagement (one order or
//! `F <= 2`), moderate (the rest). Recommendations come from custalyze-recommend's hybrid, which
//! blends per tier: best sellers + content (TF-IDF on descriptions) for new or low engagement,
//! item CF + content for loyal high value, association rules + item CF for moderate. A tier's
//! products are the items most often in its customers' top recommendations.

use std::collections::HashMap;

use custalyze_recommend::{CustomerSegment, Method, RecommendOptions, Recommenders};
use custalyze_transaction_types::{Baskets, TransactionLog};
use rayon::prelude::*;

use crate::error::Result;
use crate::facts::{CustomerFacts, customer_products};

/// Products listed per tier.
pub const TIER_PRODUCTS: usize = 10;
/// Products bought kept per customer.
pub const BOUGHT: usize = 5;

/// The display name of a tier, used on every page, card and file.
pub fn tier_name(tier: CustomerSegment) -> &'static str {
    match tier {
        CustomerSegment::LoyalHighValue => "Loyal high value",
        CustomerSegment::Moderate => "Moderate",
        CustomerSegment::NewOrLowEngagement => "New or low engagement",
    }
}

/// The tier's strategy in one line.
pub fn strategy(tier: CustomerSegment) -> &'static str {
    match tier {
        CustomerSegment::LoyalHighValue => {
            "Retain and reward: loyalty perks, early access and personal picks; protect them from churn first."
        }
        CustomerSegment::Moderate => {
            "Grow the basket: cross-sell bundles and complementary products to move them up a tier."
        }
        CustomerSegment::NewOrLowEngagement => {
            "Win the second order: welcome offers on best sellers and products like their first purchase."
        }
    }
}

/// The models behind a tier's recommendations.
pub fn method(tier: CustomerSegment) -> &'static str {
    match tier {
        CustomerSegment::LoyalHighValue => "item CF + content (TF-IDF)",
        CustomerSegment::Moderate => "association rules + item CF",
        CustomerSegment::NewOrLowEngagement => "best sellers + content (TF-IDF)",
    }
}

/// A product recommended to a tier.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TierProduct {
    /// Catalogue index.
    pub item: u32,
    /// Customers of the tier with it in their top recommendations.
    pub customers: usize,
}

/// One tier of the playbook.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TierPlay {
    /// The tier.
    pub tier: CustomerSegment,
    /// Customers.
    pub customers: usize,
    /// Share of customers.
    pub share: f64,
    /// Share of revenue.
    pub revenue_share: f64,
    /// Mean orders.
    pub mean_orders: f64,
    /// Mean revenue to date.
    pub mean_revenue: f64,
    /// Mean CLV (when computed).
    pub mean_clv: Option<f64>,
    /// Mean probability of a purchase in the horizon (when computed).
    pub mean_p_purchase: Option<f64>,
    /// Products to put in front of the tier (empty without products in the data).
    pub products: Vec<TierProduct>,
}

/// One customer's tier and products.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerPlay {
    /// Engagement tier.
    pub tier: CustomerSegment,
    /// Catalogue indices of the products bought, by revenue (at most [`BOUGHT`]).
    pub bought: Vec<u32>,
    /// Catalogue indices of the recommended products, best first.
    pub recommended: Vec<u32>,
}

/// The playbook stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Playbook {
    /// Tiers, loyal high value first (empty tiers left out).
    pub tiers: Vec<TierPlay>,
    /// One entry per customer (log order).
    pub customers: Vec<CustomerPlay>,
}

/// Per-customer inputs of the playbook (log order).
pub struct PlaybookInput<'a> {
    /// Facts from the log.
    pub facts: &'a [CustomerFacts],
    /// CLV per customer, when computed.
    pub clv: Option<&'a [f64]>,
    /// Purchase probability per customer, when computed.
    pub p_purchase: Option<&'a [f64]>,
}

/// Builds the playbook; `k` products are recommended per customer. Tiers come from
/// [`custalyze_recommend::segments`] (RFM scores with frequency = orders).
///
/// # Errors
/// Errors of the tiers (RFM) and of the recommenders (the log's baskets).
pub fn playbook(log: &TransactionLog, input: &PlaybookInput<'_>, k: usize) -> Result<Playbook> {
    let n = input.facts.len();
    // The recommend crate's own tiers (RFM scores with frequency = orders), so the report, the
    // card and `custalyze recommend` put every customer in the same tier.
    let by_id = custalyze_recommend::segments(log)?;
    let tiers: Vec<CustomerSegment> = input
        .facts
        .iter()
        .map(|f| {
            by_id
                .get(&f.customer)
                .copied()
                .unwrap_or(CustomerSegment::NewOrLowEngagement)
        })
        .collect();
    let mut customers: Vec<CustomerPlay> = tiers
        .iter()
        .map(|&tier| CustomerPlay {
            tier,
            bought: Vec::new(),
            recommended: Vec::new(),
        })
        .collect();
    if log.has_items() && n == log.customer_ids().len() {
        let baskets = Baskets::from_log(log)?;
        let models = Recommenders::fit(&baskets, log, &RecommendOptions::default())?;
        let items = log.items().unwrap_or(&[]);
        let found: Vec<Result<(Vec<u32>, Vec<u32>)>> = (0..n)
            .into_par_iter()
            .map(|c| {
                let mut history: Vec<u32> = log.customer_rows(c).map(|r| items[r]).collect();
                history.sort_unstable();
                history.dedup();
                let recs = models.recommend(Method::Hybrid, &history, tiers[c], k)?;
                let bought = customer_products(log, c)
                    .into_iter()
                    .take(BOUGHT)
                    .map(|p| p.item)
                    .collect();
                Ok((bought, recs.into_iter().map(|r| r.item).collect()))
            })
            .collect();
        for (c, r) in found.into_iter().enumerate() {
            let (bought, recommended) = r?;
            customers[c].bought = bought;
            customers[c].recommended = recommended;
        }
    }
    let total_revenue: f64 = input.facts.iter().map(|f| f.revenue).sum();
    let order = [
        CustomerSegment::LoyalHighValue,
        CustomerSegment::Moderate,
        CustomerSegment::NewOrLowEngagement,
    ];
    let plays = order
        .into_iter()
        .filter_map(|tier| {
            let members: Vec<usize> = (0..n).filter(|&i| tiers[i] == tier).collect();
            if members.is_empty() {
                return None;
            }
            let m = members.len() as f64;
            let mean_of =
                |v: Option<&[f64]>| v.map(|v| members.iter().map(|&i| v[i]).sum::<f64>() / m);
            let revenue: f64 = members.iter().map(|&i| input.facts[i].revenue).sum();
            let mut counts: HashMap<u32, usize> = HashMap::new();
            for &i in &members {
                for &item in &customers[i].recommended {
                    *counts.entry(item).or_default() += 1;
                }
            }
            let mut products: Vec<TierProduct> = counts
                .into_iter()
                .map(|(item, customers)| TierProduct { item, customers })
                .collect();
            products.sort_by(|a, b| b.customers.cmp(&a.customers).then(a.item.cmp(&b.item)));
            products.truncate(TIER_PRODUCTS);
            Some(TierPlay {
                tier,
                customers: members.len(),
                share: m / n.max(1) as f64,
                revenue_share: if total_revenue != 0.0 {
                    revenue / total_revenue
                } else {
                    0.0
                },
                mean_orders: members
                    .iter()
                    .map(|&i| input.facts[i].orders as f64)
                    .sum::<f64>()
                    / m,
                mean_revenue: revenue / m,
                mean_clv: mean_of(input.clv),
                mean_p_purchase: mean_of(input.p_purchase),
                products,
            })
        })
        .collect();
    Ok(Playbook {
        tiers: plays,
        customers,
    })
}
