//! The naive `O(n³)` linkage, the reference the fast algorithms are tested against.

use super::*;

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
