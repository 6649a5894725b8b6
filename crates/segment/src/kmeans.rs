//! K-Means: greedy k-means++ seeding, Lloyd iterations, several initialisations in parallel
//! (silhouettes are in [`crate::silhouette`], the curves over `k` in [`crate::kcurve`]).
//!
//! K-Means minimises the inertia `Σ_i ‖x_i − c_{l(i)}‖²` over the centroids `c_1..c_k` and the
//! labels `l`. Lloyd's algorithm (Lloyd 1982) alternates the assignment step (each point to its
//! nearest centroid) and the update step (each centroid to the mean of its points) until no label
//! changes or the centroids move by at most `tol` times the mean feature variance (squared shift
//! summed over centroids), as scikit-learn does. It converges to a local optimum that depends on
//! the seeding, so `n_init` seedings are run (in parallel on small data) and the lowest inertia
//! is kept.
//!
//! Seeding is greedy k-means++ (Arthur & Vassilvitskii 2007, "k-means++: the advantages of careful
//! seeding"; greedy variant as in scikit-learn): the first centre is a uniform random point; each
//! next one is the best, by resulting inertia, of `2 + ⌊ln k⌋` candidates drawn with probability
//! proportional to the squared distance to the nearest centre chosen so far.
//!
//! This is our own implementation rather than linfa-clustering's: it follows scikit-learn's
//! stopping rule and empty-cluster relocation (so the inertia is comparable), its assignment step
//! is Hamerly's (2010) exact acceleration of Lloyd (distance bounds skip most points after the
//! first iterations) run in parallel chunks, and chunk results are combined in a fixed order, so a
//! given seed gives the same result on any number of threads.

use ndarray::{Array2, ArrayView2};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::error::{Error, Result, check_matrix};
use crate::linkage::{Points, sq_dist, sq_dists_to, transpose};

/// Rows per parallel work item.
const CHUNK: usize = 4_096;

/// Below this many values (rows x features) the seedings run in parallel with each other.
const PARALLEL_SEEDINGS_MAX: usize = 1 << 18;

/// Parameters of a K-Means fit (unchecked until [`KMeansParams::fit`]).
///
/// Defaults: `n_init = 10`, `max_iter = 300`, `tol = 1e-4`, `seed = 0`.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct KMeansParams {
    /// Number of clusters (at least 1, at most the number of observations).
    pub(crate) k: usize,
    /// Number of k-means++ seedings; the fit with the lowest inertia is kept.
    pub(crate) n_init: usize,
    /// Maximum number of Lloyd iterations per seeding.
    pub(crate) max_iter: usize,
    /// Relative tolerance: stop when the summed squared centroid shift is at most `tol` times the
    /// mean of the feature variances.
    pub(crate) tol: f64,
    /// Seed of the random number generator (ChaCha8).
    pub(crate) seed: u64,
    /// Initial centroids (`k x features`) instead of k-means++; then one run is made whatever
    /// `n_init` says (scikit-learn's `init=array`).
    pub(crate) init: Option<Array2<f64>>,
}

/// K-Means clustering: `KMeans::params(4).seed(42).fit(data.view())?` returns a [`FittedKMeans`].
#[derive(Clone, Copy, Debug)]
pub struct KMeans;

impl KMeans {
    /// Parameters for `k` clusters with the defaults.
    pub fn params(k: usize) -> KMeansParams {
        KMeansParams {
            k,
            n_init: 10,
            max_iter: 300,
            tol: 1e-4,
            seed: 0,
            init: None,
        }
    }
}

/// Checked K-Means settings, from [`KMeansParams::check`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidKMeansParams(KMeansParams);

impl ValidKMeansParams {
    /// Fits K-Means to the rows of `data` (observations x features).
    ///
    /// # Errors
    /// As [`KMeansParams::fit`], without its parameter errors.
    pub fn fit(&self, data: ArrayView2<'_, f64>) -> Result<FittedKMeans> {
        self.0.fit_checked(data)
    }
}

/// A fitted K-Means model.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedKMeans {
    /// The centroids, `k x features`.
    pub centroids: Array2<f64>,
    /// The cluster of every training row, `0..k`.
    pub labels: Vec<usize>,
    /// Sum of squared distances of the training rows to their centroids.
    pub inertia: f64,
    /// Lloyd iterations of the kept seeding.
    pub n_iter: usize,
    /// Number of training rows in every cluster.
    pub cluster_sizes: Vec<usize>,
}

