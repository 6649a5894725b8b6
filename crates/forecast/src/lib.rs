#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod arima;
pub mod backtest;
pub mod baselines;
pub mod compare;
pub mod conformal;
pub mod decompose;
pub mod diagnostics;
pub mod error;
pub mod ets;
pub mod features;
pub mod forecaster;
pub mod intermittent;
pub mod learner;
#[cfg(feature = "lstm")]
#[cfg_attr(docsrs, doc(cfg(feature = "lstm")))]
pub mod lstm;
pub mod metrics;
pub mod mstl;
mod optim;
pub mod series;
pub mod stl;
pub mod strategy;
pub mod theta;
pub mod transform;

pub use error::{Error, Result};
pub use forecaster::{Forecast, Forecaster};
