//! Isolation-forest scores against scikit-learn's `IsolationForest` on a fixed data set
//! (`fixtures/isolation_forest.csv`, written by `fixtures/make_isolation_forest.py`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use custalyze_anomaly::{IsolationForest, Matrix};

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for k in i..=j {
            r[idx[k]] = (i + j) as f64 / 2.0;
        }
        i = j + 1;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn scores_rank_like_scikit_learn() {
    let text = include_str!("fixtures/isolation_forest.csv");
    let mut values = Vec::new();
    let mut reference = Vec::new();
    for line in text.lines().skip(2) {
        let f: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
        values.extend_from_slice(&f[..3]);
        reference.push(f[3]);
    }
    let x = Matrix::new(values, 3).unwrap();
    let forest = IsolationForest::params()
        .trees(1000)
        .seed(5)
        .fit(&x)
        .unwrap();
    let ours = forest.score_all(&x).unwrap();
    let rho = spearman(&ours, &reference);
    let max_diff = ours
        .iter()
        .zip(&reference)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    println!("Spearman rho {rho:.4}, largest score difference {max_diff:.4}");
    // The issue asks for a rank correlation of at least 0.9; the scores are on the same scale,
    // so they also agree within the Monte Carlo error of 1000 trees.
    assert!(rho >= 0.97, "rank correlation {rho}");
    assert!(max_diff < 0.03, "largest score difference {max_diff}");
}
