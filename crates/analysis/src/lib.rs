#![doc = include_str!("../README.md")]

pub mod analysis;
pub mod anomalies;
pub mod attribution;
pub mod churn;
pub mod clv;
pub mod cohorts;
pub mod error;
pub mod executive;
pub mod facts;
pub mod forecast;
pub mod holdout;
pub mod inventory;
pub mod options;
pub mod playbook;
pub mod pricing;
pub mod products;
pub mod rfm;
pub mod rules;
pub mod segments;
pub mod tables;

pub use analysis::{Analysis, CustomerView, Headline, Stage, Window, analysed_rows};
pub use clv::{ClvAnalysis, ClvTier, CustomerValue, SpendModel, TierSummary};
pub use error::{Error, Outcome, Result, StageError};
pub use facts::{CustomerFacts, ItemRef, Purchase};
pub use options::AnalysisOptions;
pub use tables::ProductTables;