impl KMeansParams {
    /// Sets the number of seedings.
    pub fn n_init(mut self, n_init: usize) -> Self {
        self.n_init = n_init;
        self
    }
    /// Sets the iteration limit.
    pub fn max_iter(mut self, max_iter: usize) -> Self {
        self.max_iter = max_iter;
        self
    }
    /// Sets the relative tolerance.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }
    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Starts from these centroids (`k x features`) instead of k-means++.
    pub fn init(mut self, centroids: Array2<f64>) -> Self {
        self.init = Some(centroids);
        self
    }

    /// Validates the settings (the data rules, such as at least `k` rows, are checked by `fit`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `k`, `n_init` or `max_iter` of zero, or a negative or
    /// non-finite `tol`.
    pub fn check(&self) -> Result<ValidKMeansParams> {
        self.check_settings()?;
        Ok(ValidKMeansParams(self.clone()))
    }

    fn check_settings(&self) -> Result<()> {
        if self.k == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("k", "0", "at least one cluster"),
            ));
        }
        if self.n_init == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("n_init", "0", "at least one seeding"),
            ));
        }
        if self.max_iter == 0 {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("max_iter", "0", "at least one iteration"),
            ));
        }
        if !(self.tol >= 0.0 && self.tol.is_finite()) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "tol",
                    self.tol,
                    "a finite non-negative number",
                ),
            ));
        }
        Ok(())
    }

    fn check_rows(&self, n: usize) -> Result<()> {
        if n < self.k {
            return Err(Error::TooFewObservations {
                what: "K-Means (one observation per cluster at least)",
                needed: self.k,
                got: n,
            });
        }
        Ok(())
    }

    /// Fits K-Means to the rows of `data` (observations x features).
    ///
    /// # Errors
    /// [`Error::EmptyData`], [`Error::NonFinite`], [`Error::InvalidParameter`] (`k`, `n_init`,
    /// `max_iter` zero; `tol` negative or NaN), [`Error::TooFewObservations`] (fewer rows than
    /// `k`).
    ///
    /// # Examples
    /// ```
    /// use custalyze_segment::KMeans;
    /// let x = ndarray::array![[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]];
    /// let fit = KMeans::params(2).seed(1).fit(x.view())?;
    /// assert_eq!(fit.labels[0], fit.labels[1]);
    /// assert_ne!(fit.labels[0], fit.labels[2]);
    /// assert!((fit.inertia - 0.01).abs() < 1e-12);
    /// # Ok::<(), custalyze_segment::Error>(())
    /// ```
    pub fn fit(&self, data: ArrayView2<'_, f64>) -> Result<FittedKMeans> {
        self.check()?.fit(data)
    }

    fn fit_checked(&self, data: ArrayView2<'_, f64>) -> Result<FittedKMeans> {
        check_matrix(data)?;
        self.check_rows(data.nrows())?;
        let points = Points::new(data);
        let tol = self.tol * mean_variance(&points);
        let runs: Vec<Run> = if let Some(init) = &self.init {
            if init.dim() != (self.k, points.d) {
                return Err(Error::LengthMismatch {
                    what: "initial centroids (k x features values)",
                    expected: self.k * points.d,
                    got: init.len(),
                });
            }
            check_matrix(init.view())?;
            let centers: Vec<f64> = init.iter().copied().collect();
            vec![lloyd(&points, centers, self.k, self.max_iter, tol)]
        } else {
            let mut master = ChaCha8Rng::seed_from_u64(self.seed);
            let seeds: Vec<u64> = (0..self.n_init).map(|_| master.random::<u64>()).collect();
            let run = |&s: &u64| {
                let mut rng = ChaCha8Rng::seed_from_u64(s);
                let init = kmeans_plus_plus(&points, self.k, &mut rng);
                lloyd(&points, init, self.k, self.max_iter, tol)
            };
            // Small data: seedings in parallel. Large data: one seeding at a time, each one
            // parallel inside, so the working set of a single run stays in cache.
            if points.n * points.d < PARALLEL_SEEDINGS_MAX {
                seeds.par_iter().map(run).collect()
            } else {
                seeds.iter().map(run).collect()
            }
        };
        let mut best: Option<Run> = None;
        for r in runs {
            if best.as_ref().is_none_or(|b| r.inertia < b.inertia) {
                best = Some(r);
            }
        }
        let Some(best) = best else {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new("n_init", "0", "at least one seeding"),
            ));
        };
        let mut cluster_sizes = vec![0usize; self.k];
        for &l in &best.labels {
            cluster_sizes[l] += 1;
        }
        let centroids = Array2::from_shape_vec((self.k, points.d), best.centers).map_err(|_| {
            Error::LengthMismatch {
                what: "centroid matrix",
                expected: self.k * points.d,
                got: 0,
            }
        })?;
        Ok(FittedKMeans {
            centroids,
            labels: best.labels,
            inertia: best.inertia,
            n_iter: best.n_iter,
            cluster_sizes,
        })
    }
}

