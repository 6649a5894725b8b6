//! The customer-segments stage ("behaviour clusters"): K-Means on log1p + z-scored customer
//! features with `k` chosen by the silhouette, plain-language profiles, and ward linkage of an
//! evenly spaced sample for a dendrogram.
//!
//! Features: recency, frequency (orders), monetary, tenure (days and orders from the log, as
//! `custalyze segment customers`), plus CLV and P(alive) when the CLV stage succeeded; `log1p` on
//! every feature but P(alive); z-scores; K-Means (k-means++, [`N_INIT`] seedings) for `k` in
//! [`K_RANGE`], keeping the `k` with the highest mean silhouette (exact up to
//! [`SILHOUETTE_SAMPLE`] customers, else on a seeded sample of that size). The linkage is ward on
//! at most [`DENDROGRAM_SAMPLE`] customers (every `n / m`-th in log order).

use std::ops::RangeInclusive;

use chrono::NaiveDate;
use custalyze_segment::{
    CustomerFeatures, Dendrogram, FittedScaler, Hierarchical, KMeans, Method, Scaling,
    SegmentModel, k_curve,
};
use custalyze_transaction_types::TransactionLog;
use ndarray::{Array2, Axis, concatenate};

use crate::error::{Error, Result};

/// Candidate numbers of clusters.
pub const K_RANGE: RangeInclusive<usize> = 3..=6;
/// K-Means seedings per `k`.
pub const N_INIT: usize = 4;
/// Largest number of customers whose silhouette is computed exactly.
pub const SILHOUETTE_SAMPLE: usize = 4_000;
/// Largest number of customers in the linkage.
pub const DENDROGRAM_SAMPLE: usize = 2_000;

/// One cluster's profile.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClusterProfile {
    /// Plain-language label (unique within the analysis).
    pub label: String,
    /// Customers.
    pub customers: usize,
    /// Share of revenue (0 to 1).
    pub revenue_share: f64,
    /// Mean of each feature (raw values, in [`SegmentAnalysis::features`] order).
    pub means: Vec<f64>,
}

/// The segments stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentAnalysis {
    /// Number of clusters chosen.
    pub k: usize,
    /// Mean silhouette at `k`.
    pub silhouette: f64,
    /// Customers in the silhouette sample (`None`: all).
    pub silhouette_sample: Option<usize>,
    /// Feature columns (`recency`, `frequency`, `monetary`, `tenure`, `clv`, `p_alive`).
    pub features: Vec<String>,
    /// Profiles, largest revenue share first.
    pub profiles: Vec<ClusterProfile>,
    /// The cluster label of every customer (log order).
    pub clusters: Vec<String>,
    /// Ward linkage of the sample (`None` when it failed).
    pub dendrogram: Option<Dendrogram>,
    /// Customers in the linkage.
    pub dendrogram_customers: usize,
    /// All customers.
    pub customers: usize,
}

fn add_column(features: CustomerFeatures, name: &str, values: &[f64]) -> Result<CustomerFeatures> {
    let n = features.len();
    let col = Array2::from_shape_vec((n, 1), values.to_vec())
        .map_err(|e| Error::NotEnoughData(e.to_string()))?;
    let joined = concatenate(Axis(1), &[features.values.view(), col.view()])
        .map_err(|e| Error::NotEnoughData(e.to_string()))?;
    let mut columns = features.columns.clone();
    columns.push(name.to_string());
    Ok(CustomerFeatures::new(features.customers, columns, joined)?)
}

/// Clusters the customers of `log` (all dated before `as_of`); `clv` and `p_alive` (one value
/// per customer in log order) join the features when given and finite.
///
/// # Errors
/// [`Error::NotEnoughData`] with fewer than `2 x 6` customers; errors of the segment crate.
pub fn segments(
    log: &TransactionLog,
    as_of: NaiveDate,
    clv: Option<&[f64]>,
    p_alive: Option<&[f64]>,
    seed: u64,
) -> Result<SegmentAnalysis> {
    let all = CustomerFeatures::from_log(log, as_of)?;
    let n = all.len();
    if all.customers.as_slice() != log.customer_ids() {
        return Err(Error::NotEnoughData(format!(
            "the features cover {n} of {} customers",
            log.customer_ids().len()
        )));
    }
    if n < 2 * K_RANGE.end() {
        return Err(Error::NotEnoughData(format!(
            "{n} customers; segmentation needs at least {}",
            2 * K_RANGE.end()
        )));
    }
    let base = ["recency", "frequency", "monetary", "tenure"];
    let mut features = all.select(&base)?;
    let mut log1p: Vec<&str> = base.to_vec();
    for (name, values, logged) in [("clv", clv, true), ("p_alive", p_alive, false)] {
        let Some(v) = values.filter(|v| v.len() == n && v.iter().all(|x| x.is_finite())) else {
            continue;
        };
        features = add_column(features, name, v)?;
        if logged && v.iter().all(|x| *x > -1.0) {
            log1p.push(name);
        }
    }

    let scaler = FittedScaler::fit(&features, &log1p, Scaling::ZScore)?;
    let z = scaler.transform_matrix(features.values.view())?;
    let sample = (n > SILHOUETTE_SAMPLE).then_some(SILHOUETTE_SAMPLE);
    let curve_params = KMeans::params(*K_RANGE.start()).n_init(N_INIT).seed(seed);
    let curve = k_curve(z.view(), K_RANGE, &curve_params, sample)?;
    let k = curve.suggested_k;
    let silhouette = curve
        .points
        .iter()
        .find(|p| p.k == k)
        .map_or(0.0, |p| p.silhouette);
    let params = KMeans::params(k).n_init(N_INIT).seed(seed);
    let seg = SegmentModel::fit(&features, &log1p, Scaling::ZScore, &params)?;

    // Profiles, largest revenue share first, with unique labels.
    let profiles = &seg.model.profiles;
    let mut order: Vec<usize> = (0..profiles.len())
        .filter(|&s| profiles[s].size > 0)
        .collect();
    order.sort_by(|&a, &b| {
        let share = |s: usize| profiles[s].revenue_share.unwrap_or(0.0);
        share(b).total_cmp(&share(a)).then(a.cmp(&b))
    });
    let mut names: Vec<String> = vec![String::new(); profiles.len()];
    let mut rows = Vec::with_capacity(order.len());
    for &s in &order {
        let p = &profiles[s];
        let mut label = p.label.clone();
        let mut dup = 2;
        while names.contains(&label) {
            label = format!("{} ({dup})", p.label);
            dup += 1;
        }
        names[s].clone_from(&label);
        rows.push(ClusterProfile {
            label,
            customers: p.size,
            revenue_share: p.revenue_share.unwrap_or(0.0),
            means: p.features.iter().map(|f| f.mean).collect(),
        });
    }
    let clusters: Vec<String> = seg.labels.iter().map(|&l| names[l].clone()).collect();

    let m = n.min(DENDROGRAM_SAMPLE);
    let idx: Vec<usize> = (0..m).map(|i| i * n / m).collect();
    let dendrogram = Hierarchical::params(Method::Ward)
        .fit(z.select(Axis(0), &idx).view())
        .ok();
    Ok(SegmentAnalysis {
        k,
        silhouette: if silhouette.is_finite() {
            silhouette
        } else {
            0.0
        },
        silhouette_sample: sample,
        features: features.columns.clone(),
        profiles: rows,
        clusters,
        dendrogram,
        dendrogram_customers: m,
        customers: n,
    })
}
