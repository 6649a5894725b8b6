//! # custalyze-cltv-core
//!
//! Buy-till-you-die models of customer lifetime value: BG/NBD, MBG/NBD, Pareto/NBD, BG/BB and
//! Gamma-Gamma, fitted by maximum likelihood with exact gradients (forward-mode differentiation of
//! the log-likelihood, L-BFGS on log-parameters, Nelder-Mead rescue) and checked against the
//! published estimates and lifetimes on CDNOW. Fitting works on compressed `(x, t_x, T)` rows, so
//! its cost grows with the number of distinct histories, not of customers.
//!
//! ```
//! use custalyze_cltv_core::{BgNbd, GammaGamma, RfmData, SpendData};
//! use custalyze_cltv_core::clv::{ClvOptions, TimeUnit};
//!
//! // x repeat purchases, recency t_x and age T in weeks, mean repeat spend m.
//! let x = [2.0, 1.0, 0.0, 0.0, 4.0, 0.0, 7.0, 1.0, 0.0, 3.0, 0.0, 0.0];
//! let t_x = [30.4, 1.7, 0.0, 0.0, 35.3, 0.0, 38.5, 20.0, 0.0, 25.1, 0.0, 0.0];
//! let t = [38.9, 38.9, 38.9, 38.9, 38.9, 38.9, 38.9, 38.0, 37.5, 37.0, 36.6, 36.0];
//! let m = [22.3, 11.8, 0.0, 0.0, 26.2, 0.0, 39.9, 15.0, 0.0, 18.1, 0.0, 0.0];
//! let bgnbd = BgNbd::new().fit(&RfmData::new(&x, &t_x, &t, None)?)?;
//! let (spend, _without_repeats) = SpendData::from_customers(&x, &m, None)?;
//! let gg = GammaGamma::new().fit(&spend)?;
//!
//! let p = &bgnbd.params;
//! println!("P(alive) of customer 0: {:.3}", p.p_alive(x[0], t_x[0], t[0]));
//! println!("purchases in the next 52 weeks: {:.3}", p.expected_purchases(52.0, x[0], t_x[0], t[0]));
//! let options = ClvOptions { months: 12, monthly_discount_rate: 0.01, unit: TimeUnit::Week };
//! let clv = gg.params.customer_lifetime_value(p, x[0], t_x[0], t[0], m[0], &options)?;
//! assert!(clv > 0.0);
//! # Ok::<(), custalyze_cltv_core::Error>(())
//! ```
//!
//! ## Models
//! - [`BgNbd`]: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way".
//! - [`MbgNbd`]: Batislam, Denizel & Filiztekin (2007).
//! - [`ParetoNbd`]: Schmittlein, Morrison & Colombo (1987); likelihood per Fader & Hardie (2005).
//! - [`BgBb`]: Fader, Hardie & Shang (2010), discrete-time (donations).
//! - [`GammaGamma`]: Fader & Hardie (2013); Colombo & Jiang (1999) spend model.
//! - [`clv`]: discounted expected cash flow as lifetimes' `customer_lifetime_value`.
//!
//! Fitted models serialise with serde (feature `serde`, on by default), and every prediction is a
//! cheap closed-form method on the parameter structs, so a service can load one and score single
//! customers.

pub mod bgbb;
pub mod bgnbd;
pub mod data;
pub mod error;
pub mod optim;
pub mod pareto_nbd;
pub mod real;
pub mod scoring;
pub mod special;

pub use bgbb::{BgBb, BgBbData, BgBbParams, FittedBgBb};
pub use bgnbd::{BgNbd, BgNbdParams, FittedBgNbd};
pub use data::{Customer, RfmData};
pub use error::{Error, InputProblem, Result};
pub use optim::{FitOptions, FitReport, PenalizerConvention};
pub use pareto_nbd::{FittedParetoNbd, ParetoNbd, ParetoNbdParams};
pub mod clv;
pub mod gamma_gamma;
pub mod mbgnbd;
pub use clv::{
    ClvOptions, PurchaseModel, TimeUnit, customer_lifetime_value, customer_lifetime_values,
};
pub use gamma_gamma::{FittedGammaGamma, GammaGamma, GammaGammaParams, SpendData, SpendExclusions};
pub use mbgnbd::{FittedMbgNbd, MbgNbd, MbgNbdParams};
pub mod evaluation;
pub use evaluation::{HoldoutBucket, HoldoutComparison, compare_holdout};
