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

/// `--items FILE`, `--stock FILE` and `--touchpoints FILE`.
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
    /// Marketing touchpoints: CSV with customer_id,timestamp,channel and optional cost (default
    /// on the embedded sample: generated touchpoints of known channel effects).
    #[arg(long, value_name = "FILE")]
    pub touchpoints: Option<PathBuf>,
}

impl TableArgs {
    /// The item table: `--items`, else the embedded sample's when there is no `--input`, else
    /// empty.
    pub fn items(&self, input: &InputArgs) -> Result<ItemTable, CliError> {
        items_or_embedded(self.items.as_deref(), input)
    }

    /// The stock table: `--stock`, else the embedded sample's when there is no `--input`, else
    /// empty.
    pub fn stock(&self, input: &InputArgs) -> Result<StockTable, CliError> {
        stock_or_embedded(self.stock.as_deref(), input)
    }

    /// The touchpoints: `--touchpoints`, else the embedded sample's when there is no
    /// `--input`, else none.
    pub fn touchpoints(
        &self,
        input: &InputArgs,
    ) -> Result<Option<custalyze_attribution::Touchpoints>, CliError> {
        match &self.touchpoints {
            Some(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
                custalyze_attribution::Touchpoints::from_reader(std::io::BufReader::new(file))
                    .map(Some)
                    .map_err(|e| CliError(format!("{}: {e}", path.display())))
            }
            None if input.input.is_none() => crate::generate::embedded_touchpoints().map(Some),
            None => Ok(None),
        }
    }

    /// Every side table.
    pub fn tables(&self, input: &InputArgs) -> Result<ProductTables, CliError> {
        Ok(ProductTables {
            items: self.items(input)?,
            stock: self.stock(input)?,
            returned_rows: std::collections::HashMap::new(),
            touchpoints: self.touchpoints(input)?,
        })
    }
}

/// The item table at `path`, else the embedded sample's when there is no `--input`, else empty.
pub fn items_or_embedded(path: Option<&Path>, input: &InputArgs) -> Result<ItemTable, CliError> {
    match path {
        Some(path) => read_items(path),
        None if input.input.is_none() => crate::generate::embedded_items(),
        None => Ok(ItemTable::new()),
    }
}

/// The stock table at `path`, else the embedded sample's when there is no `--input`, else empty.
pub fn stock_or_embedded(path: Option<&Path>, input: &InputArgs) -> Result<StockTable, CliError> {
    match path {
        Some(path) => read_stock(path),
        None if input.input.is_none() => crate::generate::embedded_stock(),
        None => Ok(StockTable::new()),
    }
}

/// A side table being read: its rows, each with its id and named fields.
struct SideTable {
    path: PathBuf,
    headers: csv::StringRecord,
    reader: csv::Reader<std::fs::File>,
}

impl SideTable {
    fn open(path: &Path) -> Result<Self, CliError> {
        let mut reader = csv::Reader::from_path(path)
            .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
        let headers = reader.headers()?.clone();
        Ok(Self {
            path: path.to_path_buf(),
            headers,
            reader,
        })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.headers.iter().position(|h| h.trim() == name)
    }

    /// The id column: the first of `names` present.
    fn id_col(&self, names: &[&str]) -> Result<usize, CliError> {
        names.iter().find_map(|n| self.col(n)).ok_or_else(|| {
            CliError(format!(
                "{}: no {} column (columns: {})",
                self.path.display(),
                names.join(" (or ") + &")".repeat(names.len() - 1),
                self.headers.iter().collect::<Vec<_>>().join(",")
            ))
        })
    }

    /// Calls `row(line, record, id)` for every row; an empty id is an error. Ids are read as
    /// the loader reads them (`10001` is the number 10001, so it matches a loaded log).
    fn rows(
        mut self,
        id_col: usize,
        id_name: &str,
        mut row: impl FnMut(usize, &csv::StringRecord, Id) -> Result<(), CliError>,
    ) -> Result<(), CliError> {
        for (k, record) in self.reader.records().enumerate() {
            let record = record?;
            let line = k + 2;
            let id = record.get(id_col).unwrap_or("").trim();
            if id.is_empty() {
                return Err(CliError(format!(
                    "{} line {line}: empty {id_name}",
                    self.path.display()
                )));
            }
            row(line, &record, Id::parse(id).unwrap_or_else(|| id.into()))?;
        }
        Ok(())
    }
}

/// The number in column `col` of `record` (`None` when the column or the value is absent).
fn number(
    path: &Path,
    line: usize,
    record: &csv::StringRecord,
    (col, name): (Option<usize>, &str),
) -> Result<Option<f64>, CliError> {
    match col.and_then(|c| record.get(c)).map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse::<f64>().map(Some).map_err(|_| {
            CliError(format!(
                "{} line {line}: {name} {text:?} is not a number",
                path.display()
            ))
        }),
    }
}

/// Reads `item_id[,category][,unit_cost]`.
pub fn read_items(path: &Path) -> Result<ItemTable, CliError> {
    let t = SideTable::open(path)?;
    let item = t.id_col(&["item_id"])?;
    let (category, cost) = (t.col("category"), t.col("unit_cost"));
    let mut table = ItemTable::new();
    t.rows(item, "item_id", |line, record, id| {
        let unit_cost = number(path, line, record, (cost, "unit_cost"))?;
        let category = category
            .and_then(|c| record.get(c))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        table.insert(
            id,
            ItemAttributes {
                category,
                unit_cost,
            },
        );
        Ok(())
    })?;
    Ok(table)
}

/// Reads `product` (or `item_id`)`[,location][,on_hand][,on_order][,unit_cost]`; a row with an
/// empty location (or a file without the column) is about the item as a whole.
pub fn read_stock(path: &Path) -> Result<StockTable, CliError> {
    let t = SideTable::open(path)?;
    let product = t.id_col(&["product", "item_id"])?;
    let location = t.col("location");
    let fields = [
        (t.col("on_hand"), "on_hand"),
        (t.col("on_order"), "on_order"),
        (t.col("unit_cost"), "unit_cost"),
    ];
    let mut table = StockTable::new();
    t.rows(product, "product", |line, record, id| {
        let [on_hand, on_order, unit_cost] = [
            number(path, line, record, fields[0])?,
            number(path, line, record, fields[1])?,
            number(path, line, record, fields[2])?,
        ];
        let at = location.and_then(|c| record.get(c)).and_then(Id::parse);
        table.insert(
            StockKey::at(id, at),
            StockItem {
                on_hand,
                on_order,
                unit_cost,
            },
        );
        Ok(())
    })?;
    Ok(table)
}
