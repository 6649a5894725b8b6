//! Checked predictions on fitted models: every method takes a validated [`Customer`] and a
//! horizon, and returns `Result` (a negative frequency, `t_x > T`, a non-finite value or a
//! negative horizon is an error, never a NaN or a plausible number).
//!
//! Times are in the model's unit ([`FittedBgNbd::unit`] and friends, from the summary it was
//! fitted on).

use crate::bgnbd::{BgNbdParameters, FittedBgNbd};
use crate::clv::{PurchaseModel, TimeUnit};
use crate::data::{Customer, check_horizon};
use crate::error::{Error, Result};
use crate::mbgnbd::{FittedMbgNbd, MbgNbdParameters};
use crate::pareto_nbd::{FittedParetoNbd, ParetoNbdParameters};

/// `P(Y(t) > 0 | alive)` for an alive customer whose purchase rate is `Gamma(shape, rate)` and who
/// never drops out before a purchase (BG/NBD, MBG/NBD): `1 - (rate / (rate + t))^shape`.
pub(crate) fn gamma_any_purchase(shape: f64, rate: f64, t: f64) -> f64 {
    -(shape * (rate.ln() - (rate + t).ln())).exp_m1()
}

impl MbgNbdParameters {
    /// Probability of at least one purchase in `(T, T + t]` for history `(x, t_x, T)`:
    /// `P(alive) · [1 - ((α+T)/(α+T+t))^(r+x)]` (the MBG/NBD, like the BG/NBD, tosses the
    /// dropout coin only right after a purchase, and the posterior rate of an alive customer is
    /// `Gamma(r + x, α + T)`).
    pub(crate) fn probability_of_a_purchase_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        self.p_alive_of(x, t_x, big_t) * gamma_any_purchase(self.r + x, self.alpha + big_t, t)
    }
}

/// Intervals of the composite Simpson rule in [`ParetoNbdParameters::probability_of_a_purchase`].
const SIMPSON_INTERVALS: usize = 1_000;

impl ParetoNbdParameters {
    /// Probability of at least one purchase in `(T, T + t]` for history `(x, t_x, T)`.
    ///
    /// Given alive at `T`, the rates are independent, `λ ~ Gamma(r+x, α+T)` and
    /// `μ ~ Gamma(s, β+T)`, and the first event of rate `λ + μ` is a purchase with probability
    /// `λ / (λ + μ)`, so
    ///
    /// ```text
    /// P(Y(t) > 0 | alive) = ∫_0^t E[λ e^{-λu}] E[e^{-μu}] du
    ///                     = ∫_0^t (r+x)/(α+T) · ((α+T)/(α+T+u))^(r+x+1) · ((β+T)/(β+T+u))^s du
    /// ```
    /// evaluated by Simpson's rule on `v = ln(1 + u / m)`, `m = min(α+T, β+T)` (1,000 intervals;
    /// the substitution keeps the faster-decaying factor smooth), times P(alive).
    pub(crate) fn probability_of_a_purchase_of(&self, t: f64, x: f64, t_x: f64, big_t: f64) -> f64 {
        if t <= 0.0 {
            return 0.0;
        }
        let (ra, a, s, b) = (self.r + x, self.alpha + big_t, self.s, self.beta + big_t);
        // u = m (e^v - 1) with m the smaller of the two scales, so the faster-decaying factor is
        // smooth in v: du = m e^v dv.
        let m = a.min(b);
        let f = |v: f64| {
            let u = m * v.exp_m1();
            let ln = (ra / a).ln()
                + (ra + 1.0) * (a.ln() - (a + u).ln())
                + s * (b.ln() - (b + u).ln())
                + m.ln()
                + v;
            ln.exp()
        };
        let w_end = (t / m).ln_1p();
        let n = SIMPSON_INTERVALS;
        let h = w_end / n as f64;
        let mut sum = f(0.0) + f(w_end);
        for k in 1..n {
            sum += f(k as f64 * h) * if k % 2 == 1 { 4.0 } else { 2.0 };
        }
        (self.p_alive_of(x, t_x, big_t) * sum * h / 3.0).clamp(0.0, 1.0)
    }
}

