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

/// Parameters of a hierarchical clustering (unchecked until [`HierarchicalParams::fit`]).
///
/// Defaults: [`Algorithm::Auto`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HierarchicalParams {
    /// The linkage method.
    pub method: Method,
    /// The algorithm.
    pub algorithm: Algorithm,
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

/// Observations stored row-major for fast distance computations.
/// Borrowed when the input is already row-major and contiguous.
pub(crate) struct Points<'a> {
    pub(crate) n: usize,
    pub(crate) d: usize,
    pub(crate) x: std::borrow::Cow<'a, [f64]>,
}

impl<'a> Points<'a> {
    pub(crate) fn new(data: ArrayView2<'a, f64>) -> Self {
        let (n, d) = data.dim();
        if let Some(x) = data.to_slice() {
            return Points {
                n,
                d,
                x: std::borrow::Cow::Borrowed(x),
            };
        }
        let mut x = Vec::with_capacity(n * d);
        for row in data.outer_iter() {
            x.extend(row.iter().copied());
        }
        Points {
            n,
            d,
            x: std::borrow::Cow::Owned(x),
        }
    }

    #[inline]
    pub(crate) fn row(&self, i: usize) -> &[f64] {
        &self.x[i * self.d..(i + 1) * self.d]
    }

    /// Euclidean distance, summed in feature order as SciPy's `pdist` does.
    #[inline]
    pub(crate) fn dist(&self, i: usize, j: usize) -> f64 {
        sq_dist(self.row(i), self.row(j)).sqrt()
    }

    pub(crate) fn pdist(&self) -> Vec<f64> {
        let n = self.n;
        let mut out = vec![0.0; n * (n.saturating_sub(1)) / 2];
        let mut rows: Vec<(usize, &mut [f64])> = Vec::with_capacity(n);
        let mut rest: &mut [f64] = &mut out;
        for i in 0..n.saturating_sub(1) {
            let (head, tail) = rest.split_at_mut(n - i - 1);
            rows.push((i, head));
            rest = tail;
        }
        rows.into_par_iter().with_min_len(16).for_each(|(i, row)| {
            let a = self.row(i);
            for (slot, j) in row.iter_mut().zip(i + 1..n) {
                *slot = sq_dist(a, self.row(j)).sqrt();
            }
        });
        out
    }
}

/// Squared distances from `x` to `m` points stored feature-major in `t` (`t[j * m + c]`), summed
/// in feature order like [`sq_dist`] (same bits); the loop over points vectorises.
#[inline]
pub(crate) fn sq_dists_to(x: &[f64], t: &[f64], m: usize, out: &mut [f64]) {
    // A fixed number of targets lets the compiler keep the accumulators in registers and
    // unroll the inner loop: the k-means++ candidate pass (m = 2 + ln k) and the K-Means
    // assignment (m = k) run several times faster than with the generic loop.
    macro_rules! fixed {
        ($($m:literal)*) => {
            match m {
                $($m => return sq_dists_fixed::<$m>(x, t, out),)*
                _ => {}
            }
        };
    }
    fixed!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);
    out.fill(0.0);
    for (j, &xj) in x.iter().enumerate() {
        for (o, &c) in out.iter_mut().zip(&t[j * m..(j + 1) * m]) {
            let diff = xj - c;
            *o += diff * diff;
        }
    }
}

/// [`sq_dists_to`] for `M` targets.
#[inline]
fn sq_dists_fixed<const M: usize>(x: &[f64], t: &[f64], out: &mut [f64]) {
    let mut acc = [0.0f64; M];
    for (&xj, row) in x.iter().zip(t.chunks_exact(M)) {
        for (a, &c) in acc.iter_mut().zip(row) {
            let diff = xj - c;
            *a += diff * diff;
        }
    }
    for (o, a) in out.iter_mut().zip(acc) {
        *o = a;
    }
}

