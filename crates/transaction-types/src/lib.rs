//! # custalyze-transaction-types
//!
//! The shared vocabulary of the custalyze workspace: a retailer's transaction log, loaded and
//! validated with a report of everything excluded, and the per-customer summaries, calibration /
//! holdout splits, baskets and time series that the analysis crates take as input.
//!
//! ```
//! use custalyze_transaction_types::load::{load_reader, LoadOptions, Schema};
//! use custalyze_transaction_types::summary::{summarize, SummaryOptions};
//! use custalyze_transaction_types::Period;
//!
//! let csv = "\
//! InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
//! 536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom
//! 536366,22633,HAND WARMER,6,2010-12-08 08:28:00,1.85,17850,United Kingdom
//! C536379,D,Discount,-1,2010-12-09 09:41:00,27.50,14527,United Kingdom
//! 536380,22961,JAM MAKING SET,24,2010-12-09 09:41:00,1.45,,United Kingdom
//! ";
//! let loaded = load_reader(csv.as_bytes(), "example", &LoadOptions::new(Schema::OnlineRetail))?;
//! assert_eq!(loaded.report.rows_loaded, 2);
//! assert_eq!(loaded.report.rows_excluded(), 2); // one cancellation, one without customer
//!
//! let end = chrono::NaiveDate::from_ymd_opt(2010, 12, 31).unwrap_or_default();
//! let summary = summarize(&loaded.log, &SummaryOptions::new(Period::DAY).observation_end(end))?;
//! let c = &summary.rows[0];
//! assert_eq!((c.frequency, c.recency, c.t), (1.0, 7.0, 30.0));
//! assert!((c.monetary_value - 11.1).abs() < 1e-9);
//! # Ok::<(), custalyze_transaction_types::DataError>(())
//! ```
//!
//! ## What is here
//! - [`Id`]: customer, order and item identifiers as real files write them (integers or strings).
//! - [`Transaction`] and the columnar [`TransactionLog`] (sorted by customer and time, validated).
//! - [`load`]: CSV loading with the `generic`, `online-retail` and `cdnow` schemas and a
//!   [`load::LoadReport`] that counts every excluded row by reason.
//! - [`Period`]: day, week or month with a multiplier.
//! - [`summary`]: [`CustomerSummary`] tables and [`CalibrationHoldout`] splits with exactly
//!   lifetimes' conventions, from a log (parallel) or streamed ([`summary::SummaryAccumulator`]).
//! - [`Baskets`] (order to item set) and [`TimeSeries`] (revenue, units, orders or customers per
//!   period, zero-filled).
//!
//! ## Features
//! - `serde` (default): `Serialize`/`Deserialize` on the data types.

pub mod basket;
pub mod customer_table;
pub mod error;
pub mod id;
pub mod load;
pub mod log;
pub mod period;
pub mod stats;
pub mod summary;
pub mod timeseries;
pub mod transaction;

pub use basket::{Basket, Baskets};
pub use customer_table::{CustomerTable, CustomerTableColumns};
pub use error::{DataError, Result};
pub use id::Id;
pub use log::{TransactionLog, TransactionLogBuilder};
pub use period::{Period, PeriodUnit};
pub use summary::{CalibrationHoldout, CustomerSummary, SummaryOptions, SummaryTable, summarize};
pub use timeseries::{Measure, TimeSeries};
pub use transaction::Transaction;