/// The checked predictions of a continuous-time model's parameters. `$module` names the module
/// whose docs give the formulas.
macro_rules! parameter_predictions {
    ($params:ty, $name:literal, $module:literal) => {
        impl $params {
            /// One customer's log-likelihood at these parameters (the likelihood in the module
            /// docs).
            ///
            /// # Errors
            /// [`Error::InvalidInput`] for a history no model can take ([`Customer::check`]).
            pub fn log_likelihood(&self, customer: &Customer) -> Result<f64> {
                customer.check()?;
                Ok(self.log_likelihood_of(customer.x, customer.t_x, customer.t))
            }

            #[doc = concat!("P(alive at `T`) of a customer under these ", $name, " parameters")]
            #[doc = concat!("(formula in the [module docs](", $module, "#p_alive)).")]
            ///
            /// # Errors
            /// [`Error::InvalidInput`] for a history no model can take ([`Customer::check`]).
            pub fn p_alive(&self, customer: &Customer) -> Result<f64> {
                customer.check()?;
                Ok(self.p_alive_of(customer.x, customer.t_x, customer.t))
            }

            #[doc = concat!("Expected purchases in `(T, T + t]` under these ", $name, " parameters")]
            #[doc = concat!("(formula in the [module docs](", $module, "#expected_purchases)).")]
            ///
            /// # Errors
            /// As [`Customer::check`]; [`Error::InvalidParameter`] for a negative or non-finite
            /// horizon.
            pub fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64> {
                check_horizon(t)?;
                customer.check()?;
                Ok(self.expected_purchases_of(t, customer.x, customer.t_x, customer.t))
            }

            /// Expected purchases in `(T + t1, T + t2]`.
            ///
            /// # Errors
            /// As [`Self::expected_purchases`]; [`Error::InvalidParameter`] when `t2 < t1`.
            pub fn expected_purchases_between(
                &self,
                t1: f64,
                t2: f64,
                customer: &Customer,
            ) -> Result<f64> {
                check_horizon(t1)?;
                check_horizon(t2)?;
                if t2 < t1 {
                    return Err(Error::InvalidParameter(crate::error::InvalidParameter::new("t2", t2, "the end of the window must not be before its start")));
                }
                Ok(self.expected_purchases(t2, customer)? - self.expected_purchases(t1, customer)?)
            }

            /// Probability of at least one purchase in `(T, T + t]`, `1 - P(Y(t) = 0 | history)`
            /// (see [`crate::scoring`] for the derivation).
            ///
            /// # Errors
            /// As [`Self::expected_purchases`].
            pub fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64> {
                check_horizon(t)?;
                customer.check()?;
                Ok(self.probability_of_a_purchase_of(t, customer.x, customer.t_x, customer.t))
            }

            /// Unconditional expected purchases in `(0, t]` of a newly acquired customer,
            #[doc = concat!("`E[X(t)]` (formula in the [module docs](", $module, "#expected_purchases_new)).")]
            ///
            /// # Errors
            /// [`Error::InvalidParameter`] for a negative or non-finite horizon.
            pub fn expected_purchases_new(&self, t: f64) -> Result<f64> {
                check_horizon(t)?;
                Ok(self.expected_purchases_new_of(t))
            }
        }
    };
}

parameter_predictions!(BgNbdParameters, "BG/NBD", "crate::bgnbd");
parameter_predictions!(MbgNbdParameters, "MBG/NBD", "crate::mbgnbd");
parameter_predictions!(ParetoNbdParameters, "Pareto/NBD", "crate::pareto_nbd");

