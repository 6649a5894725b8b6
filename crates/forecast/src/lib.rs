#![doc = include_str!("../README.md")]

pub mod arima;
pub mod error;
pub mod forecaster;
mod optim;
pub mod stl;

pub use error::{Error, Result};
pub use forecaster::{Forecast, Forecaster};
