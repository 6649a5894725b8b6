//! The FP-tree and the recursive FP-Growth miner (internal).
//!
//! Trees are arrays (`parent`, `item`, `count` per node, with a CSR header table listing each
//! item's nodes) built from a weighted transaction database by path insertion. Items are local codes,
//! `0` being the most frequent item of the database, and every transaction lists its codes
//! ascending (most frequent first), which is the FP-tree path order of Han, Pei & Yin (2000).

/// The parent of a top-level node.
pub(crate) const ROOT: u32 = u32::MAX;

/// Transactions with weights (counts), items as local codes, each transaction ascending.
#[derive(Debug, Default)]
pub(crate) struct Db {
    pub items: Vec<u32>,
    pub offsets: Vec<usize>,
    pub weights: Vec<u64>,
}

impl Db {
    pub fn new() -> Self {
        Self {
            items: Vec::new(),
            offsets: vec![0],
            weights: Vec::new(),
        }
    }

    pub fn tx(&self, t: u32) -> &[u32] {
        let t = t as usize;
        &self.items[self.offsets[t]..self.offsets[t + 1]]
    }

    fn len(&self) -> usize {
        self.weights.len()
    }
}

/// An FP-tree in arrays, with per-item node lists (the header table) in CSR form.
#[derive(Debug)]
pub(crate) struct Tree {
    parent: Vec<u32>,
    item: Vec<u32>,
    count: Vec<u64>,
    head_off: Vec<usize>,
    head: Vec<u32>,
}

impl Tree {
    /// Builds the tree of `db`, whose codes are `< n_items`, by inserting each transaction
    /// along a path from the root (children found through a dense table at the root and sibling
    /// lists below it, where conditional trees have few children per node).
    pub fn build(db: &Db, n_items: usize) -> Self {
        const NONE: u32 = u32::MAX;
        let mut parent: Vec<u32> = Vec::new();
        let mut item: Vec<u32> = Vec::new();
        let mut count: Vec<u64> = Vec::new();
        let mut first_child: Vec<u32> = Vec::new();
        let mut next_sibling: Vec<u32> = Vec::new();
        let mut root_child = vec![NONE; n_items];
        for t in 0..db.len() {
            let w = db.weights[t];
            let mut cur = ROOT;
            for &it in db.tx(t as u32) {
                let found = if cur == ROOT {
                    root_child[it as usize]
                } else {
                    let mut c = first_child[cur as usize];
                    while c != NONE && item[c as usize] != it {
                        c = next_sibling[c as usize];
                    }
                    c
                };
                if found != NONE {
                    count[found as usize] += w;
                    cur = found;
                    continue;
                }
                let id = parent.len() as u32;
                parent.push(cur);
                item.push(it);
                count.push(w);
                first_child.push(NONE);
                if cur == ROOT {
                    next_sibling.push(NONE);
                    root_child[it as usize] = id;
                } else {
                    next_sibling.push(first_child[cur as usize]);
                    first_child[cur as usize] = id;
                }
                cur = id;
            }
        }
        let mut head_off = vec![0usize; n_items + 1];
        for &it in &item {
            head_off[it as usize + 1] += 1;
        }
        for i in 0..n_items {
            head_off[i + 1] += head_off[i];
        }
        let mut fill = head_off.clone();
        let mut head = vec![0u32; item.len()];
        for (nd, &it) in item.iter().enumerate() {
            head[fill[it as usize]] = nd as u32;
            fill[it as usize] += 1;
        }
        Self {
            parent,
            item,
            count,
            head_off,
            head,
        }
    }

    pub fn n_items(&self) -> usize {
        self.head_off.len() - 1
    }

    fn nodes(&self, c: usize) -> &[u32] {
        &self.head[self.head_off[c]..self.head_off[c + 1]]
    }

    /// True when the tree is one chain: node `i`'s parent is `i - 1` (nodes are numbered in
    /// creation order, so a chain is created root first, one level at a time).
    fn is_single_path(&self) -> bool {
        self.parent
            .iter()
            .enumerate()
            .skip(1)
            .all(|(i, &p)| p as usize == i - 1)
    }
}

/// What the miner needs besides the tree.
pub(crate) struct Miner<'b> {
    pub min_count: u64,
    pub max_len: usize,
    pub out: Vec<(Vec<u32>, u64)>,
    /// The itemset budget shared by every miner.
    pub budget: &'b crate::fpgrowth::Budget,
}