/// The same predictions on a fitted model, from its estimates.
macro_rules! fitted_predictions {
    ($fitted:ty, $params:ty) => {
        impl $fitted {
            #[doc = concat!("P(alive at `T`), [`", stringify!($params), "::p_alive`] at the estimates.")]
            ///
            /// # Errors
            /// [`Error::InvalidInput`] for a history no model can take ([`Customer::check`]).
            pub fn p_alive(&self, customer: &Customer) -> Result<f64> {
                self.params.p_alive(customer)
            }

            #[doc = concat!("Expected purchases in `(T, T + t]`, [`", stringify!($params), "::expected_purchases`] at the estimates.")]
            ///
            /// # Errors
            /// As [`Customer::check`]; [`Error::InvalidParameter`] for a negative or non-finite
            /// horizon.
            pub fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64> {
                self.params.expected_purchases(t, customer)
            }

            /// Expected purchases in `(T + t1, T + t2]`.
            ///
            /// # Errors
            /// As [`Self::expected_purchases`]; [`Error::InvalidParameter`] when `t2 < t1`.
            pub fn expected_purchases_between(
                &self,
                t1: f64,
                t2: f64,
                customer: &Customer,
            ) -> Result<f64> {
                self.params.expected_purchases_between(t1, t2, customer)
            }

            /// Probability of at least one purchase in `(T, T + t]`, `1 - P(Y(t) = 0 | history)`.
            ///
            /// # Errors
            /// As [`Self::expected_purchases`].
            pub fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64> {
                self.params.probability_of_a_purchase(t, customer)
            }

            /// Unconditional expected purchases in `(0, t]` of a newly acquired customer,
            /// `E[X(t)]`.
            ///
            /// # Errors
            /// [`Error::InvalidParameter`] for a negative or non-finite horizon.
            pub fn expected_purchases_new(&self, t: f64) -> Result<f64> {
                self.params.expected_purchases_new(t)
            }
        }

        impl PurchaseModel for $fitted {
            fn p_alive(&self, customer: &Customer) -> Result<f64> {
                self.params.p_alive(customer)
            }
            fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64> {
                self.params.expected_purchases(t, customer)
            }
            fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64> {
                self.params.probability_of_a_purchase(t, customer)
            }
            fn time_unit(&self) -> Option<TimeUnit> {
                self.unit
            }
        }

        impl PurchaseModel for $params {
            fn p_alive(&self, customer: &Customer) -> Result<f64> {
                <$params>::p_alive(self, customer)
            }
            fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64> {
                <$params>::expected_purchases(self, t, customer)
            }
            fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64> {
                <$params>::probability_of_a_purchase(self, t, customer)
            }
        }
    };
}

fitted_predictions!(FittedBgNbd, BgNbdParameters);
fitted_predictions!(FittedMbgNbd, MbgNbdParameters);
fitted_predictions!(FittedParetoNbd, ParetoNbdParameters);

impl BgNbdParameters {
    /// Probability that the customer is still alive at `T + t` (formula in the
    /// [module docs](crate::bgnbd#p_alive_at)).
    ///
    /// # Errors
    /// As [`BgNbdParameters::expected_purchases`].
    pub fn p_alive_at(&self, t: f64, customer: &Customer) -> Result<f64> {
        check_horizon(t)?;
        customer.check()?;
        Ok(self.p_alive_at_of(t, customer.x, customer.t_x, customer.t))
    }

    /// Probability that a newly acquired customer makes exactly `n` purchases in `(0, t]`
    /// (`P(X(t) = n)`, equation 8 of Fader, Hardie & Lee 2005).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite horizon.
    pub fn probability_of_purchases(&self, t: f64, n: u32) -> Result<f64> {
        check_horizon(t)?;
        Ok(self.probability_of_purchases_of(t, n))
    }
}

impl FittedBgNbd {
    /// Probability that the customer is still alive at `T + t`
    /// ([`BgNbdParameters::p_alive_at`] at the estimates).
    ///
    /// # Errors
    /// As [`FittedBgNbd::expected_purchases`].
    pub fn p_alive_at(&self, t: f64, customer: &Customer) -> Result<f64> {
        self.params.p_alive_at(t, customer)
    }

    /// Probability that a newly acquired customer makes exactly `n` purchases in `(0, t]`
    /// ([`BgNbdParameters::probability_of_purchases`] at the estimates).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite horizon.
    pub fn probability_of_purchases(&self, t: f64, n: u32) -> Result<f64> {
        self.params.probability_of_purchases(t, n)
    }
}
