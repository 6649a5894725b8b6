#![doc = include_str!("../README.md")]
//!
//! # What is computed
//!
//! * [`Abc`] sums a [`Metric`] (revenue, quantity, or margin with [`UnitCosts`]) per
//!   [`Dimension`] (product or customer) and hands the values to [`classify_values`], which
//!   ranks them and assigns [`AbcClass`]es with [`Cutoffs`]. [`AbcTable::pareto_curve`] gives the
//!   Pareto curve and [`AbcTable::class_summaries`] counts and value shares per class.
//! * [`Xyz`] computes the coefficient of variation of per-[`Period`] demand and assigns
//!   [`XyzClass`]es with [`XyzThresholds`].
//! * [`AbcXyzMatrix`] crosses both into 9 cells with counts and value shares.
//!
//! [`Period`]: custalyze_transaction_types::Period

pub mod abc;
pub mod error;
pub mod value;
pub mod xyz;

pub use abc::{
    Abc, AbcClass, AbcEntry, AbcTable, ClassSummary, Cutoffs, ParetoPoint, classify_values,
};
pub use error::{Error, Result};
pub use value::{Dimension, Metric, UnitCosts};
pub use xyz::{AbcXyzMatrix, MatrixCell, Xyz, XyzClass, XyzEntry, XyzTable, XyzThresholds};