/// Itemsets of length 1..=`max_len` from a chain of `n` items: `Σ_k C(n, k)`, saturating at
/// `u64::MAX` (so a 100,000-item basket is refused before any of them is built).
fn combinations(n: usize, max_len: usize) -> u64 {
    let mut total: u64 = 0;
    let mut c: u128 = 1;
    for k in 1..=n.min(max_len) {
        c = c * (n - k + 1) as u128 / k as u128;
        total = total.saturating_add(u64::try_from(c).unwrap_or(u64::MAX));
        if total == u64::MAX {
            break;
        }
    }
    total
}

/// Deepest suffix the miner builds: a frequent itemset of length `d` has `2^d - 1` frequent
/// subsets, more than any budget once `d` passes 64, so recursion is bounded here whatever the
/// input (no stack overflow on long baskets).
const MAX_DEPTH: usize = 64;

impl Miner<'_> {
    /// Mines every item of `tree` (labels map local codes to original item indices).
    pub fn mine(&mut self, tree: &Tree, labels: &[u32], suffix: &mut Vec<u32>) {
        if self.budget.is_exhausted() {
            return;
        }
        if suffix.len() >= MAX_DEPTH {
            self.budget.take(u64::MAX);
            return;
        }
        if tree.is_single_path() {
            self.single_path(tree, labels, suffix);
            return;
        }
        for c in 0..tree.n_items() {
            self.mine_item(tree, labels, c, suffix);
        }
    }

    /// Every combination of a chain's items, each with the count of its deepest node.
    fn single_path(&mut self, tree: &Tree, labels: &[u32], suffix: &mut Vec<u32>) {
        let chain: Vec<(u32, u64)> = tree
            .item
            .iter()
            .zip(&tree.count)
            .map(|(&i, &c)| (labels[i as usize], c))
            .collect();
        let room = self.max_len.saturating_sub(suffix.len());
        if !self.budget.take(combinations(chain.len(), room)) {
            return;
        }
        self.combos(&chain, 0, suffix);
    }

    fn combos(&mut self, chain: &[(u32, u64)], from: usize, suffix: &mut Vec<u32>) {
        if suffix.len() >= self.max_len {
            return;
        }
        for k in from..chain.len() {
            let (label, count) = chain[k];
            suffix.push(label);
            self.out.push((suffix.clone(), count));
            self.combos(chain, k + 1, suffix);
            suffix.pop();
        }
    }

    /// Emits `suffix + item c` and mines its conditional tree.
    pub fn mine_item(&mut self, tree: &Tree, labels: &[u32], c: usize, suffix: &mut Vec<u32>) {
        let nodes = tree.nodes(c);
        let support: u64 = nodes.iter().map(|&n| tree.count[n as usize]).sum();
        if support < self.min_count {
            return;
        }
        if !self.budget.take(1) {
            return;
        }
        suffix.push(labels[c]);
        self.out.push((suffix.clone(), support));
        if suffix.len() < self.max_len && c > 0 {
            self.conditional(tree, labels, c, nodes, suffix);
        }
        suffix.pop();
    }

    fn conditional(
        &mut self,
        tree: &Tree,
        labels: &[u32],
        c: usize,
        nodes: &[u32],
        suffix: &mut Vec<u32>,
    ) {
        let mut counts = vec![0u64; c];
        for &n in nodes {
            let w = tree.count[n as usize];
            let mut p = tree.parent[n as usize];
            while p != ROOT {
                counts[tree.item[p as usize] as usize] += w;
                p = tree.parent[p as usize];
            }
        }
        let mut freq: Vec<u32> = (0..c as u32)
            .filter(|&i| counts[i as usize] >= self.min_count)
            .collect();
        match freq.len() {
            0 => return,
            1 => {
                if !self.budget.take(1) {
                    return;
                }
                let i = freq[0] as usize;
                suffix.push(labels[i]);
                self.out.push((suffix.clone(), counts[i]));
                suffix.pop();
                return;
            }
            _ => {}
        }
        freq.sort_unstable_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
        let mut recode = vec![u32::MAX; c];
        for (k, &i) in freq.iter().enumerate() {
            recode[i as usize] = k as u32;
        }
        let new_labels: Vec<u32> = freq.iter().map(|&i| labels[i as usize]).collect();
        let mut db = Db::new();
        for &n in nodes {
            let start = db.items.len();
            let mut p = tree.parent[n as usize];
            while p != ROOT {
                let r = recode[tree.item[p as usize] as usize];
                if r != u32::MAX {
                    db.items.push(r);
                }
                p = tree.parent[p as usize];
            }
            if db.items.len() > start {
                db.items[start..].sort_unstable();
                db.offsets.push(db.items.len());
                db.weights.push(tree.count[n as usize]);
            }
        }
        let sub = Tree::build(&db, freq.len());
        self.mine(&sub, &new_labels, suffix);
    }
}
