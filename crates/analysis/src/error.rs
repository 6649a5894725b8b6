//! The crate's error type and the serialisable failure of one stage.

pub use custalyze_transaction_types::InvalidParameter;

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;

/// What can go wrong in an analysis. Errors of the model crates are kept as their `source`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No transaction is dated before the analysis date.
    #[error("the log has no transaction before the analysis date {as_of}")]
    NoTransactions {
        /// The analysis date (exclusive).
        as_of: NaiveDate,
    },
    /// The log holds no transaction at all.
    #[error("the log has no transaction")]
    EmptyLog,
    /// An option outside its range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The data are too small or too short for a stage.
    #[error("{0}")]
    NotEnoughData(String),
    /// The log records no products (item ids), which the stage needs.
    #[error("the log records no products (no item column)")]
    NoProducts,
    /// A data error of the types crate (baskets, time series, summaries).
    #[error("data: {0}")]
    Data(#[source] custalyze_transaction_types::DataError),
    /// A CLV model (BG/NBD or Gamma-Gamma) failed.
    #[error("{model}: {source}")]
    Clv {
        /// Which model or step.
        model: &'static str,
        /// The model crate's error.
        #[source]
        source: custalyze_cltv_core::Error,
    },
    /// RFM scoring failed.
    #[error("RFM: {0}")]
    Rfm(#[source] custalyze_rfm::Error),
    /// ABC or XYZ classification failed.
    #[error("ABC-XYZ: {0}")]
    Abc(#[source] custalyze_abc::Error),
    /// The cohort table failed.
    #[error("cohorts: {0}")]
    Cohort(#[source] custalyze_cohort::Error),
    /// FP-Growth or rule generation failed.
    #[error("association rules: {0}")]
    Rules(#[source] custalyze_assoc_rules::Error),
    /// A forecaster failed.
    #[error("forecast: {0}")]
    Forecast(#[source] custalyze_forecast::Error),
    /// Segmentation failed.
    #[error("segments: {0}")]
    Segment(#[source] custalyze_segment::Error),
    /// The churn study failed.
    #[error("churn: {0}")]
    Churn(#[source] custalyze_churn::Error),
    /// A recommender failed.
    #[error("recommendations: {0}")]
    Recommend(#[source] custalyze_recommend::Error),
    /// The pricing model failed.
    #[error("pricing: {0}")]
    Pricing(#[source] custalyze_pricing::Error),
    /// Inventory planning failed.
    #[error("inventory: {0}")]
    Inventory(#[source] custalyze_inventory::Error),
    /// No touchpoints were given: attribution needs them.
    #[error(
        "no touchpoints: attribution needs a touchpoint file (custalyze report --touchpoints FILE)"
    )]
    NoTouchpoints,
    /// Attribution failed.
    #[error("attribution: {0}")]
    Attribution(#[source] custalyze_attribution::Error),
    /// Anomaly scoring failed.
    #[error("anomalies: {0}")]
    Anomaly(#[source] custalyze_anomaly::Error),
    /// A stage that depends on another could not run because that one failed.
    #[error("needs {stage}, which failed: {reason}")]
    Upstream {
        /// The stage needed.
        stage: &'static str,
        /// Its failure.
        reason: String,
    },
    /// A failure read back from a saved analysis (JSON keeps the message, not the source).
    #[error("{0}")]
    Restored(String),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

macro_rules! from_source {
    ($($t:ty => $v:ident),* $(,)?) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::$v(e)
            }
        }
    )*};
}

from_source! {
    custalyze_transaction_types::DataError => Data,
    custalyze_rfm::Error => Rfm,
    custalyze_abc::Error => Abc,
    custalyze_cohort::Error => Cohort,
    custalyze_assoc_rules::Error => Rules,
    custalyze_forecast::Error => Forecast,
    custalyze_segment::Error => Segment,
    custalyze_churn::Error => Churn,
    custalyze_recommend::Error => Recommend,
    custalyze_pricing::Error => Pricing,
    custalyze_inventory::Error => Inventory,
    custalyze_anomaly::Error => Anomaly,
    custalyze_attribution::Error => Attribution,
}

/// The failure of one stage: the [`Error`] it returned, shared so an [`crate::Analysis`] stays
/// cheap to clone. It serialises as its message; a deserialised one is an [`Error::Restored`]
/// (the source chain does not survive JSON). Two stage errors are equal when their messages are.
#[derive(Clone, Debug)]
pub struct StageError(Arc<Error>);

impl StageError {
    /// The error.
    pub fn error(&self) -> &Error {
        &self.0
    }
}

impl From<Error> for StageError {
    fn from(e: Error) -> Self {
        StageError(Arc::new(e))
    }
}

impl fmt::Display for StageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl PartialEq for StageError {
    fn eq(&self, other: &Self) -> bool {
        self.to_string() == other.to_string()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for StageError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for StageError {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let message = String::deserialize(d)?;
        Ok(StageError::from(Error::Restored(message)))
    }
}

/// What became of one stage: its typed result or its error.
pub type Outcome<T> = std::result::Result<T, StageError>;

/// Runs one stage; an error becomes the stage's [`StageError`].
pub(crate) fn stage<T>(f: impl FnOnce() -> Result<T>) -> Outcome<T> {
    f().map_err(StageError::from)
}
