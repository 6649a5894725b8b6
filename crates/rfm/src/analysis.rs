//! Retrospective analysis: segment sizes and summaries at a date, and segment migration between
//! two dates.

use std::cmp::Ordering;

use chrono::NaiveDate;
use custalyze_transaction_types::TransactionLog;

use crate::error::{Error, Result};
use crate::segment::SegmentMap;
use crate::table::{RfmParams, RfmTable};

/// One segment's size and profile.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentSummary {
    /// The segment label.
    pub segment: String,
    /// Customers in the segment.
    pub customers: usize,
    /// Share of all customers in the table (0 to 1).
    pub share: f64,
    /// Mean recency (days).
    pub mean_recency: f64,
    /// Mean frequency.
    pub mean_frequency: f64,
    /// Mean monetary value.
    pub mean_monetary: f64,
    /// Share of the table's total monetary value (0 to 1; 0 when the total is 0).
    pub revenue_share: f64,
}

impl RfmTable {
    /// Customers per segment, in the map's label order ([`SegmentMap::labels`]), segments with no
    /// customer included (count 0).
    pub fn segment_sizes(&self, map: &SegmentMap) -> Vec<(String, usize)> {
        let labels = map.labels();
        let mut counts = vec![0usize; labels.len()];
        for s in self.segments(map) {
            if let Some(i) = labels.iter().position(|l| *l == s) {
                counts[i] += 1;
            }
        }
        labels.into_iter().map(String::from).zip(counts).collect()
    }

    /// Count, share, mean R/F/M values and revenue share of every non-empty segment, in the
    /// map's label order.
    pub fn segment_summaries(&self, map: &SegmentMap) -> Vec<SegmentSummary> {
        let labels = map.labels();
        let k = labels.len();
        let mut count = vec![0usize; k];
        let mut sum_r = vec![0.0f64; k];
        let mut sum_f = vec![0.0f64; k];
        let mut sum_m = vec![0.0f64; k];
        for row in &self.rows {
            let s = row.segment(map);
            if let Some(i) = labels.iter().position(|l| *l == s) {
                count[i] += 1;
                sum_r[i] += row.recency as f64;
                sum_f[i] += row.frequency as f64;
                sum_m[i] += row.monetary;
            }
        }
        let n = self.rows.len() as f64;
        let total: f64 = sum_m.iter().sum();
        (0..k)
            .filter(|&i| count[i] > 0)
            .map(|i| {
                let c = count[i] as f64;
                SegmentSummary {
                    segment: labels[i].to_string(),
                    customers: count[i],
                    share: c / n,
                    mean_recency: sum_r[i] / c,
                    mean_frequency: sum_f[i] / c,
                    mean_monetary: sum_m[i] / c,
                    revenue_share: if total > 0.0 { sum_m[i] / total } else { 0.0 },
                }
            })
            .collect()
    }
}

/// Counts of customers moving from one segment to another between two RFM tables.
///
/// Only customers present in both tables (with a transaction before both dates) are counted.
/// Rows and columns follow [`SegmentMap::labels`]: `counts[i][j]` customers were in `labels[i]`
/// at `from` and in `labels[j]` at `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MigrationMatrix {
    /// The earlier snapshot date.
    pub from: NaiveDate,
    /// The later snapshot date.
    pub to: NaiveDate,
    /// Segment labels, indexing rows and columns.
    pub labels: Vec<String>,
    /// `counts[i][j]`: customers moving from `labels[i]` to `labels[j]`.
    pub counts: Vec<Vec<u64>>,
}

impl MigrationMatrix {
    /// The migration between two computed tables (`before` at the earlier date).
    ///
    /// # Errors
    /// [`Error::DatesOutOfOrder`] when `before` is not dated before `after`.
    pub fn between(before: &RfmTable, after: &RfmTable, map: &SegmentMap) -> Result<Self> {
        let (from, to) = (before.options.as_of, after.options.as_of);
        if from >= to {
            return Err(Error::DatesOutOfOrder { from, to });
        }
        let labels = map.labels();
        let index = |s: &str| labels.iter().position(|l| *l == s);
        let mut counts = vec![vec![0u64; labels.len()]; labels.len()];
        // Both tables are sorted by customer id: merge.
        let (mut i, mut j) = (0, 0);
        while i < before.rows.len() && j < after.rows.len() {
            let (a, b) = (&before.rows[i], &after.rows[j]);
            match a.customer.cmp(&b.customer) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    if let (Some(x), Some(y)) = (index(a.segment(map)), index(b.segment(map))) {
                        counts[x][y] += 1;
                    }
                    i += 1;
                    j += 1;
                }
            }
        }
        Ok(MigrationMatrix {
            from,
            to,
            labels: labels.into_iter().map(String::from).collect(),
            counts,
        })
    }

    /// Computes both tables from `log` with `options` (its `as_of` replaced by `from` and `to`)
    /// and the migration between them.
    ///
    /// # Errors
    /// As [`RfmParams::fit`] for either date, and [`Error::DatesOutOfOrder`].
    pub fn compute(
        log: &TransactionLog,
        options: &RfmParams,
        from: NaiveDate,
        to: NaiveDate,
        map: &SegmentMap,
    ) -> Result<Self> {
        if from >= to {
            return Err(Error::DatesOutOfOrder { from, to });
        }
        let before = (RfmParams {
            as_of: from,
            ..options.clone()
        })
        .fit(log)?;
        let after = (RfmParams {
            as_of: to,
            ..options.clone()
        })
        .fit(log)?;
        Self::between(&before, &after, map)
    }

    /// Customers counted (present at both dates).
    pub fn total(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }

    /// Customers in segment `from_label` at the first date and `to_label` at the second (0 for
    /// unknown labels).
    pub fn count(&self, from_label: &str, to_label: &str) -> u64 {
        let i = self.labels.iter().position(|l| l == from_label);
        let j = self.labels.iter().position(|l| l == to_label);
        match (i, j) {
            (Some(i), Some(j)) => self.counts[i][j],
            _ => 0,
        }
    }
}
