//! Partial pooling of elasticities within a category (empirical Bayes).
//!
//! Within a category with at least [`MIN_POOLED`] estimated products, the estimates `ε̂ᵢ` with
//! standard errors `sᵢ` are taken as draws of `εᵢ ~ N(μ, τ²)` measured with error
//! `ε̂ᵢ ~ N(εᵢ, sᵢ²)`. `τ²` is the DerSimonian-Laird moment estimate,
//!
//! ```text
//! wᵢ = 1/sᵢ²,  μ̂_w = Σwᵢε̂ᵢ / Σwᵢ,  Q = Σwᵢ(ε̂ᵢ − μ̂_w)²,
//! τ̂² = max(0, (Q − (k − 1)) / (Σwᵢ − Σwᵢ² / Σwᵢ)),
//! ```
//!
//! `μ̂ = Σwᵢ*ε̂ᵢ / Σwᵢ*` with `wᵢ* = 1/(sᵢ² + τ̂²)` and `Var(μ̂) = 1/Σwᵢ*`. Each estimate is
//! shrunk by `Bᵢ = sᵢ² / (sᵢ² + τ̂²)`: `ε̃ᵢ = μ̂ + (1 − Bᵢ)(ε̂ᵢ − μ̂)`, with variance
//! `(1 − Bᵢ)sᵢ² + Bᵢ² Var(μ̂)` (Morris 1983, "Parametric empirical Bayes inference", JASA 78;
//! DerSimonian & Laird 1986, "Meta-analysis in clinical trials", Controlled Clinical Trials 7).
//! Noisy estimates move most; precise ones hardly move.

use std::collections::BTreeMap;

use statrs::distribution::{ContinuousCDF, Normal};

use crate::model::{Estimate, EstimateStatus, ProductPricing};

/// Estimated products a category needs to be pooled.
pub const MIN_POOLED: usize = 3;

/// The fitted prior of one category.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CategoryPrior {
    /// The category (`None`: products without one).
    pub category: Option<String>,
    /// Estimated products in it.
    pub products: usize,
    /// The prior mean `μ̂`.
    pub mean: f64,
    /// Its standard error.
    pub mean_se: f64,
    /// The spread `τ̂` of true elasticities within the category.
    pub tau: f64,
}

/// Shrinks the estimated products' elasticities, category by category; returns the priors.
pub(crate) fn pool(products: &mut [ProductPricing], level: f64) -> Vec<CategoryPrior> {
    let z = Normal::standard().inverse_cdf(0.5 + level / 2.0);
    let mut groups: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (i, p) in products.iter().enumerate() {
        if p.status == EstimateStatus::Estimated && p.elasticity.is_some_and(|e| e.se > 0.0) {
            groups.entry(p.category.clone()).or_default().push(i);
        }
    }
    let mut priors = Vec::new();
    for (category, members) in groups {
        if members.len() < MIN_POOLED {
            continue;
        }
        let est: Vec<Estimate> = members
            .iter()
            .filter_map(|&i| products[i].elasticity)
            .collect();
        let w: Vec<f64> = est.iter().map(|e| 1.0 / (e.se * e.se)).collect();
        let sw: f64 = w.iter().sum();
        let sw2: f64 = w.iter().map(|v| v * v).sum();
        let mean_w = est.iter().zip(&w).map(|(e, w)| w * e.value).sum::<f64>() / sw;
        let q: f64 = est
            .iter()
            .zip(&w)
            .map(|(e, w)| w * (e.value - mean_w).powi(2))
            .sum();
        let k = est.len() as f64;
        let tau2 = ((q - (k - 1.0)) / (sw - sw2 / sw)).max(0.0);
        let w_star: Vec<f64> = est.iter().map(|e| 1.0 / (e.se * e.se + tau2)).collect();
        let sws: f64 = w_star.iter().sum();
        let mean = est
            .iter()
            .zip(&w_star)
            .map(|(e, w)| w * e.value)
            .sum::<f64>()
            / sws;
        let var_mean = 1.0 / sws;
        for (&i, e) in members.iter().zip(&est) {
            let s2 = e.se * e.se;
            let b = s2 / (s2 + tau2);
            let value = mean + (1.0 - b) * (e.value - mean);
            let sd = ((1.0 - b) * s2 + b * b * var_mean).sqrt();
            products[i].pooled_elasticity = Some(Estimate {
                value,
                se: sd,
                low: value - z * sd,
                high: value + z * sd,
            });
        }
        priors.push(CategoryPrior {
            category,
            products: members.len(),
            mean,
            mean_se: var_mean.sqrt(),
            tau: tau2.sqrt(),
        });
    }
    priors
}
