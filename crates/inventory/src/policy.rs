//! Stock policy formulas (Snyder & Shen, *Fundamentals of Supply Chain Theory*, 2nd ed., 2019,
//! chapters 3-5; the conventions of their Python library stockpyl, which the tests match).
//!
//! Demand per period has mean `μ` and standard deviation `σ`; over a lead time of `L` periods the
//! lead-time demand has mean `μL` and standard deviation `σ√L` (independent periods).
//!
//! | quantity | formula |
//! |---|---|
//! | standard normal loss | `𝓛(z) = φ(z) − z(1 − Φ(z))`, `𝓛̄(z) = z + 𝓛(z)` |
//! | EOQ | `Q* = √(2Kλ/h)`, cost `g* = hQ*` (`K` order cost, `λ` demand rate, `h` holding cost per unit and period) |
//! | safety stock, cycle service level `α` | `z_α σ√L` (`P(no stockout in a cycle) = α`) |
//! | safety stock, fill rate `β` (type 2) | `zσ√L` with `σ√L 𝓛(z) = (1 − β)Q`: the expected units short per cycle are the share `1 − β` of the order quantity |
//! | reorder point `(s, Q)` | `s = μL + safety stock`; order `Q` when the position falls to `s` |
//! | order-up-to `(R, S)` | `S = μ(R + L) + z_α σ√(R + L)`; every `R` periods order up to `S` |
//! | newsvendor | `S* = F⁻¹(p/(p + h))` of demand over `L + 1` periods (stockpyl's base-stock convention) |
//! | `(r, Q)` EOQ + SS | `Q = EOQ`, `r` = the newsvendor level of lead-time demand (`L` periods) with `α = p/(p + h)` |

use statrs::distribution::{Continuous, ContinuousCDF, Normal};

use crate::error::{Error, InvalidParameter, Result};

fn normal() -> Normal {
    Normal::standard()
}

fn bad(name: &'static str, value: f64, reason: &'static str) -> Error {
    Error::InvalidParameter(InvalidParameter::new(name, value, reason))
}

/// `(𝓛(z), 𝓛̄(z))`, the standard normal loss and complementary loss.
///
/// # Examples
/// ```
/// let (l, l_bar) = custalyze_inventory::policy::standard_normal_loss(1.3);
/// // stockpyl's doctest; the normal CDFs of statrs and SciPy differ by about 1e-12
/// assert!((l - 0.04552796208651397).abs() < 1e-9);
/// assert!((l_bar - 1.345527962086514).abs() < 1e-9);
/// ```
pub fn standard_normal_loss(z: f64) -> (f64, f64) {
    let n = normal();
    let l = n.pdf(z) - z * (1.0 - n.cdf(z));
    (l, z + l)
}

/// The economic order quantity and its cost per period: `(√(2Kλ/h), h·Q*)`.
///
/// # Errors
/// [`Error::InvalidParameter`] for a negative order cost or demand, or a holding cost that is
/// not positive.
///
/// # Examples
/// ```
/// let (q, cost) = custalyze_inventory::policy::eoq(8.0, 0.225, 1300.0)?;
/// assert!((q - 304.0467800264368).abs() < 1e-9); // Snyder & Shen, example 3.1
/// assert!((cost - 68.41052550594829).abs() < 1e-9);
/// # Ok::<(), custalyze_inventory::Error>(())
/// ```
pub fn eoq(order_cost: f64, holding_cost: f64, demand_rate: f64) -> Result<(f64, f64)> {
    if !(order_cost >= 0.0 && order_cost.is_finite()) {
        return Err(bad("order_cost", order_cost, "must be finite and >= 0"));
    }
    if !(holding_cost > 0.0 && holding_cost.is_finite()) {
        return Err(bad("holding_cost", holding_cost, "must be finite and > 0"));
    }
    if !(demand_rate >= 0.0 && demand_rate.is_finite()) {
        return Err(bad("demand_rate", demand_rate, "must be finite and >= 0"));
    }
    let q = (2.0 * order_cost * demand_rate / holding_cost).sqrt();
    Ok((q, q * holding_cost))
}

fn check_probability(name: &'static str, p: f64) -> Result<()> {
    if !(p > 0.0 && p < 1.0) {
        return Err(bad(name, p, "must be in (0, 1)"));
    }
    Ok(())
}

/// Safety stock for a cycle service level: `z_α · sd`, with `sd` the standard deviation of
/// demand over the protection interval.
///
/// # Errors
/// [`Error::InvalidParameter`] for `α` outside (0, 1) or a negative `sd`.
pub fn safety_stock_cycle(sd: f64, service_level: f64) -> Result<f64> {
    check_probability("service_level", service_level)?;
    if !(sd >= 0.0 && sd.is_finite()) {
        return Err(bad("sd", sd, "must be finite and >= 0"));
    }
    Ok(normal().inverse_cdf(service_level) * sd)
}

/// The `z` with `sd · 𝓛(z) = (1 − β) Q`: the safety factor of a fill rate `β` for order
/// quantity `Q` (bisection on the decreasing loss function, to 1e-12). `None` when `sd = 0`
/// (no uncertainty: no safety stock is needed) .
///
/// # Errors
/// [`Error::InvalidParameter`] for `β` outside (0, 1), a negative `sd` or a non-positive `Q`.
pub fn fill_rate_factor(sd: f64, order_quantity: f64, fill_rate: f64) -> Result<Option<f64>> {
    check_probability("fill_rate", fill_rate)?;
    if !(sd >= 0.0 && sd.is_finite()) {
        return Err(bad("sd", sd, "must be finite and >= 0"));
    }
    if !(order_quantity > 0.0 && order_quantity.is_finite()) {
        return Err(bad(
            "order_quantity",
            order_quantity,
            "must be finite and > 0",
        ));
    }
    if sd == 0.0 {
        return Ok(None);
    }
    let target = (1.0 - fill_rate) * order_quantity / sd;
    let (mut lo, mut hi) = (-10.0f64, 10.0f64);
    if standard_normal_loss(hi).0 >= target {
        return Ok(Some(hi));
    }
    if standard_normal_loss(lo).0 <= target {
        return Ok(Some(lo));
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if standard_normal_loss(mid).0 > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 {
            break;
        }
    }
    Ok(Some(0.5 * (lo + hi)))
}