impl FittedKMeans {
    /// Number of clusters.
    pub fn k(&self) -> usize {
        self.centroids.nrows()
    }

    /// The nearest centroid of every row of `data` (ties: the lowest cluster index).
    ///
    /// # Errors
    /// [`Error::EmptyData`], [`Error::NonFinite`]; [`Error::LengthMismatch`] when `data` does not
    /// have as many columns as the centroids.
    pub fn predict(&self, data: ArrayView2<'_, f64>) -> Result<Vec<usize>> {
        check_matrix(data)?;
        if data.ncols() != self.centroids.ncols() {
            return Err(Error::LengthMismatch {
                what: "feature columns",
                expected: self.centroids.ncols(),
                got: data.ncols(),
            });
        }
        let points = Points::new(data);
        let centers: Vec<f64> = self.centroids.iter().copied().collect();
        let mut labels = vec![0usize; points.n];
        let k = self.k();
        labels
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, out)| {
                for (o, i) in out.iter_mut().zip(c * CHUNK..) {
                    let x = points.row(i);
                    let mut best = (f64::INFINITY, 0);
                    for j in 0..k {
                        let v = sq_dist(x, &centers[j * points.d..(j + 1) * points.d]);
                        if v < best.0 {
                            best = (v, j);
                        }
                    }
                    *o = best.1;
                }
            });
        Ok(labels)
    }
}

/// Mean of the per-feature (population) variances: scikit-learn's scale for `tol`. Two passes
/// over the rows (means, then squared deviations), in parallel chunks summed in order.
fn mean_variance(p: &Points) -> f64 {
    let d = p.d;
    let col_sums = |f: &(dyn Fn(usize, f64) -> f64 + Sync)| {
        let parts: Vec<Vec<f64>> =
            p.x.par_chunks(CHUNK * d)
                .map(|rows| {
                    let mut s = vec![0.0; d];
                    for row in rows.chunks_exact(d) {
                        for (j, (a, &v)) in s.iter_mut().zip(row).enumerate() {
                            *a += f(j, v);
                        }
                    }
                    s
                })
                .collect();
        let mut s = vec![0.0; d];
        for part in parts {
            for (a, b) in s.iter_mut().zip(part) {
                *a += b;
            }
        }
        s
    };
    let n = p.n as f64;
    let means: Vec<f64> = col_sums(&|_, v| v).into_iter().map(|s| s / n).collect();
    let vars = col_sums(&|j, v| (v - means[j]) * (v - means[j]));
    vars.iter().map(|v| v / n).sum::<f64>() / d as f64
}

/// Greedy k-means++ seeding; returns `k x d` centres row-major.
fn kmeans_plus_plus(p: &Points, k: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let (n, d) = (p.n, p.d);
    let trials = 2 + (k as f64).ln().floor() as usize;
    let mut centers = Vec::with_capacity(k * d);
    let first = rng.random_range(0..n);
    centers.extend_from_slice(p.row(first));
    let mut closest: Vec<f64> = vec![0.0; n];
    closest
        .par_chunks_mut(CHUNK)
        .enumerate()
        .for_each(|(c, out)| {
            for (o, i) in out.iter_mut().zip(c * CHUNK..) {
                *o = sq_dist(p.row(i), p.row(first));
            }
        });
    let mut pot: f64 = chunk_sums(&closest);
    let mut cumsum = vec![0.0; n];
    for _ in 1..k {
        let mut acc = 0.0;
        for (c, &v) in cumsum.iter_mut().zip(&closest) {
            acc += v;
            *c = acc;
        }
        let cands: Vec<usize> = (0..trials)
            .map(|_| {
                let r = rng.random::<f64>() * pot;
                cumsum.partition_point(|&c| c < r).min(n - 1)
            })
            .collect();
        // Potential of each candidate, summed per chunk in a fixed order.
        let cand_rows: Vec<f64> = cands
            .iter()
            .flat_map(|&c| p.row(c).iter().copied())
            .collect();
        let ct = transpose(&cand_rows, d);
        let m = cands.len();
        let parts: Vec<Vec<f64>> = closest
            .par_chunks(CHUNK)
            .enumerate()
            .map(|(c, cl)| {
                let mut s = vec![0.0; m];
                let mut dist = vec![0.0; m];
                for (&best, i) in cl.iter().zip(c * CHUNK..) {
                    sq_dists_to(p.row(i), &ct, m, &mut dist);
                    for (t, &v) in s.iter_mut().zip(&dist) {
                        *t += v.min(best);
                    }
                }
                s
            })
            .collect();
        let mut pots = vec![0.0; cands.len()];
        for part in parts {
            for (a, b) in pots.iter_mut().zip(part) {
                *a += b;
            }
        }
        let mut bi = 0;
        for (t, &v) in pots.iter().enumerate() {
            if v < pots[bi] {
                bi = t;
            }
        }
        let best = cands[bi];
        pot = pots[bi];
        closest
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, out)| {
                for (o, i) in out.iter_mut().zip(c * CHUNK..) {
                    let v = sq_dist(p.row(i), p.row(best));
                    if v < *o {
                        *o = v;
                    }
                }
            });
        centers.extend_from_slice(p.row(best));
    }
    centers
}

