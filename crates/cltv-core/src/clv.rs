//! Customer lifetime value as discounted expected cash flow, as lifetimes'
//! `_customer_lifetime_value` (used by `GammaGammaFitter.customer_lifetime_value`).
//!
//! For a horizon of `months` months, a monthly discount rate `d` and `f` model periods per month
//! (4.345 for weeks, 30 for days, 720 for hours, 1 for months):
//!
//! ```text
//! CLV = Σ_{i=1..months} spend · (E[Y(i f) | x, t_x, T] - E[Y((i-1) f) | x, t_x, T]) / (1 + d)^i
//! ```
//!
//! with `E[Y(t) | ·]` the conditional expected purchases of any [`PurchaseModel`] (BG/NBD,
//! MBG/NBD) and `spend` the expected value per purchase, usually the Gamma-Gamma conditional
//! expectation ([`GammaGammaParameters::customer_lifetime_value`] does both steps).

use custalyze_transaction_types::{Id, Period, PeriodUnit, SummaryTable};
use rayon::prelude::*;

use crate::data::{Customer, history_problem};
use crate::error::{Error, InputProblem, Result};
use crate::gamma_gamma::GammaGammaParameters;

/// A model of the purchase process that predicts a customer's future purchases from her history
/// (a checked [`Customer`]: `x` repeat purchases, the last at `t_x`, observed for `T`, all in
/// model periods). Implemented by the fitted BG/NBD, MBG/NBD and Pareto/NBD models and by their
/// parameter types (for parameters from a paper or a saved fit); CLV is computed for any of them.
pub trait PurchaseModel {
    /// Expected purchases in `(T, T + t]` given the history.
    ///
    /// # Errors
    /// As [`Customer::check`]; [`Error::InvalidParameter`] for a negative or non-finite horizon.
    fn expected_purchases(&self, t: f64, customer: &Customer) -> Result<f64>;
    /// Probability that the customer is still alive at `T`.
    ///
    /// # Errors
    /// As [`Customer::check`].
    fn p_alive(&self, customer: &Customer) -> Result<f64>;
    /// Probability of at least one purchase in `(T, T + t]` given the history,
    /// `1 - P(Y(t) = 0 | x, t_x, T)`.
    ///
    /// # Errors
    /// As [`PurchaseModel::expected_purchases`].
    fn probability_of_a_purchase(&self, t: f64, customer: &Customer) -> Result<f64>;
    /// The time unit of `t`, `t_x` and `T`, when the model knows it (fitted models fitted on
    /// data with a unit); CLV refuses options in another unit.
    fn time_unit(&self) -> Option<TimeUnit> {
        None
    }
}

/// The unit of the model's time axis (what `T` is measured in).
///
/// A [`SummaryTable`]'s period converts with `TimeUnit::try_from(period)`: `D` is days, `7D` and
/// `W` are weeks, `M` is months; other multiples (`14D`) have no unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TimeUnit {
    /// Hours: 720 per month.
    Hour,
    /// Days: 30 per month (lifetimes' default).
    #[default]
    Day,
    /// Weeks: 4.345 per month.
    Week,
    /// Months.
    Month,
}

impl TimeUnit {
    /// Model periods per month, as lifetimes: `{"H": 720, "D": 30, "W": 4.345, "M": 1}`.
    pub fn periods_per_month(self) -> f64 {
        match self {
            Self::Hour => 720.0,
            Self::Day => 30.0,
            Self::Week => 4.345,
            Self::Month => 1.0,
        }
    }
}

impl TimeUnit {
    /// Length in days (a month is 30.436875 days, the Gregorian mean).
    pub fn days(self) -> f64 {
        match self {
            Self::Hour => 1.0 / 24.0,
            Self::Day => 1.0,
            Self::Week => 7.0,
            Self::Month => 30.436875,
        }
    }

    /// How many of `to` one `self` is (e.g. `Week.in_units_of(Day) = 7`).
    pub fn in_units_of(self, to: TimeUnit) -> f64 {
        self.days() / to.days()
    }
}

impl TryFrom<Period> for TimeUnit {
    type Error = Error;

    fn try_from(p: Period) -> Result<Self> {
        match (p.unit(), p.multiplier()) {
            (PeriodUnit::Hour, 1) => Ok(Self::Hour),
            (PeriodUnit::Day, 1) => Ok(Self::Day),
            (PeriodUnit::Day, 7) | (PeriodUnit::Week, 1) => Ok(Self::Week),
            (PeriodUnit::Month, 1) => Ok(Self::Month),
            _ => Err(Error::UnsupportedPeriod {
                period: p.to_string(),
            }),
        }
    }
}