/// The newsvendor base-stock level for normal demand and its expected cost per period, with
/// stockpyl's convention that the level covers `L + 1` periods: `S* = μ(L+1) + z_α σ√(L+1)`,
/// `α = p/(p + h)`, cost `(h + p) φ(z_α) σ√(L+1)`.
///
/// # Errors
/// [`Error::InvalidParameter`] for non-positive costs, mean or sd, or a negative lead time.
///
/// # Examples
/// ```
/// let (s, cost) = custalyze_inventory::policy::newsvendor_normal(0.18, 0.70, 50.0, 8.0, 0.0)?;
/// assert!((s - 56.60395592743389).abs() < 1e-9); // Snyder & Shen, example 4.3
/// assert!((cost - 1.9976051931766445).abs() < 1e-9);
/// # Ok::<(), custalyze_inventory::Error>(())
/// ```
pub fn newsvendor_normal(
    holding_cost: f64,
    stockout_cost: f64,
    mean: f64,
    sd: f64,
    lead_time: f64,
) -> Result<(f64, f64)> {
    for (name, v) in [
        ("holding_cost", holding_cost),
        ("stockout_cost", stockout_cost),
        ("mean", mean),
        ("sd", sd),
    ] {
        if !(v > 0.0 && v.is_finite()) {
            return Err(bad(name, v, "must be finite and > 0"));
        }
    }
    if !(lead_time >= 0.0 && lead_time.is_finite()) {
        return Err(bad("lead_time", lead_time, "must be finite and >= 0"));
    }
    let alpha = stockout_cost / (stockout_cost + holding_cost);
    let (m, s) = (mean * (lead_time + 1.0), sd * (lead_time + 1.0).sqrt());
    let z = normal().inverse_cdf(alpha);
    Ok((
        m + z * s,
        (holding_cost + stockout_cost) * normal().pdf(z) * s,
    ))
}

/// The `(r, Q)` policy by EOQ plus safety stock: `Q` = EOQ, `r = μL + z_α σ√L` with
/// `α = p/(p + h)` (stockpyl's `r_q_eoqss_approximation`).
///
/// # Errors
/// As [`eoq`] and [`newsvendor_normal`] (positive costs; `mean`, `sd`, `lead_time` >= 0).
///
/// # Examples
/// ```
/// let (r, q) = custalyze_inventory::policy::r_q_eoq_safety_stock(0.225, 7.5, 8.0, 1300.0, 150.0, 1.0 / 12.0)?;
/// assert!((r - 190.3369965715624).abs() < 1e-9); // Snyder & Shen, example 5.5
/// assert!((q - 304.0467800264368).abs() < 1e-9);
/// # Ok::<(), custalyze_inventory::Error>(())
/// ```
pub fn r_q_eoq_safety_stock(
    holding_cost: f64,
    stockout_cost: f64,
    order_cost: f64,
    mean: f64,
    sd: f64,
    lead_time: f64,
) -> Result<(f64, f64)> {
    if !(stockout_cost > 0.0 && stockout_cost.is_finite()) {
        return Err(bad(
            "stockout_cost",
            stockout_cost,
            "must be finite and > 0",
        ));
    }
    for (name, v) in [("mean", mean), ("sd", sd), ("lead_time", lead_time)] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(bad(name, v, "must be finite and >= 0"));
        }
    }
    let (q, _) = eoq(order_cost, holding_cost, mean)?;
    let alpha = stockout_cost / (stockout_cost + holding_cost);
    let r = mean * lead_time + normal().inverse_cdf(alpha) * sd * lead_time.sqrt();
    Ok((r, q))
}

/// The order-up-to level of a periodic review `(R, S)` policy for a cycle service level:
/// `S = μ(R + L) + z_α σ√(R + L)`.
///
/// # Errors
/// As [`safety_stock_cycle`]; a negative review period or lead time.
pub fn order_up_to(
    mean: f64,
    sd: f64,
    review: f64,
    lead_time: f64,
    service_level: f64,
) -> Result<f64> {
    for (name, v) in [("review", review), ("lead_time", lead_time), ("mean", mean)] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(bad(name, v, "must be finite and >= 0"));
        }
    }
    let horizon = review + lead_time;
    Ok(mean * horizon + safety_stock_cycle(sd * horizon.sqrt(), service_level)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn fill_rate_factor_inverts_the_loss() {
        let z = fill_rate_factor(20.0, 100.0, 0.98).unwrap().unwrap();
        let (l, _) = standard_normal_loss(z);
        assert!((20.0 * l - 0.02 * 100.0).abs() < 1e-9);
        assert_eq!(fill_rate_factor(0.0, 100.0, 0.98).unwrap(), None);
        assert!(fill_rate_factor(1.0, 0.0, 0.98).is_err());
    }

    #[test]
    fn order_up_to_adds_the_review_period() {
        let s = order_up_to(10.0, 3.0, 1.0, 2.0, 0.95).unwrap();
        let z = Normal::standard().inverse_cdf(0.95);
        assert!((s - (30.0 + z * 3.0 * 3f64.sqrt())).abs() < 1e-12);
    }
}
