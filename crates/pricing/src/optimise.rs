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
//! The expected changes at the recommended price `p` are `(p/p₀)^(1+ε) − 1` for revenue and
//! `((p − c)/(p₀ − c)) (p/p₀)^ε − 1` for margin (both reported, whatever the objective); an interval
//! evaluates the same expression at the ends of the elasticity's interval (the expression is
//! monotone in `ε` for a fixed price). A move is recommended only when the whole interval of the
//! objective's change is above 0; otherwise the recommended price is the current one and the
//! optimum is reported beside it (with constant elasticity the revenue optimum is always a
//! bound, so without this rule every product would be told to move 30%). No recommendation is made for a non-negative elasticity
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
    /// The price that maximises the objective under the point estimate of the elasticity.
    pub optimal_price: f64,
    /// Whether the objective's expected change is positive over the whole interval of the
    /// elasticity (its lower end above 0): only then is a move recommended.
    pub confident: bool,
    /// The recommended price: the optimal price when [`PriceRecommendation::confident`], else the
    /// current price (the data do not say which way to go).
    pub recommended_price: f64,
    /// `recommended / current − 1`.
    pub price_change: f64,
    /// The objective maximised.
    pub objective: Objective,
    /// The elasticity used.
    pub elasticity: f64,
    /// Expected relative change of revenue at the optimal price, with its interval.
    pub revenue_change: Change,
    /// Expected relative change of margin at the optimal price, when the unit cost is known and
    /// the current price covers it.
    pub margin_change: Option<Change>,
    /// Whether the optimal price sits on a bound (the model would go further).
    pub at_bound: bool,
}

/// An expected relative change with its interval (from the elasticity's interval).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Change {
    /// At the point estimate.
    pub expected: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
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
    let (lo, hi) = price_range(current, bounds);
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

/// The prices allowed: `current × (1 + bounds)`.
fn price_range(current: f64, bounds: (f64, f64)) -> (f64, f64) {
    (current * (1.0 + bounds.0), current * (1.0 + bounds.1))
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
    let change_of = |objective: Objective| -> Option<Change> {
        let at = |x: f64| change(p, current, unit_cost, x, objective);
        let (mid, a, b) = (at(e.value)?, at(e.low)?, at(e.high)?);
        Some(Change {
            expected: mid,
            low: a.min(b),
            high: a.max(b),
        })
    };
    let (lo, hi) = price_range(current, bounds);
    let revenue_change = change_of(Objective::Revenue)?;
    let margin_change = change_of(Objective::Margin);
    let objective_change = match objective {
        Objective::Revenue => Some(revenue_change),
        Objective::Margin => margin_change,
    };
    let confident = objective_change.is_some_and(|c| c.low > 0.0);
    let recommended = if confident { p } else { current };
    Some(PriceRecommendation {
        current_price: current,
        optimal_price: p,
        confident,
        recommended_price: recommended,
        price_change: recommended / current - 1.0,
        objective,
        elasticity: e.value,
        revenue_change,
        margin_change,
        at_bound: (p - lo).abs() <= 1e-12 * current || (p - hi).abs() <= 1e-12 * current,
    })
}
