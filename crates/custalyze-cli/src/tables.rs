//! The product tables beside the log: items (category, unit cost) and stock positions, read from
//! files or, for the embedded sample, generated with it.

use std::path::{Path, PathBuf};

use clap::Args;
use custalyze_analysis::ProductTables;
use custalyze_inventory::{StockItem, StockKey, StockTable};
use custalyze_pricing::{ItemAttributes, ItemTable};
use custalyze_transaction_types::Id;

use crate::CliError;
use crate::input::InputArgs;

/// `--items FILE` and `--stock FILE`.
#[derive(Debug, Args)]
pub struct TableArgs {
    /// Item attributes: CSV with item_id and optional category, unit_cost columns (default on
    /// the embedded sample: the sample's own).
    #[arg(long, value_name = "FILE")]
    pub items: Option<PathBuf>,
    /// Stock positions: CSV with product (or item_id) and optional on_hand, on_order, unit_cost
    /// columns (default on the embedded sample: the sample's own snapshot).
    #[arg(long, value_name = "FILE")]
    pub stock: Option<PathBuf>,
}

impl TableArgs {
    /// The item table: `--items`, else the embedded sample's when there is no `--input`, else
    /// empty.
    pub fn items(&self, input: &InputArgs) -> Result<ItemTable, CliError> {
        match &self.items {
            Some(path) => read_items(path),
            None if input.input.is_none() => crate::generate::embedded_items(),
            None => Ok(ItemTable::new()),
        }
    }

    /// The stock table: `--stock`, else the embedded sample's when there is no `--input`, else
    /// empty.
    pub fn stock(&self, input: &InputArgs) -> Result<StockTable, CliError> {
        match &self.stock {
            Some(path) => read_stock(path),
            None if input.input.is_none() => crate::generate::embedded_stock(),
            None => Ok(StockTable::new()),
        }
    }

    /// Both tables.
    pub fn tables(&self, input: &InputArgs) -> Result<ProductTables, CliError> {
        Ok(ProductTables {
            items: self.items(input)?,
            stock: self.stock(input)?,
        })
    }
}

/// Reads `item_id[,category][,unit_cost]`.
pub fn read_items(path: &Path) -> Result<ItemTable, CliError> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let item = col("item_id").ok_or_else(|| {
        CliError(format!(
            "{}: no item_id column (columns: {})",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        ))
    })?;
    let (category, cost) = (col("category"), col("unit_cost"));
    let mut table = ItemTable::new();
    for (k, record) in reader.records().enumerate() {
        let record = record?;
        let line = k + 2;
        let id = record.get(item).unwrap_or("").trim();
        if id.is_empty() {
            return Err(CliError(format!(
                "{} line {line}: empty item_id",
                path.display()
            )));
        }
        let unit_cost = match cost.and_then(|c| record.get(c)).map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<f64>().map_err(|_| {
                CliError(format!(
                    "{} line {line}: unit_cost {text:?} is not a number",
                    path.display()
                ))
            })?),
        };
        table.insert(
            // As the loader reads ids: `10001` is the number 10001.
            Id::parse(id).unwrap_or_else(|| id.into()),
            ItemAttributes {
                category: category
                    .and_then(|c| record.get(c))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
                unit_cost,
            },
        );
    }
    Ok(table)
}

/// Reads `product` (or `item_id`)`[,location][,on_hand][,on_order][,unit_cost]`; a row with an
/// empty location (or a file without the column) is about the item as a whole.
pub fn read_stock(path: &Path) -> Result<StockTable, CliError> {
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let headers = reader.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim() == name);
    let id = col("product").or_else(|| col("item_id")).ok_or_else(|| {
        CliError(format!(
            "{}: no product (or item_id) column (columns: {})",
            path.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        ))
    })?;
    let fields = [col("on_hand"), col("on_order"), col("unit_cost")];
    let location = col("location");
    let mut table = StockTable::new();
    for (k, record) in reader.records().enumerate() {
        let record = record?;
        let line = k + 2;
        let product = record.get(id).unwrap_or("").trim();
        if product.is_empty() {
            return Err(CliError(format!(
                "{} line {line}: empty product",
                path.display()
            )));
        }
        let mut values = [None; 3];
        for (slot, (c, name)) in
            values
                .iter_mut()
                .zip(fields.iter().zip(["on_hand", "on_order", "unit_cost"]))
        {
            *slot = match c.and_then(|c| record.get(c)).map(str::trim) {
                None | Some("") => None,
                Some(text) => Some(text.parse::<f64>().map_err(|_| {
                    CliError(format!(
                        "{} line {line}: {name} {text:?} is not a number",
                        path.display()
                    ))
                })?),
            };
        }
        let at = location.and_then(|c| record.get(c)).and_then(Id::parse);
        table.insert(
            StockKey::at(Id::parse(product).unwrap_or_else(|| product.into()), at),
            StockItem {
                on_hand: values[0],
                on_order: values[1],
                unit_cost: values[2],
            },
        );
    }
    Ok(table)
}
