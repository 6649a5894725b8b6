//! Ward linkage on centroids and sizes (`O(n d)` memory): the nearest-neighbour chain with
//! the closed-form Ward distance and a heap of candidates.

use super::*;

/// Ward's nearest-neighbour chain on centroids: `d(A,B)² / 2 = |A||B| / (|A|+|B|) ‖c_A − c_B‖²`.
pub(super) fn ward_geometric(points: &Points) -> Vec<RawMerge> {
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
