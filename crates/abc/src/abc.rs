//! ABC classes by cumulative share of value, and the Pareto curve.

use std::collections::HashSet;
use std::fmt;

use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::value::{Dimension, Metric, UnitCosts, check_unit_costs, entity_totals, row_values};

/// An ABC class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum AbcClass {
    /// The entities that make up the first `a` of the value (default 80%).
    A,
    /// The next ones, up to `b` of the value (default 95%).
    B,
    /// The rest.
    C,
}

impl AbcClass {
    /// All classes, in order.
    pub const ALL: [AbcClass; 3] = [AbcClass::A, AbcClass::B, AbcClass::C];

    /// 0 for A, 1 for B, 2 for C.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for AbcClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AbcClass::A => "A",
            AbcClass::B => "B",
            AbcClass::C => "C",
        })
    }
}

/// Cumulative-share cut-offs: an entity is A when its cumulative share (inclusive of itself) is
/// `<= a`, B when it is `<= b`, C otherwise. Defaults `a = 0.80`, `b = 0.95`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Cutoffs {
    /// Upper cumulative share of class A.
    pub a: f64,
    /// Upper cumulative share of class B.
    pub b: f64,
}

impl Default for Cutoffs {
    fn default() -> Self {
        Self { a: 0.80, b: 0.95 }
    }
}

impl Cutoffs {
    /// Validated cut-offs.
    ///
    /// # Errors
    /// [`Error::InvalidCutoffs`] unless `0 < a <= b <= 1`.
    pub fn new(a: f64, b: f64) -> Result<Self> {
        // `!(..)` so that NaN is rejected.
        if !(a > 0.0 && a <= b && b <= 1.0) {
            return Err(Error::InvalidCutoffs { a, b });
        }
        Ok(Self { a, b })
    }

    /// The class of a cumulative share.
    pub fn class_of(&self, cumulative_share: f64) -> AbcClass {
        if cumulative_share <= self.a {
            AbcClass::A
        } else if cumulative_share <= self.b {
            AbcClass::B
        } else {
            AbcClass::C
        }
    }
}

/// One classified entity.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbcEntry {
    /// 1-based rank by value, descending.
    pub rank: usize,
    /// The product or customer id.
    pub id: Id,
    /// The entity's value (revenue, quantity or margin).
    pub value: f64,
    /// `value / total`.
    pub share: f64,
    /// Running sum of values up to and including this entity, divided by the total.
    pub cumulative_share: f64,
    /// The class.
    pub class: AbcClass,
}

/// One point of the Pareto (Lorenz-style) curve.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParetoPoint {
    /// Share of entities, `rank / n`.
    pub entity_share: f64,
    /// Cumulative share of value of the top `rank` entities.
    pub value_share: f64,
}

/// Count and value share of one ABC class.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClassSummary {
    /// The class.
    pub class: AbcClass,
    /// Number of entities in the class.
    pub count: usize,
    /// Sum of the class's values divided by the total.
    pub value_share: f64,
}

/// ABC classes of every entity, ordered by rank.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbcTable {
    /// Entities by rank (value descending, ties by id ascending).
    pub entries: Vec<AbcEntry>,
    /// Sum of all values.
    pub total: f64,
    /// The cut-offs used.
    pub cutoffs: Cutoffs,
}

impl AbcTable {
    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entities (never for a table built by this crate).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of an id.
    pub fn get(&self, id: &Id) -> Option<&AbcEntry> {
        self.entries.iter().find(|e| &e.id == id)
    }

    /// The Pareto curve: `(0, 0)` then one point per entity, `(rank / n, cumulative_share)`.
    pub fn pareto_curve(&self) -> Vec<ParetoPoint> {
        let n = self.entries.len() as f64;
        std::iter::once(ParetoPoint {
            entity_share: 0.0,
            value_share: 0.0,
        })
        .chain(self.entries.iter().map(|e| ParetoPoint {
            entity_share: e.rank as f64 / n,
            value_share: e.cumulative_share,
        }))
        .collect()
    }

    /// Count and value share of each class, in the order A, B, C.
    pub fn class_summaries(&self) -> [ClassSummary; 3] {
        let mut out = AbcClass::ALL.map(|class| ClassSummary {
            class,
            count: 0,
            value_share: 0.0,
        });
        let mut sums = [0.0; 3];
        for e in &self.entries {
            let k = e.class.index();
            out[k].count += 1;
            sums[k] += e.value;
        }
        for (s, sum) in out.iter_mut().zip(sums) {
            s.value_share = sum / self.total;
        }
        out
    }
}