/// How to value a customer.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClvOptions {
    /// Horizon in months (default 12).
    pub months: u32,
    /// Monthly discount rate (default 0.01).
    pub monthly_discount_rate: f64,
    /// Unit of `t_x` and `T` (default [`TimeUnit::Day`], as lifetimes).
    pub unit: TimeUnit,
}

impl Default for ClvOptions {
    fn default() -> Self {
        Self {
            months: 12,
            monthly_discount_rate: 0.01,
            unit: TimeUnit::Day,
        }
    }
}

impl ClvOptions {
    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a discount rate that is not finite or is `<= -1`.
    pub fn check(&self) -> Result<()> {
        let d = self.monthly_discount_rate;
        if !(d.is_finite() && d > -1.0) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "monthly_discount_rate",
                    d,
                    "must be finite and > -1",
                ),
            ));
        }
        Ok(())
    }
}

fn check_customer(row: usize, x: f64, t_x: f64, big_t: f64, spend: f64) -> Result<()> {
    let problem = history_problem(x, t_x, big_t).or((!spend.is_finite()).then_some(
        InputProblem::NonFinite {
            field: "spend",
            value: spend,
        },
    ));
    match problem {
        Some(problem) => Err(Error::InvalidInput { row, problem }),
        None => Ok(()),
    }
}

/// Refuses options in another unit than the model's.
fn check_unit<M: PurchaseModel + ?Sized>(model: &M, options: &ClvOptions) -> Result<()> {
    match model.time_unit() {
        Some(unit) if unit != options.unit => Err(Error::UnitMismatch {
            model: unit,
            requested: options.unit,
        }),
        _ => Ok(()),
    }
}

/// The discounted sum for checked options. The arithmetic follows lifetimes step by step (the
/// time points are `i · f` and `i · f - f`, the exponent `(i · f) / f`), so results agree to
/// rounding.
fn discounted_clv<M: PurchaseModel + ?Sized>(
    model: &M,
    customer: &Customer,
    spend: f64,
    options: &ClvOptions,
) -> Result<f64> {
    let factor = options.unit.periods_per_month();
    let growth = 1.0 + options.monthly_discount_rate;
    let mut clv = 0.0;
    for i in 1..=options.months {
        let t = f64::from(i) * factor;
        let purchases = model.expected_purchases(t, customer)?
            - model.expected_purchases(t - factor, customer)?;
        clv += spend * purchases / growth.powf(t / factor);
    }
    Ok(clv)
}

/// CLV of one customer and expected spend per purchase `spend`
/// (see the [module docs](self) for the formula).
///
/// # Errors
/// [`Error::InvalidParameter`] for bad options ([`ClvOptions::check`]); [`Error::InvalidInput`]
/// (row 0) for a history no model can take ([`Customer::check`]) or a non-finite spend.
///
/// # Examples
/// ```
/// use custalyze_cltv_core::{BgNbdParameters, ClvOptions, Customer, TimeUnit, customer_lifetime_value};
/// # fn main() -> custalyze_cltv_core::Result<()> {
/// let model = BgNbdParameters::new(0.243, 4.414, 0.793, 2.426)?;
/// let options = ClvOptions { unit: TimeUnit::Week, ..ClvOptions::default() };
/// let customer = Customer::new(2.0, 30.43, 38.86)?;
/// let clv = customer_lifetime_value(&model, &customer, 24.66, &options)?;
/// assert!(clv > 0.0);
/// # Ok(())
/// # }
/// ```
pub fn customer_lifetime_value<M: PurchaseModel + ?Sized>(
    model: &M,
    customer: &Customer,
    spend: f64,
    options: &ClvOptions,
) -> Result<f64> {
    options.check()?;
    check_unit(model, options)?;
    check_customer(0, customer.x, customer.t_x, customer.t, spend)?;
    discounted_clv(model, customer, spend, options)
}

/// CLV of many customers (columns of equal length), in parallel; the result is in input order and
/// does not depend on the thread count.
///
/// # Errors
/// [`Error::EmptyInput`] when the columns differ in length; otherwise as
/// [`customer_lifetime_value`], naming the first bad row.
pub fn customer_lifetime_values<M: PurchaseModel + Sync + ?Sized>(
    model: &M,
    x: &[f64],
    t_x: &[f64],
    big_t: &[f64],
    spend: &[f64],
    options: &ClvOptions,
) -> Result<Vec<f64>> {
    options.check()?;
    check_unit(model, options)?;
    let n = x.len();
    if t_x.len() != n || big_t.len() != n || spend.len() != n {
        return Err(Error::EmptyInput {
            reason: format!(
                "need equally long columns (x {n}, t_x {}, T {}, spend {})",
                t_x.len(),
                big_t.len(),
                spend.len()
            ),
        });
    }
    for i in 0..n {
        check_customer(i, x[i], t_x[i], big_t[i], spend[i])?;
    }
    (0..n)
        .into_par_iter()
        .map(|i| {
            let customer = Customer {
                x: x[i],
                t_x: t_x[i],
                t: big_t[i],
            };
            discounted_clv(model, &customer, spend[i], options)
        })
        .collect()
}

