//! Isolation forest (Liu, Ting & Zhou 2008, "Isolation Forest", *ICDM*; 2012, "Isolation-based
//! anomaly detection", *ACM TKDD* 6(1)).
//!
//! Each tree is grown on a sub-sample of `ψ` rows drawn without replacement: a node picks a
//! feature at random among those not constant in the node and splits at a uniform point between
//! the node's minimum and maximum, until a node holds one row or the depth reaches
//! `⌈log₂ ψ⌉`. A row's path length `h(x)` is the depth of the leaf it falls in plus `c(n)` for
//! the `n` sub-sample rows left there, the average path of an unsuccessful search in a binary
//! search tree of `n` keys:
//!
//! ```text
//! c(n) = 2 H(n - 1) - 2 (n - 1) / n,   H(i) ≈ ln i + 0.5772156649   (c(1) = 0, c(2) = 1)
//! s(x) = 2^( -E[h(x)] / c(ψ) )
//! ```
//!
//! `s` near 1 is isolated quickly (anomalous); well below 0.5 is ordinary. This is the score of
//! scikit-learn's `IsolationForest.score_samples` with the sign flipped (`-score_samples`), and
//! the defaults match it (100 trees, `ψ = min(256, n)`, all features); the forest is seeded, so
//! the same seed gives the same scores, though not scikit-learn's numbers draw for draw.
//!
//! Why our own: no maintained Rust crate fits (linfa has no isolation forest; the crates that
//! implement one take `Vec<[f64; N]>` with the width fixed at compile time, or are unmaintained),
//! and the algorithm is short. Trees are stored as flat node arrays, grown and evaluated in
//! parallel with rayon; tree `t` draws from ChaCha8 stream `t` of the seed, so results do not
//! depend on the thread count.

use rand::Rng;
use rand::seq::index::sample;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use rayon::prelude::*;

use crate::error::{Error, Result, invalid};

const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;
const LEAF: u32 = u32::MAX;

/// The average path length `c(n)` of an unsuccessful search in a binary search tree of `n` keys.
pub fn average_path_length(n: usize) -> f64 {
    match n {
        0 | 1 => 0.0,
        2 => 1.0,
        _ => {
            let n = n as f64;
            2.0 * ((n - 1.0).ln() + EULER_GAMMA) - 2.0 * (n - 1.0) / n
        }
    }
}

/// A row-major matrix of finite values, the input of [`IsolationForest`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Matrix {
    values: Vec<f64>,
    columns: usize,
}

impl Matrix {
    /// A matrix of `values.len() / columns` rows, row after row.
    ///
    /// # Errors
    /// [`Error::Shape`] when `columns` is 0 or does not divide the length; [`Error::NonFinite`]
    /// for the first NaN or infinite value.
    pub fn new(values: Vec<f64>, columns: usize) -> Result<Self> {
        if columns == 0 || !values.len().is_multiple_of(columns) {
            return Err(Error::Shape {
                reason: format!("{} values do not make rows of {columns}", values.len()),
            });
        }
        if let Some(i) = values.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                row: i / columns,
                column: i % columns,
                value: values[i],
            });
        }
        Ok(Self { values, columns })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.values.len() / self.columns
    }

    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// Row `i`.
    ///
    /// # Panics
    /// When `i >= self.rows()`.
    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.columns..(i + 1) * self.columns]
    }

    /// The values, row after row.
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

/// The settings of an isolation forest, unchecked.
///
/// | setting | default | scikit-learn |
/// |---|---|---|
/// | [`trees`](Self::trees) | 100 | `n_estimators=100` |
/// | [`sample_size`](Self::sample_size) | 256 (or every row when fewer) | `max_samples="auto"` |
/// | [`seed`](Self::seed) | 0 | `random_state` |
///
/// # Examples
/// ```
/// use custalyze_anomaly::{IsolationForest, Matrix};
/// let mut values: Vec<f64> = (0..200).map(|i| f64::from(i % 20) * 0.1).collect();
/// values.push(25.0); // one far-off value
/// let x = Matrix::new(values, 1)?;
/// let forest = IsolationForest::params().seed(1).fit(&x)?;
/// let scores = forest.score_all(&x)?;
/// let top = (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b]));
/// assert_eq!(top, Some(200));
/// # Ok::<(), custalyze_anomaly::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct IsolationForestParams {
    trees: usize,
    sample_size: usize,
    seed: u64,
}

/// Checked [`IsolationForestParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidIsolationForestParams(IsolationForestParams);

/// Entry point: [`IsolationForest::params`].
#[derive(Clone, Copy, Debug)]
pub struct IsolationForest;

impl IsolationForest {
    /// The default settings.
    pub fn params() -> IsolationForestParams {
        IsolationForestParams {
            trees: 100,
            sample_size: 256,
            seed: 0,
        }
    }
}

