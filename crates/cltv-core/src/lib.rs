#![doc = include_str!("../README.md")]

pub mod bgbb;
pub mod bgnbd;
pub mod covariates;
pub mod data;
pub mod diagnostics;
pub mod error;
pub mod optim;
pub mod pareto_nbd;
pub(crate) mod real;
pub mod sbg;
pub mod scorecard;
pub mod scoring;
pub(crate) mod special;
pub mod time_varying;
pub mod uncertainty;

pub use bgbb::{
    BgBb, BgBbCustomer, BgBbData, BgBbParameters, BgBbParams, FittedBgBb, ValidBgBbParams,
};
pub use bgnbd::{BgNbd, BgNbdParameters, BgNbdParams, FittedBgNbd, ValidBgNbdParams};
pub use data::{Customer, RfmData};
pub use error::{Error, InputProblem, Result};
pub use optim::{FitOptions, FitReport, PenalizerConvention};
pub use pareto_nbd::{
    FittedParetoNbd, ParetoNbd, ParetoNbdParameters, ParetoNbdParams, ValidParetoNbdParams,
};
pub use sbg::{FittedSbg, Sbg, SbgData, SbgParameters, SbgParams, ValidSbgParams};
pub mod clv;
pub mod gamma_gamma;
pub mod mbgnbd;
pub use clv::{
    ClvOptions, PurchaseModel, TimeUnit, customer_lifetime_value, customer_lifetime_values,
};
pub use gamma_gamma::{
    FittedGammaGamma, GammaGamma, GammaGammaParameters, GammaGammaParams, SpendData,
    SpendExclusions, ValidGammaGammaParams,
};
pub use mbgnbd::{FittedMbgNbd, MbgNbd, MbgNbdParameters, MbgNbdParams, ValidMbgNbdParams};
pub mod evaluation;
pub use evaluation::{HoldoutBucket, HoldoutComparison, compare_holdout};
