//! The products stage: ABC classes by revenue, XYZ classes by the variability of monthly
//! quantity, the ABC-XYZ matrix and the Pareto curve.

use std::collections::HashMap;

use custalyze_abc::{Abc, AbcTable, AbcXyzMatrix, Dimension, Metric, Xyz, XyzClass};
use custalyze_transaction_types::{Id, Period, TransactionLog};

use crate::error::{Error, Result};

/// One product's figures, in ABC rank order.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProductRow {
    /// Index of the item in the analysis catalogue.
    pub item: u32,
    /// Units sold.
    pub quantity: f64,
    /// XYZ class of monthly quantity (`None` when XYZ failed).
    pub xyz: Option<XyzClass>,
    /// Coefficient of variation of monthly quantity (`None` when undefined: zero mean demand).
    pub cv: Option<f64>,
}

/// The products stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProductAnalysis {
    /// ABC classes by revenue (entries by rank).
    pub abc: AbcTable,
    /// One row per entry of `abc`, same order.
    pub rows: Vec<ProductRow>,
    /// The ABC-XYZ matrix (`None` when XYZ failed).
    pub matrix: Option<AbcXyzMatrix>,
}

/// Classifies the products of `log`.
///
/// # Errors
/// [`Error::NoProducts`] for a log without items; [`Error::Abc`] from the classification.
pub fn products(log: &TransactionLog) -> Result<ProductAnalysis> {
    let items = log.items().ok_or(Error::NoProducts)?;
    let abc = Abc::params(Dimension::Product, Metric::Revenue).fit(log)?;
    let xyz = Xyz::params(Dimension::Product, Period::MONTH).fit(log).ok();
    let matrix = xyz.as_ref().and_then(|x| AbcXyzMatrix::new(&abc, x).ok());
    let index: HashMap<&Id, u32> = log
        .item_ids()
        .iter()
        .enumerate()
        .map(|(k, id)| (id, k as u32))
        .collect();
    let mut quantity = vec![0.0; log.item_ids().len()];
    for (r, it) in items.iter().enumerate() {
        quantity[*it as usize] += log.quantities()[r];
    }
    let xyz_of: HashMap<&Id, (XyzClass, f64)> = xyz
        .iter()
        .flat_map(|t| t.entries.iter())
        .map(|e| (&e.id, (e.class, e.cv)))
        .collect();
    let rows = abc
        .entries
        .iter()
        .map(|e| {
            let item = index.get(&e.id).copied().ok_or(Error::NoProducts)?;
            let x = xyz_of.get(&e.id).copied();
            Ok(ProductRow {
                item,
                quantity: quantity[item as usize],
                xyz: x.map(|(c, _)| c),
                cv: x.map(|(_, cv)| cv).filter(|v| v.is_finite()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(ProductAnalysis { abc, rows, matrix })
}