/// Above this many entities the rank sort runs in parallel.
const PARALLEL_SORT: usize = 1 << 16;

/// An integer key whose ascending order is the descending [`f64::total_cmp`] order.
fn descending_key(v: f64) -> u64 {
    let bits = v.to_bits();
    let ascending = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    !ascending
}

/// Classifies entities given their values.
///
/// This is the rule of the pandas reference (`shared/oracle/oracle_rfm.py`): entities are sorted
/// by value descending, ties by id ascending ([`Id`] order: integers numerically, before text);
/// `cumulative_share` is the running sum (in that order, inclusive of the entity) divided by the
/// total; an entity is A when `cumulative_share <= a`, B when `<= b`, C otherwise. So the entity
/// whose value crosses the A cut-off is B, not A. The total is the sequential sum in rank order,
/// so the last cumulative share is exactly 1.
///
/// Values may be negative (margins): they rank last, and since the running share can then fall
/// back below a cut-off, an entity's class is never better than the class of the entity before it
/// (classes are monotone in rank). With non-negative values this changes nothing.
///
/// # Errors
/// [`Error::LengthMismatch`], [`Error::Empty`], [`Error::DuplicateId`],
/// [`Error::NonFiniteValue`], [`Error::NonPositiveTotal`].
///
/// # Examples
/// ```
/// use custalyze_abc::{AbcClass, Cutoffs, classify_values};
/// use custalyze_transaction_types::Id;
/// let ids = vec![Id::Int(1), Id::Int(2), Id::Int(3)];
/// let t = classify_values(ids, vec![10.0, 70.0, 20.0], Cutoffs::default())?;
/// assert_eq!(t.entries[0].id, Id::Int(2)); // 0.7 -> A
/// assert_eq!(t.entries[1].class, AbcClass::B); // 0.9 -> B
/// assert_eq!(t.entries[2].class, AbcClass::C); // 1.0 -> C
/// # Ok::<(), custalyze_abc::Error>(())
/// ```
pub fn classify_values(ids: Vec<Id>, values: Vec<f64>, cutoffs: Cutoffs) -> Result<AbcTable> {
    if ids.len() != values.len() {
        return Err(Error::LengthMismatch {
            ids: ids.len(),
            values: values.len(),
        });
    }
    if ids.is_empty() {
        return Err(Error::Empty);
    }
    let cutoffs = Cutoffs::new(cutoffs.a, cutoffs.b)?;
    if let Some((id, &v)) = ids.iter().zip(&values).find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFiniteValue {
            id: id.clone(),
            value: v,
        });
    }
    // Ids in strictly ascending order (what the log-based callers pass: the log keeps customers
    // and items in id order) are distinct, and the position breaks ties like the id: the sort
    // then runs on integer keys. Otherwise check for duplicates and compare ids.
    let ascending = ids.windows(2).all(|w| w[0] < w[1]);
    let pairs: Vec<(Id, f64)> = if ascending {
        let mut keys: Vec<(u64, u32)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (descending_key(*v), i as u32))
            .collect();
        if keys.len() > PARALLEL_SORT {
            keys.par_sort_unstable();
        } else {
            keys.sort_unstable();
        }
        let mut slots: Vec<Option<Id>> = ids.into_iter().map(Some).collect();
        keys.iter()
            .filter_map(|&(_, i)| Some((slots[i as usize].take()?, values[i as usize])))
            .collect()
    } else {
        // Ids are short: the interner's fast hasher instead of SipHash.
        let mut seen: HashSet<
            &Id,
            std::hash::BuildHasherDefault<custalyze_transaction_types::id::FastHasher>,
        > = HashSet::with_capacity_and_hasher(ids.len(), Default::default());
        for id in &ids {
            if !seen.insert(id) {
                return Err(Error::DuplicateId { id: id.clone() });
            }
        }
        let mut pairs: Vec<(Id, f64)> = ids.into_iter().zip(values).collect();
        pairs.sort_by(|(ia, va), (ib, vb)| vb.total_cmp(va).then_with(|| ia.cmp(ib)));
        pairs
    };
    let total: f64 = pairs.iter().map(|(_, v)| v).sum();
    if total.is_nan() || total <= 0.0 {
        return Err(Error::NonPositiveTotal { total });
    }
    let mut running = 0.0;
    let mut worst = AbcClass::A;
    let entries = pairs
        .into_iter()
        .enumerate()
        .map(|(i, (id, value))| {
            running += value;
            let cumulative_share = running / total;
            worst = worst.max(cutoffs.class_of(cumulative_share));
            AbcEntry {
                rank: i + 1,
                id,
                value,
                share: value / total,
                cumulative_share,
                class: worst,
            }
        })
        .collect();
    Ok(AbcTable {
        entries,
        total,
        cutoffs,
    })
}

