//! Property tests: the fast linkage algorithms equal the naive O(n³) algorithm, cuts and
//! K-Means invariants.
//!
//! Inputs are random points with continuous coordinates, so pairwise and cluster distances are
//! distinct with probability one and the merge order is unique: the fast and naive algorithms must
//! then give the same rows (ids and sizes exactly, heights to 1e-9 relative). Equal distances are
//! covered by the SciPy reference test (436 ties), where the tie order must be SciPy's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_segment::{
    Algorithm, Dendrogram, Hierarchical, KMeans, Method, linkage_condensed, linkage_naive, pdist,
    silhouette_samples,
};
use ndarray::Array2;
use proptest::prelude::*;

fn points(max_n: usize) -> impl Strategy<Value = Array2<f64>> {
    (2..=max_n, 1..=4usize).prop_flat_map(|(n, d)| {
        proptest::collection::vec(-10.0f64..10.0, n * d)
            .prop_map(move |v| Array2::from_shape_vec((n, d), v).unwrap())
    })
}

fn same(a: &Dendrogram, b: &Dendrogram) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.merges.len(), b.merges.len());
    for (x, y) in a.merges.iter().zip(&b.merges) {
        prop_assert_eq!((x.idx1, x.idx2, x.size), (y.idx1, y.idx2, y.size));
        prop_assert!((x.distance - y.distance).abs() <= 1e-9 * (1.0 + y.distance));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fast_linkage_equals_naive(x in points(24)) {
        let n = x.nrows();
        let d = pdist(x.view()).unwrap();
        for method in Method::ALL {
            let fast = linkage_condensed(&d, n, method).unwrap();
            let naive = linkage_naive(&d, n, method).unwrap();
            same(&fast, &naive)?;
            // Valid SciPy structure (ids, sizes) and, for monotone methods, sorted heights.
            Dendrogram::new(n, fast.merges.clone()).unwrap();
            if method.is_monotone() {
                prop_assert!(fast.merges.windows(2).all(|w| w[0].distance <= w[1].distance));
            }
        }
    }

    #[test]
    fn geometric_algorithms_equal_matrix(x in points(40)) {
        for method in [Method::Ward, Method::Single] {
            let a = Hierarchical::params(method).algorithm(Algorithm::Geometric).fit(x.view()).unwrap();
            let b = Hierarchical::params(method).algorithm(Algorithm::Matrix).fit(x.view()).unwrap();
            same(&a, &b)?;
        }
    }

    #[test]
    fn cuts_give_k_clusters(x in points(30), k in 1..8usize) {
        let z = Hierarchical::params(Method::Average).fit(x.view()).unwrap();
        let labels = z.cut_k(k).unwrap();
        let m = labels.iter().max().unwrap() + 1;
        // No ties: exactly min(k, n) clusters, labelled in order of first appearance.
        prop_assert_eq!(m, k.min(x.nrows()));
        prop_assert_eq!(labels[0], 0);
        // Cutting just below a merge height splits that merge.
        let h = z.merges.last().unwrap().distance;
        prop_assert_eq!(z.cut_height(h).unwrap().iter().max().copied(), Some(0));
        let order = z.leaf_order();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..x.nrows()).collect::<Vec<_>>());
    }

    #[test]
    fn kmeans_invariants(x in points(60), k in 1..5usize, seed in 0..1000u64) {
        prop_assume!(x.nrows() >= k);
        let fit = KMeans::params(k).n_init(3).seed(seed).fit(x.view()).unwrap();
        prop_assert_eq!(fit.labels.len(), x.nrows());
        prop_assert!(fit.labels.iter().all(|&l| l < k));
        prop_assert_eq!(fit.cluster_sizes.iter().sum::<usize>(), x.nrows());
        // Same seed, same result.
        let again = KMeans::params(k).n_init(3).seed(seed).fit(x.view()).unwrap();
        prop_assert_eq!(&fit, &again);
        // The inertia is the sum of squared distances to the assigned centroids.
        let mut inertia = 0.0;
        for (i, row) in x.outer_iter().enumerate() {
            let c = fit.centroids.row(fit.labels[i]);
            inertia += row.iter().zip(c.iter()).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
        }
        prop_assert!((inertia - fit.inertia).abs() <= 1e-9 * (1.0 + inertia));
        // Every point is at its nearest centroid (a Lloyd fixed point up to tol).
        let pred = fit.predict(x.view()).unwrap();
        let mut inertia_pred = 0.0;
        for (i, row) in x.outer_iter().enumerate() {
            let c = fit.centroids.row(pred[i]);
            inertia_pred += row.iter().zip(c.iter()).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
        }
        prop_assert!(inertia_pred <= fit.inertia * (1.0 + 1e-12) + 1e-12);
    }

    #[test]
    fn silhouettes_are_in_range(x in points(40), k in 2..5usize) {
        prop_assume!(x.nrows() > k);
        let fit = KMeans::params(k).n_init(2).fit(x.view()).unwrap();
        let distinct = fit.cluster_sizes.iter().filter(|&&s| s > 0).count();
        prop_assume!(distinct >= 2 && distinct < x.nrows());
        let s = silhouette_samples(x.view(), &fit.labels).unwrap();
        prop_assert!(s.iter().all(|v| (-1.0..=1.0).contains(v)));
    }
}
