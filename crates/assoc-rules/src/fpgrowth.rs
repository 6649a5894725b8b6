//! FP-Growth parameters and the parallel top level of the miner.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::itemsets::{FrequentItemsets, Itemset};
use crate::transactions::Transactions;
use crate::tree::{Db, Miner, Tree};

/// The minimum support of a frequent itemset.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum MinSupport {
    /// A fraction of the transactions in `(0, 1]`: an itemset is frequent when
    /// `count / n_transactions >= fraction`, evaluated in `f64` exactly as mlxtend does.
    Fraction(f64),
    /// An absolute number of transactions (at least 1).
    Count(u64),
}

/// Which frequent itemsets to keep.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ItemsetKind {
    /// Every frequent itemset (mlxtend `fpgrowth`).
    #[default]
    All,
    /// Closed itemsets: no proper superset has the same support.
    Closed,
    /// Maximal itemsets: no proper superset is frequent (mlxtend `fpmax`).
    Maximal,
}

/// FP-Growth frequent-itemset mining (Han, Pei & Yin 2000), parallel over the conditional
/// pattern bases of the frequent items.
///
/// # Examples
/// ```
/// use custalyze_assoc_rules::{FpGrowth, Transactions};
/// let tx = Transactions::from_item_lists([
///     vec!["milk", "bread"], vec!["milk", "bread", "eggs"], vec!["bread"], vec!["eggs"],
/// ])?;
/// let itemsets = FpGrowth::params().min_support(0.5).fit(&tx)?;
/// // {bread} 3, {milk} 2, {eggs} 2, {bread, milk} 2
/// assert_eq!(itemsets.len(), 4);
/// let pair = itemsets.itemsets.iter().find(|s| s.items.len() == 2).map(|s| s.count);
/// assert_eq!(pair, Some(2));
/// # Ok::<(), custalyze_assoc_rules::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct FpGrowth;

impl FpGrowth {
    /// Default parameters: minimum support 0.5 (mlxtend's default), no length limit, all
    /// frequent itemsets.
    pub fn params() -> FpGrowthParams {
        FpGrowthParams::default()
    }
}

/// Unchecked FP-Growth parameters (consuming builder).
///
/// | setting | default |
/// |---|---|
/// | [`min_support`](Self::min_support) / [`min_count`](Self::min_count) | fraction 0.5 |
/// | [`max_len`](Self::max_len) | no limit |
/// | [`kind`](Self::kind) | [`ItemsetKind::All`] |
/// | [`max_itemsets`](Self::max_itemsets) | [`DEFAULT_MAX_ITEMSETS`] |
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FpGrowthParams {
    min_support: MinSupport,
    max_len: Option<usize>,
    kind: ItemsetKind,
    #[cfg_attr(feature = "serde", serde(default = "default_max_itemsets"))]
    max_itemsets: u64,
}

/// The default itemset budget: 20 million itemsets (about 1.5 GB of results), far more than a
/// useful rule set and far less than a machine's memory.
pub const DEFAULT_MAX_ITEMSETS: u64 = 20_000_000;

#[cfg(feature = "serde")]
fn default_max_itemsets() -> u64 {
    DEFAULT_MAX_ITEMSETS
}

impl Default for FpGrowthParams {
    fn default() -> Self {
        Self {
            min_support: MinSupport::Fraction(0.5),
            max_len: None,
            kind: ItemsetKind::All,
            max_itemsets: DEFAULT_MAX_ITEMSETS,
        }
    }
}

/// Validated FP-Growth parameters, from [`FpGrowthParams::check`].
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ValidFpGrowthParams {
    min_support: MinSupport,
    max_len: usize,
    kind: ItemsetKind,
    #[cfg_attr(feature = "serde", serde(default = "default_max_itemsets"))]
    max_itemsets: u64,
}

impl FpGrowthParams {
    /// Minimum support as a fraction of the transactions, in `(0, 1]`.
    pub fn min_support(mut self, fraction: f64) -> Self {
        self.min_support = MinSupport::Fraction(fraction);
        self
    }

