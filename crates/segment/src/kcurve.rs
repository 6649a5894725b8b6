//! The elbow and silhouette curves over a range of `k`, with a suggested `k` (highest mean
//! silhouette) and the elbow of the inertia curve.

use std::ops::RangeInclusive;

use ndarray::ArrayView2;

use crate::error::{Error, Result};
use crate::kmeans::KMeansParams;
use crate::silhouette::{silhouette_score, silhouette_score_sampled};

/// One point of a [`KCurve`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KCurvePoint {
    /// Number of clusters.
    pub k: usize,
    /// Inertia of the best fit (the elbow curve).
    pub inertia: f64,
    /// Mean silhouette of that fit (`NaN` for `k = 1`).
    pub silhouette: f64,
}

/// The elbow and silhouette curves over a range of `k`, with suggestions.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KCurve {
    /// One point per `k`, in increasing `k`.
    pub points: Vec<KCurvePoint>,
    /// The `k` with the highest mean silhouette (the suggestion).
    pub suggested_k: usize,
    /// The elbow of the inertia curve: the point farthest below the chord from the first to the
    /// last point, after scaling both axes to `[0, 1]` (the "kneedle" rule, Satopää et al. 2011).
    pub elbow_k: usize,
}

/// Fits K-Means for every `k` in `ks` (other settings from `params`) and returns the inertia and
/// silhouette curves. The silhouette is exact, or sampled with `silhouette_sample` observations
/// (seeded by `params.seed`) when given and smaller than `n`.
///
/// # Errors
/// As [`KMeansParams::fit`] and [`silhouette_score`]; [`Error::InvalidParameter`] for an empty
/// range.
pub fn k_curve(
    data: ArrayView2<'_, f64>,
    ks: RangeInclusive<usize>,
    params: &KMeansParams,
    silhouette_sample: Option<usize>,
) -> Result<KCurve> {
    if ks.is_empty() || *ks.start() == 0 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "k range",
                format!("{}..={}", ks.start(), ks.end()),
                "a non-empty range of k >= 1",
            ),
        ));
    }
    let mut points = Vec::new();
    for k in ks {
        let mut p = params.clone();
        p.k = k;
        let fit = p.fit(data)?;
        let silhouette = if k < 2 {
            f64::NAN
        } else {
            match silhouette_sample {
                Some(m) => silhouette_score_sampled(data, &fit.labels, m, params.seed)?,
                None => silhouette_score(data, &fit.labels)?,
            }
        };
        points.push(KCurvePoint {
            k,
            inertia: fit.inertia,
            silhouette,
        });
    }
    let mut suggested_k = points[0].k;
    let mut best = f64::NEG_INFINITY;
    for p in &points {
        if p.silhouette > best {
            best = p.silhouette;
            suggested_k = p.k;
        }
    }
    Ok(KCurve {
        elbow_k: elbow(&points),
        points,
        suggested_k,
    })
}

fn elbow(points: &[KCurvePoint]) -> usize {
    let (first, last) = (points[0], points[points.len() - 1]);
    if points.len() < 3 || first.inertia == last.inertia {
        return first.k;
    }
    let (k0, k1) = (first.k as f64, last.k as f64);
    let (lo, hi) = (
        last.inertia.min(first.inertia),
        last.inertia.max(first.inertia),
    );
    let mut best = (f64::NEG_INFINITY, first.k);
    for p in points {
        let x = (p.k as f64 - k0) / (k1 - k0);
        let y = (p.inertia - lo) / (hi - lo);
        // Chord from (0, 1) to (1, 0) for a decreasing curve: y = 1 - x.
        let gap = (1.0 - x) - y;
        if gap > best.0 {
            best = (gap, p.k);
        }
    }
    best.1
}
