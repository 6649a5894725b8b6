//! Agglomerative (hierarchical) clustering in SciPy's linkage-matrix convention.
//!
//! Every method starts from singletons and repeatedly merges the two closest clusters; they
//! differ in the distance between a merged cluster `x ∪ y` and another cluster `i`, which the
//! Lance–Williams recurrence gives from `d(x,i)`, `d(y,i)`, `d(x,y)` and the sizes `n_x, n_y, n_i`:
//!
//! | method | `d(x ∪ y, i)` |
//! |---|---|
//! | single | `min(d_xi, d_yi)` |
//! | complete | `max(d_xi, d_yi)` |
//! | average (UPGMA) | `(n_x d_xi + n_y d_yi) / (n_x + n_y)` |
//! | weighted (WPGMA) | `(d_xi + d_yi) / 2` |
//! | ward | `sqrt(((n_i+n_x) d_xi² + (n_i+n_y) d_yi² − n_i d_xy²) / (n_x+n_y+n_i))` |
//! | centroid (UPGMC) | `sqrt((n_x d_xi² + n_y d_yi² − n_x n_y d_xy² / (n_x+n_y)) / (n_x+n_y))` |
//! | median (WPGMC) | `sqrt(d_xi²/2 + d_yi²/2 − d_xy²/4)` |
//!
//! Ward heights are on SciPy's scale: for two clusters `A`, `B` with centroids `c_A`, `c_B`,
//! `d(A, B) = sqrt(2 |A||B| / (|A|+|B|)) ‖c_A − c_B‖`, that is `sqrt(2 ΔSSE)`.
//!
//! ## Algorithms (as SciPy 1.13 and fastcluster choose them)
//! - single: Prim's minimum spanning tree, `O(n²)` time, `O(n)` extra memory (Gower & Ross 1969).
//! - complete, average, weighted, ward: the nearest-neighbour chain (Murtagh 1983; Müllner 2011,
//!   "Modern hierarchical, agglomerative clustering algorithms", arXiv:1109.2378), `O(n²)` time on
//!   the condensed distance matrix. These methods are *reducible*, so merging mutual nearest
//!   neighbours in chain order gives the same dendrogram as the greedy algorithm.
//! - centroid, median: not reducible (heights can decrease); Müllner's generic algorithm with a
//!   priority queue of nearest-neighbour candidates, worst case `O(n³)`, typically near `O(n²)`.
//!
//! With [`Algorithm::Geometric`] single and ward run on the observations instead of the
//! `n(n−1)/2` condensed matrix (`O(n d)` memory): Prim's algorithm computes each distance when it is
//! needed, and the ward chain works on cluster centroids and sizes with the closed form above.
//!
//! ## Output convention (SciPy's `linkage`)
//! Row `k` of the matrix merges clusters `idx1 < idx2` at height `distance` into a cluster of
//! `size` observations that gets id `n + k`; ids below `n` are observations (rows of the input).
//! For every method except centroid and median, rows are sorted by height (stable sort, so equal
//! heights keep the order in which the algorithm merged them) and ids are assigned after sorting,
//! exactly as SciPy's `nn_chain`/`mst_single_linkage` + `label` do. Ties between equal distances
//! are broken as SciPy does: the first minimum in index order wins, and the chain prefers the
//! previous element. With the geometric algorithms ties can be broken differently (the distances
//! are computed in another way, so equal distances may differ in the last bit).

use ndarray::ArrayView2;
use rayon::prelude::*;

use crate::dendrogram::{Dendrogram, Merge};
use crate::error::{Error, Result, check_matrix};

/// The cluster-distance update (the linkage criterion).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Method {
    /// Nearest point (minimum spanning tree).
    Single,
    /// Farthest point.
    Complete,
    /// UPGMA: mean distance between the points of the two clusters.
    Average,
    /// WPGMA: mean of the two merged clusters' distances.
    Weighted,
    /// Ward's minimum-variance criterion (Euclidean input).
    Ward,
    /// UPGMC: distance between centroids (Euclidean input).
    Centroid,
    /// WPGMC: distance between the midpoints of merged clusters (Euclidean input).
    Median,
}

