#![doc = include_str!("../README.md")]

pub mod basket;
pub mod customer_table;
pub mod error;
pub mod id;
pub mod linalg;
pub mod load;
pub mod log;
pub mod period;
pub mod stats;
pub mod summary;
pub mod timeseries;
pub mod transaction;

pub use basket::{Basket, Baskets};
pub use customer_table::{CustomerTable, CustomerTableColumns};
pub use error::{DataError, InvalidParameter, Result};
pub use id::Id;
pub use log::{MISSING_LOCATION, TransactionLog, TransactionLogBuilder};
pub use period::{Period, PeriodUnit};
pub use summary::{CalibrationHoldout, CustomerSummary, SummaryOptions, SummaryTable, summarize};
pub use timeseries::{Measure, TimeSeries};
pub use transaction::Transaction;