impl IsolationForestParams {
    /// Number of trees (1 to 10,000).
    pub fn trees(mut self, trees: usize) -> Self {
        self.trees = trees;
        self
    }

    /// Rows per tree, `ψ` (2 to 1,000,000; capped at the rows available).
    pub fn sample_size(mut self, sample_size: usize) -> Self {
        self.sample_size = sample_size;
        self
    }

    /// Seed of the sub-samples and splits.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `trees` outside 1..=10,000 or `sample_size` outside
    /// 2..=1,000,000.
    pub fn check(self) -> Result<ValidIsolationForestParams> {
        if !(1..=10_000).contains(&self.trees) {
            return Err(invalid("trees", self.trees, "1 to 10,000 trees"));
        }
        if !(2..=1_000_000).contains(&self.sample_size) {
            return Err(invalid(
                "sample_size",
                self.sample_size,
                "2 to 1,000,000 rows per tree",
            ));
        }
        Ok(ValidIsolationForestParams(self))
    }

    /// Checks and fits in one step.
    ///
    /// # Errors
    /// As [`Self::check`] and [`ValidIsolationForestParams::fit`].
    pub fn fit(self, x: &Matrix) -> Result<FittedIsolationForest> {
        self.check()?.fit(x)
    }
}

/// One node, 16 bytes: a split (`feature`, `threshold`, children at `left` and `left + 1`) or a
/// leaf (`feature == LEAF`, `threshold = c(size)` for the `size` sub-sample rows left there, so
/// scoring needs no logarithm).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Node {
    threshold: f64,
    feature: u32,
    left: u32,
}

/// One isolation tree as a flat node array (node 0 is the root; siblings are adjacent).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Tree {
    nodes: Vec<Node>,
}

impl Tree {
    fn grow(x: &Matrix, rows: &mut [usize], max_depth: usize, rng: &mut ChaCha8Rng) -> Self {
        let mut tree = Tree {
            nodes: vec![Node {
                threshold: 0.0,
                feature: LEAF,
                left: 0,
            }],
        };
        tree.split(x, rows, 0, 0, max_depth, rng);
        tree
    }

    /// Fills node `here` with the subtree over `rows` (children are appended as a pair).
    fn split(
        &mut self,
        x: &Matrix,
        rows: &mut [usize],
        here: usize,
        depth: usize,
        max_depth: usize,
        rng: &mut ChaCha8Rng,
    ) {
        self.nodes[here] = Node {
            threshold: average_path_length(rows.len()),
            feature: LEAF,
            left: 0,
        };
        if rows.len() <= 1 || depth >= max_depth {
            return;
        }
        // Features that vary in this node, with their ranges.
        let mut varying: Vec<(usize, f64, f64)> = Vec::new();
        for j in 0..x.columns() {
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for &r in rows.iter() {
                let v = x.row(r)[j];
                lo = lo.min(v);
                hi = hi.max(v);
            }
            if hi > lo {
                varying.push((j, lo, hi));
            }
        }
        if varying.is_empty() {
            return;
        }
        let (feature, lo, hi) = varying[rng.random_range(0..varying.len())];
        let mut threshold = lo + rng.random::<f64>() * (hi - lo);
        if threshold <= lo || threshold >= hi {
            threshold = 0.5 * (lo + hi);
        }
        // Partition: rows below the threshold first.
        let mut cut = 0;
        for i in 0..rows.len() {
            if x.row(rows[i])[feature] < threshold {
                rows.swap(i, cut);
                cut += 1;
            }
        }
        let left = self.nodes.len();
        let placeholder = self.nodes[here];
        self.nodes.extend([placeholder, placeholder]);
        self.nodes[here] = Node {
            threshold,
            feature: feature as u32,
            left: left as u32,
        };
        let (left_rows, right_rows) = rows.split_at_mut(cut);
        self.split(x, left_rows, left, depth + 1, max_depth, rng);
        self.split(x, right_rows, left + 1, depth + 1, max_depth, rng);
    }

    fn path_length(&self, row: &[f64]) -> f64 {
        let mut node = 0usize;
        let mut depth = 0.0;
        loop {
            let n = self.nodes[node];
            if n.feature == LEAF {
                // A leaf's threshold holds c(size), computed once when the tree was grown.
                return depth + n.threshold;
            }
            node = n.left as usize + usize::from(row[n.feature as usize] >= n.threshold);
            depth += 1.0;
        }
    }
}

/// A fitted isolation forest: score rows of the same width with [`Self::score`] or
/// [`Self::score_all`]. Serialisable (with the `serde` feature) to score new rows elsewhere.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedIsolationForest {
    trees: Vec<Tree>,
    sample_size: usize,
    columns: usize,
}

