//! Model inputs: validated, compressed (x, t_x, T) rows with weights.

use custalyze_transaction_types::SummaryTable;
use rayon::prelude::*;

use crate::clv::TimeUnit;
use crate::error::{Error, InputProblem, Result};
use crate::real::Real;

/// The largest frequency, recency or age the continuous-time models take (1e7: 190,000 years in
/// weeks); larger values only come from unit mistakes and make the series slow.
pub const MAX_MAGNITUDE: f64 = 1e7;

/// The problem, if any, of one history `(x, t_x, T)` of the continuous-time models.
pub(crate) fn history_problem(x: f64, t_x: f64, t: f64) -> Option<InputProblem> {
    for (field, value) in [("x", x), ("t_x", t_x), ("T", t)] {
        if !value.is_finite() {
            return Some(InputProblem::NonFinite { field, value });
        }
        if value < 0.0 {
            return Some(InputProblem::Negative { field, value });
        }
        if value > MAX_MAGNITUDE {
            return Some(InputProblem::TooLarge {
                field,
                value,
                limit: MAX_MAGNITUDE,
            });
        }
    }
    if t_x > t * (1.0 + 1e-12) {
        return Some(InputProblem::RecencyAfterAge {
            recency: t_x,
            age: t,
        });
    }
    if x == 0.0 && t_x > 0.0 {
        return Some(InputProblem::RecencyWithoutRepeat { recency: t_x });
    }
    None
}

/// One customer's history for the continuous-time models: `x` repeat purchases, the last at
/// `t_x` after the first purchase, observed for `T` (`t`) since the first purchase, all in the
/// model's time unit. Built by [`Customer::new`], which rejects what no model can take.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Customer {
    /// Repeat purchases.
    pub x: f64,
    /// Time of the last purchase since the first.
    pub t_x: f64,
    /// Time since the first purchase (`T`, at least `t_x`; 0 for a customer acquired today).
    pub t: f64,
}

impl Customer {
    /// A validated history.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (row 0) for a non-finite or negative value, `t_x > T`, or
    /// `t_x > 0` with `x = 0`.
    ///
    /// # Examples
    /// ```
    /// use custalyze_cltv_core::Customer;
    /// assert!(Customer::new(2.0, 30.4, 38.9).is_ok());
    /// assert!(Customer::new(-1.0, 0.0, 38.9).is_err());
    /// assert!(Customer::new(2.0, 40.0, 38.9).is_err()); // last purchase after T
    /// ```
    pub fn new(x: f64, t_x: f64, t: f64) -> Result<Self> {
        let c = Self { x, t_x, t };
        c.check()?;
        Ok(c)
    }

    /// Checks the fields (they are public, so a `Customer` may have been built by hand).
    ///
    /// # Errors
    /// As [`Customer::new`].
    pub fn check(&self) -> Result<()> {
        match history_problem(self.x, self.t_x, self.t) {
            Some(problem) => Err(Error::InvalidInput { row: 0, problem }),
            None => Ok(()),
        }
    }
}

/// Checks a prediction horizon `t` (finite, >= 0).
pub(crate) fn check_horizon(t: f64) -> Result<()> {
    if t.is_finite() && t >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new("t", t, "the horizon must be finite and >= 0"),
        ))
    }
}

/// Repeat-purchase data for the BG/NBD-family models: frequency `x`, recency `t_x` and age `T`
/// per row, with a weight (the number of customers sharing the row).
///
/// Identical rows are merged ([`RfmData::compress`]), so fitting costs one likelihood term per
/// distinct `(x, t_x, T)`, not per customer.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RfmData {
    /// Repeat purchases.
    pub x: Vec<f64>,
    /// Time of the last repeat purchase since the first purchase.
    pub t_x: Vec<f64>,
    /// Time since the first purchase.
    pub t: Vec<f64>,
    /// Customers per row.
    pub weight: Vec<f64>,
    /// The unit `t_x` and `T` are measured in, when known ([`RfmData::from_summary`] takes it
    /// from the summary's period); fitted models keep it and refuse predictions in another unit.
    #[cfg_attr(feature = "serde", serde(default))]
    pub unit: Option<TimeUnit>,
}