/// Sum of a slice in fixed-size chunks (the same grouping as the parallel passes).
fn chunk_sums(v: &[f64]) -> f64 {
    v.chunks(CHUNK).map(|c| c.iter().sum::<f64>()).sum()
}

struct Run {
    centers: Vec<f64>,
    labels: Vec<usize>,
    inertia: f64,
    n_iter: usize,
}

/// Per-chunk result of an assignment pass.
struct Partial {
    sums: Vec<f64>,
    counts: Vec<usize>,
    changed: usize,
}

/// Exact inertia of a labelling.
fn inertia(p: &Points, centers: &[f64], labels: &[usize]) -> f64 {
    let d = p.d;
    let parts: Vec<f64> = labels
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, ls)| {
            ls.iter()
                .zip(c * CHUNK..)
                .map(|(&l, i)| sq_dist(p.row(i), &centers[l * d..(l + 1) * d]))
                .sum::<f64>()
        })
        .collect();
    parts.iter().sum()
}

/// Per-point state of Hamerly's algorithm.
struct Bounds {
    labels: Vec<usize>,
    /// Upper bound of the distance to the assigned centre.
    upper: Vec<f64>,
    /// Lower bound of the distance to every other centre.
    lower: Vec<f64>,
}

/// How far each centre moved in the last update.
struct Moves {
    delta: Vec<f64>,
    /// Largest move, its centre, and the second largest move.
    max1: f64,
    arg1: usize,
    max2: f64,
}

impl Moves {
    fn none(k: usize) -> Self {
        Moves {
            delta: vec![0.0; k],
            max1: 0.0,
            arg1: usize::MAX,
            max2: 0.0,
        }
    }
}

/// One assignment pass of Hamerly's algorithm (Hamerly 2010, "Making k-means even faster"):
/// a point is re-examined only when its upper bound exceeds both its lower bound and half the
/// distance from its centre to the nearest other centre. The bounds are first moved by the last
/// centre moves. Gives the same assignment as the plain nearest-centre search.
fn hamerly_pass(
    p: &Points,
    centers: &[f64],
    k: usize,
    b: &mut Bounds,
    moves: &Moves,
    sums: bool,
) -> Vec<Partial> {
    let d = p.d;
    // Half the distance from each centre to its nearest other centre.
    let mut half = vec![f64::INFINITY; k];
    for a in 0..k {
        for c in 0..k {
            if a != c {
                let v = 0.5
                    * sq_dist(&centers[a * d..(a + 1) * d], &centers[c * d..(c + 1) * d]).sqrt();
                if v < half[a] {
                    half[a] = v;
                }
            }
        }
    }
    let ct = transpose(&centers[..k * d], d);
    b.labels
        .par_chunks_mut(CHUNK)
        .zip(b.upper.par_chunks_mut(CHUNK))
        .zip(b.lower.par_chunks_mut(CHUNK))
        .enumerate()
        .map(|(ci, ((labels, upper), lower))| {
            let mut part = Partial {
                sums: if sums { vec![0.0; k * d] } else { Vec::new() },
                counts: vec![0; k],
                changed: 0,
            };
            let mut dist = vec![0.0; k];
            for (t, i) in (ci * CHUNK..).take(labels.len()).enumerate() {
                let x = p.row(i);
                let a = labels[t];
                let mut full = a == usize::MAX;
                if !full {
                    upper[t] += moves.delta[a];
                    lower[t] -= if a == moves.arg1 {
                        moves.max2
                    } else {
                        moves.max1
                    };
                    let m = half[a].max(lower[t]);
                    if upper[t] > m {
                        upper[t] = sq_dist(x, &centers[a * d..(a + 1) * d]).sqrt();
                        full = upper[t] > m;
                    }
                }
                if full {
                    let (mut b1, mut i1, mut b2) = (f64::INFINITY, 0, f64::INFINITY);
                    sq_dists_to(x, &ct, k, &mut dist);
                    for (c, &v) in dist.iter().enumerate() {
                        if v < b1 {
                            b2 = b1;
                            b1 = v;
                            i1 = c;
                        } else if v < b2 {
                            b2 = v;
                        }
                    }
                    if i1 != a {
                        part.changed += 1;
                        labels[t] = i1;
                    }
                    upper[t] = b1.sqrt();
                    lower[t] = b2.sqrt();
                }
                let l = labels[t];
                part.counts[l] += 1;
                if sums {
                    for (s, &xj) in part.sums[l * d..(l + 1) * d].iter_mut().zip(x) {
                        *s += xj;
                    }
                }
            }
            part
        })
        .collect()
}