impl ValidIsolationForestParams {
    /// Grows the trees on `x`.
    ///
    /// # Errors
    /// [`Error::Empty`] when `x` has fewer than 2 rows.
    pub fn fit(&self, x: &Matrix) -> Result<FittedIsolationForest> {
        let n = x.rows();
        if n < 2 {
            return Err(Error::Empty {
                what: "rows (at least 2)",
                action: "fit an isolation forest on",
            });
        }
        let p = &self.0;
        let psi = p.sample_size.min(n);
        let max_depth = (psi as f64).log2().ceil() as usize;
        let trees = (0..p.trees)
            .into_par_iter()
            .map(|t| {
                let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
                rng.set_stream(t as u64);
                let mut rows = sample(&mut rng, n, psi).into_vec();
                Tree::grow(x, &mut rows, max_depth, &mut rng)
            })
            .collect();
        Ok(FittedIsolationForest {
            trees,
            sample_size: psi,
            columns: x.columns(),
        })
    }
}

impl FittedIsolationForest {
    /// The anomaly score `s(x) = 2^(-E[h(x)] / c(ψ))` of one row, in (0, 1].
    ///
    /// # Errors
    /// [`Error::Shape`] when the row's width differs from the fitted rows';
    /// [`Error::NonFinite`] for a NaN or infinite value.
    pub fn score(&self, row: &[f64]) -> Result<f64> {
        if row.len() != self.columns {
            return Err(Error::Shape {
                reason: format!(
                    "a row of {} values for a forest fitted on {}",
                    row.len(),
                    self.columns
                ),
            });
        }
        if let Some(j) = row.iter().position(|v| !v.is_finite()) {
            return Err(Error::NonFinite {
                row: 0,
                column: j,
                value: row[j],
            });
        }
        Ok(self.score_unchecked(row))
    }

    fn score_unchecked(&self, row: &[f64]) -> f64 {
        let mean =
            self.trees.iter().map(|t| t.path_length(row)).sum::<f64>() / self.trees.len() as f64;
        let c = average_path_length(self.sample_size);
        if c > 0.0 { (-mean / c).exp2() } else { 0.5 }
    }

    /// The scores of every row of `x` (in parallel; the same numbers as [`Self::score`]).
    ///
    /// # Errors
    /// [`Error::Shape`] when `x`'s width differs from the fitted rows'.
    pub fn score_all(&self, x: &Matrix) -> Result<Vec<f64>> {
        if x.columns() != self.columns {
            return Err(Error::Shape {
                reason: format!(
                    "rows of {} values for a forest fitted on {}",
                    x.columns(),
                    self.columns
                ),
            });
        }
        // Blocks of rows, trees in the outer loop: one tree's nodes stay in cache while the
        // block's rows run down it (the same sums in the same order as `score`).
        const BLOCK: usize = 256;
        let c = average_path_length(self.sample_size);
        let n = x.rows();
        let mut out = vec![0.0; n];
        out.par_chunks_mut(BLOCK)
            .enumerate()
            .for_each(|(b, chunk)| {
                let first = b * BLOCK;
                for tree in &self.trees {
                    for (k, total) in chunk.iter_mut().enumerate() {
                        *total += tree.path_length(x.row(first + k));
                    }
                }
                let trees = self.trees.len() as f64;
                for total in chunk.iter_mut() {
                    *total = if c > 0.0 {
                        (-(*total / trees) / c).exp2()
                    } else {
                        0.5
                    };
                }
            });
        Ok(out)
    }

    /// Number of trees.
    pub fn trees(&self) -> usize {
        self.trees.len()
    }

    /// Rows per tree actually used (`min(sample_size, rows)`).
    pub fn sample_size(&self) -> usize {
        self.sample_size
    }

    /// Width of the rows the forest was fitted on.
    pub fn columns(&self) -> usize {
        self.columns
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn average_path_length_matches_the_paper() {
        assert_eq!(average_path_length(1), 0.0);
        assert_eq!(average_path_length(2), 1.0);
        // c(256) = 2(ln 255 + γ) - 2·255/256 ≈ 10.2448.
        assert!((average_path_length(256) - 10.244_770).abs() < 1e-5);
    }

    #[test]
    fn a_lone_point_scores_higher_than_the_cluster() {
        let mut v: Vec<f64> = (0..500)
            .flat_map(|i| [f64::from(i % 25) / 25.0, f64::from(i / 25) / 20.0])
            .collect();
        v.extend([8.0, 8.0]);
        let x = Matrix::new(v, 2).unwrap();
        let f = IsolationForest::params().fit(&x).unwrap();
        let s = f.score_all(&x).unwrap();
        let lone = s[500];
        assert!(lone > 0.7, "lone point {lone}");
        assert!(s[..500].iter().all(|&v| v < lone));
    }
}