impl Method {
    /// Every method, in SciPy's documentation order.
    pub const ALL: [Method; 7] = [
        Method::Single,
        Method::Complete,
        Method::Average,
        Method::Weighted,
        Method::Centroid,
        Method::Median,
        Method::Ward,
    ];

    /// The method's SciPy name (`"ward"`, `"single"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Method::Single => "single",
            Method::Complete => "complete",
            Method::Average => "average",
            Method::Weighted => "weighted",
            Method::Ward => "ward",
            Method::Centroid => "centroid",
            Method::Median => "median",
        }
    }

    /// The method with SciPy name `name`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for an unknown name.
    pub fn parse(name: &str) -> Result<Self> {
        Method::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| {
                Error::InvalidParameter(crate::error::InvalidParameter::new(
                    "method",
                    name,
                    "expected single, complete, average, weighted, ward, centroid or median",
                ))
            })
    }

    /// Whether merge heights never decrease (all methods but centroid and median).
    pub fn is_monotone(self) -> bool {
        !matches!(self, Method::Centroid | Method::Median)
    }

    /// The Lance–Williams update `d(x ∪ y, i)`, written as SciPy writes it (same operation order).
    #[inline]
    fn update(self, d_xi: f64, d_yi: f64, d_xy: f64, nx: usize, ny: usize, ni: usize) -> f64 {
        match self {
            Method::Single => {
                if d_xi < d_yi {
                    d_xi
                } else {
                    d_yi
                }
            }
            Method::Complete => {
                if d_xi > d_yi {
                    d_xi
                } else {
                    d_yi
                }
            }
            Method::Average => (nx as f64 * d_xi + ny as f64 * d_yi) / ((nx + ny) as f64),
            Method::Weighted => 0.5 * (d_xi + d_yi),
            Method::Ward => {
                let t = 1.0 / ((nx + ny + ni) as f64);
                let v = ((ni + nx) as f64) * t * d_xi * d_xi + ((ni + ny) as f64) * t * d_yi * d_yi
                    - (ni as f64) * t * d_xy * d_xy;
                v.max(0.0).sqrt()
            }
            Method::Centroid => {
                let v = (((nx as f64) * d_xi * d_xi) + ((ny as f64) * d_yi * d_yi)
                    - ((nx * ny) as f64) * d_xy * d_xy / ((nx + ny) as f64))
                    / ((nx + ny) as f64);
                v.max(0.0).sqrt()
            }
            Method::Median => (0.5 * (d_xi * d_xi + d_yi * d_yi) - 0.25 * d_xy * d_xy)
                .max(0.0)
                .sqrt(),
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How the linkage is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Algorithm {
    /// [`Algorithm::Matrix`] while the condensed matrix takes at most
    /// [`AUTO_MATRIX_LIMIT`] observations, [`Algorithm::Geometric`] above that for single and
    /// ward (the other methods always use the matrix).
    #[default]
    Auto,
    /// SciPy's algorithms on the condensed Euclidean distance matrix (`n(n−1)/2` values, 8 bytes
    /// each): the same ties as SciPy.
    Matrix,
    /// Single: Prim's algorithm with distances computed on the fly; ward: the nearest-neighbour
    /// chain on centroids. `O(n d)` memory. Other methods fall back to the matrix.
    Geometric,
}

/// Largest number of observations for which [`Algorithm::Auto`] builds the condensed matrix
/// (8,000 observations: 256 MB).
pub const AUTO_MATRIX_LIMIT: usize = 8_000;

/// Parameters of a hierarchical clustering (unchecked until [`HierarchicalParams::check`]).
///
/// Defaults: [`Algorithm::Auto`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HierarchicalParams {
    method: Method,
    algorithm: Algorithm,
}

/// Checked hierarchical-clustering settings, from [`HierarchicalParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidHierarchicalParams(HierarchicalParams);

impl ValidHierarchicalParams {
    /// Clusters the rows of `data`; see [`HierarchicalParams::fit`].
    ///
    /// # Errors
    /// As [`HierarchicalParams::fit`].
    pub fn fit(&self, data: ArrayView2<'_, f64>) -> Result<Dendrogram> {
        self.0.fit_checked(data)
    }
}

/// Hierarchical clustering: `Hierarchical::params(Method::Ward).fit(data.view())?` returns a
/// [`Dendrogram`].
#[derive(Clone, Copy, Debug)]
pub struct Hierarchical;

impl Hierarchical {
    /// Parameters for `method` with the default algorithm.
    pub fn params(method: Method) -> HierarchicalParams {
        HierarchicalParams {
            method,
            algorithm: Algorithm::Auto,
        }
    }
}

impl HierarchicalParams {
    /// Sets the algorithm.
    pub fn algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// The linkage method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Validates the settings. Every method and algorithm combine (methods other than single
    /// and Ward run on the matrix whatever the algorithm), so this does not fail today; it is
    /// the same step as every other custalyze estimator's.
    ///
    /// # Errors
    /// None at present.
    pub fn check(&self) -> Result<ValidHierarchicalParams> {
        Ok(ValidHierarchicalParams(self.clone()))
    }

    /// Clusters the rows of `data` (observations x features) with Euclidean distances.
    ///
    /// # Errors
    /// [`Error::EmptyData`], [`Error::NonFinite`], [`Error::TooFewObservations`] (fewer than 2
    /// rows).
    ///
    /// # Examples
    /// ```
    /// use custalyze_segment::{Hierarchical, Method};
    /// let x = ndarray::array![[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [5.0, 2.0]];
    /// let z = Hierarchical::params(Method::Single).fit(x.view())?;
    /// assert_eq!((z.merges[0].idx1, z.merges[0].idx2, z.merges[0].distance), (0, 1, 1.0));
    /// assert_eq!(z.merges[2].size, 4);
    /// # Ok::<(), custalyze_segment::Error>(())
    /// ```
    pub fn fit(&self, data: ArrayView2<'_, f64>) -> Result<Dendrogram> {
        self.check()?.fit(data)
    }

    fn fit_checked(&self, data: ArrayView2<'_, f64>) -> Result<Dendrogram> {
        check_matrix(data)?;
        let n = data.nrows();
        if n < 2 {
            return Err(Error::TooFewObservations {
                what: "a linkage",
                needed: 2,
                got: n,
            });
        }
        let geometric = match self.algorithm {
            Algorithm::Matrix => false,
            Algorithm::Geometric => true,
            Algorithm::Auto => n > AUTO_MATRIX_LIMIT,
        };
        let points = Points::new(data);
        match (self.method, geometric) {
            (Method::Single, true) => {
                let raw = mst(n, |i, j| points.dist(i, j));
                Ok(finish_sorted(raw, n))
            }
            (Method::Ward, true) => Ok(finish_sorted(ward_geometric(&points), n)),
            _ => {
                let d = points.pdist();
                Ok(linkage_condensed_unchecked(d, n, self.method))
            }
        }
    }
}

/// `Hierarchical::params(method).fit(data)`: SciPy's `linkage(data, method)` with Euclidean
/// distances.
///
/// # Errors
/// As [`HierarchicalParams::fit`].
pub fn linkage(data: ArrayView2<'_, f64>, method: Method) -> Result<Dendrogram> {
    Hierarchical::params(method).fit(data)
}

/// Linkage of a condensed distance matrix (`d[(i, j)]` for `i < j` in row order, as SciPy's
/// `pdist` returns it) of `n` observations: SciPy's `linkage(y, method)`.
///
/// Ward, centroid and median assume the distances are Euclidean.
///
/// # Errors
/// [`Error::LengthMismatch`] if `dists.len() != n(n−1)/2`; [`Error::TooFewObservations`] for
/// `n < 2`; [`Error::NonFinite`] for a NaN or infinite distance (row = position in `dists`);
/// [`Error::InvalidParameter`] for a negative distance.
pub fn linkage_condensed(dists: &[f64], n: usize, method: Method) -> Result<Dendrogram> {
    check_condensed(dists, n)?;
    Ok(linkage_condensed_unchecked(dists.to_vec(), n, method))
}

fn check_condensed(dists: &[f64], n: usize) -> Result<()> {
    if n < 2 {
        return Err(Error::TooFewObservations {
            what: "a linkage",
            needed: 2,
            got: n,
        });
    }
    let expected = n * (n - 1) / 2;
    if dists.len() != expected {
        return Err(Error::LengthMismatch {
            what: "condensed distance matrix length n(n-1)/2",
            expected,
            got: dists.len(),
        });
    }
    for (row, &value) in dists.iter().enumerate() {
        if !value.is_finite() {
            return Err(Error::NonFinite { row, col: 0, value });
        }
        if value < 0.0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "distance",
                    value,
                    "distances must be non-negative",
                ),
            ));
        }
    }
    Ok(())
}

