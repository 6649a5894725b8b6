//! Silhouette scores (Rousseeuw 1987, "Silhouettes: a graphical aid to the interpretation and
//! validation of cluster analysis"): per observation, exact mean, and a seeded sampled mean for
//! large data, with scikit-learn's conventions.

use ndarray::ArrayView2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{Error, Result, check_matrix};
use crate::linkage::{Points, sq_dist};

/// Dense cluster indices `0..m` for arbitrary labels, and the cluster sizes.
fn dense_labels(labels: &[usize]) -> (Vec<usize>, Vec<usize>) {
    let mut map = std::collections::HashMap::new();
    let mut sizes = Vec::new();
    let dense = labels
        .iter()
        .map(|&l| {
            let next = map.len();
            let c = *map.entry(l).or_insert(next);
            if c == sizes.len() {
                sizes.push(0);
            }
            sizes[c] += 1;
            c
        })
        .collect();
    (dense, sizes)
}

/// The silhouette of every observation (Rousseeuw 1987): `s(i) = (b − a) / max(a, b)`, with `a`
/// the mean Euclidean distance from `i` to the other members of its cluster and `b` the smallest
/// mean distance to the members of another cluster; `s(i) = 0` in a singleton cluster (as
/// scikit-learn's `silhouette_samples`). `O(n² d)` time, in parallel.
///
/// # Errors
/// [`Error::EmptyData`], [`Error::NonFinite`], [`Error::LengthMismatch`] (labels vs rows),
/// [`Error::SilhouetteClusters`] (fewer than 2 or more than `n − 1` distinct labels).
pub fn silhouette_samples(data: ArrayView2<'_, f64>, labels: &[usize]) -> Result<Vec<f64>> {
    check_matrix(data)?;
    if labels.len() != data.nrows() {
        return Err(Error::LengthMismatch {
            what: "labels (one per row)",
            expected: data.nrows(),
            got: labels.len(),
        });
    }
    let points = Points::new(data);
    let (dense, sizes) = dense_labels(labels);
    if sizes.len() < 2 || sizes.len() >= points.n {
        return Err(Error::SilhouetteClusters {
            clusters: sizes.len(),
            n: points.n,
        });
    }
    Ok(silhouette_dense(&points, &dense, &sizes))
}

fn silhouette_dense(p: &Points, labels: &[usize], sizes: &[usize]) -> Vec<f64> {
    let m = sizes.len();
    (0..p.n)
        .into_par_iter()
        .with_min_len(32)
        .map(|i| {
            let own = labels[i];
            if sizes[own] <= 1 {
                return 0.0;
            }
            let mut sums = vec![0.0; m];
            let x = p.row(i);
            for (j, &l) in labels.iter().enumerate() {
                sums[l] += sq_dist(x, p.row(j)).sqrt();
            }
            let a = sums[own] / (sizes[own] - 1) as f64;
            let mut b = f64::INFINITY;
            for c in 0..m {
                if c != own {
                    b = b.min(sums[c] / sizes[c] as f64);
                }
            }
            let den = a.max(b);
            if den > 0.0 { (b - a) / den } else { 0.0 }
        })
        .collect()
}

/// The mean silhouette over all observations (scikit-learn's `silhouette_score`).
///
/// # Errors
/// As [`silhouette_samples`].
pub fn silhouette_score(data: ArrayView2<'_, f64>, labels: &[usize]) -> Result<f64> {
    let s = silhouette_samples(data, labels)?;
    Ok(s.iter().sum::<f64>() / s.len() as f64)
}

/// The mean silhouette of a random sample of `sample_size` observations, computed within the
/// sample (scikit-learn's `silhouette_score(..., sample_size=...)`): `O(m² d)` for large `n`.
/// A sample at least as large as the data gives the exact score.
///
/// # Errors
/// As [`silhouette_samples`] (applied to the sample); [`Error::InvalidParameter`] for
/// `sample_size < 2`.
pub fn silhouette_score_sampled(
    data: ArrayView2<'_, f64>,
    labels: &[usize],
    sample_size: usize,
    seed: u64,
) -> Result<f64> {
    check_matrix(data)?;
    if sample_size < 2 {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("sample_size", sample_size, "at least 2"),
        ));
    }
    if labels.len() != data.nrows() {
        return Err(Error::LengthMismatch {
            what: "labels (one per row)",
            expected: data.nrows(),
            got: labels.len(),
        });
    }
    let n = data.nrows();
    if sample_size >= n {
        return silhouette_score(data, labels);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut idx: Vec<usize> = (0..n).collect();
    // Partial Fisher–Yates: the first `sample_size` entries are a uniform sample.
    for i in 0..sample_size {
        let j = rng.random_range(i..n);
        idx.swap(i, j);
    }
    idx.truncate(sample_size);
    idx.sort_unstable();
    let sub = data.select(ndarray::Axis(0), &idx);
    let sub_labels: Vec<usize> = idx.iter().map(|&i| labels[i]).collect();
    silhouette_score(sub.view(), &sub_labels)
}