impl RfmData {
    /// Rows from columns (weights default to 1), validated.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming the first row with a non-finite or negative value, `t_x > T`,
    /// `T <= 0`, a negative weight, or `x = 0` with `t_x > 0`; [`Error::EmptyInput`] when there are no
    /// rows or the columns differ in length.
    pub fn new(x: &[f64], t_x: &[f64], t: &[f64], weight: Option<&[f64]>) -> Result<Self> {
        let n = x.len();
        if n == 0 || t_x.len() != n || t.len() != n || weight.is_some_and(|w| w.len() != n) {
            return Err(Error::EmptyInput {
                reason: format!(
                    "need equally long, non-empty columns (x {}, t_x {}, T {}, weights {})",
                    n,
                    t_x.len(),
                    t.len(),
                    weight.map_or(n, <[f64]>::len)
                ),
            });
        }
        for i in 0..n {
            let w = weight.map_or(1.0, |w| w[i]);
            let problem = history_problem(x[i], t_x[i], t[i]).or(if !w.is_finite() {
                Some(InputProblem::NonFinite {
                    field: "weight",
                    value: w,
                })
            } else if w < 0.0 {
                Some(InputProblem::Negative {
                    field: "weight",
                    value: w,
                })
            } else {
                None
            });
            if let Some(problem) = problem {
                return Err(Error::InvalidInput { row: i, problem });
            }
        }
        let w = weight.map_or_else(|| vec![1.0; n], <[f64]>::to_vec);
        Ok(Self {
            x: x.to_vec(),
            t_x: t_x.to_vec(),
            t: t.to_vec(),
            weight: w,
            unit: None,
        })
    }

    /// Sets the unit of `t_x` and `T`.
    #[must_use]
    pub fn with_unit(mut self, unit: TimeUnit) -> Self {
        self.unit = Some(unit);
        self
    }

    /// Rows of a summary table (one per customer, weight 1), with the table's time unit.
    ///
    /// # Errors
    /// [`Error::InvalidCustomer`] naming the first customer no model can take;
    /// [`Error::UnsupportedPeriod`] for a period without a time unit (e.g. `14D`);
    /// [`Error::EmptyInput`] for an empty table.
    pub fn from_summary(table: &SummaryTable) -> Result<Self> {
        let unit = TimeUnit::try_from(table.period)?;
        for r in &table.rows {
            if let Some(problem) = history_problem(r.frequency, r.recency, r.t) {
                return Err(Error::InvalidCustomer {
                    customer: r.customer.clone(),
                    problem,
                });
            }
        }
        let x: Vec<f64> = table.rows.iter().map(|r| r.frequency).collect();
        let t_x: Vec<f64> = table.rows.iter().map(|r| r.recency).collect();
        let t: Vec<f64> = table.rows.iter().map(|r| r.t).collect();
        Ok(Self::new(&x, &t_x, &t, None)?.with_unit(unit))
    }

    /// Merges identical `(x, t_x, T)` rows, adding their weights; the result is sorted by `x`, then
    /// `t_x`, then `T`, so rows with the same frequency are contiguous ([`RfmData::x_groups`]).
    pub fn compress(&self) -> Self {
        // Sort (x, t_x, T, row) keys and merge runs of equal (x, t_x, T). For the non-negative
        // values a valid `RfmData` holds, the IEEE bit patterns order like the numbers (`+ 0.0`
        // turns -0 into +0), so the keys compare as integers. The row index makes every key
        // distinct: the unstable (and parallel) sort is deterministic and each run's weights are
        // added in input order.
        let bits = |v: f64| (v + 0.0).to_bits();
        let mut keys: Vec<(u64, u64, u64, usize)> = (0..self.len())
            .map(|i| (bits(self.x[i]), bits(self.t_x[i]), bits(self.t[i]), i))
            .collect();
        if keys.len() > PARALLEL_SORT_ROWS {
            keys.par_sort_unstable();
        } else {
            keys.sort_unstable();
        }
        let mut out = Self::default();
        let mut last: Option<(u64, u64, u64)> = None;
        for (x, t_x, t, i) in keys {
            match (last == Some((x, t_x, t)), out.weight.last_mut()) {
                (true, Some(w)) => *w += self.weight[i],
                _ => {
                    out.x.push(self.x[i]);
                    out.t_x.push(self.t_x[i]);
                    out.t.push(self.t[i]);
                    out.weight.push(self.weight[i]);
                    last = Some((x, t_x, t));
                }
            }
        }
        out.unit = self.unit;
        out
    }