fn linkage_condensed_unchecked(mut d: Vec<f64>, n: usize, method: Method) -> Dendrogram {
    match method {
        Method::Single => {
            let dd = &d;
            let raw = mst(n, |i, j| dd[condensed_index(n, i, j)]);
            finish_sorted(raw, n)
        }
        Method::Complete | Method::Average | Method::Weighted | Method::Ward => {
            finish_sorted(nn_chain(&mut d, n, method), n)
        }
        Method::Centroid | Method::Median => Dendrogram {
            n,
            merges: generic_linkage(&mut d, n, method),
        },
    }
}

/// Position of the pair `(i, j)`, `i != j`, in a condensed matrix of `n` observations.
#[inline]
pub fn condensed_index(n: usize, i: usize, j: usize) -> usize {
    let (i, j) = if i < j { (i, j) } else { (j, i) };
    n * i - i * (i + 1) / 2 + (j - i - 1)
}

/// The condensed Euclidean distance matrix of the rows of `data` (SciPy's `pdist(X)`), computed
/// in parallel.
///
/// # Errors
/// [`Error::EmptyData`], [`Error::NonFinite`].
pub fn pdist(data: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
    check_matrix(data)?;
    Ok(Points::new(data).pdist())
}

mod generic;
mod mst;
mod naive;
mod nn_chain;
mod points;
mod ward_geometric;

