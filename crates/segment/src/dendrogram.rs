//! The result of a hierarchical clustering: the linkage matrix, flat clusters cut from it,
//! cophenetic correlation and an SVG drawing.

use std::io::Write;

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;

use crate::error::{Error, Result, check_matrix};
use crate::linkage::Points;

/// One row of a linkage matrix: clusters `idx1 < idx2` merged at height `distance` into a cluster
/// of `size` observations (SciPy's `Z[k] = [idx1, idx2, distance, size]`).
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Merge {
    /// The smaller id of the two merged clusters (`< n`: an observation; `n + j`: the cluster
    /// formed at row `j`).
    pub idx1: usize,
    /// The larger id.
    pub idx2: usize,
    /// The merge height (the linkage distance between the two clusters).
    pub distance: f64,
    /// Number of observations in the merged cluster.
    pub size: usize,
}

/// A dendrogram of `n` observations: `n − 1` merges in SciPy's linkage-matrix convention (see
/// [`mod@crate::linkage`]); the cluster formed at row `k` has id `n + k`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Dendrogram {
    /// Number of observations (leaves).
    pub n: usize,
    /// The merges, row `k` forming cluster `n + k`.
    pub merges: Vec<Merge>,
}

impl Dendrogram {
    /// A dendrogram from merges, checked: every id below `n + k` at row `k`, each cluster merged
    /// once, sizes adding up, finite non-negative heights.
    ///
    /// # Errors
    /// [`Error::InvalidLinkage`] naming the first bad row; [`Error::LengthMismatch`] unless there
    /// are `n − 1` merges; [`Error::TooFewObservations`] for `n < 2`.
    pub fn new(n: usize, merges: Vec<Merge>) -> Result<Self> {
        if n < 2 {
            return Err(Error::TooFewObservations {
                what: "a dendrogram",
                needed: 2,
                got: n,
            });
        }
        if merges.len() != n - 1 {
            return Err(Error::LengthMismatch {
                what: "linkage rows (n - 1)",
                expected: n - 1,
                got: merges.len(),
            });
        }
        let mut used = vec![false; 2 * n - 1];
        let mut sizes = vec![1usize; 2 * n - 1];
        for (k, m) in merges.iter().enumerate() {
            let bad = |reason: String| Error::InvalidLinkage { row: k, reason };
            if m.idx1 >= n + k || m.idx2 >= n + k || m.idx1 == m.idx2 {
                return Err(bad(format!(
                    "ids {} and {} must be distinct and below {}",
                    m.idx1,
                    m.idx2,
                    n + k
                )));
            }
            if used[m.idx1] || used[m.idx2] {
                return Err(bad("a cluster is merged twice".to_string()));
            }
            if !m.distance.is_finite() || m.distance < 0.0 {
                return Err(bad(format!(
                    "height {} is not a finite non-negative number",
                    m.distance
                )));
            }
            let s = sizes[m.idx1] + sizes[m.idx2];
            if s != m.size {
                return Err(bad(format!("size {} should be {s}", m.size)));
            }
            used[m.idx1] = true;
            used[m.idx2] = true;
            sizes[n + k] = s;
        }
        Ok(Dendrogram { n, merges })
    }

    /// A dendrogram from a SciPy linkage matrix (`(n − 1) x 4`, ids stored as floats).
    ///
    /// # Errors
    /// As [`Dendrogram::new`]; [`Error::LengthMismatch`] unless the matrix has 4 columns;
    /// [`Error::InvalidLinkage`] for ids or sizes that are not non-negative integers.
    pub fn from_matrix(z: ArrayView2<'_, f64>) -> Result<Self> {
        if z.ncols() != 4 {
            return Err(Error::LengthMismatch {
                what: "linkage matrix columns",
                expected: 4,
                got: z.ncols(),
            });
        }
        let int = |v: f64, row: usize| {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 {
                Ok(v as usize)
            } else {
                Err(Error::InvalidLinkage {
                    row,
                    reason: format!("{v} is not a cluster id or size"),
                })
            }
        };
        let mut merges = Vec::with_capacity(z.nrows());
        for (row, r) in z.outer_iter().enumerate() {
            let (a, b) = (int(r[0], row)?, int(r[1], row)?);
            merges.push(Merge {
                idx1: a.min(b),
                idx2: a.max(b),
                distance: r[2],
                size: int(r[3], row)?,
            });
        }
        Dendrogram::new(z.nrows() + 1, merges)
    }

