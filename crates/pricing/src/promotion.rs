//! Promotion effectiveness from the demand regression.
//!
//! In a promotion week with price `p` and regular price `r`, demand against the baseline (the
//! same week at the regular price, no promotion) is `exp(ε ln(p/r) + γ)`: the price effect of the
//! discount times the promotion's own lift `exp(γ)` (display, features). The **lift** of a
//! product is the mean of `exp(ε ln(p/r) + γ) − 1` over its promotion weeks; the
//! **post-promotion change** is `exp(δ) − 1`, with `δ` the coefficient of the week after a
//! promotion (negative when customers stocked up). Intervals for `exp(γ) − 1` and `exp(δ) − 1`
//! map the coefficients' intervals.

use crate::model::{Estimate, ProductPricing};
use crate::panel::WeekSales;
use crate::regression::OlsFit;

/// The promotion effects of one product.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PromotionEffect {
    /// Promotion weeks.
    pub promo_weeks: usize,
    /// Mean discount off the regular price in those weeks.
    pub mean_discount: f64,
    /// Mean lift of demand over the baseline in promotion weeks (price effect and own lift).
    pub lift: f64,
    /// The promotion's own lift `exp(γ) − 1`, beyond the price effect, with its interval.
    pub own_lift: Option<Estimate>,
    /// Demand change in the week after a promotion, `exp(δ) − 1`, with its interval.
    pub post_promo_change: Option<Estimate>,
}

/// Promotion effects over all products with promotions and an estimate.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PromotionSummary {
    /// Products with at least one promotion week and an estimate.
    pub products: usize,
    /// Their promotion weeks.
    pub promo_weeks: usize,
    /// Lift averaged over promotion weeks (each product weighted by its promotion weeks).
    pub mean_lift: f64,
    /// Mean discount, likewise.
    pub mean_discount: f64,
    /// Post-promotion change averaged over products that have one.
    pub mean_post_promo_change: Option<f64>,
}

fn exp_estimate(fit: &OlsFit, j: usize, level: f64) -> Option<Estimate> {
    let b = *fit.coefficients.get(j)?;
    let se = *fit.std_errors.get(j)?;
    let (lo, hi) = fit.interval(j, level)?;
    Some(Estimate {
        value: b.exp() - 1.0,
        // Delta method: d exp(b) / db = exp(b).
        se: b.exp() * se,
        low: lo.exp() - 1.0,
        high: hi.exp() - 1.0,
    })
}

/// The effect of a product's promotions, `None` without promotion weeks.
pub(crate) fn promotion_effect(
    weeks: &[WeekSales],
    fit: &OlsFit,
    columns: &[String],
) -> Option<PromotionEffect> {
    let col = |name: &str| columns.iter().position(|c| c == name);
    let j_promo = col("promo")?;
    let e = *fit.coefficients.get(col("log_price")?)?;
    let gamma = *fit.coefficients.get(j_promo)?;
    let promo: Vec<&WeekSales> = weeks.iter().filter(|w| w.promo).collect();
    if promo.is_empty() {
        return None;
    }
    let n = promo.len() as f64;
    let lift = promo
        .iter()
        .map(|w| (e * (w.price() / w.regular_price).ln() + gamma).exp() - 1.0)
        .sum::<f64>()
        / n;
    let mean_discount = promo
        .iter()
        .map(|w| 1.0 - w.price() / w.regular_price)
        .sum::<f64>()
        / n;
    Some(PromotionEffect {
        promo_weeks: promo.len(),
        mean_discount,
        lift,
        own_lift: exp_estimate(fit, j_promo, 0.95),
        post_promo_change: col("post_promo").and_then(|j| exp_estimate(fit, j, 0.95)),
    })
}

/// The summary over products.
pub(crate) fn summarise(products: &[ProductPricing]) -> PromotionSummary {
    let effects: Vec<&PromotionEffect> = products
        .iter()
        .filter_map(|p| p.promotion.as_ref())
        .collect();
    let weeks: usize = effects.iter().map(|e| e.promo_weeks).sum();
    if weeks == 0 {
        return PromotionSummary::default();
    }
    let w = weeks as f64;
    let post: Vec<f64> = effects
        .iter()
        .filter_map(|e| e.post_promo_change.map(|c| c.value))
        .collect();
    PromotionSummary {
        products: effects.len(),
        promo_weeks: weeks,
        mean_lift: effects
            .iter()
            .map(|e| e.lift * e.promo_weeks as f64)
            .sum::<f64>()
            / w,
        mean_discount: effects
            .iter()
            .map(|e| e.mean_discount * e.promo_weeks as f64)
            .sum::<f64>()
            / w,
        mean_post_promo_change: (!post.is_empty())
            .then(|| post.iter().sum::<f64>() / post.len() as f64),
    }
}
