#![doc = include_str!("../README.md")]
//!
//! # What is computed
//!
//! * [`Abc::params`] (then `check()` and `fit(&log)`) sums a [`Metric`] (revenue, quantity, or margin with [`UnitCosts`]) per
//!   [`Dimension`] (product or customer) and hands the values to [`classify_values`], which
//!   ranks them and assigns [`AbcClass`]es with [`Cutoffs`]. [`AbcTable::pareto_curve`] gives the
//!   Pareto curve and [`AbcTable::class_summaries`] counts and value shares per class.
//! * [`Xyz::params`] computes the coefficient of variation of per-[`Period`] demand and assigns
//!   [`XyzClass`]es with [`XyzThresholds`].
//! * [`AbcXyzMatrix`] crosses both into 9 cells with counts and value shares.
//!
//! [`Period`]: custalyze_transaction_types::Period

pub mod abc;
pub mod error;
pub mod value;
pub mod xyz;

pub use abc::{
    Abc, AbcClass, AbcEntry, AbcParams, AbcTable, ClassSummary, Cutoffs, ParetoPoint,
    ValidAbcParams, classify_values,
};
pub use error::{Error, Result};
pub use value::{Dimension, Metric, UnitCosts};
pub use xyz::{
    AbcXyzMatrix, MatrixCell, ValidXyzParams, Xyz, XyzClass, XyzEntry, XyzParams, XyzTable,
    XyzThresholds,
};