    /// Runs of equal `x` in row order: `(x, total weight, rows)`. On [`RfmData::compress`]ed data
    /// each frequency appears once, so terms that depend only on `x` are computed once per run.
    pub fn x_groups(&self) -> Vec<(f64, f64, std::ops::Range<usize>)> {
        let mut out: Vec<(f64, f64, std::ops::Range<usize>)> = Vec::new();
        for i in 0..self.len() {
            match out.last_mut() {
                Some((x, w, r)) if *x == self.x[i] => {
                    *w += self.weight[i];
                    r.end = i + 1;
                }
                _ => out.push((self.x[i], self.weight[i], i..i + 1)),
            }
        }
        out
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True without rows.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Sum of the weights.
    pub fn total_weight(&self) -> f64 {
        self.weight.iter().sum()
    }

    /// Largest `T`.
    pub fn max_t(&self) -> f64 {
        self.t.iter().copied().fold(0.0, f64::max)
    }
}

/// Above this many rows [`RfmData::compress`] sorts in parallel.
const PARALLEL_SORT_ROWS: usize = 1 << 16;

/// Distinct values of a column and each row's index into them.
pub(crate) fn distinct(v: &[f64]) -> (Vec<f64>, Vec<u32>) {
    let mut values: Vec<f64> = v.to_vec();
    if v.iter().all(|x| *x >= 0.0) {
        // Non-negative numbers order like their bit patterns (+ 0.0 maps -0 to +0): integer
        // comparisons sort faster.
        let mut bits: Vec<u64> = v.iter().map(|x| (x + 0.0).to_bits()).collect();
        bits.sort_unstable();
        bits.dedup();
        values = bits.into_iter().map(f64::from_bits).collect();
    } else {
        values.sort_by(f64::total_cmp);
        values.dedup();
    }
    let index = v
        .iter()
        .map(|x| values.partition_point(|y| y < x) as u32)
        .collect();
    (values, index)
}

/// Rows per chunk of the deterministic parallel sum, for terms that cost a few special functions
/// each (hundreds of nanoseconds with derivatives).
const CHUNK: usize = 256;

/// Rows per chunk for terms that cost one or two elementary functions: below a few thousand such
/// rows, handing chunks to rayon's threads costs more than it saves (on the 2357-customer CDNOW
/// summary the BG/NBD and Gamma-Gamma fits were 1.2-1.5 times faster without it).
pub(crate) const CHEAP_CHUNK: usize = 4096;

/// `sum_i term(i)` over `0..n`, in parallel over fixed chunks and added in a fixed order, so the
/// result does not depend on the thread count.
pub(crate) fn weighted_sum<T: Real + Send + Sync>(n: usize, term: impl Fn(usize) -> T + Sync) -> T {
    range_sum(0..n, CHUNK, term)
}

/// [`weighted_sum`] with `chunk` rows per parallel task (sequential up to `chunk` rows).
pub(crate) fn weighted_sum_chunked<T: Real + Send + Sync>(
    n: usize,
    chunk: usize,
    term: impl Fn(usize) -> T + Sync,
) -> T {
    range_sum(0..n, chunk, term)
}

/// [`weighted_sum`] over a range of rows, `chunk` rows per parallel task.
pub(crate) fn range_sum<T: Real + Send + Sync>(
    rows: std::ops::Range<usize>,
    chunk: usize,
    term: impl Fn(usize) -> T + Sync,
) -> T {
    let chunk = chunk.max(1);
    let (start, n) = (rows.start, rows.len());
    if n <= chunk {
        return rows.fold(T::cst(0.0), |acc, i| acc + term(i));
    }
    let parts: Vec<T> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| {
            (start + c * chunk..start + ((c + 1) * chunk).min(n))
                .fold(T::cst(0.0), |acc, i| acc + term(i))
        })
        .collect();
    parts.into_iter().fold(T::cst(0.0), |acc, p| acc + p)
}

