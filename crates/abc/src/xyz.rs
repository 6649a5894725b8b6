//! XYZ classes by the coefficient of variation of per-period demand, and the ABC-XYZ matrix.

use std::collections::HashMap;
use std::fmt;

use custalyze_transaction_types::{Id, Period, TransactionLog};

use crate::abc::{AbcClass, AbcTable};
use crate::error::{Error, Result};
use crate::value::{Dimension, Metric, UnitCosts, check_unit_costs, row_values};

/// An XYZ class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum XyzClass {
    /// Steady demand: coefficient of variation below `x` (default 0.5).
    X,
    /// Variable demand: below `y` (default 1.0).
    Y,
    /// Erratic demand: the rest.
    Z,
}

impl XyzClass {
    /// All classes, in order.
    pub const ALL: [XyzClass; 3] = [XyzClass::X, XyzClass::Y, XyzClass::Z];

    /// 0 for X, 1 for Y, 2 for Z.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for XyzClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            XyzClass::X => "X",
            XyzClass::Y => "Y",
            XyzClass::Z => "Z",
        })
    }
}

/// Coefficient-of-variation thresholds: X when `cv < x`, Y when `cv < y`, Z otherwise. Defaults
/// `x = 0.5`, `y = 1.0`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct XyzThresholds {
    /// Upper (exclusive) CV of class X.
    pub x: f64,
    /// Upper (exclusive) CV of class Y.
    pub y: f64,
}

impl Default for XyzThresholds {
    fn default() -> Self {
        Self { x: 0.5, y: 1.0 }
    }
}

impl XyzThresholds {
    /// Validated thresholds.
    ///
    /// # Errors
    /// [`Error::InvalidXyzThresholds`] unless `0 < x <= y` and both are finite.
    pub fn new(x: f64, y: f64) -> Result<Self> {
        if !(x > 0.0 && x <= y && y.is_finite()) {
            return Err(Error::InvalidXyzThresholds { x, y });
        }
        Ok(Self { x, y })
    }

    /// The class of a coefficient of variation (NaN and infinity are Z).
    pub fn class_of(&self, cv: f64) -> XyzClass {
        if cv < self.x {
            XyzClass::X
        } else if cv < self.y {
            XyzClass::Y
        } else {
            XyzClass::Z
        }
    }
}

/// The demand statistics and class of one entity.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct XyzEntry {
    /// The product or customer id.
    pub id: Id,
    /// Mean demand per period (zero-filled periods included).
    pub mean: f64,
    /// Population standard deviation of demand per period (divisor = number of periods).
    pub std_dev: f64,
    /// `std_dev / |mean|`; infinite when the mean is zero.
    pub cv: f64,
    /// The class.
    pub class: XyzClass,
}

/// XYZ classes of every entity with at least one row, in the log's entity order.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct XyzTable {
    /// One entry per entity.
    pub entries: Vec<XyzEntry>,
    /// Number of periods each series spans.
    pub periods: usize,
    /// The thresholds used.
    pub thresholds: XyzThresholds,
}

impl XyzTable {
    /// The entry of an id.
    pub fn get(&self, id: &Id) -> Option<&XyzEntry> {
        self.entries.iter().find(|e| &e.id == id)
    }
}

