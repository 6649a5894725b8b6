//! Reference tests against SciPy 1.13.1 and scikit-learn 1.9.1 on the 297-customer CDNOW RFM
//! matrix (fixtures copied from `shared/`, see `tests/fixtures/SOURCES.md`).
//!
//! Tolerances and tie rules:
//! - Linkage on the condensed matrix (the default for n = 297): every row of Z equal to SciPy's:
//!   the same `idx1`, `idx2`, `size`, and heights within 1e-9 (absolute). Ties are broken as SciPy
//!   breaks them (the reference has 436 tied pairwise distances), so no reordering is allowed.
//! - Geometric ward (centroid-based chain): sorted heights within 1e-9, and the same flat
//!   partitions for k = 2..8; the order of equal merges may differ from SciPy's.
//! - Cophenetic correlation within 1e-9; `fcluster(maxclust)` partitions for k = 2..8 identical
//!   (labels in order of first appearance).
//! - K-Means (k-means++, n_init = 10): inertia no worse than scikit-learn's `n_init=10,
//!   random_state=42` fit (relative 1e-6). Lloyd from the first k rows (tol = 0): labels identical,
//!   centroids and inertia within 1e-9 relative, silhouette within 1e-12.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use custalyze_segment::{
    Algorithm, Dendrogram, Hierarchical, KMeans, Merge, Method, linkage, pdist, silhouette_score,
    silhouette_score_sampled,
};
use ndarray::Array2;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The z columns of the 297-row matrix.
fn matrix() -> Array2<f64> {
    let mut rdr = csv::Reader::from_path(fixtures().join("cdnow_rfm300_std.csv")).unwrap();
    let h = rdr.headers().unwrap().clone();
    let cols: Vec<usize> = ["z_recency", "z_frequency", "z_monetary"]
        .iter()
        .map(|c| h.iter().position(|x| x == *c).unwrap())
        .collect();
    let mut v = Vec::new();
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        for &c in &cols {
            v.push(r[c].parse::<f64>().unwrap());
        }
        n += 1;
    }
    Array2::from_shape_vec((n, 3), v).unwrap()
}

fn reference_z(method: &str) -> Vec<Merge> {
    let path = fixtures().join(format!("cdnow_rfm300_linkage_{method}.csv"));
    let mut rdr = csv::Reader::from_path(path).unwrap();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            Merge {
                idx1: r[0].parse().unwrap(),
                idx2: r[1].parse().unwrap(),
                distance: r[2].parse().unwrap(),
                size: r[3].parse().unwrap(),
            }
        })
        .collect()
}

fn results() -> Value {
    let s = std::fs::read_to_string(fixtures().join("cdnow_rfm300_results.json")).unwrap();
    serde_json::from_str(&s).unwrap()
}

fn canon(labels: &[usize]) -> Vec<usize> {
    let mut map = std::collections::HashMap::new();
    labels
        .iter()
        .map(|l| {
            let next = map.len() + 1;
            *map.entry(*l).or_insert(next)
        })
        .collect()
}

fn check_partitions(z: &Dendrogram, reference: &Value, what: &str) {
    let parts = reference["fcluster_maxclust_partitions"]
        .as_object()
        .unwrap();
    for (k, labels) in parts {
        let expected: Vec<usize> = labels
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        let got = canon(&z.cut_k(k.parse().unwrap()).unwrap());
        assert_eq!(got, expected, "{what}: partition into {k} clusters");
    }
}

#[test]
fn linkage_matrices_equal_scipy_row_by_row() {
    let x = matrix();
    assert_eq!(x.nrows(), 297);
    let res = results();
    let d = pdist(x.view()).unwrap();
    for method in ["ward", "single", "complete", "average"] {
        let m = Method::parse(method).unwrap();
        let z = Hierarchical::params(m)
            .algorithm(Algorithm::Matrix)
            .fit(x.view())
            .unwrap();
        let expected = reference_z(method);
        assert_eq!(z.merges.len(), expected.len());
        for (k, (a, b)) in z.merges.iter().zip(&expected).enumerate() {
            assert_eq!(
                (a.idx1, a.idx2, a.size),
                (b.idx1, b.idx2, b.size),
                "{method}: row {k}: {a:?} vs {b:?}"
            );
            assert!(
                (a.distance - b.distance).abs() <= 1e-9,
                "{method}: row {k}: height {} vs {}",
                a.distance,
                b.distance
            );
        }
        let r = &res["linkage"]["methods"][method];
        let coph = z.cophenetic_correlation(x.view()).unwrap();
        let expected_c = r["cophenetic_correlation"].as_f64().unwrap();
        assert!(
            (coph - expected_c).abs() <= 1e-9,
            "{method}: cophenetic {coph} vs {expected_c}"
        );
        let coph2 = z.cophenetic_correlation_condensed(&d).unwrap();
        assert!((coph2 - expected_c).abs() <= 1e-9);
        check_partitions(&z, r, method);
    }
}