impl GammaGammaParameters {
    /// CLV with the expected spend per purchase from this Gamma-Gamma model,
    /// [`GammaGammaParameters::conditional_expected_average_profit`]`(x, m)` with `x` the customer's
    /// repeat purchases, and the purchases from
    /// `model`: lifetimes' `GammaGammaFitter.customer_lifetime_value`. `m` is the customer's mean
    /// repeat-purchase value (ignored for `x = 0`).
    ///
    /// # Errors
    /// As [`customer_lifetime_value`]; also [`Error::InvalidInput`] for a non-finite or negative `m`
    /// and when the expected spend is infinite (`p x + q <= 1`).
    pub fn customer_lifetime_value<M: PurchaseModel + ?Sized>(
        &self,
        model: &M,
        customer: &Customer,
        m: f64,
        options: &ClvOptions,
    ) -> Result<f64> {
        if !m.is_finite() {
            return Err(Error::InvalidInput {
                row: 0,
                problem: InputProblem::NonFinite {
                    field: "m",
                    value: m,
                },
            });
        }
        if m < 0.0 {
            return Err(Error::InvalidInput {
                row: 0,
                problem: InputProblem::Negative {
                    field: "m",
                    value: m,
                },
            });
        }
        customer_lifetime_value(
            model,
            customer,
            self.conditional_expected_average_profit(customer.x, m),
            options,
        )
    }
}

/// One customer's value from [`table_lifetime_values`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerClv {
    /// The customer's id.
    pub customer: Id,
    /// P(alive) at the end of observation.
    pub p_alive: f64,
    /// Expected purchases over the horizon (`months` x periods per month).
    pub expected_purchases: f64,
    /// Expected spend per purchase (Gamma-Gamma; the population mean for customers without
    /// repeat purchases or with a mean spend <= 0).
    pub expected_spend: f64,
    /// Discounted CLV over the horizon.
    pub clv: f64,
}