    /// The linkage matrix as SciPy stores it: `(n − 1) x 4` floats.
    pub fn to_matrix(&self) -> Array2<f64> {
        let mut z = Array2::zeros((self.merges.len(), 4));
        for (k, m) in self.merges.iter().enumerate() {
            z[[k, 0]] = m.idx1 as f64;
            z[[k, 1]] = m.idx2 as f64;
            z[[k, 2]] = m.distance;
            z[[k, 3]] = m.size as f64;
        }
        z
    }

    /// The merge heights in row order.
    pub fn heights(&self) -> Vec<f64> {
        self.merges.iter().map(|m| m.distance).collect()
    }

    /// Writes the matrix as CSV with header `idx1,idx2,distance,size` (heights printed with the
    /// shortest representation that reads back to the same `f64`).
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails.
    pub fn write_csv<W: Write>(&self, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Io(e.into());
        w.write_record(["idx1", "idx2", "distance", "size"])
            .map_err(err)?;
        for m in &self.merges {
            w.write_record([
                m.idx1.to_string(),
                m.idx2.to_string(),
                format!("{:?}", m.distance),
                m.size.to_string(),
            ])
            .map_err(err)?;
        }
        w.flush()?;
        Ok(())
    }

    /// For each row, the largest height in its subtree (SciPy's `maxdists`); equal to the heights
    /// for monotone methods.
    pub fn max_dists(&self) -> Vec<f64> {
        let n = self.n;
        let mut md: Vec<f64> = Vec::with_capacity(self.merges.len());
        for m in &self.merges {
            let mut v = m.distance;
            for c in [m.idx1, m.idx2] {
                if c >= n {
                    v = v.max(md[c - n]);
                }
            }
            md.push(v);
        }
        md
    }

    /// Flat clusters from merging every subtree whose [`max_dists`](Self::max_dists) is at most
    /// `t`; labels `0..` in order of first appearance.
    fn cut_at(&self, t: f64) -> Vec<usize> {
        let n = self.n;
        let md = self.max_dists();
        let mut parent: Vec<usize> = (0..2 * n - 1).collect();
        for (k, m) in self.merges.iter().enumerate() {
            if md[k] <= t {
                parent[m.idx1] = n + k;
                parent[m.idx2] = n + k;
            }
        }
        // Roots: follow parents upward (ids only grow, so this ends).
        let mut root = vec![0usize; 2 * n - 1];
        for id in (0..2 * n - 1).rev() {
            root[id] = if parent[id] == id {
                id
            } else {
                root[parent[id]]
            };
        }
        let mut label_of = vec![usize::MAX; 2 * n - 1];
        let mut next = 0;
        (0..n)
            .map(|i| {
                let r = root[i];
                if label_of[r] == usize::MAX {
                    label_of[r] = next;
                    next += 1;
                }
                label_of[r]
            })
            .collect()
    }

    /// The smallest threshold among the subtree heights that leaves at most `k` clusters (SciPy's
    /// `fcluster(Z, k, 'maxclust')`); `None` when no merge is needed.
    fn maxclust_threshold(&self, k: usize) -> Option<f64> {
        if k >= self.n {
            return None;
        }
        let mut md = self.max_dists();
        md.sort_by(f64::total_cmp);
        // With threshold md[i] (the last of a run of equal values), i + 1 merges are applied.
        let mut i = 0;
        while i < md.len() {
            let mut j = i;
            while j + 1 < md.len() && md[j + 1] == md[i] {
                j += 1;
            }
            if self.n - (j + 1) <= k {
                return Some(md[i]);
            }
            i = j + 1;
        }
        md.last().copied()
    }