use generic::generic_linkage;
use mst::mst;
pub use naive::linkage_naive;
use nn_chain::nn_chain;
pub(crate) use points::{Points, sq_dist, sq_dists_to, transpose};
use ward_geometric::ward_geometric;

/// A raw merge: two representatives (observation indices of a member of each cluster) and the
/// height.
type RawMerge = (usize, usize, f64);

/// SciPy's post-processing: stable sort by height, then ids from a union-find (`label`).
fn finish_sorted(mut raw: Vec<RawMerge>, n: usize) -> Dendrogram {
    raw.sort_by(|a, b| a.2.total_cmp(&b.2));
    let mut parent: Vec<usize> = (0..2 * n - 1).collect();
    let mut size = vec![1usize; 2 * n - 1];
    let mut next = n;
    let find = |parent: &mut Vec<usize>, mut x: usize| {
        let mut root = x;
        while parent[root] != root {
            root = parent[root];
        }
        while parent[x] != root {
            let p = parent[x];
            parent[x] = root;
            x = p;
        }
        root
    };
    let mut merges = Vec::with_capacity(n - 1);
    for (x, y, h) in raw {
        let rx = find(&mut parent, x);
        let ry = find(&mut parent, y);
        let (a, b) = if rx < ry { (rx, ry) } else { (ry, rx) };
        parent[rx] = next;
        parent[ry] = next;
        size[next] = size[rx] + size[ry];
        merges.push(Merge {
            idx1: a,
            idx2: b,
            distance: h,
            size: size[next],
        });
        next += 1;
    }
    Dendrogram { n, merges }
}

/// Removes `x` from a sorted list.
#[inline]
fn remove_sorted(list: &mut Vec<usize>, x: usize) {
    if let Ok(p) = list.binary_search(&x) {
        list.remove(p);
    }
}

/// Scans of at least this many clusters run in parallel chunks.
pub(super) const PAR_SCAN: usize = 16_384;
pub(super) const SCAN_CHUNK: usize = 4_096;