    /// Minimum support as a number of transactions (at least 1).
    pub fn min_count(mut self, count: u64) -> Self {
        self.min_support = MinSupport::Count(count);
        self
    }

    /// The longest itemset to mine (at least 1).
    pub fn max_len(mut self, len: usize) -> Self {
        self.max_len = Some(len);
        self
    }

    /// Which itemsets to return: all frequent, closed or maximal.
    pub fn kind(mut self, kind: ItemsetKind) -> Self {
        self.kind = kind;
        self
    }

    /// The most frequent itemsets mined before stopping with [`Error::TooManyItemsets`]
    /// (at least 1). It bounds time and memory whatever the input: a very low support on long
    /// baskets makes nearly every subset frequent.
    pub fn max_itemsets(mut self, limit: u64) -> Self {
        self.max_itemsets = limit;
        self
    }

    /// Validates the parameters.
    ///
    /// # Errors
    /// [`Error::InvalidMinSupport`] for a fraction that is NaN or outside `(0, 1]`;
    /// [`Error::InvalidMinCount`] for a count of 0; [`Error::InvalidMaxLen`] for a length of 0.
    pub fn check(&self) -> Result<ValidFpGrowthParams> {
        match self.min_support {
            MinSupport::Fraction(f) if !(f > 0.0 && f <= 1.0) => {
                return Err(Error::InvalidMinSupport { value: f });
            }
            MinSupport::Count(0) => return Err(Error::InvalidMinCount),
            _ => {}
        }
        if self.max_len == Some(0) {
            return Err(Error::InvalidMaxLen);
        }
        if self.max_itemsets == 0 {
            return Err(Error::InvalidMaxLen);
        }
        Ok(ValidFpGrowthParams {
            min_support: self.min_support,
            max_len: self.max_len.unwrap_or(usize::MAX),
            kind: self.kind,
            max_itemsets: self.max_itemsets,
        })
    }

    /// Validates the parameters and mines `tx`; see [`ValidFpGrowthParams::fit`].
    ///
    /// # Errors
    /// Those of [`FpGrowthParams::check`] and [`ValidFpGrowthParams::fit`].
    pub fn fit(&self, tx: &Transactions) -> Result<FrequentItemsets> {
        self.check()?.fit(tx)
    }
}

/// The smallest count `c >= 1` with `c as f64 / n as f64 >= fraction`: mlxtend's
/// `support >= min_support` test on `support = count / n`, made exact.
pub fn min_count_for(fraction: f64, n: u64) -> u64 {
    let nf = n as f64;
    let mut c = (fraction * nf).ceil().max(1.0) as u64;
    while c > 1 && (c - 1) as f64 / nf >= fraction {
        c -= 1;
    }
    while (c as f64) / nf < fraction && c <= n {
        c += 1;
    }
    c
}

impl ValidFpGrowthParams {
    /// The minimum count for `n` transactions.
    pub fn min_count(&self, n: u64) -> u64 {
        match self.min_support {
            MinSupport::Fraction(f) => min_count_for(f, n),
            MinSupport::Count(c) => c,
        }
    }

