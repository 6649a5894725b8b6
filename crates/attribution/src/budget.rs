//! Budget reallocation: move spend towards channels whose next unit of spend returns more,
//! within bounds, keeping the total.
//!
//! Each channel's revenue is assumed to answer its spend with constant elasticity `β < 1`
//! (diminishing returns) through its current point:
//!
//! ```text
//! R_c(s) = R_c · (s / C_c)^β,     R_c'(s) = β R_c s^(β−1) / C_c^β
//! ```
//!
//! with `C_c` the current spend and `R_c` the revenue an attribution model credits it. The
//! total `Σ R_c(s_c)` is maximised under `Σ s_c = Σ C_c` and `(1 − δ) C_c ≤ s_c ≤ (1 + δ) C_c`;
//! at the optimum every channel not at a bound has the same marginal return `λ`, found by
//! bisection. `β` is an assumption (0.5 by default, a common prior for media response), not an
//! estimate: the expected change is what the attributed revenues imply under it.

use crate::error::{Result, invalid};
use crate::models::ChannelResult;

/// One channel's line of the reallocation.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BudgetLine {
    /// The channel.
    pub channel: String,
    /// Spend now.
    pub current_spend: f64,
    /// Spend proposed.
    pub proposed_spend: f64,
    /// Revenue credited now.
    pub current_revenue: f64,
    /// Revenue expected at the proposed spend.
    pub expected_revenue: f64,
}

/// Reallocates the spend of `results` (one model's lines, with costs) as the module describes.
/// Channels without a positive cost keep their (zero) spend.
///
/// # Errors
/// [`crate::Error::InvalidParameter`] for `max_change` outside `[0, 1)` or `elasticity` outside
/// `(0, 1)`.
pub fn reallocate(
    results: &[ChannelResult],
    max_change: f64,
    elasticity: f64,
) -> Result<Vec<BudgetLine>> {
    if !(max_change.is_finite() && (0.0..1.0).contains(&max_change)) {
        return Err(invalid("max_change", max_change, "a share in [0, 1)"));
    }
    if !(elasticity.is_finite() && elasticity > 0.0 && elasticity < 1.0) {
        return Err(invalid("elasticity", elasticity, "a number in (0, 1)"));
    }
    let beta = elasticity;
    let lines: Vec<(f64, f64)> = results
        .iter()
        .map(|r| (r.cost.unwrap_or(0.0), r.revenue.max(0.0)))
        .collect();
    let budget: f64 = lines.iter().map(|l| l.0).sum();
    let spend_at = |lambda: f64| -> Vec<f64> {
        lines
            .iter()
            .map(|&(c, r)| {
                if c <= 0.0 {
                    return 0.0;
                }
                let (lo, hi) = ((1.0 - max_change) * c, (1.0 + max_change) * c);
                if r <= 0.0 {
                    return lo;
                }
                // β R s^(β−1) / C^β = λ  ⇒  s = C (β R / (λ C))^(1/(1−β))
                (c * (beta * r / (lambda * c)).powf(1.0 / (1.0 - beta))).clamp(lo, hi)
            })
            .collect()
    };
    let total = |lambda: f64| spend_at(lambda).iter().sum::<f64>();
    let proposed = if budget > 0.0 {
        // Spend falls as λ rises; bracket λ in log space and bisect.
        let (mut lo, mut hi) = (1e-12f64, 1e12f64);
        for _ in 0..200 {
            let mid = (lo * hi).sqrt();
            if total(mid) > budget {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let s = spend_at((lo * hi).sqrt());
        // The bounds may not allow the whole budget to move (every channel at a bound): scale
        // the free remainder away so the total is kept exactly.
        let sum: f64 = s.iter().sum();
        if sum > 0.0 {
            s.iter().map(|x| x * budget / sum).collect()
        } else {
            s
        }
    } else {
        vec![0.0; lines.len()]
    };
    Ok(results
        .iter()
        .zip(&lines)
        .zip(proposed)
        .map(|((r, &(c, rev)), s)| BudgetLine {
            channel: r.channel.clone(),
            current_spend: c,
            proposed_spend: s,
            current_revenue: rev,
            expected_revenue: if c > 0.0 {
                rev * (s / c).powf(beta)
            } else {
                rev
            },
        })
        .collect())
}
