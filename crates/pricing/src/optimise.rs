//! The best price within bounds under constant elasticity.
//!
//! With demand `q(p) = q₀ (p / p₀)^ε` around the current price `p₀`:
//!
//! - **Revenue** `R(p) = p q(p) ∝ p^(1+ε)` rises with the price when `ε > −1` (inelastic) and
//!   falls when `ε < −1` (elastic): the optimum is the upper bound or the lower bound, and the
//!   current price when `ε = −1`. A constant-elasticity curve has no interior revenue optimum,
//!   which is why the bounds matter.
//! - **Margin** `M(p) = (p − c) q(p)` with unit cost `c` has, for `ε < −1`, its maximum at the
//!   Lerner price `p* = c ε / (1 + ε)` (markup `1/(1 + 1/ε)`), clamped to the bounds; for
//!   `−1 ≤ ε < 0` it rises with the price up to the upper bound.
//!
//! The expected change of the objective at the recommended price `p` is
//! `(p/p₀)^(1+ε) − 1` for revenue and `((p − c)/(p₀ − c)) (p/p₀)^ε − 1` for margin; its interval
//! evaluates the same expression at the ends of the elasticity's interval (the expression is
//! monotone in `ε` for a fixed price). No recommendation is made for a non-negative elasticity
//! (demand rising with price is a data problem, not a pricing opportunity) or, for margins,
//! without a unit cost.

use crate::model::Estimate;

/// What the recommended price maximises.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Objective {
    /// Revenue, `p q(p)`.
    #[default]
    Revenue,
    /// Margin, `(p − c) q(p)`; needs unit costs.
    Margin,
}

impl std::str::FromStr for Objective {
    type Err = crate::error::Error;

    fn from_str(s: &str) -> crate::error::Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "revenue" => Ok(Self::Revenue),
            "margin" | "profit" => Ok(Self::Margin),
            other => Err(crate::error::Error::InvalidParameter(
                crate::error::InvalidParameter::new("objective", other, "use revenue or margin"),
            )),
        }
    }
}

/// A recommended price.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PriceRecommendation {
    /// The current price `p₀`.
    pub current_price: f64,
    /// The recommended price.
    pub recommended_price: f64,
    /// `recommended / current − 1`.
    pub price_change: f64,
    /// The objective maximised.
    pub objective: Objective,
    /// The elasticity used.
    pub elasticity: f64,
    /// Expected relative change of the objective (`None` for margins when the current price
    /// does not cover the unit cost).
    pub expected_change: Option<f64>,
    /// Lower end of its interval.
    pub expected_change_low: Option<f64>,
    /// Upper end.
    pub expected_change_high: Option<f64>,
    /// Whether the price sits on a bound (the model would go further).
    pub at_bound: bool,
}

/// The optimal price of [module docs](self), or `None` (non-negative elasticity, a margin
/// without cost, a non-positive current price).
///
/// # Examples
/// ```
/// use custalyze_pricing::{Objective, optimal_price};
/// // Elastic demand: revenue wants the lowest price allowed.
/// assert_eq!(optimal_price(10.0, None, -2.0, (-0.3, 0.3), Objective::Revenue), Some(7.0));
/// // Margin with cost 4 and elasticity -3: the Lerner price 4 * 3 / 2 = 6.
/// let p = optimal_price(6.5, Some(4.0), -3.0, (-0.3, 0.3), Objective::Margin).unwrap_or_default();
/// assert!((p - 6.0).abs() < 1e-12);
/// ```
pub fn optimal_price(
    current: f64,
    unit_cost: Option<f64>,
    elasticity: f64,
    bounds: (f64, f64),
    objective: Objective,
) -> Option<f64> {
    if !(current > 0.0 && current.is_finite() && elasticity.is_finite() && elasticity < 0.0) {
        return None;
    }
    let (lo, hi) = (current * (1.0 + bounds.0), current * (1.0 + bounds.1));
    match objective {
        Objective::Revenue => Some(if elasticity < -1.0 {
            lo
        } else if elasticity > -1.0 {
            hi
        } else {
            current
        }),
        Objective::Margin => {
            let c = unit_cost?;
            if elasticity < -1.0 {
                Some((c * elasticity / (1.0 + elasticity)).clamp(lo, hi))
            } else {
                Some(hi)
            }
        }
    }
}

/// Relative change of the objective at price `p` against `p0`.
fn change(p: f64, p0: f64, c: Option<f64>, e: f64, objective: Objective) -> Option<f64> {
    let r = p / p0;
    match objective {
        Objective::Revenue => Some(r.powf(1.0 + e) - 1.0),
        Objective::Margin => {
            let c = c?;
            (p0 > c).then(|| (p - c) / (p0 - c) * r.powf(e) - 1.0)
        }
    }
}

/// The recommendation for one product (see the [module docs](self)).
pub(crate) fn recommend(
    current: f64,
    unit_cost: Option<f64>,
    e: Estimate,
    bounds: (f64, f64),
    objective: Objective,
) -> Option<PriceRecommendation> {
    let p = optimal_price(current, unit_cost, e.value, bounds, objective)?;
    let at = |x: f64| change(p, current, unit_cost, x, objective);
    let (a, b) = (at(e.low), at(e.high));
    let (low, high) = match (a, b) {
        (Some(a), Some(b)) => (Some(a.min(b)), Some(a.max(b))),
        _ => (None, None),
    };
    let (lo, hi) = (current * (1.0 + bounds.0), current * (1.0 + bounds.1));
    Some(PriceRecommendation {
        current_price: current,
        recommended_price: p,
        price_change: p / current - 1.0,
        objective,
        elasticity: e.value,
        expected_change: at(e.value),
        expected_change_low: low,
        expected_change_high: high,
        at_bound: (p - lo).abs() <= 1e-12 * current || (p - hi).abs() <= 1e-12 * current,
    })
}
