#![doc = include_str!("../README.md")]
//!
//! # Modules
//! - [`policy`]: the formulas (EOQ, safety stock for a cycle service level or a fill rate,
//!   newsvendor, `(r, Q)`, `(R, S)`), equal to stockpyl.
//! - [`demand`]: weekly demand per product, lifecycle stage, the forecast chosen by demand class
//!   and backtest.
//! - [`plan`]: the per-product plan (safety stock, reorder point, EOQ, order now, cover,
//!   stockout risk, overstock).
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod demand;
pub mod error;
pub mod plan;
pub mod policy;

pub use demand::{DemandModel, Lifecycle, MIN_ARIMA_WEEKS, forecast_demand, forecast_demand_with};
pub use error::{Error, Result};
pub use plan::{
    CSV_COLUMNS, FittedInventory, Inventory, InventoryParams, ProductPlan, SafetyStockMethod,
    StockItem, StockKey, StockTable, ValidInventoryParams,
};
