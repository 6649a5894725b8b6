//! The generic algorithm (Müllner 2011, as fastcluster and SciPy) for centroid and median
//! linkage, whose merge heights need not increase.

use super::*;

#[allow(clippy::needless_range_loop)]
/// Müllner's generic algorithm (SciPy's `fast_linkage`), for centroid and median. Merges are
/// returned in merge order with ids `n + k` (no sorting: heights may decrease).
pub(super) fn generic_linkage(d: &mut [f64], n: usize, method: Method) -> Vec<Merge> {
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