    /// Mines the frequent itemsets of `tx`, with exact counts.
    ///
    /// Items are ranked by descending frequency; the transactions, reduced to their frequent
    /// items, are sorted and merged into an array FP-tree; each frequent item's conditional
    /// pattern base is then mined on its own rayon task. The result is sorted by
    /// (length, item indices).
    ///
    /// # Errors
    /// [`Error::NoTransactions`] when `tx` has no transaction.
    pub fn fit(&self, tx: &Transactions) -> Result<FrequentItemsets> {
        if tx.is_empty() {
            return Err(Error::NoTransactions);
        }
        if u32::try_from(tx.n_entries()).is_err() {
            return Err(Error::TooManyItems {
                max: u64::from(u32::MAX),
            });
        }
        let n = tx.len() as u64;
        let min_count = self.min_count(n);
        let n_items = tx.items().len();
        let counts = item_counts(tx.data(), n_items);
        let mut freq: Vec<u32> = (0..n_items as u32)
            .filter(|&i| counts[i as usize] >= min_count)
            .collect();
        freq.sort_unstable_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
        let mut rank = vec![u32::MAX; n_items];
        for (r, &i) in freq.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        let db = ranked_db(tx, &rank);
        let supports: Vec<u64> = freq.iter().map(|&i| counts[i as usize]).collect();
        let occ = Occurrences::new(&db, &supports);
        let max_len = self.max_len;
        let budget = Budget {
            left: AtomicU64::new(self.max_itemsets),
            exhausted: AtomicBool::new(false),
        };
        let parts: Vec<Vec<(Vec<u32>, u64)>> = (0..freq.len())
            .into_par_iter()
            .rev()
            .map(|r| mine_top_item(&db, &occ, &freq, r, min_count, max_len, &budget))
            .collect();
        if budget.exhausted.load(Ordering::Relaxed) {
            return Err(Error::TooManyItemsets {
                limit: self.max_itemsets,
                min_count,
            });
        }
        let mut itemsets: Vec<Itemset> = parts
            .into_iter()
            .flatten()
            .map(|(mut items, count)| {
                items.sort_unstable();
                Itemset { items, count }
            })
            .collect();
        itemsets.par_sort_unstable_by(|a, b| {
            a.items
                .len()
                .cmp(&b.items.len())
                .then_with(|| a.items.cmp(&b.items))
        });
        let all = FrequentItemsets {
            n_transactions: n,
            min_count,
            kind: ItemsetKind::All,
            items: tx.items().to_vec(),
            itemsets,
        };
        Ok(match self.kind {
            ItemsetKind::All => all,
            ItemsetKind::Closed => all.closed(),
            ItemsetKind::Maximal => all.maximal(),
        })
    }
}

/// For every rank, the transactions (rows of the ranked database) that contain it: the
/// "vertical" view used to project conditional pattern bases with sequential reads.
struct Occurrences {
    offsets: Vec<usize>,
    rows: Vec<u32>,
}

impl Occurrences {
    fn new(db: &Db, supports: &[u64]) -> Self {
        let mut offsets = vec![0usize; supports.len() + 1];
        for (r, &s) in supports.iter().enumerate() {
            offsets[r + 1] = offsets[r] + s as usize;
        }
        let mut fill = offsets.clone();
        let mut rows = vec![0u32; offsets[supports.len()]];
        for t in 0..db.weights.len() {
            for &r in db.tx(t as u32) {
                rows[fill[r as usize]] = t as u32;
                fill[r as usize] += 1;
            }
        }
        Self { offsets, rows }
    }

    fn of(&self, r: usize) -> &[u32] {
        &self.rows[self.offsets[r]..self.offsets[r + 1]]
    }
}

/// Mines everything whose least frequent item is rank `r`: the item itself, then its
/// conditional pattern base (the prefixes, in rank order, of the transactions containing it),
/// reduced to the items frequent with `r`, as an FP-tree mined recursively.
///
/// The top level projects from the transactions instead of walking a global FP-tree: the
/// transactions holding `r` are read in order through [`Occurrences`], which replaces millions
/// of dependent parent-pointer loads with sequential scans, and items with no frequent partner
/// (most of them in sparse retail data) never build a tree.
fn mine_top_item(
    db: &Db,
    occ: &Occurrences,
    labels: &[u32],
    r: usize,
    min_count: u64,
    max_len: usize,
    budget: &Budget,
) -> Vec<(Vec<u32>, u64)> {
    if !budget.take(1) {
        return Vec::new();
    }
    let rows = occ.of(r);
    let mut out = vec![(vec![labels[r]], rows.len() as u64)];
    if max_len < 2 || r == 0 {
        return out;
    }
    let rank = r as u32;
    let mut counts = vec![0u64; r];
    for &t in rows {
        for &i in db.tx(t) {
            if i >= rank {
                break;
            }
            counts[i as usize] += 1;
        }
    }
    let mut partners: Vec<u32> = (0..rank)
        .filter(|&i| counts[i as usize] >= min_count)
        .collect();
    match partners.len() {
        0 => return out,
        1 => {
            let p = partners[0] as usize;
            if budget.take(1) {
                out.push((vec![labels[r], labels[p]], counts[p]));
            }
            return out;
        }
        _ => {}
    }
    partners.sort_unstable_by(|&a, &b| counts[b as usize].cmp(&counts[a as usize]).then(a.cmp(&b)));
    let mut recode = vec![u32::MAX; r];
    for (k, &i) in partners.iter().enumerate() {
        recode[i as usize] = k as u32;
    }
    let cond_labels: Vec<u32> = partners.iter().map(|&i| labels[i as usize]).collect();
    let mut cond = Db::new();
    for &t in rows {
        let start = cond.items.len();
        for &i in db.tx(t) {
            if i >= rank {
                break;
            }
            let c = recode[i as usize];
            if c != u32::MAX {
                cond.items.push(c);
            }
        }
        if cond.items.len() > start {
            cond.items[start..].sort_unstable();
            cond.offsets.push(cond.items.len());
            cond.weights.push(1);
        }
    }
    let tree = Tree::build(&cond, partners.len());
    drop(cond);
    let mut miner = Miner {
        min_count,
        max_len,
        out,
        budget,
    };
    miner.mine(&tree, &cond_labels, &mut vec![labels[r]]);
    miner.out
}