/// `Σ_i row(i)` of fixed-size accumulators over `0..n`, in parallel over `chunk`-row tasks and
/// added in a fixed order (the result does not depend on the thread count). For hand-written
/// gradients that accumulate several sums per row.
pub(crate) fn chunked_fold<const K: usize>(
    n: usize,
    chunk: usize,
    row: impl Fn(usize, &mut [f64; K]) + Sync,
) -> [f64; K] {
    fold_chunks(n, chunk, |span| {
        let mut acc = [0.0; K];
        for i in span {
            row(i, &mut acc);
        }
        acc
    })
}

/// Applies `fold` to fixed `chunk`-row spans of `0..n` (in parallel when there is more than one)
/// and adds the results in span order, so the sum does not depend on the thread count.
fn fold_chunks<const K: usize>(
    n: usize,
    chunk: usize,
    fold: impl Fn(std::ops::Range<usize>) -> [f64; K] + Sync,
) -> [f64; K] {
    let chunk = chunk.max(1);
    if n <= chunk {
        return fold(0..n);
    }
    let parts: Vec<[f64; K]> = (0..n.div_ceil(chunk))
        .into_par_iter()
        .map(|c| fold(c * chunk..((c + 1) * chunk).min(n)))
        .collect();
    let mut total = [0.0; K];
    for p in parts {
        for (t, v) in total.iter_mut().zip(p) {
            *t += v;
        }
    }
    total
}

/// [`chunked_fold`] over rows grouped by frequency: `run(g, rows, acc)` is called with each
/// group's rows that fall in a chunk, so per-group values and branches are hoisted out of the row
/// loop. `groups` are [`RfmData::x_groups`] (contiguous, in row order).
pub(crate) fn grouped_fold<const K: usize>(
    groups: &[(f64, f64, std::ops::Range<usize>)],
    n: usize,
    chunk: usize,
    run: impl Fn(usize, std::ops::Range<usize>, &mut [f64; K]) + Sync,
) -> [f64; K] {
    fold_chunks(n, chunk, |span| {
        let mut acc = [0.0; K];
        let first = groups.partition_point(|(_, _, r)| r.end <= span.start);
        for (g, (_, _, rows)) in groups.iter().enumerate().skip(first) {
            if rows.start >= span.end {
                break;
            }
            let lo = rows.start.max(span.start);
            let hi = rows.end.min(span.end);
            if lo < hi {
                run(g, lo..hi, &mut acc);
            }
        }
        acc
    })
}

/// Merges rows with equal keys in first-seen order, summing their weights: `keep(i)` is called
/// with the first row of each key (to copy its columns), and the merged weights are returned in
/// the same order. The compressions of the data types ([`crate::BgBbData::compress`],
/// [`crate::SbgData::compress`]).
pub(crate) fn merge_by_key<K: std::hash::Hash + Eq>(
    weight: &[f64],
    key: impl Fn(usize) -> K,
    mut keep: impl FnMut(usize),
) -> Vec<f64> {
    let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut merged: Vec<f64> = Vec::new();
    for (i, w) in weight.iter().enumerate() {
        match index.entry(key(i)) {
            std::collections::hash_map::Entry::Occupied(e) => merged[*e.get()] += w,
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(merged.len());
                merged.push(*w);
                keep(i);
            }
        }
    }
    merged
}
