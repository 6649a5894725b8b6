#![doc = include_str!("../README.md")]
//!
//! ## What is here
//! - [`CustomerFeatures::from_log`]: recency, frequency, monetary value, average order value,
//!   tenure and inter-purchase time statistics of every customer at an as-of date;
//!   [`CustomerFeatures::add_column`] for user-provided columns (CLV, P(alive)).
//! - [`FittedScaler`]: `log1p` of chosen columns, then z-score or robust standardisation, stored
//!   with the model.
//! - [`KMeans`]: greedy k-means++ and Lloyd over `n_init` seedings in parallel
//!   ([`FittedKMeans`]); [`silhouette_score`] (exact), [`silhouette_score_sampled`],
//!   [`k_curve`] (elbow and silhouette curves with a suggested `k`).
//! - [`Hierarchical`] / [`linkage()`]: single, complete, average, weighted, ward, centroid and
//!   median linkage in SciPy's linkage-matrix convention ([`Dendrogram`]), with MST, the
//!   nearest-neighbour chain and the generic algorithm; [`linkage_naive`] is the `O(n³)`
//!   reference. [`Dendrogram::cut_k`], [`Dendrogram::cut_height`],
//!   [`Dendrogram::cophenetic_correlation`] and [`Dendrogram::leaf_order`] (the report layer
//!   draws the dendrogram).
//! - [`profile_segments`] / [`SegmentModel`]: sizes, means, medians, revenue shares and a
//!   plain-language label per segment; the whole path from features to labelled customers.
//!
//! ## Features
//! - `serde` (default): `Serialize`/`Deserialize` on models, profiles and dendrograms.

pub mod dendrogram;
pub mod error;
pub mod features;
pub mod kcurve;
pub mod kmeans;
pub mod linkage;
pub mod profile;
pub mod silhouette;

pub use dendrogram::{Dendrogram, Merge};
pub use error::{Error, Result};
pub use features::{CustomerFeatures, FittedScaler, Scaling};
pub use kcurve::{KCurve, KCurvePoint, k_curve};
pub use kmeans::{FittedKMeans, KMeans, KMeansParams, ValidKMeansParams};
pub use linkage::{
    Algorithm, Hierarchical, HierarchicalParams, Method, ValidHierarchicalParams, linkage,
    linkage_condensed, linkage_naive, pdist,
};
pub use profile::{
    FeatureSummary, SegmentModel, SegmentProfile, Segmentation, profile_segments, suggest_label,
};
pub use silhouette::{silhouette_samples, silhouette_score, silhouette_score_sampled};

#[cfg(test)]
mod tests {
    /// Models and results can cross threads.
    #[test]
    fn autotraits() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<crate::Dendrogram>();
        send_sync::<crate::FittedKMeans>();
        send_sync::<crate::SegmentModel>();
        send_sync::<crate::Error>();
    }
}
