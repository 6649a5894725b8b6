//! Single linkage as a minimum spanning tree: Prim's algorithm with distances computed on
//! demand (SciPy's `mst_single_linkage`).

use super::*;

/// Prim's minimum spanning tree, scanning in index order with SciPy's tie rule
/// (`mst_single_linkage`).
pub(super) fn mst<F: Fn(usize, usize) -> f64 + Sync>(n: usize, dist: F) -> Vec<RawMerge> {
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
