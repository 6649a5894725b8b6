//! Segmentation against the Python references of shared/reference/python_timings.json:
//! SciPy `linkage(X, "ward")` / `"average"` on cdnow_rfm2000_std.csv (2000 x 3), scikit-learn
//! `KMeans(4, n_init=10, random_state=42)` on the same matrix, and `KMeans` k = 3..6 +
//! `silhouette_score` on the 297-row reference matrix. The large targets (ward of 20,000
//! customers, K-Means of 1,000,000 x 8) are timed by `crates/segment/examples/timing.rs`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_benches::shared_file;
use custalyze_segment::{KMeans, Method, linkage, silhouette_score};
use ndarray::Array2;

/// The z columns of a clustering input CSV, or a synthetic stand-in of `rows` x 3.
fn matrix(relative: &str, rows: usize) -> Array2<f64> {
    if let Some(path) = shared_file(relative) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let cols: Vec<usize> = ["z_recency", "z_frequency", "z_monetary"]
            .iter()
            .map(|c| header.iter().position(|h| h == c).unwrap())
            .collect();
        let mut v = Vec::new();
        let mut n = 0;
        for line in lines {
            let f: Vec<&str> = line.split(',').collect();
            v.extend(cols.iter().map(|&c| f[c].parse::<f64>().unwrap()));
            n += 1;
        }
        return Array2::from_shape_vec((n, 3), v).unwrap();
    }
    eprintln!("{relative} not found: using a synthetic {rows} x 3 matrix");
    let mut rng = custalyze_benches::Lcg::new(7);
    Array2::from_shape_fn((rows, 3), |(i, _)| (i % 4) as f64 * 2.0 + rng.unit())
}

fn bench_segment(c: &mut Criterion) {
    let x2000 = matrix("data/clustering/cdnow_rfm2000_std.csv", 2000);
    let x300 = matrix("data/clustering/cdnow_rfm300_std.csv", 297);
    let mut g = c.benchmark_group("linkage_2000");
    g.bench_function("ward", |b| {
        b.iter(|| linkage(x2000.view(), Method::Ward).unwrap())
    });
    g.bench_function("average", |b| {
        b.iter(|| linkage(x2000.view(), Method::Average).unwrap())
    });
    g.finish();
    let mut g = c.benchmark_group("kmeans");
    g.bench_function("k4_ninit10_2000", |b| {
        b.iter(|| {
            KMeans::params(4)
                .n_init(10)
                .seed(42)
                .fit(x2000.view())
                .unwrap()
        })
    });
    g.bench_function("k3to6_plus_silhouette_300", |b| {
        b.iter(|| {
            (3..=6)
                .map(|k| {
                    let fit = KMeans::params(k)
                        .n_init(10)
                        .seed(42)
                        .fit(x300.view())
                        .unwrap();
                    silhouette_score(x300.view(), &fit.labels).unwrap()
                })
                .sum::<f64>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench_segment);
criterion_main!(benches);
