//! # custalyze-cltv-core
//!
//! Buy-till-you-die models of customer lifetime value, fitted by maximum likelihood with exact
//! gradients (forward-mode differentiation of the log-likelihood) and checked against the published
//! results and lifetimes on CDNOW.
//!
//! Work in progress: BG/NBD is here; Gamma-Gamma, Pareto/NBD, MBG/NBD, BG/BB and CLV follow.

pub mod bgnbd;
pub mod data;
pub mod error;
pub mod optim;
pub mod real;
pub mod special;

pub use bgnbd::{BgNbd, BgNbdParams, FittedBgNbd};
pub use data::RfmData;
pub use error::{Error, Result};
pub use optim::{FitOptions, FitReport};
