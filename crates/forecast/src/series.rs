//! Time series built from a transaction log (revenue, units, orders or customers per period,
//! optionally for one product), re-exported from `custalyze-transaction-types` so forecasting code
//! needs one import.
//!
//! ```
//! use custalyze_forecast::series::{Measure, Period, TimeSeries};
//! use custalyze_transaction_types::{Id, Transaction, TransactionLog};
//! let at = |d| chrono::NaiveDate::from_ymd_opt(2024, 1, d).and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or_default();
//! let log = TransactionLog::from_transactions([
//!     Transaction::new(Id::Int(1), Id::Int(1), at(1), None, 1.0, 10.0)?,
//!     Transaction::new(Id::Int(2), Id::Int(2), at(3), None, 2.0, 5.0)?,
//! ])?;
//! let s = TimeSeries::from_log(&log, Period::DAY, Measure::Revenue, None)?;
//! assert_eq!(s.values, vec![10.0, 0.0, 10.0]);
//! # Ok::<(), custalyze_transaction_types::DataError>(())
//! ```

pub use custalyze_transaction_types::{Measure, Period, PeriodUnit, TimeSeries};

/// Seasonal period conventionally used for a period unit: 12 for months, 52 for weeks, 7 for
/// days (weekly pattern), 4 for quarters, 1 otherwise.
pub fn seasonal_period(period: &Period) -> usize {
    match (period.unit(), period.multiplier()) {
        (PeriodUnit::Month, 1) => 12,
        (PeriodUnit::Month, 3) => 4,
        (PeriodUnit::Week, 1) => 52,
        (PeriodUnit::Day, 1) => 7,
        _ => 1,
    }
}
