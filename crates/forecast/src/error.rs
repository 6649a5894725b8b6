//! The crate's error type.

pub use custalyze_transaction_types::InvalidParameter;

use custalyze_transaction_types::DataError;

/// Errors raised while fitting forecasters and forecasting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from the transaction types crate (loading, validation).
    #[error(transparent)]
    Data(#[from] DataError),
    /// The neural-network backend (candle) failed while training the LSTM.
    #[error("LSTM backend error: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The series is empty.
    #[error("the series is empty: at least one observation is needed")]
    EmptySeries,
    /// The series contains a value that is NaN or infinite.
    #[error("the series has a non-finite value ({value}) at position {index}; remove or impute it")]
    NonFiniteValue {
        /// Position (0-based) of the first offending value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// The series is too short for the requested model or operation.
    #[error("the series has {got} observations but {what} needs at least {needed}")]
    SeriesTooShort {
        /// What needs the observations (a model, a differencing order, a backtest).
        what: String,
        /// Observations needed.
        needed: usize,
        /// Observations given.
        got: usize,
    },
    /// A model setting or argument is out of its valid range.
    ///
    /// The shared layout of [`custalyze_transaction_types::InvalidParameter`]: `name`, `value`,
    /// `reason`.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// `forecast` was called on a forecaster that has not been fitted.
    #[error("the forecaster is not fitted: call `fit` first")]
    NotFitted,
    /// A value cannot be transformed (Box-Cox/log of a non-positive value).
    #[error(
        "cannot apply the {transform} transform to {value} at position {index}: values must be > 0"
    )]
    NonPositiveForTransform {
        /// The transform ("log" or "Box-Cox").
        transform: &'static str,
        /// Position (0-based) of the value.
        index: usize,
        /// The value.
        value: f64,
    },
    /// Lengths that must agree do not: a feature row against the training width, exogenous
    /// columns against the series or the model, a learner's outputs against the horizon.
    #[error("{what}: expected {expected}, got {got}")]
    LengthMismatch {
        /// What was counted.
        what: String,
        /// The length needed.
        expected: usize,
        /// The length given.
        got: usize,
    },
    /// An exogenous column has a NaN or infinite value.
    #[error("exogenous column {column} has NaN or infinite values")]
    NonFiniteExog {
        /// The column (0-based).
        column: usize,
    },
    /// The lags and horizon leave no training rows.
    #[error(
        "no training rows: the series is too short for the lags and horizon ({rows} rows, {columns} columns, {outputs} outputs)"
    )]
    NoTrainingRows {
        /// Rows built.
        rows: usize,
        /// Feature columns.
        columns: usize,
        /// Outputs per row.
        outputs: usize,
    },
    /// A computed quantity is NaN or infinite (a diverging learner, residuals that overflow).
    #[error("non-finite values: {what}")]
    NotFinite {
        /// What is not finite.
        what: &'static str,
    },
    /// A matrix that must be positive definite is not (ridge regression's normal equations).
    #[error("matrix not positive definite at pivot {pivot} ({value}); raise the ridge penalty")]
    NotPositiveDefinite {
        /// The pivot where the Cholesky factorisation failed.
        pivot: usize,
        /// The pivot's value.
        value: f64,
    },
    /// A regression's design matrix is singular.
    #[error("the {what} regression is singular (constant or exactly periodic series?)")]
    SingularRegression {
        /// Which regression (`OCSB`).
        what: &'static str,
    },
    /// The series is constant: there is nothing to model.
    #[error(
        "the series is constant ({value}): there is nothing to model; forecast it with baselines::Mean or Naive"
    )]
    ConstantSeries {
        /// The constant.
        value: f64,
    },
    /// The likelihood of a model cannot be evaluated on the series.
    #[error(
        "the likelihood of {model} cannot be evaluated on this series (constant after differencing?)"
    )]
    LikelihoodFailed {
        /// The model, in R's notation (`ARIMA(0,1,1)(0,1,1)[12]`).
        model: String,
    },
    /// A search found no model it could fit.
    #[error("no suitable {what} model found: every candidate failed to fit")]
    NoModelFound {
        /// The model family searched (`ARIMA`).
        what: &'static str,
    },
    /// An accuracy measure is undefined on these data.
    #[error("{measure} is undefined: {reason}")]
    UndefinedMeasure {
        /// The measure (`MASE`).
        measure: &'static str,
        /// Why.
        reason: &'static str,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Checks that `y` is non-empty and finite.
pub(crate) fn check_series(y: &[f64]) -> Result<()> {
    if y.is_empty() {
        return Err(Error::EmptySeries);
    }
    if let Some((index, &value)) = y.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(Error::NonFiniteValue { index, value });
    }
    Ok(())
}