/// `rows` (row-major, `d` columns) transposed to feature-major.
pub(crate) fn transpose(rows: &[f64], d: usize) -> Vec<f64> {
    let m = rows.len() / d.max(1);
    let mut t = vec![0.0; rows.len()];
    for c in 0..m {
        for j in 0..d {
            t[j * m + c] = rows[c * d + j];
        }
    }
    t
}

#[inline]
pub(crate) fn sq_dist(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (x, y) in a.iter().zip(b) {
        let t = x - y;
        s += t * t;
    }
    s
}

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

/// Prim's minimum spanning tree, scanning in index order with SciPy's tie rule
/// (`mst_single_linkage`).
fn mst<F: Fn(usize, usize) -> f64 + Sync>(n: usize, dist: F) -> Vec<RawMerge> {
    // The nodes not yet in the tree (sorted) and their distance to the tree, side by side.
    let mut rest: Vec<usize> = (1..n).collect();
    let mut best = vec![f64::INFINITY; n - 1];
    let mut raw = Vec::with_capacity(n - 1);
    let mut x = 0;
    for _ in 0..n - 1 {
        let scan = |(ids, bests): (&[usize], &mut [f64])| {
            let mut m = (f64::INFINITY, usize::MAX);
            for (p, (&i, b)) in ids.iter().zip(bests.iter_mut()).enumerate() {
                let d = dist(x, i);
                if *b > d {
                    *b = d;
                }
                if *b < m.0 {
                    m = (*b, p);
                }
            }
            m
        };
        // Chunks in order, first minimum wins: the same result as one sequential scan.
        let parts: Vec<(f64, usize)> = if rest.len() >= PAR_SCAN {
            rest.par_chunks(SCAN_CHUNK)
                .zip(best.par_chunks_mut(SCAN_CHUNK))
                .enumerate()
                .map(|(c, pair)| {
                    let (v, p) = scan(pair);
                    (v, p.saturating_add(c * SCAN_CHUNK))
                })
                .collect()
        } else {
            vec![scan((&rest, &mut best))]
        };
        let mut current_min = f64::INFINITY;
        let mut pos = 0;
        for (v, p) in parts {
            if v < current_min {
                current_min = v;
                pos = p;
            }
        }
        let y = rest[pos];
        raw.push((x, y, current_min));
        rest.remove(pos);
        best.remove(pos);
        x = y;
    }
    raw
}

/// Scans of at least this many clusters run in parallel chunks.
const PAR_SCAN: usize = 16_384;
const SCAN_CHUNK: usize = 4_096;

