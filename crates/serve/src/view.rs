//! The JSON shapes of the API, built from the typed analysis.

use chrono::NaiveDate;
use custalyze_analysis::playbook::{method, strategy, tier_name};
use custalyze_analysis::{Analysis, CustomerView};
use serde::{Deserialize, Serialize};

/// A recommended product and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// The product id.
    pub item_id: String,
    /// Its description (empty when the log has none).
    pub description: String,
    /// Why it is recommended.
    pub reason: String,
}

/// One purchase of the customer's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Purchase {
    /// The day.
    pub date: NaiveDate,
    /// The order's value.
    pub value: f64,
}

/// A customer's card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerCard {
    /// The id as loaded.
    pub customer_id: String,
    /// First purchase.
    pub first_purchase: NaiveDate,
    /// Last purchase.
    pub last_purchase: NaiveDate,
    /// Orders.
    pub orders: u64,
    /// Revenue.
    pub revenue: f64,
    /// Discounted CLV over the horizon.
    pub clv: Option<f64>,
    /// Expected purchases in the horizon.
    pub expected_purchases: Option<f64>,
    /// Expected spend per purchase (Gamma-Gamma).
    pub expected_spend: Option<f64>,
    /// CLV tier (A highest).
    pub clv_tier: Option<String>,
    /// Probability of at least one purchase in the horizon.
    pub p_purchase: Option<f64>,
    /// Probability the customer is still active.
    pub p_alive: Option<f64>,
    /// RFM scores `[r, f, m]`.
    pub rfm_scores: Option<[u8; 3]>,
    /// RFM segment.
    pub rfm_segment: Option<String>,
    /// Behaviour cluster.
    pub cluster: Option<String>,
    /// Engagement tier.
    pub engagement: Option<String>,
    /// The tier's strategy.
    pub strategy: Option<String>,
    /// Churn probability.
    pub churn_probability: Option<f64>,
    /// Churn risk band (`high`, `medium`, `low`).
    pub churn_risk: Option<String>,
    /// Revenue at risk.
    pub revenue_at_risk: Option<f64>,
    /// Orders by date (empty when served from a saved analysis without the log).
    pub history: Vec<Purchase>,
    /// Recommended products.
    pub recommendations: Vec<Recommendation>,
}

/// A customer's line in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerLine {
    /// The id.
    pub customer_id: String,
    /// RFM segment.
    pub rfm_segment: Option<String>,
    /// CLV tier.
    pub clv_tier: Option<String>,
    /// CLV.
    pub clv: Option<f64>,
    /// P(alive).
    pub p_alive: Option<f64>,
    /// Churn risk band.
    pub churn_risk: Option<String>,
    /// Revenue.
    pub revenue: f64,
}

/// The recommendations of `c`, at most `k`.
pub fn recommendations(a: &Analysis, c: &CustomerView<'_>, k: usize) -> Vec<Recommendation> {
    let Some(play) = c.play else {
        return Vec::new();
    };
    let why = format!(
        "{} for the {} tier",
        method(play.tier),
        tier_name(play.tier).to_lowercase()
    );
    play.recommended
        .iter()
        .take(k)
        .filter_map(|&i| a.item(i))
        .map(|item| Recommendation {
            item_id: item.id.to_string(),
            description: item.description.clone(),
            reason: why.clone(),
        })
        .collect()
}

fn band(c: &CustomerView<'_>) -> Option<String> {
    c.churn.map(|s| format!("{:?}", s.risk_band).to_lowercase())
}

/// The card of `c`.
pub fn card(a: &Analysis, c: &CustomerView<'_>, history: Vec<Purchase>) -> CustomerCard {
    let f = c.facts;
    CustomerCard {
        customer_id: f.customer.to_string(),
        first_purchase: f.first_purchase,
        last_purchase: f.last_purchase,
        orders: f.orders,
        revenue: f.revenue,
        clv: c.value.and_then(|v| v.clv),
        expected_purchases: c.value.map(|v| v.expected_purchases),
        expected_spend: c.value.and_then(|v| v.expected_spend),
        clv_tier: c.value.and_then(|v| v.tier).map(|t| t.to_string()),
        p_purchase: c.value.map(|v| v.p_purchase),
        p_alive: c.value.map(|v| v.p_alive),
        rfm_scores: c.rfm.map(|r| [r.r_score, r.f_score, r.m_score]),
        rfm_segment: c.rfm_segment.map(str::to_string),
        cluster: c.cluster.map(str::to_string),
        engagement: c.play.map(|p| tier_name(p.tier).to_string()),
        strategy: c.play.map(|p| strategy(p.tier).to_string()),
        churn_probability: c.churn.map(|s| s.churn_probability),
        churn_risk: band(c),
        revenue_at_risk: c.churn.map(|s| s.revenue_at_risk),
        history,
        recommendations: recommendations(a, c, 10),
    }
}

/// The list line of `c`.
pub fn line(c: &CustomerView<'_>) -> CustomerLine {
    CustomerLine {
        customer_id: c.facts.customer.to_string(),
        rfm_segment: c.rfm_segment.map(str::to_string),
        clv_tier: c.value.and_then(|v| v.tier).map(|t| t.to_string()),
        clv: c.value.and_then(|v| v.clv),
        p_alive: c.value.map(|v| v.p_alive),
        churn_risk: band(c),
        revenue: c.facts.revenue,
    }
}
