//! Segment profiles (size, feature means and medians, revenue share, a label suggestion) and the
//! end-to-end segmentation model (preprocessing + K-Means + profiles).

use custalyze_transaction_types::Id;

use crate::error::{Error, Result};
use crate::features::{
    CustomerFeatures, FREQUENCY, FittedScaler, MONETARY, RECENCY, Scaling, median,
};
use crate::kmeans::{FittedKMeans, KMeansParams};

/// Mean and median of one feature within a segment.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FeatureSummary {
    /// The feature (column) name.
    pub name: String,
    /// Mean over the segment's customers (raw, untransformed values).
    pub mean: f64,
    /// Median over the segment's customers.
    pub median: f64,
}

/// The profile of one segment.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentProfile {
    /// The segment (cluster label).
    pub segment: usize,
    /// Number of customers.
    pub size: usize,
    /// `size / total customers`.
    pub share: f64,
    /// Mean and median of every feature, in column order.
    pub features: Vec<FeatureSummary>,
    /// The segment's share of total [`MONETARY`] value, when that column exists and the total is
    /// positive.
    pub revenue_share: Option<f64>,
    /// A plain-language description from the profile, such as `"high value, recent, frequent"`
    /// (see [`suggest_label`]).
    pub label: String,
}

/// Profiles of the segments `0..k` of a labelling (`k` = largest label + 1; empty segments get
/// size 0 and NaN statistics).
///
/// # Errors
/// [`Error::LengthMismatch`] when there is not one label per customer; [`Error::EmptyData`] for
/// an empty table.
pub fn profile_segments(
    features: &CustomerFeatures,
    labels: &[usize],
) -> Result<Vec<SegmentProfile>> {
    let n = features.len();
    if labels.len() != n {
        return Err(Error::LengthMismatch {
            what: "labels (one per customer)",
            expected: n,
            got: labels.len(),
        });
    }
    if n == 0 {
        return Err(Error::EmptyData {
            rows: 0,
            cols: features.columns.len(),
        });
    }
    let k = labels.iter().copied().max().unwrap_or(0) + 1;
    let overall: Vec<f64> = features
        .values
        .columns()
        .into_iter()
        .map(|c| c.sum() / n as f64)
        .collect();
    let money = features.column_index(MONETARY).ok();
    let total_money = money.map(|j| features.values.column(j).sum());
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &l) in labels.iter().enumerate() {
        members[l].push(i);
    }
    let mut out = Vec::with_capacity(k);
    for (segment, rows) in members.iter().enumerate() {
        let size = rows.len();
        let mut stats = Vec::with_capacity(features.columns.len());
        for (j, name) in features.columns.iter().enumerate() {
            let mut v: Vec<f64> = rows.iter().map(|&i| features.values[[i, j]]).collect();
            let (mean, med) = if v.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                (v.iter().sum::<f64>() / size as f64, median(&mut v))
            };
            stats.push(FeatureSummary {
                name: name.clone(),
                mean,
                median: med,
            });
        }
        let revenue_share = match (money, total_money) {
            (Some(j), Some(t)) if t > 0.0 => {
                Some(rows.iter().map(|&i| features.values[[i, j]]).sum::<f64>() / t)
            }
            _ => None,
        };
        let means: Vec<f64> = stats.iter().map(|s| s.mean).collect();
        let label = suggest_label(&features.columns, &means, &overall);
        out.push(SegmentProfile {
            segment,
            size,
            share: size as f64 / n as f64,
            features: stats,
            revenue_share,
            label,
        });
    }
    Ok(out)
}