/// XYZ classification of a [`TransactionLog`].
///
/// Each entity's demand (the sum of the metric, by default quantity) is bucketed by `period`
/// ([`Period::unit_ordinal_of_day`] of each row's day, then [`Period::bucket`] from the log's
/// first unit), over every bucket from the log's first to its last transaction, **with periods
/// without sales counted as zero** (also before an entity's first and after its last sale). The
/// coefficient of variation is the **population** standard deviation (divisor `n`, numpy's
/// default `ddof=0`) over the mean.
///
/// # Examples
/// ```
/// use custalyze_abc::{Dimension, Xyz, XyzClass};
/// use custalyze_transaction_types::{Id, Period, Transaction, TransactionLog};
/// let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2024, 1, d).and_then(|d| d.and_hms_opt(0, 0, 0)).unwrap_or_default();
/// let t = |item: &str, d: u32, q| Transaction::new(Id::Int(1), Id::Int(i64::from(d)), day(d), Some(Id::from(item)), q, 1.0);
/// // "x" sells 2 units on each of 4 days, "y" sells 8 units on the first day only.
/// let log = TransactionLog::from_transactions([
///     t("x", 1, 2.0)?, t("x", 2, 2.0)?, t("x", 3, 2.0)?, t("x", 4, 2.0)?, t("y", 1, 8.0)?,
/// ])?;
/// let xyz = Xyz::params(Dimension::Product, Period::DAY).fit(&log)?;
/// assert_eq!(xyz.periods, 4);
/// assert_eq!(xyz.get(&Id::from("x")).map(|e| e.class), Some(XyzClass::X));
/// // demand 8, 0, 0, 0: mean 2, population std sqrt(12), cv 1.73
/// let y = xyz.get(&Id::from("y")).map(|e| e.cv).unwrap_or_default();
/// assert!((y - 12f64.sqrt() / 2.0).abs() < 1e-12);
/// # Ok::<(), custalyze_abc::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Xyz;

impl Xyz {
    /// XYZ classes of `by` entities from their per-`period` demand, with the defaults of
    /// [`XyzParams`].
    pub fn params(by: Dimension, period: Period) -> XyzParams {
        XyzParams {
            by,
            period,
            metric: Metric::Quantity,
            thresholds: XyzThresholds::default(),
            unit_costs: UnitCosts::new(),
        }
    }
}

/// Settings of an XYZ classification, unchecked.
///
/// | Setting | Default |
/// |---|---|
/// | `by`, `period` | given to [`Xyz::params`] (a calendar period: days, weeks, months) |
/// | `metric` | [`Metric::Quantity`] |
/// | `thresholds` | 0.5 / 1.0 ([`XyzThresholds::default`]) |
/// | `unit_costs` | none (needed by [`Metric::Margin`]) |
#[derive(Clone, Debug)]
pub struct XyzParams {
    by: Dimension,
    period: Period,
    metric: Metric,
    thresholds: XyzThresholds,
    unit_costs: UnitCosts,
}

