//! The nearest-neighbour chain on the condensed matrix (SciPy's `nn_chain`) for complete,
//! average, weighted and Ward linkage.

use super::*;

/// The nearest-neighbour chain on the condensed matrix (SciPy's `nn_chain`), returning raw merges
/// in merge order.
pub(super) fn nn_chain(d: &mut [f64], n: usize, method: Method) -> Vec<RawMerge> {
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
pub(super) fn min4(ids: &[usize], value: impl Fn(usize) -> f64) -> f64 {
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