fn lloyd(p: &Points, mut centers: Vec<f64>, k: usize, max_iter: usize, tol: f64) -> Run {
    let d = p.d;
    let mut b = Bounds {
        labels: vec![usize::MAX; p.n],
        upper: vec![f64::INFINITY; p.n],
        lower: vec![0.0; p.n],
    };
    let mut moves = Moves::none(k);
    let mut n_iter = 0;
    let mut strict = false;
    for it in 0..max_iter {
        n_iter = it + 1;
        let parts = hamerly_pass(p, &centers, k, &mut b, &moves, true);
        let mut sums = vec![0.0; k * d];
        let mut counts = vec![0usize; k];
        let mut changed = 0;
        for part in parts {
            for (a, s) in sums.iter_mut().zip(&part.sums) {
                *a += s;
            }
            for (a, c) in counts.iter_mut().zip(&part.counts) {
                *a += c;
            }
            changed += part.changed;
        }
        if relocate_empty(p, &centers, &mut b.labels, &mut sums, &mut counts) {
            // Relocated points changed centre: make every bound recompute.
            b.upper.fill(f64::INFINITY);
            b.lower.fill(0.0);
        }
        let mut shift = 0.0;
        moves = Moves::none(k);
        for c in 0..k {
            if counts[c] == 0 {
                continue;
            }
            let inv = 1.0 / counts[c] as f64;
            let mut moved = 0.0;
            for j in 0..d {
                let v = sums[c * d + j] * inv;
                let t = v - centers[c * d + j];
                moved += t * t;
                centers[c * d + j] = v;
            }
            shift += moved;
            let m = moved.sqrt();
            moves.delta[c] = m;
            if m > moves.max1 {
                moves.max2 = moves.max1;
                moves.max1 = m;
                moves.arg1 = c;
            } else if m > moves.max2 {
                moves.max2 = m;
            }
        }
        if changed == 0 {
            strict = true;
            break;
        }
        if shift <= tol {
            break;
        }
    }
    if !strict {
        hamerly_pass(p, &centers, k, &mut b, &moves, false);
    }
    let inertia = inertia(p, &centers, &b.labels);
    Run {
        centers,
        labels: b.labels,
        inertia,
        n_iter,
    }
}

/// scikit-learn's relocation of empty clusters: each empty cluster takes the point farthest from
/// its current centre (largest first), which leaves its old cluster.
fn relocate_empty(
    p: &Points,
    centers: &[f64],
    labels: &mut [usize],
    sums: &mut [f64],
    counts: &mut [usize],
) -> bool {
    let d = p.d;
    let empty: Vec<usize> = (0..counts.len()).filter(|&c| counts[c] == 0).collect();
    if empty.is_empty() {
        return false;
    }
    let mut far: Vec<(f64, usize)> = (0..p.n)
        .map(|i| {
            let l = labels[i];
            (sq_dist(p.row(i), &centers[l * d..(l + 1) * d]), i)
        })
        .collect();
    far.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (&c, &(_, i)) in empty.iter().zip(&far) {
        let old = labels[i];
        if counts[old] <= 1 {
            continue;
        }
        counts[old] -= 1;
        counts[c] += 1;
        for j in 0..d {
            let x = p.x[i * d + j];
            sums[old * d + j] -= x;
            sums[c * d + j] += x;
        }
        labels[i] = c;
    }
    true
}