impl XyzParams {
    /// The demand measure (default [`Metric::Quantity`]).
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }

    /// Sets the thresholds (checked by [`XyzParams::check`]).
    pub fn thresholds(mut self, x: f64, y: f64) -> Self {
        self.thresholds = XyzThresholds { x, y };
        self
    }

    /// Unit costs for [`Metric::Margin`].
    pub fn unit_costs(mut self, costs: UnitCosts) -> Self {
        self.unit_costs = costs;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::Data`] for a period that is not a calendar period;
    /// [`Error::InvalidXyzThresholds`] unless finite `0 < x <= y`; [`Error::InvalidUnitCost`]
    /// for a negative or non-finite unit cost.
    pub fn check(&self) -> Result<ValidXyzParams> {
        self.period.require_calendar("XYZ classes")?;
        XyzThresholds::new(self.thresholds.x, self.thresholds.y)?;
        check_unit_costs(&self.unit_costs)?;
        Ok(ValidXyzParams(self.clone()))
    }

    /// Checks the settings, then classifies: [`ValidXyzParams::fit`].
    ///
    /// # Errors
    /// As [`XyzParams::check`] and [`ValidXyzParams::fit`].
    pub fn fit(&self, log: &TransactionLog) -> Result<XyzTable> {
        self.check()?.fit(log)
    }
}

/// Checked XYZ settings, from [`XyzParams::check`].
#[derive(Clone, Debug)]
pub struct ValidXyzParams(XyzParams);

impl ValidXyzParams {
    /// The settings.
    pub fn params(&self) -> &XyzParams {
        &self.0
    }

    /// Classifies the entities of a log.
    ///
    /// # Errors
    /// [`Error::NoItems`] by product (or margin) without items; [`Error::MissingUnitCost`] for
    /// margins when an item sold has no cost; [`Error::Empty`] for an empty log.
    pub fn fit(&self, log: &TransactionLog) -> Result<XyzTable> {
        let p = &self.0;
        let thresholds = p.thresholds;
        let rows = row_values(log, p.by, p.metric, &p.unit_costs)?;
        let ordinals: Vec<i64> = (0..log.len())
            .map(|r| p.period.unit_ordinal_of_day(log.day(r)))
            .collect();
        let (Some(&first), Some(&last)) = (ordinals.iter().min(), ordinals.iter().max()) else {
            return Err(Error::Empty);
        };
        let n_periods = usize::try_from(p.period.bucket(first, last) + 1).unwrap_or(1);
        let n_entities = rows.ids.len();
        // Sparse per-entity buckets: sum of demand per (entity, bucket).
        let mut buckets: Vec<HashMap<i64, f64>> = vec![HashMap::new(); n_entities];
        let mut seen = vec![false; n_entities];
        for ((&e, &v), &o) in rows.entity.iter().zip(rows.value.iter()).zip(&ordinals) {
            if let (Some(b), Some(s)) = (buckets.get_mut(e as usize), seen.get_mut(e as usize)) {
                *b.entry(p.period.bucket(first, o)).or_insert(0.0) += v;
                *s = true;
            }
        }
        let n = n_periods as f64;
        let entries = rows
            .ids
            .iter()
            .zip(buckets)
            .zip(seen)
            .filter(|(_, s)| *s)
            .map(|((id, b), _)| {
                let mut series = vec![0.0; n_periods];
                for (k, v) in b {
                    if let Some(slot) = usize::try_from(k).ok().and_then(|k| series.get_mut(k)) {
                        *slot += v;
                    }
                }
                let (mean, std_dev) = mean_std(&series, n);
                let cv = if mean == 0.0 {
                    f64::INFINITY
                } else {
                    std_dev / mean.abs()
                };
                XyzEntry {
                    id: id.clone(),
                    mean,
                    std_dev,
                    cv,
                    class: thresholds.class_of(cv),
                }
            })
            .collect();
        Ok(XyzTable {
            entries,
            periods: n_periods,
            thresholds,
        })
    }
}

/// Mean and population standard deviation (two-pass).
fn mean_std(series: &[f64], n: f64) -> (f64, f64) {
    let mean = series.iter().sum::<f64>() / n;
    let var = series.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
    (mean, var.sqrt())
}

/// One cell of the ABC-XYZ matrix.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MatrixCell {
    /// Number of entities in the cell.
    pub count: usize,
    /// Their ABC values' sum divided by the ABC total.
    pub value_share: f64,
}

/// The 9-cell ABC-XYZ matrix: `cells[abc.index()][xyz.index()]`.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AbcXyzMatrix {
    /// Rows A, B, C; columns X, Y, Z.
    pub cells: [[MatrixCell; 3]; 3],
}

impl AbcXyzMatrix {
    /// Crosses an ABC table with an XYZ table of the same entities.
    ///
    /// # Errors
    /// [`Error::UnmatchedEntity`] for an entity of `abc` that `xyz` lacks.
    pub fn new(abc: &AbcTable, xyz: &XyzTable) -> Result<Self> {
        let by_id: HashMap<&Id, XyzClass> = xyz.entries.iter().map(|e| (&e.id, e.class)).collect();
        let empty = MatrixCell {
            count: 0,
            value_share: 0.0,
        };
        let mut cells = [[empty; 3]; 3];
        for e in &abc.entries {
            let x = by_id
                .get(&e.id)
                .ok_or_else(|| Error::UnmatchedEntity { id: e.id.clone() })?;
            let cell = &mut cells[e.class.index()][x.index()];
            cell.count += 1;
            cell.value_share += e.value;
        }
        for cell in cells.iter_mut().flatten() {
            cell.value_share /= abc.total;
        }
        Ok(Self { cells })
    }

    /// The cell of an ABC class and an XYZ class.
    pub fn cell(&self, abc: AbcClass, xyz: XyzClass) -> MatrixCell {
        self.cells[abc.index()][xyz.index()]
    }
}