/// CLV of every customer of a summary table at once: purchases from `model`, spend per purchase
/// from the Gamma-Gamma parameters `spend` (customers without repeat purchases, or whose repeat
/// purchases are worth 0 or less, get the population mean `p v / (q - 1)`), one row per customer
/// keyed by id, in table order.
///
/// The table's time unit (its period) must be `options.unit`, and the model's when it has one.
///
/// # Errors
/// [`Error::UnsupportedPeriod`] or [`Error::UnitMismatch`] for units that do not agree;
/// [`Error::InvalidCustomer`] naming the first customer no model can take;
/// [`Error::InvalidParameter`] for bad options or a spend model without a finite mean (`q <= 1`).
pub fn table_lifetime_values<M: PurchaseModel + Sync + ?Sized>(
    model: &M,
    spend: &GammaGammaParameters,
    table: &SummaryTable,
    options: &ClvOptions,
) -> Result<Vec<CustomerClv>> {
    options.check()?;
    check_unit(model, options)?;
    let unit = TimeUnit::try_from(table.period)?;
    if unit != options.unit {
        return Err(Error::UnitMismatch {
            model: unit,
            requested: options.unit,
        });
    }
    let mean = spend.mean_spend();
    if !(mean.is_finite() && mean > 0.0) {
        return Err(Error::InvalidParameter(
            crate::error::InvalidParameter::new(
                "q",
                spend.q,
                "the spend model has no finite mean spend (q <= 1)",
            ),
        ));
    }
    for r in &table.rows {
        let problem =
            history_problem(r.frequency, r.recency, r.t).or((!r.monetary_value.is_finite())
                .then_some(InputProblem::NonFinite {
                    field: "m",
                    value: r.monetary_value,
                }));
        if let Some(problem) = problem {
            return Err(Error::InvalidCustomer {
                customer: r.customer.clone(),
                problem,
            });
        }
    }
    let horizon = f64::from(options.months) * options.unit.periods_per_month();
    table
        .rows
        .par_iter()
        .map(|r| {
            let history = Customer {
                x: r.frequency,
                t_x: r.recency,
                t: r.t,
            };
            let per_purchase = if history.x > 0.0 && r.monetary_value > 0.0 {
                spend.conditional_expected_average_profit(history.x, r.monetary_value)
            } else {
                mean
            };
            Ok(CustomerClv {
                customer: r.customer.clone(),
                p_alive: model.p_alive(&history)?,
                expected_purchases: model.expected_purchases(horizon, &history)?,
                expected_spend: per_purchase,
                clv: discounted_clv(model, &history, per_purchase, options)?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::bgnbd::BgNbdParameters;

    fn model() -> BgNbdParameters {
        BgNbdParameters::new(0.243, 4.414, 0.793, 2.426).unwrap()
    }

    #[test]
    fn rejects_bad_discount_rate() {
        for d in [-1.0, f64::NAN, f64::INFINITY] {
            let options = ClvOptions {
                monthly_discount_rate: d,
                ..ClvOptions::default()
            };
            assert!(matches!(
                customer_lifetime_value(
                    &model(),
                    &Customer {
                        x: 1.0,
                        t_x: 1.0,
                        t: 2.0
                    },
                    10.0,
                    &options
                ),
                Err(Error::InvalidParameter(
                    crate::error::InvalidParameter { .. }
                ))
            ));
        }
    }

    #[test]
    fn rejects_bad_customers() {
        let o = ClvOptions::default();
        for (x, tx, t, s) in [
            (-1.0, 0.0, 2.0, 1.0),
            (1.0, 3.0, 2.0, 1.0),
            (1.0, 1.0, 0.0, 1.0),
            (1.0, 1.0, 2.0, f64::NAN),
        ] {
            assert!(matches!(
                customer_lifetime_value(&model(), &Customer { x, t_x: tx, t }, s, &o),
                Err(Error::InvalidInput { row: 0, .. })
            ));
        }
    }

    #[test]
    fn batch_rejects_mismatched_columns_and_names_rows() {
        let o = ClvOptions::default();
        assert!(matches!(
            customer_lifetime_values(&model(), &[1.0], &[1.0, 2.0], &[2.0], &[1.0], &o),
            Err(Error::EmptyInput { .. })
        ));
        assert!(matches!(
            customer_lifetime_values(
                &model(),
                &[1.0, 1.0],
                &[1.0, 3.0],
                &[2.0, 2.0],
                &[1.0, 1.0],
                &o
            ),
            Err(Error::InvalidInput { row: 1, .. })
        ));
    }

    #[test]
    fn gamma_gamma_clv_rejects_bad_spend() {
        let g = GammaGammaParameters::new(6.25, 3.74, 15.44).unwrap();
        assert!(matches!(
            g.customer_lifetime_value(
                &model(),
                &Customer {
                    x: 1.0,
                    t_x: 1.0,
                    t: 2.0
                },
                -3.0,
                &ClvOptions::default()
            ),
            Err(Error::InvalidInput { .. })
        ));
        let g = GammaGammaParameters::new(0.1, 0.5, 15.44).unwrap();
        assert!(matches!(
            g.customer_lifetime_value(
                &model(),
                &Customer {
                    x: 1.0,
                    t_x: 1.0,
                    t: 2.0
                },
                3.0,
                &ClvOptions::default()
            ),
            Err(Error::InvalidInput { .. })
        ));
    }

    #[test]
    fn batch_equals_single() {
        let o = ClvOptions {
            unit: TimeUnit::Week,
            ..ClvOptions::default()
        };
        let (x, tx, t, s) = (
            [0.0, 2.0, 7.0],
            [0.0, 30.0, 5.0],
            [38.0, 38.0, 34.0],
            [35.0, 24.0, 27.0],
        );
        let batch = customer_lifetime_values(&model(), &x, &tx, &t, &s, &o).unwrap();
        for i in 0..3 {
            let one = customer_lifetime_value(
                &model(),
                &Customer {
                    x: x[i],
                    t_x: tx[i],
                    t: t[i],
                },
                s[i],
                &o,
            )
            .unwrap();
            assert_eq!(batch[i].to_bits(), one.to_bits());
        }
    }

    #[test]
    fn zero_months_is_zero() {
        let o = ClvOptions {
            months: 0,
            ..ClvOptions::default()
        };
        assert_eq!(
            customer_lifetime_value(
                &model(),
                &Customer {
                    x: 2.0,
                    t_x: 30.0,
                    t: 38.0
                },
                20.0,
                &o
            )
            .unwrap(),
            0.0
        );
    }
}