#[test]
fn geometric_algorithms_match_scipy_heights_and_partitions() {
    let x = matrix();
    let res = results();
    for (method, m) in [("ward", Method::Ward), ("single", Method::Single)] {
        let z = Hierarchical::params(m)
            .algorithm(Algorithm::Geometric)
            .fit(x.view())
            .unwrap();
        let mut got = z.heights();
        got.sort_by(f64::total_cmp);
        let r = &res["linkage"]["methods"][method];
        let expected: Vec<f64> = r["merge_heights_sorted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        for (a, b) in got.iter().zip(&expected) {
            assert!((a - b).abs() <= 1e-9, "{method}: {a} vs {b}");
        }
        check_partitions(&z, r, method);
    }
}

#[test]
fn kmeans_inertia_no_worse_than_sklearn() {
    let x = matrix();
    let res = results();
    for k in 3..=6 {
        let r = &res["kmeans"]["n_init10_seed42"][k.to_string()];
        let sk = r["inertia"].as_f64().unwrap();
        let fit = KMeans::params(k).n_init(10).seed(42).fit(x.view()).unwrap();
        assert!(
            fit.inertia <= sk * (1.0 + 1e-6),
            "k = {k}: inertia {} vs scikit-learn {sk}",
            fit.inertia
        );
        eprintln!("k = {k}: inertia {} (scikit-learn {sk})", fit.inertia);
        let mut sizes = fit.cluster_sizes.clone();
        sizes.sort_unstable();
        assert_eq!(sizes.iter().sum::<usize>(), 297);
        // The silhouette of our labels; equal to scikit-learn's when the optimum is the same one.
        let s = silhouette_score(x.view(), &fit.labels).unwrap();
        let sk_s = r["silhouette"].as_f64().unwrap();
        if (fit.inertia - sk).abs() <= 1e-9 * sk {
            assert!(
                (s - sk_s).abs() <= 1e-9,
                "k = {k}: silhouette {s} vs {sk_s}"
            );
        }
    }
}

#[test]
fn lloyd_from_fixed_init_equals_sklearn() {
    let x = matrix();
    let res = results();
    for k in 3..=6 {
        let r = &res["kmeans"]["fixed_init_first_k_rows"][k.to_string()];
        let init = x.select(ndarray::Axis(0), &(0..k).collect::<Vec<_>>());
        let fit = KMeans::params(k)
            .init(init)
            .tol(0.0)
            .max_iter(1000)
            .fit(x.view())
            .unwrap();
        let labels: Vec<usize> = r["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(fit.labels, labels, "k = {k}");
        let sk = r["inertia"].as_f64().unwrap();
        assert!(
            (fit.inertia - sk).abs() <= 1e-9 * sk,
            "k = {k}: {} vs {sk}",
            fit.inertia
        );
        let centers = r["centers"].as_array().unwrap();
        for (c, row) in centers.iter().enumerate() {
            for (j, v) in row.as_array().unwrap().iter().enumerate() {
                let v = v.as_f64().unwrap();
                assert!((fit.centroids[[c, j]] - v).abs() <= 1e-9 * (1.0 + v.abs()));
            }
        }
        let s = silhouette_score(x.view(), &labels).unwrap();
        let sk_s = r["silhouette"].as_f64().unwrap();
        assert!(
            (s - sk_s).abs() <= 1e-12,
            "k = {k}: silhouette {s} vs {sk_s}"
        );
        // A sample as large as the data is the exact score; a smaller one is close to it.
        assert_eq!(
            silhouette_score_sampled(x.view(), &labels, 297, 1).unwrap(),
            s
        );
        let sampled = silhouette_score_sampled(x.view(), &labels, 200, 1).unwrap();
        assert!(
            (sampled - s).abs() < 0.1,
            "k = {k}: sampled {sampled} vs {s}"
        );
    }
}

#[test]
fn default_algorithm_is_scipy_exact_for_small_n() {
    let x = matrix();
    let z = linkage(x.view(), Method::Ward).unwrap();
    assert_eq!(z.merges, {
        let mut e = reference_z("ward");
        for (a, b) in e.iter_mut().zip(&z.merges) {
            // Heights compared to 1e-9 above; here only the structure.
            a.distance = b.distance;
        }
        e
    });
}