/// The nearest-neighbour chain on the condensed matrix (SciPy's `nn_chain`), returning raw merges
/// in merge order.
fn nn_chain(d: &mut [f64], n: usize, method: Method) -> Vec<RawMerge> {
    let base: Vec<usize> = (0..n).map(|i| n * i - i * (i + 1) / 2).collect();
    let idx = |i: usize, j: usize| {
        if i < j {
            base[i] + (j - i - 1)
        } else {
            base[j] + (i - j - 1)
        }
    };
    let mut size = vec![1usize; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut raw = Vec::with_capacity(n - 1);
    for _ in 0..n - 1 {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let (x, y, current_min) = loop {
            let len = chain.len();
            let x = chain[len - 1];
            let (mut y, mut current_min) = if len > 1 {
                let p = chain[len - 2];
                (p, d[idx(x, p)])
            } else {
                (usize::MAX, f64::INFINITY)
            };
            // `active` is sorted and holds `x`: the clusters before it are read down a column of
            // the condensed matrix, those after it along row `x`.
            let split = active.partition_point(|&i| i < x);
            let (left, right) = (&active[..split], &active[(split + 1).min(active.len())..]);
            let row = base[x];
            let at_left = |i: usize| d[base[i] + (x - i - 1)];
            let at_right = |i: usize| d[row + (i - x - 1)];
            // Pass 1: the minimum, with four independent accumulators (no loop-carried index).
            let m = min4(left, at_left).min(min4(right, at_right));
            // Pass 2: its first position in scan order. Taking the first position of the minimum
            // when it is below the previous element's distance is exactly what the sequential
            // strict-`<` scan of SciPy returns.
            if m < current_min {
                current_min = m;
                y = left
                    .iter()
                    .copied()
                    .find(|&i| at_left(i) == m)
                    .or_else(|| right.iter().copied().find(|&i| at_right(i) == m))
                    .unwrap_or(y);
            }
            if y == usize::MAX {
                // Only reachable with infinite distances, which the callers reject; merge
                // with the first other cluster so that the loop always ends.
                y = active.iter().copied().find(|&i| i != x).unwrap_or(x);
            }
            if len > 1 && y == chain[len - 2] {
                break (x, y, current_min);
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let (nx, ny) = (size[x], size[y]);
        raw.push((x, y, current_min));
        size[x] = 0;
        size[y] = nx + ny;
        remove_sorted(&mut active, x);
        for &i in &active {
            if i == y {
                continue;
            }
            let (ix, iy) = (idx(i, x), idx(i, y));
            d[iy] = method.update(d[ix], d[iy], current_min, nx, ny, size[i]);
        }
    }
    raw
}

/// Minimum of `value(i)` over `ids` (`+∞` when empty), with four accumulators.
#[inline]
fn min4(ids: &[usize], value: impl Fn(usize) -> f64) -> f64 {
    let mut m = [f64::INFINITY; 4];
    let mut chunks = ids.chunks_exact(4);
    for c in chunks.by_ref() {
        for (acc, &i) in m.iter_mut().zip(c) {
            let v = value(i);
            if v < *acc {
                *acc = v;
            }
        }
    }
    for &i in chunks.remainder() {
        let v = value(i);
        if v < m[0] {
            m[0] = v;
        }
    }
    m[0].min(m[1]).min(m[2].min(m[3]))
}

/// Ward's nearest-neighbour chain on centroids: `d(A,B)² / 2 = |A||B| / (|A|+|B|) ‖c_A − c_B‖²`.
fn ward_geometric(points: &Points) -> Vec<RawMerge> {
    let (n, dim) = (points.n, points.d);
    let mut c = points.x.to_vec();
    let mut size = vec![1usize; n];
    let mut active: Vec<usize> = (0..n).collect();
    let mut chain: Vec<usize> = Vec::with_capacity(n);
    let mut raw = Vec::with_capacity(n - 1);
    // Half the squared ward distance.
    let key = |c: &[f64], size: &[usize], a: usize, b: usize| {
        let (na, nb) = (size[a] as f64, size[b] as f64);
        na * nb / (na + nb) * sq_dist(&c[a * dim..(a + 1) * dim], &c[b * dim..(b + 1) * dim])
    };
    for _ in 0..n - 1 {
        if chain.is_empty() {
            chain.push(active[0]);
        }
        let (x, y, current_min) = loop {
            let len = chain.len();
            let x = chain[len - 1];
            let (mut y, mut current_min) = if len > 1 {
                let p = chain[len - 2];
                (p, key(&c, &size, x, p))
            } else {
                (usize::MAX, f64::INFINITY)
            };
            let scan = |ids: &[usize]| {
                let mut m = (f64::INFINITY, usize::MAX);
                for &i in ids {
                    if i == x {
                        continue;
                    }
                    let k = key(&c, &size, x, i);
                    if k < m.0 {
                        m = (k, i);
                    }
                }
                m
            };
            let parts: Vec<(f64, usize)> = if active.len() >= PAR_SCAN {
                active.par_chunks(SCAN_CHUNK).map(scan).collect()
            } else {
                vec![scan(&active)]
            };
            for (v, i) in parts {
                if v < current_min {
                    current_min = v;
                    y = i;
                }
            }
            if y == usize::MAX {
                y = active.iter().copied().find(|&i| i != x).unwrap_or(x);
            }
            if len > 1 && y == chain[len - 2] {
                break (x, y, current_min);
            }
            chain.push(y);
        };
        chain.truncate(chain.len() - 2);
        let (x, y) = if x > y { (y, x) } else { (x, y) };
        let (nx, ny) = (size[x] as f64, size[y] as f64);
        raw.push((x, y, (2.0 * current_min).sqrt()));
        for j in 0..dim {
            c[y * dim + j] = (nx * c[x * dim + j] + ny * c[y * dim + j]) / (nx + ny);
        }
        size[y] += size[x];
        size[x] = 0;
        remove_sorted(&mut active, x);
    }
    raw
}

/// SciPy's indexed binary min-heap (`_hierarchy.Heap`), reproduced for identical tie-breaking.
struct Heap {
    index_by_key: Vec<usize>,
    key_by_index: Vec<usize>,
    values: Vec<f64>,
    size: usize,
}

impl Heap {
    fn new(values: Vec<f64>) -> Self {
        let size = values.len();
        let mut h = Heap {
            index_by_key: (0..size).collect(),
            key_by_index: (0..size).collect(),
            values,
            size,
        };
        for i in (0..size / 2).rev() {
            h.sift_down(i);
        }
        h
    }
    fn get_min(&self) -> (usize, f64) {
        (self.key_by_index[0], self.values[0])
    }
    fn remove_min(&mut self) {
        self.swap(0, self.size - 1);
        self.size -= 1;
        self.sift_down(0);
    }
    fn change_value(&mut self, key: usize, value: f64) {
        let index = self.index_by_key[key];
        let old = self.values[index];
        self.values[index] = value;
        if value < old {
            self.sift_up(index);
        } else {
            self.sift_down(index);
        }
    }
    fn sift_up(&mut self, mut index: usize) {
        while index > 0 {
            let parent = (index - 1) >> 1;
            if self.values[parent] > self.values[index] {
                self.swap(index, parent);
                index = parent;
            } else {
                break;
            }
        }
    }
    fn sift_down(&mut self, mut index: usize) {
        let mut child = (index << 1) + 1;
        while child < self.size {
            if child + 1 < self.size && self.values[child + 1] < self.values[child] {
                child += 1;
            }
            if self.values[index] > self.values[child] {
                self.swap(index, child);
                index = child;
                child = (index << 1) + 1;
            } else {
                break;
            }
        }
    }
    fn swap(&mut self, i: usize, j: usize) {
        self.values.swap(i, j);
        let (ki, kj) = (self.key_by_index[i], self.key_by_index[j]);
        self.key_by_index[i] = kj;
        self.key_by_index[j] = ki;
        self.index_by_key[kj] = i;
        self.index_by_key[ki] = j;
    }
}

// Index loops mirror SciPy's code line by line (several arrays indexed by the same cluster).
#[allow(clippy::needless_range_loop)]
/// Müllner's generic algorithm (SciPy's `fast_linkage`), for centroid and median. Merges are
/// returned in merge order with ids `n + k` (no sorting: heights may decrease).
fn generic_linkage(d: &mut [f64], n: usize, method: Method) -> Vec<Merge> {
    let mut size = vec![1usize; n];
    let mut cluster_id: Vec<usize> = (0..n).collect();
    let find_min_dist = |d: &[f64], size: &[usize], x: usize| {
        let mut current_min = f64::INFINITY;
        let mut y = usize::MAX;
        for i in x + 1..n {
            if size[i] == 0 {
                continue;
            }
            let dist = d[condensed_index(n, x, i)];
            if dist < current_min {
                current_min = dist;
                y = i;
            }
        }
        (y, current_min)
    };
    let mut neighbor = vec![0usize; n - 1];
    let mut min_dist = vec![0.0; n - 1];
    for x in 0..n - 1 {
        let (y, v) = find_min_dist(d, &size, x);
        neighbor[x] = y;
        min_dist[x] = v;
    }
    let mut heap = Heap::new(min_dist.clone());
    let mut merges = Vec::with_capacity(n - 1);
    for k in 0..n - 1 {
        let (mut x, mut dist, mut y) = (0, 0.0, usize::MAX);
        for _ in 0..n - k {
            let (hx, hd) = heap.get_min();
            x = hx;
            dist = hd;
            y = neighbor[x];
            if y != usize::MAX && dist == d[condensed_index(n, x, y)] {
                break;
            }
            let (ny, nd) = find_min_dist(d, &size, x);
            y = ny;
            dist = nd;
            neighbor[x] = y;
            min_dist[x] = dist;
            heap.change_value(x, dist);
        }
        heap.remove_min();
        let Some(&id_y) = cluster_id.get(y) else {
            // Only reachable with infinite distances, which the callers reject.
            break;
        };
        let (mut id_x, mut id_y) = (cluster_id[x], id_y);
        let (nx, ny) = (size[x], size[y]);
        if id_x > id_y {
            std::mem::swap(&mut id_x, &mut id_y);
        }
        merges.push(Merge {
            idx1: id_x,
            idx2: id_y,
            distance: dist,
            size: nx + ny,
        });
        size[x] = 0;
        size[y] = nx + ny;
        cluster_id[y] = n + k;
        for z in 0..n {
            let nz = size[z];
            if nz == 0 || z == y {
                continue;
            }
            let (iz_x, iz_y) = (condensed_index(n, z, x), condensed_index(n, z, y));
            d[iz_y] = method.update(d[iz_x], d[iz_y], dist, nx, ny, nz);
        }
        for z in 0..x {
            if size[z] > 0 && neighbor[z] == x {
                neighbor[z] = y;
            }
        }
        for z in 0..y {
            if size[z] == 0 {
                continue;
            }
            let v = d[condensed_index(n, z, y)];
            if v < min_dist[z] {
                neighbor[z] = y;
                min_dist[z] = v;
                heap.change_value(z, v);
            }
        }
        if y < n - 1 {
            let (z, v) = find_min_dist(d, &size, y);
            if z != usize::MAX {
                neighbor[y] = z;
                min_dist[y] = v;
                heap.change_value(y, v);
            }
        }
    }
    merges
}

#[allow(clippy::needless_range_loop)]
/// The naive `O(n³)` algorithm: at every step merge the closest pair of clusters (first pair in
/// index order on ties) and update distances with the Lance–Williams formula. A reference for
/// tests of the fast algorithms; use [`linkage_condensed`] for real work.
///
/// Monotone methods are post-processed as SciPy does (stable sort by height, then ids); centroid
/// and median keep the merge order.
///
/// # Errors
/// As [`linkage_condensed`].
pub fn linkage_naive(dists: &[f64], n: usize, method: Method) -> Result<Dendrogram> {
    check_condensed(dists, n)?;
    let mut d = dists.to_vec();
    let mut size = vec![1usize; n];
    let mut ids: Vec<usize> = (0..n).collect();
    let mut raw = Vec::with_capacity(n - 1);
    let mut merges = Vec::with_capacity(n - 1);
    for k in 0..n - 1 {
        let mut best = (f64::INFINITY, 0, 0);
        for i in 0..n {
            if size[i] == 0 {
                continue;
            }
            for j in i + 1..n {
                if size[j] == 0 {
                    continue;
                }
                let v = d[condensed_index(n, i, j)];
                if v < best.0 || best.1 == best.2 {
                    best = (v, i, j);
                }
            }
        }
        let (h, x, y) = best;
        let (nx, ny) = (size[x], size[y]);
        raw.push((x, y, h));
        let (a, b) = if ids[x] < ids[y] {
            (ids[x], ids[y])
        } else {
            (ids[y], ids[x])
        };
        merges.push(Merge {
            idx1: a,
            idx2: b,
            distance: h,
            size: nx + ny,
        });
        for i in 0..n {
            if size[i] == 0 || i == x || i == y {
                continue;
            }
            let (ix, iy) = (condensed_index(n, i, x), condensed_index(n, i, y));
            d[iy] = method.update(d[ix], d[iy], h, nx, ny, size[i]);
        }
        size[x] = 0;
        size[y] = nx + ny;
        ids[y] = n + k;
    }
    if method.is_monotone() {
        Ok(finish_sorted(raw, n))
    } else {
        Ok(Dendrogram { n, merges })
    }
}