/// The itemset budget shared by the parallel miners.
pub(crate) struct Budget {
    /// Itemsets that may still be emitted.
    pub left: AtomicU64,
    /// Set once an emission was refused: every miner stops.
    pub exhausted: AtomicBool,
}

impl Budget {
    /// Takes `n` itemsets from the budget; false (and the budget marked exhausted) when they do
    /// not fit.
    pub fn take(&self, n: u64) -> bool {
        if self.exhausted.load(Ordering::Relaxed) {
            return false;
        }
        let ok = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| l.checked_sub(n))
            .is_ok();
        if !ok {
            self.exhausted.store(true, Ordering::Relaxed);
        }
        ok
    }

    /// True once the budget ran out.
    pub fn is_exhausted(&self) -> bool {
        self.exhausted.load(Ordering::Relaxed)
    }
}

/// Occurrences of each item, counted in parallel over chunks.
fn item_counts(data: &[u32], n_items: usize) -> Vec<u64> {
    data.par_chunks(1 << 16)
        .fold(
            || vec![0u64; n_items],
            |mut acc, chunk| {
                for &i in chunk {
                    acc[i as usize] += 1;
                }
                acc
            },
        )
        .reduce(
            || vec![0u64; n_items],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        )
}

/// The transactions reduced to their frequent items, as ascending ranks, built in parallel
/// chunks; transactions left empty are dropped.
fn ranked_db(tx: &Transactions, rank: &[u32]) -> Db {
    const CHUNK: usize = 1 << 14;
    let n = tx.len();
    let offsets = tx.offsets();
    let data = tx.data();
    let chunks: Vec<(Vec<u32>, Vec<u32>)> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|k| {
            let lo = k * CHUNK;
            let hi = (lo + CHUNK).min(n);
            let mut items = Vec::with_capacity(offsets[hi] - offsets[lo]);
            let mut lens = Vec::with_capacity(hi - lo);
            for t in lo..hi {
                let start = items.len();
                items.extend(
                    data[offsets[t]..offsets[t + 1]]
                        .iter()
                        .map(|&i| rank[i as usize])
                        .filter(|&r| r != u32::MAX),
                );
                let len = items.len() - start;
                if len > 0 {
                    items[start..].sort_unstable();
                    lens.push(len as u32);
                }
            }
            (items, lens)
        })
        .collect();
    let total: usize = chunks.iter().map(|c| c.0.len()).sum();
    let count: usize = chunks.iter().map(|c| c.1.len()).sum();
    let mut db = Db {
        items: Vec::with_capacity(total),
        offsets: Vec::with_capacity(count + 1),
        weights: vec![1; count],
    };
    db.offsets.push(0);
    for (items, lens) in chunks {
        db.items.extend_from_slice(&items);
        for l in lens {
            let last = db.offsets[db.offsets.len() - 1];
            db.offsets.push(last + l as usize);
        }
    }
    db
}
