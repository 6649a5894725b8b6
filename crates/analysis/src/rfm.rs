//! The RFM stage: scores 1..=5 (pandas `qcut(rank(first))`), the reference segment map, segment
//! summaries, and the best sellers of each segment.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use custalyze_rfm::{FrequencyRule, Rfm, RfmTable, SegmentMap, SegmentSummary};
use custalyze_transaction_types::TransactionLog;

use crate::error::Result;

/// A best seller of an RFM segment.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BestSeller {
    /// RFM segment.
    pub segment: String,
    /// Rank in the segment (1 = best).
    pub rank: usize,
    /// Index of the item in the analysis catalogue.
    pub item: u32,
    /// Customers of the segment who bought it.
    pub customers: u64,
    /// Revenue from the segment.
    pub revenue: f64,
}

/// The RFM stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmAnalysis {
    /// Scores of every customer (log order).
    pub table: RfmTable,
    /// Segment of every row of `table` (the reference map, [`SegmentMap::reference`]).
    pub segments: Vec<String>,
    /// Non-empty segments, by revenue share descending.
    pub summaries: Vec<SegmentSummary>,
    /// The best sellers of each segment (empty when the log records no items).
    pub best_sellers: Vec<BestSeller>,
}

impl RfmAnalysis {
    /// The `n` segments with the largest revenue share.
    pub fn top_segments(&self, n: usize) -> &[SegmentSummary] {
        &self.summaries[..n.min(self.summaries.len())]
    }
}

/// Scores every customer of `log` as of `as_of` (exclusive), frequency by `rule`, and keeps the
/// `best_sellers` best-selling items of each segment.
///
/// # Errors
/// [`crate::Error::Rfm`] from the scoring.
pub fn rfm(
    log: &TransactionLog,
    as_of: NaiveDate,
    rule: FrequencyRule,
    best_sellers: usize,
) -> Result<RfmAnalysis> {
    let table = Rfm::params(as_of).frequency_rule(rule).fit(log)?;
    let map = SegmentMap::reference();
    let segments: Vec<String> = table
        .rows
        .iter()
        .map(|r| r.segment(&map).to_string())
        .collect();
    let mut summaries: Vec<SegmentSummary> = table
        .segment_summaries(&map)
        .into_iter()
        .filter(|s| s.customers > 0)
        .collect();
    summaries.sort_by(|a, b| {
        b.revenue_share
            .total_cmp(&a.revenue_share)
            .then(a.segment.cmp(&b.segment))
    });
    let best = segment_best_sellers(log, &segments, best_sellers);
    Ok(RfmAnalysis {
        table,
        segments,
        summaries,
        best_sellers: best,
    })
}

/// The `keep` best-selling items (by revenue) of each segment; `segments` is one label per
/// customer of `log`.
fn segment_best_sellers(log: &TransactionLog, segments: &[String], keep: usize) -> Vec<BestSeller> {
    let Some(items) = log.items() else {
        return Vec::new();
    };
    let mut names: Vec<&str> = segments.iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let index: HashMap<&str, usize> = names.iter().enumerate().map(|(k, s)| (*s, k)).collect();
    let mut agg: HashMap<(usize, u32), (f64, u64)> = HashMap::new();
    let mut seen: HashSet<u32> = HashSet::new();
    for (c, label) in segments.iter().enumerate() {
        let Some(&s) = index.get(label.as_str()) else {
            continue;
        };
        seen.clear();
        for r in log.customer_rows(c) {
            let e = agg.entry((s, items[r])).or_default();
            e.0 += log.amounts()[r];
            if seen.insert(items[r]) {
                e.1 += 1;
            }
        }
    }
    let mut per: Vec<Vec<(u32, f64, u64)>> = vec![Vec::new(); names.len()];
    for ((s, it), (rev, n)) in agg {
        per[s].push((it, rev, n));
    }
    let ids = log.item_ids();
    let mut out = Vec::new();
    for (s, mut v) in per.into_iter().enumerate() {
        v.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| ids[a.0 as usize].cmp(&ids[b.0 as usize]))
        });
        for (rank, (item, revenue, customers)) in v.into_iter().take(keep).enumerate() {
            out.push(BestSeller {
                segment: names[s].to_string(),
                rank: rank + 1,
                item,
                customers,
                revenue,
            });
        }
    }
    out
}