    /// Cuts the tree into at most `k` flat clusters as SciPy's `fcluster(Z, k, 'maxclust')`
    /// does: the smallest height threshold that leaves no more than `k` clusters (fewer when
    /// merges at that height tie). Labels are `0..` in order of first appearance in row order.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k = 0`.
    pub fn cut_k(&self, k: usize) -> Result<Vec<usize>> {
        if k == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("k", k, "at least one cluster"),
            ));
        }
        Ok(match self.maxclust_threshold(k) {
            Some(t) => self.cut_at(t),
            None => (0..self.n).collect(),
        })
    }

    /// Cuts the tree at height `t` (SciPy's `fcluster(Z, t, 'distance')`): observations whose
    /// cophenetic distance is at most `t` share a cluster. Labels in order of first appearance.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a NaN or negative `t`.
    pub fn cut_height(&self, t: f64) -> Result<Vec<usize>> {
        if t.is_nan() || t < 0.0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("height", t, "a non-negative number"),
            ));
        }
        Ok(self.cut_at(t))
    }

    /// Leaves in drawing order (left child `idx1` first), as SciPy's `leaves_list`.
    pub fn leaf_order(&self) -> Vec<usize> {
        let n = self.n;
        let mut out = Vec::with_capacity(n);
        let mut stack = vec![2 * n - 2];
        while let Some(id) = stack.pop() {
            if id < n {
                out.push(id);
            } else {
                let m = self.merges[id - n];
                stack.push(m.idx2);
                stack.push(m.idx1);
            }
        }
        out
    }

    /// The cophenetic correlation coefficient (SciPy's `cophenet(Z, pdist(X))[0]`): the Pearson
    /// correlation between the Euclidean distances of all pairs of rows of `data` and their
    /// cophenetic distances (the height at which the pair is first joined). `O(n² d)` time, `O(n)`
    /// memory.
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] unless `data` has `n` rows; [`Error::EmptyData`],
    /// [`Error::NonFinite`].
    pub fn cophenetic_correlation(&self, data: ArrayView2<'_, f64>) -> Result<f64> {
        check_matrix(data)?;
        if data.nrows() != self.n {
            return Err(Error::LengthMismatch {
                what: "data rows (observations of the dendrogram)",
                expected: self.n,
                got: data.nrows(),
            });
        }
        let points = Points::new(data);
        Ok(self.cophenetic_with(|i, j| points.dist(i, j)))
    }

    /// The cophenetic correlation against a condensed distance matrix (see
    /// [`crate::linkage::pdist`]).
    ///
    /// # Errors
    /// [`Error::LengthMismatch`] unless `dists` has `n(n−1)/2` values.
    pub fn cophenetic_correlation_condensed(&self, dists: &[f64]) -> Result<f64> {
        let n = self.n;
        if dists.len() != n * (n - 1) / 2 {
            return Err(Error::LengthMismatch {
                what: "condensed distance matrix length n(n-1)/2",
                expected: n * (n - 1) / 2,
                got: dists.len(),
            });
        }
        Ok(self.cophenetic_with(|i, j| dists[crate::linkage::condensed_index(n, i, j)]))
    }

    #[allow(clippy::needless_range_loop)]
    fn cophenetic_with<F: Fn(usize, usize) -> f64 + Sync>(&self, dist: F) -> f64 {
        let n = self.n;
        let pairs = (n * (n - 1) / 2) as f64;
        // Members of every cluster, built bottom-up; each merge visits its cross pairs.
        let visit = |f: &CrossFn<'_>| {
            let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
            members.resize(2 * n - 1, Vec::new());
            let mut acc = [0.0f64; 3];
            for (k, m) in self.merges.iter().enumerate() {
                let a = std::mem::take(&mut members[m.idx1]);
                let b = std::mem::take(&mut members[m.idx2]);
                let r = f(&a, &b, m.distance);
                for t in 0..3 {
                    acc[t] += r[t];
                }
                let mut joined = a;
                joined.extend_from_slice(&b);
                members[n + k] = joined;
            }
            acc
        };
        let cross = |a: &[usize], b: &[usize], g: &(dyn Fn(f64) -> [f64; 3] + Sync)| {
            let row = |&p: &usize| {
                let mut s = [0.0f64; 3];
                for &q in b {
                    let r = g(dist(p, q));
                    for t in 0..3 {
                        s[t] += r[t];
                    }
                }
                s
            };
            let parts: Vec<[f64; 3]> = if a.len() * b.len() > 1 << 16 {
                a.par_iter().with_min_len(64).map(row).collect()
            } else {
                a.iter().map(row).collect()
            };
            let mut s = [0.0f64; 3];
            for r in parts {
                for t in 0..3 {
                    s[t] += r[t];
                }
            }
            s
        };
        // Pass 1: means.
        let sums = visit(&|a, b, h| {
            let s = cross(a, b, &|d| [d, 0.0, 0.0]);
            [s[0], h * (a.len() * b.len()) as f64, 0.0]
        });
        let (ybar, cbar) = (sums[0] / pairs, sums[1] / pairs);
        // Pass 2: centred products.
        let mut scc = 0.0;
        let s = visit(&|a, b, h| {
            let dc = h - cbar;
            let s = cross(a, b, &|d| {
                let dy = d - ybar;
                [dc * dy, dy * dy, 0.0]
            });
            [s[0], s[1], dc * dc * (a.len() * b.len()) as f64]
        });
        scc += s[2];
        s[0] / (scc * s[1]).sqrt()
    }
}

/// A per-merge accumulation over the cross pairs of two clusters at a height.
type CrossFn<'a> = dyn Fn(&[usize], &[usize], f64) -> [f64; 3] + Sync + 'a;
