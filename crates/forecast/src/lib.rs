#![doc = include_str!("../README.md")]

pub mod compare;
pub mod error;
pub mod evaluate;
pub mod features;
pub mod learner;
#[cfg(feature = "lstm")]
pub mod lstm;
pub mod strategy;

pub use error::{Error, Result};