/// A plain-language label from a segment's feature means compared with the overall means
/// (ratios `r = segment mean / overall mean`):
/// - [`MONETARY`]: `r ≥ 1.5` "high value", `r ≤ 2/3` "low value", otherwise "mid value";
/// - [`RECENCY`]: `r ≤ 2/3` "recent", `r ≥ 4/3` "lapsed", otherwise "cooling";
/// - [`FREQUENCY`]: `r ≥ 1.5` "frequent", `r ≤ 2/3` "infrequent", otherwise nothing.
///
/// Columns that are absent are skipped; with none of the three the label is `"segment"`.
pub fn suggest_label(columns: &[String], segment_means: &[f64], overall_means: &[f64]) -> String {
    let ratio = |name: &str| {
        let j = columns.iter().position(|c| c == name)?;
        let (s, o) = (*segment_means.get(j)?, *overall_means.get(j)?);
        (o.abs() > 0.0 && s.is_finite()).then(|| s / o)
    };
    let mut parts: Vec<&str> = Vec::new();
    if let Some(r) = ratio(MONETARY) {
        parts.push(if r >= 1.5 {
            "high value"
        } else if r <= 2.0 / 3.0 {
            "low value"
        } else {
            "mid value"
        });
    }
    if let Some(r) = ratio(RECENCY) {
        parts.push(if r <= 2.0 / 3.0 {
            "recent"
        } else if r >= 4.0 / 3.0 {
            "lapsed"
        } else {
            "cooling"
        });
    }
    if let Some(r) = ratio(FREQUENCY) {
        if r >= 1.5 {
            parts.push("frequent");
        } else if r <= 2.0 / 3.0 {
            parts.push("infrequent");
        }
    }
    if parts.is_empty() {
        "segment".to_string()
    } else {
        parts.join(", ")
    }
}

/// A customer segmentation: the fitted preprocessing, the K-Means model on the transformed
/// features, and the profiles of the training customers' segments. Serialisable (feature
/// `serde`) so that it can be stored and applied to new customers with
/// [`SegmentModel::assign`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentModel {
    /// Log transform and standardisation of the features.
    pub scaler: FittedScaler,
    /// K-Means on the transformed features.
    pub kmeans: FittedKMeans,
    /// Profiles of the training segments (raw feature values).
    pub profiles: Vec<SegmentProfile>,
}

/// Result of [`SegmentModel::fit`]: the model and the segment of every training customer.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Segmentation {
    /// The fitted model.
    pub model: SegmentModel,
    /// The training customers.
    pub customers: Vec<Id>,
    /// Their segments.
    pub labels: Vec<usize>,
}

impl SegmentModel {
    /// Fits the preprocessing (`log1p` columns, then `scaling`) on all columns of `features`,
    /// K-Means on the result, and profiles the segments.
    ///
    /// # Errors
    /// As [`FittedScaler::fit`], [`KMeansParams::fit`] and [`profile_segments`].
    ///
    /// # Examples
    /// ```
    /// use custalyze_segment::{CustomerFeatures, KMeans, Scaling, SegmentModel};
    /// use custalyze_transaction_types::Id;
    /// let x = ndarray::array![[5.0, 1.0, 20.0], [7.0, 1.0, 25.0], [300.0, 1.0, 15.0], [280.0, 2.0, 18.0],
    ///                         [4.0, 9.0, 900.0], [6.0, 12.0, 1200.0]];
    /// let ids = (1..=6).map(Id::Int).collect();
    /// let cols = ["recency", "frequency", "monetary"].map(String::from).to_vec();
    /// let f = CustomerFeatures::new(ids, cols, x)?;
    /// let seg = SegmentModel::fit(&f, &["frequency", "monetary"], Scaling::ZScore, &KMeans::params(3).seed(7))?;
    /// let top = &seg.model.profiles[seg.labels[5]];
    /// assert_eq!(top.size, 2);
    /// assert!(top.label.starts_with("high value, recent"));
    /// assert_eq!(seg.model.assign(&f)?, seg.labels);
    /// # Ok::<(), custalyze_segment::Error>(())
    /// ```
    pub fn fit(
        features: &CustomerFeatures,
        log1p: &[&str],
        scaling: Scaling,
        params: &KMeansParams,
    ) -> Result<Segmentation> {
        let scaler = FittedScaler::fit(features, log1p, scaling)?;
        let x = scaler.transform_matrix(features.values.view())?;
        let kmeans = params.fit(x.view())?;
        let profiles = profile_segments(features, &kmeans.labels)?;
        let labels = kmeans.labels.clone();
        Ok(Segmentation {
            model: SegmentModel {
                scaler,
                kmeans,
                profiles,
            },
            customers: features.customers.clone(),
            labels,
        })
    }

    /// The segment of every customer of `features` (new or training), preprocessed with the
    /// stored scaler; columns are taken by name.
    ///
    /// # Errors
    /// As [`FittedScaler::transform`] and [`FittedKMeans::predict`].
    pub fn assign(&self, features: &CustomerFeatures) -> Result<Vec<usize>> {
        let x = self.scaler.transform(features)?;
        self.kmeans.predict(x.view())
    }
}
