//! Frequent itemsets: the result of FP-Growth, with closed/maximal filters and CSV output.

use std::io::Write;

use custalyze_transaction_types::id::FastHashMap;
use custalyze_transaction_types::summary::fmt_f64;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::fpgrowth::ItemsetKind;

/// One frequent itemset.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Itemset {
    /// Item indices (into [`FrequentItemsets::items`]), ascending.
    pub items: Vec<u32>,
    /// Number of transactions that contain every item.
    pub count: u64,
}

/// Frequent itemsets with exact counts, sorted by (length, item indices).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FrequentItemsets {
    /// Number of transactions mined (empty ones included): the support denominator.
    pub n_transactions: u64,
    /// The minimum count an itemset needed.
    pub min_count: u64,
    /// Which itemsets these are.
    pub kind: ItemsetKind,
    /// Item names by index.
    pub items: Vec<String>,
    /// The itemsets.
    pub itemsets: Vec<Itemset>,
}

impl FrequentItemsets {
    /// Number of itemsets.
    pub fn len(&self) -> usize {
        self.itemsets.len()
    }

    /// True when no itemset is frequent.
    pub fn is_empty(&self) -> bool {
        self.itemsets.is_empty()
    }

    /// The support of an itemset, `count / n_transactions`.
    pub fn support(&self, itemset: &Itemset) -> f64 {
        itemset.count as f64 / self.n_transactions as f64
    }

    /// The item names of an itemset, in index order.
    pub fn names<'a>(&'a self, itemset: &Itemset) -> Vec<&'a str> {
        names(&self.items, &itemset.items)
    }

    /// The count of an itemset given by ascending item indices, if it is in the list (binary
    /// search on the (length, items) order).
    pub fn count_of(&self, items: &[u32]) -> Option<u64> {
        self.itemsets
            .binary_search_by(|s| {
                s.items
                    .len()
                    .cmp(&items.len())
                    .then_with(|| s.items.as_slice().cmp(items))
            })
            .ok()
            .map(|i| self.itemsets[i].count)
    }

    /// The itemset → count map used to generate rules.
    pub fn count_map(&self) -> FastHashMap<&[u32], u64> {
        let mut m = FastHashMap::with_capacity_and_hasher(self.len(), Default::default());
        for s in &self.itemsets {
            m.insert(s.items.as_slice(), s.count);
        }
        m
    }

    /// For every itemset, whether a one-item-larger superset in the list exists (`.0`) and
    /// whether one has the same count (`.1`).
    fn superset_marks(&self) -> Vec<(bool, bool)> {
        let index: FastHashMap<&[u32], usize> = self
            .itemsets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.items.as_slice(), i))
            .collect();
        let hits: Vec<(usize, bool)> = self
            .itemsets
            .par_iter()
            .filter(|s| s.items.len() >= 2)
            .flat_map_iter(|s| {
                let mut sub = Vec::with_capacity(s.items.len() - 1);
                let mut found = Vec::with_capacity(s.items.len());
                for skip in 0..s.items.len() {
                    sub.clear();
                    sub.extend(
                        s.items
                            .iter()
                            .enumerate()
                            .filter(|&(k, _)| k != skip)
                            .map(|(_, &i)| i),
                    );
                    if let Some(&j) = index.get(sub.as_slice()) {
                        found.push((j, self.itemsets[j].count == s.count));
                    }
                }
                found
            })
            .collect();
        let mut marks = vec![(false, false); self.len()];
        for (j, same) in hits {
            marks[j].0 = true;
            marks[j].1 |= same;
        }
        marks
    }

    /// The closed itemsets: those with no proper superset of the same support (Pasquier et al.
    /// 1999). Checking the one-item-larger supersets suffices, since support never increases
    /// with the itemset.
    ///
    /// With a maximum length, itemsets of that length count as closed (their supersets were
    /// not mined).
    pub fn closed(&self) -> FrequentItemsets {
        self.filtered(ItemsetKind::Closed, |m| !m.1)
    }

    /// The maximal itemsets: those with no frequent proper superset (what mlxtend's `fpmax`
    /// returns). With a maximum length, itemsets of that length count as maximal.
    pub fn maximal(&self) -> FrequentItemsets {
        self.filtered(ItemsetKind::Maximal, |m| !m.0)
    }

    fn filtered(&self, kind: ItemsetKind, keep: impl Fn(&(bool, bool)) -> bool) -> Self {
        if self.kind != ItemsetKind::All {
            // Closed or maximal lists lack the subsets the marks need; they are already
            // filtered.
            return self.clone();
        }
        let marks = self.superset_marks();
        Self {
            n_transactions: self.n_transactions,
            min_count: self.min_count,
            kind,
            items: self.items.clone(),
            itemsets: self
                .itemsets
                .iter()
                .zip(&marks)
                .filter(|(_, m)| keep(m))
                .map(|(s, _)| s.clone())
                .collect(),
        }
    }

    /// Writes the itemsets as CSV with the columns `n_items,itemset,count,support`; `itemset`
    /// is the item names sorted (byte order) and joined by `|`, rows sorted by
    /// (n_items, itemset), the layout of the mlxtend reference files.
    ///
    /// # Errors
    /// [`Error::Write`] when writing fails.
    pub fn write_csv<W: Write>(&self, w: W) -> Result<()> {
        let mut rows: Vec<(usize, String, u64)> = self
            .itemsets
            .par_iter()
            .map(|s| (s.items.len(), join_names(&self.items, &s.items), s.count))
            .collect();
        rows.par_sort_unstable();
        let mut w = csv::Writer::from_writer(w);
        let err = |e: csv::Error| Error::Write(e.into());
        w.write_record(["n_items", "itemset", "count", "support"])
            .map_err(err)?;
        let n = self.n_transactions as f64;
        for (len, key, count) in rows {
            w.write_record([
                len.to_string(),
                key,
                count.to_string(),
                fmt_f64(count as f64 / n),
            ])
            .map_err(err)?;
        }
        w.flush().map_err(Error::Write)
    }
}

pub(crate) fn names<'a>(table: &'a [String], items: &[u32]) -> Vec<&'a str> {
    items
        .iter()
        .map(|&i| table.get(i as usize).map_or("?", String::as_str))
        .collect()
}

/// Item names sorted by bytes and joined by `|` (the key of the reference files).
pub fn join_names(table: &[String], items: &[u32]) -> String {
    let mut n = names(table, items);
    n.sort_unstable();
    n.join("|")
}
