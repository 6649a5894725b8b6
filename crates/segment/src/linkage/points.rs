//! Observations as a row-major matrix and the squared-distance kernels the geometric
//! algorithms share.

use super::*;

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