/// ABC classification of a [`TransactionLog`]: [`Abc::params`] starts the builder,
/// `check()` gives [`ValidAbcParams`], `fit(&log)` the [`AbcTable`].
///
/// # Examples
/// ```
/// use chrono::NaiveDate;
/// use custalyze_abc::{Abc, AbcClass, Dimension, Metric};
/// use custalyze_transaction_types::{Id, Transaction, TransactionLog};
/// let at = NaiveDate::from_ymd_opt(2024, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
/// let log = TransactionLog::from_transactions([
///     Transaction::new(Id::Int(1), Id::Int(1), at, Some(Id::from("x")), 9.0, 10.0)?,
///     Transaction::new(Id::Int(2), Id::Int(2), at, Some(Id::from("y")), 1.0, 10.0)?,
/// ])?;
/// let table = Abc::params(Dimension::Product, Metric::Revenue).check()?.fit(&log)?;
/// assert_eq!(table.entries[0].id, Id::from("x"));
/// assert_eq!(table.entries[0].cumulative_share, 0.9);
/// assert_eq!(table.entries[0].class, AbcClass::B);
/// # Ok::<(), custalyze_abc::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Abc;

impl Abc {
    /// Classification of `by` entities by `metric` with the defaults of [`AbcParams`].
    pub fn params(by: Dimension, metric: Metric) -> AbcParams {
        AbcParams {
            by,
            metric,
            cutoffs: Cutoffs::default(),
            unit_costs: UnitCosts::new(),
        }
    }
}

/// Settings of an ABC classification, unchecked.
///
/// | Setting | Default |
/// |---|---|
/// | `by`, `metric` | given to [`Abc::params`] |
/// | `cutoffs` | 0.80 / 0.95 ([`Cutoffs::default`]) |
/// | `unit_costs` | none (needed by [`Metric::Margin`]) |
#[derive(Clone, Debug)]
pub struct AbcParams {
    by: Dimension,
    metric: Metric,
    cutoffs: Cutoffs,
    unit_costs: UnitCosts,
}

impl AbcParams {
    /// Sets the cut-offs (checked by [`AbcParams::check`]).
    pub fn cutoffs(mut self, a: f64, b: f64) -> Self {
        self.cutoffs = Cutoffs { a, b };
        self
    }

    /// Sets the unit costs used by [`Metric::Margin`]: item id -> cost of one unit.
    pub fn unit_costs(mut self, costs: UnitCosts) -> Self {
        self.unit_costs = costs;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidCutoffs`] unless `0 < a <= b <= 1`; [`Error::InvalidUnitCost`] for a
    /// negative or non-finite unit cost.
    pub fn check(&self) -> Result<ValidAbcParams> {
        Cutoffs::new(self.cutoffs.a, self.cutoffs.b)?;
        check_unit_costs(&self.unit_costs)?;
        Ok(ValidAbcParams(self.clone()))
    }

    /// Checks the settings, then classifies: [`ValidAbcParams::fit`].
    ///
    /// # Errors
    /// As [`AbcParams::check`] and [`ValidAbcParams::fit`].
    pub fn fit(&self, log: &TransactionLog) -> Result<AbcTable> {
        self.check()?.fit(log)
    }
}

/// Checked ABC settings, from [`AbcParams::check`].
#[derive(Clone, Debug)]
pub struct ValidAbcParams(AbcParams);

impl ValidAbcParams {
    /// The settings.
    pub fn params(&self) -> &AbcParams {
        &self.0
    }

    /// The per-entity values: every customer, or every item with at least one row, with the sum
    /// of the metric over its rows (in row order).
    ///
    /// # Errors
    /// [`Error::NoItems`] by product or by margin on a log without items;
    /// [`Error::MissingUnitCost`] for margins when an item sold has no cost.
    pub fn values(&self, log: &TransactionLog) -> Result<(Vec<Id>, Vec<f64>)> {
        let p = &self.0;
        let rows = row_values(log, p.by, p.metric, &p.unit_costs)?;
        Ok(entity_totals(&rows))
    }

    /// Classifies the entities of a log.
    ///
    /// # Errors
    /// As [`ValidAbcParams::values`] and [`classify_values`] ([`Error::Empty`],
    /// [`Error::NonPositiveTotal`], ...).
    pub fn fit(&self, log: &TransactionLog) -> Result<AbcTable> {
        let (ids, values) = self.values(log)?;
        classify_values(ids, values, self.0.cutoffs)
    }
}
