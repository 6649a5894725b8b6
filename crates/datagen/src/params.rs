//! The population parameters of the purchase and spend models, and the generator configuration.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::catalogue::MAX_PRODUCTS;
use crate::error::{Error, Result};
use crate::prices::{MAX_PRICED_PRODUCT_WEEKS, PriceDynamics};
use crate::seasonality::{Calendar, Seasonality};

/// The most customers one log may have (ids run from 10001, and the whole log is held in memory).
pub const MAX_CUSTOMERS: usize = 50_000_000;

/// The longest simulated span, in months (100 years).
pub const MAX_MONTHS: u32 = 1200;

/// The most purchases simulated for one customer; a customer who reaches it stops buying (counted
/// in [`GenerationRecord::truncated_customers`](crate::GenerationRecord::truncated_customers)).
/// Only extreme purchase rates get there: with the defaults the chance is nil.
pub const MAX_PURCHASES_PER_CUSTOMER: usize = 5_000;

/// The population parameters of the BG/NBD purchase-and-dropout process (Fader, Hardie & Lee 2005,
/// "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model", *Marketing
/// Science* 24(2)).
///
/// Customer *i* buys at the times of a Poisson process with rate `λ_i` purchases per **week** while
/// alive, and after each repeat purchase drops out for good with probability `p_i`:
///
/// ```text
/// λ_i ~ Gamma(shape r, rate α)      E[λ] = r / α
/// p_i ~ Beta(a, b)                  E[p] = a / (a + b)
/// ```
///
/// The first purchase (the acquisition, "time zero" of the paper) is not followed by a dropout
/// check, exactly as in the paper's likelihood.
///
/// # Examples
/// ```
/// use custalyze_datagen::BgNbdTruth;
/// let p = BgNbdTruth::default();
/// assert!((p.mean_purchase_rate() - 0.1875).abs() < 1e-12); // a purchase every ~5 weeks
/// assert!(p.validate().is_ok());
/// assert!(BgNbdTruth::new(0.0, 4.0, 0.8, 2.4).validate().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BgNbdTruth {
    /// Shape `r` of the Gamma distribution of purchase rates.
    pub r: f64,
    /// Rate `α` of the Gamma distribution of purchase rates, in weeks.
    pub alpha: f64,
    /// First shape `a` of the Beta distribution of dropout probabilities.
    pub a: f64,
    /// Second shape `b` of the Beta distribution of dropout probabilities.
    pub b: f64,
}

impl BgNbdTruth {
    /// The estimates for the CDNOW data in weeks (Fader, Hardie & Lee 2005, table 1):
    /// `r = 0.243, α = 4.414, a = 0.793, b = 2.426`. About half of such customers never buy again.
    pub const CDNOW: Self = Self {
        r: 0.243,
        alpha: 4.414,
        a: 0.793,
        b: 2.426,
    };

    /// Parameters from their four values (unchecked; see [`BgNbdTruth::validate`]).
    pub fn new(r: f64, alpha: f64, a: f64, b: f64) -> Self {
        Self { r, alpha, a, b }
    }

    /// The population's mean purchase rate while alive, `r / α` purchases per week.
    pub fn mean_purchase_rate(&self) -> f64 {
        self.r / self.alpha
    }

    /// The population's mean dropout probability after a repeat purchase, `a / (a + b)`.
    pub fn mean_dropout(&self) -> f64 {
        self.a / (self.a + self.b)
    }

    /// Checks that every parameter is finite and positive.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad parameter.
    pub fn validate(&self) -> Result<()> {
        positive("bgnbd.r", self.r)?;
        positive("bgnbd.alpha", self.alpha)?;
        positive("bgnbd.a", self.a)?;
        positive("bgnbd.b", self.b)
    }
}

impl Default for BgNbdTruth {
    /// A livelier population than CDNOW's: `r = 0.75, α = 4.0` (a mean rate of 0.1875 purchases a
    /// week, one every ~5 weeks) and `a = 0.8, b = 2.4` (a mean dropout probability of 0.25), so
    /// most customers buy again and the log has enough repeat purchases for every analysis.
    fn default() -> Self {
        Self {
            r: 0.75,
            alpha: 4.0,
            a: 0.8,
            b: 2.4,
        }
    }
}

/// The population parameters of the Gamma-Gamma spend model (Fader & Hardie 2013, "The
/// Gamma-Gamma Model of Monetary Value"; Colombo & Jiang 1999).
///
/// Each customer has a spend scale `ν_i`, and each of their orders has a value `z` drawn
/// independently of the purchase process:
///
/// ```text
/// ν_i ~ Gamma(shape q, rate γ)
/// z   ~ Gamma(shape p, rate ν_i)          E[z | ν_i] = p / ν_i
/// E[z] = p γ / (q - 1)                    (q > 1)
/// ```
///
/// Scaling `γ` by `c` scales every order value by `c`.
///
/// # Examples
/// ```
/// use custalyze_datagen::GammaGammaTruth;
/// let cdnow = GammaGammaTruth::CDNOW;
/// assert!((cdnow.mean_order_value().unwrap_or(0.0) - 35.22).abs() < 0.01);
/// let retail = GammaGammaTruth::default(); // γ doubled: orders of ~70 currency units
/// assert!((retail.mean_order_value().unwrap_or(0.0) - 70.44).abs() < 0.01);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GammaGammaTruth {
    /// Shape `p` of an order's value given the customer.
    pub p: f64,
    /// Shape `q` of the Gamma distribution of spend scales.
    pub q: f64,
    /// Rate `γ` of the Gamma distribution of spend scales, in currency units.
    pub gamma: f64,
}

impl GammaGammaTruth {
    /// The estimates for the CDNOW data in dollars (Fader & Hardie 2013): `p = 6.25, q = 3.74,
    /// γ = 15.44`, a mean order value of $35.22.
    pub const CDNOW: Self = Self {
        p: 6.25,
        q: 3.74,
        gamma: 15.44,
    };

    /// Parameters from their three values (unchecked; see [`GammaGammaTruth::validate`]).
    pub fn new(p: f64, q: f64, gamma: f64) -> Self {
        Self { p, q, gamma }
    }

    /// The population's mean order value `p γ / (q - 1)`, or `None` when `q <= 1` (no finite mean).
    pub fn mean_order_value(&self) -> Option<f64> {
        (self.q > 1.0).then(|| self.p * self.gamma / (self.q - 1.0))
    }

    /// Checks that every parameter is finite and positive.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad parameter.
    pub fn validate(&self) -> Result<()> {
        positive("spend.p", self.p)?;
        positive("spend.q", self.q)?;
        positive("spend.gamma", self.gamma)
    }
}

impl Default for GammaGammaTruth {
    /// CDNOW's `p = 6.25, q = 3.74` with `γ = 30.88` (CDNOW's 15.44 doubled), so that the mean
    /// order is ~70.4 currency units: a few items of a gift-ware catalogue priced ~3 each, in
    /// several units.
    fn default() -> Self {
        Self {
            p: 6.25,
            q: 3.74,
            gamma: 30.88,
        }
    }
}

/// Everything the generator needs: the population, the catalogue, the calendar and the share of
/// cancellations and bad rows. Same configuration, same bytes.
///
/// Build it from [`GeneratorConfig::default`] with the consuming setters, then call
/// [`generate`](crate::generate), which validates it first.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `customers` | 2000 | customers simulated (ids 10001, 10002, ...) |
/// | `seed` | 42 | the seed of the ChaCha8 generator |
/// | `start` | 2022-01-01 | first day of the simulated span |
/// | `months` | 24 | length of the span |
/// | `acquisition_fraction` | 1/3 | first purchases fall in this leading share of the span |
/// | `products` | 120 | catalogue size |
/// | `bundles` | 8 | groups of 2 to 4 items bought together |
/// | `bundle_rate` | 0.3 | share of orders that contain one bundle |
/// | `zipf_exponent` | 0.8 | item popularity `∝ rank^-s` |
/// | `lines_per_order` | 4.5 | mean number of distinct items in an order |
/// | `price_median` | 3.0 | median unit price (log-normal, times a category factor) |
/// | `price_sigma` | 0.6 | log-scale spread of unit prices |
/// | `bgnbd` | [`BgNbdTruth::default`] | purchase and dropout process |
/// | `spend` | [`GammaGammaTruth::default`] | order values |
/// | `seasonality` | [`Seasonality::default`] | weekday, month and hour-of-day weights |
/// | `home_country_share` | 0.9 | customers in the United Kingdom |
/// | `cancellation_rate` | 0.02 | share of orders followed by a cancellation invoice |
/// | `bad_row_rate` | 0.01 | share of bad rows in the file |
/// | `prices` | `None` | moving prices, elasticities, lifecycles, unit costs ([`PriceDynamics`]) |
///
/// # Examples
/// ```
/// use custalyze_datagen::GeneratorConfig;
/// let config = GeneratorConfig::default().customers(500).seed(7).months(12);
/// assert!(config.validate().is_ok());
/// assert!(config.clone().customers(0).validate().is_err());
/// assert!(config.bad_row_rate(1.0).validate().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GeneratorConfig {
    /// Number of customers (at least 1, at most [`MAX_CUSTOMERS`]).
    pub customers: usize,
    /// Seed of the random number generator.
    pub seed: u64,
    /// First day of the simulated span.
    pub start: NaiveDate,
    /// Length of the span in months (1 to [`MAX_MONTHS`]); it ends before `start + months`.
    pub months: u32,
    /// Share of the span, from its start, over which first purchases are spread (in `(0, 1]`),
    /// more of them in busy months.
    pub acquisition_fraction: f64,
    /// Number of products in the catalogue (2 to [`MAX_PRODUCTS`]).
    pub products: usize,
    /// Number of bundles: disjoint groups of 2 to 4 products that share a colour and a style and
    /// are bought together (`4 * bundles <= products`, at most 200).
    pub bundles: usize,
    /// Share of orders that contain (all the items of) one bundle, in `[0, 1]`.
    pub bundle_rate: f64,
    /// Exponent `s` of the Zipf-like popularity of items, weight `∝ (rank + 1)^-s` (`>= 0`).
    pub zipf_exponent: f64,
    /// Mean number of distinct items in an order before the budget trims it (`>= 1`).
    pub lines_per_order: f64,
    /// Median unit price in currency units (`> 0`), times a per-category factor.
    pub price_median: f64,
    /// Log-scale standard deviation of unit prices (`>= 0`).
    pub price_sigma: f64,
    /// The BG/NBD population parameters.
    pub bgnbd: BgNbdTruth,
    /// The Gamma-Gamma population parameters.
    pub spend: GammaGammaTruth,
    /// Weekday, month and time-of-day weights.
    pub seasonality: Seasonality,
    /// Share of customers in the United Kingdom, in `[0, 1]`; the rest are spread over other
    /// countries.
    pub home_country_share: f64,
    /// Share of orders followed by a cancellation invoice (`C<number>`), in `[0, 1)`.
    pub cancellation_rate: f64,
    /// Share of the file's rows that are bad (missing customer, unparsable date, zero or negative
    /// price, zero quantity, return), in `[0, 1)`.
    pub bad_row_rate: f64,
    /// Moving prices with a known elasticity per product, lifecycles, unit costs and a stock
    /// snapshot ([`crate::prices`]); `None` (the default): every product at one price all span.
    pub prices: Option<PriceDynamics>,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        Self {
            customers: 2000,
            seed: 42,
            start: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default(),
            months: 24,
            acquisition_fraction: 1.0 / 3.0,
            products: 120,
            bundles: 8,
            bundle_rate: 0.3,
            zipf_exponent: 0.8,
            lines_per_order: 4.5,
            price_median: 3.0,
            price_sigma: 0.6,
            bgnbd: BgNbdTruth::default(),
            spend: GammaGammaTruth::default(),
            seasonality: Seasonality::default(),
            home_country_share: 0.9,
            cancellation_rate: 0.02,
            bad_row_rate: 0.01,
            prices: None,
        }
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {
        $(
            $(#[$doc])*
            #[must_use]
            pub fn $name(mut self, value: $ty) -> Self {
                self.$name = value;
                self
            }
        )*
    };
}

impl GeneratorConfig {
    setters! {
        /// Sets the number of customers.
        customers: usize;
        /// Sets the seed.
        seed: u64;
        /// Sets the first day of the span.
        start: NaiveDate;
        /// Sets the length of the span in months.
        months: u32;
        /// Sets the share of the span over which customers are acquired.
        acquisition_fraction: f64;
        /// Sets the catalogue size.
        products: usize;
        /// Sets the number of bundles.
        bundles: usize;
        /// Sets the share of orders that contain a bundle.
        bundle_rate: f64;
        /// Sets the Zipf exponent of item popularity.
        zipf_exponent: f64;
        /// Sets the mean number of distinct items per order.
        lines_per_order: f64;
        /// Sets the median unit price.
        price_median: f64;
        /// Sets the log-scale spread of unit prices.
        price_sigma: f64;
        /// Sets the BG/NBD population parameters.
        bgnbd: BgNbdTruth;
        /// Sets the Gamma-Gamma population parameters.
        spend: GammaGammaTruth;
        /// Sets the seasonality.
        seasonality: Seasonality;
        /// Sets the share of customers in the United Kingdom.
        home_country_share: f64;
        /// Sets the share of orders that are (partly) cancelled.
        cancellation_rate: f64;
        /// Sets the share of bad rows.
        bad_row_rate: f64;
        /// Sets the price dynamics (`None`: constant prices).
        prices: Option<PriceDynamics>;
    }

    /// Checks every field against its documented range.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad field (`seasonality` when the weights are
    /// zero on every day of the span or of the acquisition window), or [`Error::DateRange`] when the
    /// span does not fit the calendar.
    pub fn validate(&self) -> Result<()> {
        if self.customers == 0 || self.customers > MAX_CUSTOMERS {
            return Err(invalid(
                "customers",
                self.customers,
                "1 to 50000000 customers",
            ));
        }
        if self.months == 0 || self.months > MAX_MONTHS {
            return Err(invalid("months", self.months, "1 to 1200 months"));
        }
        self.end()?;
        if !(self.acquisition_fraction > 0.0 && self.acquisition_fraction <= 1.0) {
            return Err(invalid(
                "acquisition_fraction",
                self.acquisition_fraction,
                "a share in (0, 1]",
            ));
        }
        if self.products < 2 || self.products > MAX_PRODUCTS {
            return Err(invalid("products", self.products, "2 to 5400 products"));
        }
        if self.bundles > 200 || self.bundles * 4 > self.products {
            return Err(invalid(
                "bundles",
                self.bundles,
                "at most 200 bundles and 4 * bundles <= products",
            ));
        }
        unit_interval("bundle_rate", self.bundle_rate)?;
        if !(self.zipf_exponent.is_finite() && self.zipf_exponent >= 0.0) {
            return Err(invalid(
                "zipf_exponent",
                self.zipf_exponent,
                "a finite number >= 0",
            ));
        }
        if !(self.lines_per_order.is_finite() && (1.0..=100.0).contains(&self.lines_per_order)) {
            return Err(invalid(
                "lines_per_order",
                self.lines_per_order,
                "a number from 1 to 100",
            ));
        }
        positive("price_median", self.price_median)?;
        if !(self.price_sigma.is_finite() && (0.0..=3.0).contains(&self.price_sigma)) {
            return Err(invalid(
                "price_sigma",
                self.price_sigma,
                "a number from 0 to 3",
            ));
        }
        self.bgnbd.validate()?;
        self.spend.validate()?;
        self.seasonality.validate()?;
        unit_interval("home_country_share", self.home_country_share)?;
        rate("cancellation_rate", self.cancellation_rate)?;
        rate("bad_row_rate", self.bad_row_rate)?;
        if let Some(prices) = &self.prices {
            prices.check()?;
            let days = (self.end()? - self.start).num_days().max(1) as usize;
            let weeks = days.div_ceil(7) + 1;
            if weeks.saturating_mul(self.products) > MAX_PRICED_PRODUCT_WEEKS {
                return Err(invalid(
                    "prices",
                    format!("{} products x {weeks} weeks", self.products),
                    "at most 10,000,000 product-weeks with moving prices",
                ));
            }
        }
        // Seasonal weights that vanish on every day of the span or of the acquisition window.
        Calendar::new(self).map(|_| ())
    }

    /// The day after the span: `start + months`.
    ///
    /// # Errors
    /// [`Error::DateRange`] when it does not fit the calendar.
    pub fn end(&self) -> Result<NaiveDate> {
        self.start
            .checked_add_months(chrono::Months::new(self.months))
            .ok_or(Error::DateRange {
                start: self.start,
                months: self.months,
            })
    }
}

fn invalid(name: &'static str, value: impl std::fmt::Display, expected: &'static str) -> Error {
    Error::InvalidParameter(crate::error::InvalidParameter::new(name, value, expected))
}

/// Finite and `> 0`.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(invalid(name, value, "a finite number > 0"))
    }
}

/// In `[0, 1]`.
fn unit_interval(name: &'static str, value: f64) -> Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(invalid(name, value, "a share in [0, 1]"))
    }
}

/// In `[0, 1)`.
fn rate(name: &'static str, value: f64) -> Result<()> {
    if (0.0..1.0).contains(&value) {
        Ok(())
    } else {
        Err(invalid(name, value, "a rate in [0, 1)"))
    }
}

/// Checks a weight vector: finite, non-negative, with a positive sum.
pub(crate) fn weights(name: &'static str, values: &[f64]) -> Result<()> {
    if let Some(bad) = values.iter().find(|v| !(v.is_finite() && **v >= 0.0)) {
        return Err(invalid(name, bad, "finite weights >= 0"));
    }
    if values.iter().sum::<f64>() <= 0.0 {
        return Err(invalid(
            name,
            format!("{values:?}"),
            "at least one positive weight",
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    /// The name of the parameter a configuration is rejected for.
    fn rejected(config: GeneratorConfig) -> &'static str {
        match config.validate() {
            Err(Error::InvalidParameter(crate::error::InvalidParameter { name, .. })) => name,
            other => panic!("expected InvalidParameter, got {other:?}"),
        }
    }

    fn base() -> GeneratorConfig {
        GeneratorConfig::default()
    }

    #[test]
    fn defaults_validate() {
        base().validate().unwrap();
        BgNbdTruth::CDNOW.validate().unwrap();
        GammaGammaTruth::CDNOW.validate().unwrap();
    }

    #[test]
    fn customers_must_be_positive_and_bounded() {
        assert_eq!(rejected(base().customers(0)), "customers");
        assert_eq!(rejected(base().customers(MAX_CUSTOMERS + 1)), "customers");
        base().customers(1).validate().unwrap();
    }

    #[test]
    fn months_must_be_in_range() {
        assert_eq!(rejected(base().months(0)), "months");
        assert_eq!(rejected(base().months(MAX_MONTHS + 1)), "months");
    }

    #[test]
    fn span_must_fit_the_calendar() {
        let config = base()
            .start(NaiveDate::MAX - chrono::Days::new(10))
            .months(12);
        assert!(matches!(
            config.validate(),
            Err(Error::DateRange { months: 12, .. })
        ));
    }

    #[test]
    fn acquisition_fraction_must_be_a_positive_share() {
        for bad in [0.0, -0.1, 1.5, f64::NAN] {
            assert_eq!(
                rejected(base().acquisition_fraction(bad)),
                "acquisition_fraction"
            );
        }
        base().acquisition_fraction(1.0).validate().unwrap();
    }

    #[test]
    fn products_must_be_in_range() {
        assert_eq!(rejected(base().products(1).bundles(0)), "products");
        assert_eq!(rejected(base().products(MAX_PRODUCTS + 1)), "products");
    }

    #[test]
    fn bundles_must_fit_the_catalogue() {
        assert_eq!(rejected(base().products(20).bundles(6)), "bundles");
        assert_eq!(rejected(base().products(5000).bundles(201)), "bundles");
        base().products(20).bundles(5).validate().unwrap();
    }

    #[test]
    fn bundle_rate_must_be_a_share() {
        assert_eq!(rejected(base().bundle_rate(1.1)), "bundle_rate");
        assert_eq!(rejected(base().bundle_rate(f64::NAN)), "bundle_rate");
    }

    #[test]
    fn zipf_exponent_must_be_non_negative() {
        assert_eq!(rejected(base().zipf_exponent(-1.0)), "zipf_exponent");
        assert_eq!(
            rejected(base().zipf_exponent(f64::INFINITY)),
            "zipf_exponent"
        );
        base().zipf_exponent(0.0).validate().unwrap();
    }

    #[test]
    fn lines_per_order_must_be_at_least_one() {
        assert_eq!(rejected(base().lines_per_order(0.5)), "lines_per_order");
        assert_eq!(
            rejected(base().lines_per_order(f64::NAN)),
            "lines_per_order"
        );
        base().lines_per_order(1.0).validate().unwrap();
    }

    #[test]
    fn prices_must_be_sane() {
        assert_eq!(rejected(base().price_median(0.0)), "price_median");
        assert_eq!(rejected(base().price_sigma(-0.1)), "price_sigma");
        assert_eq!(rejected(base().price_sigma(f64::NAN)), "price_sigma");
    }

    #[test]
    fn bgnbd_parameters_must_be_positive_and_finite() {
        let p = BgNbdTruth::default();
        assert_eq!(
            rejected(base().bgnbd(BgNbdTruth { r: 0.0, ..p })),
            "bgnbd.r"
        );
        assert_eq!(
            rejected(base().bgnbd(BgNbdTruth {
                alpha: f64::NAN,
                ..p
            })),
            "bgnbd.alpha"
        );
        assert_eq!(
            rejected(base().bgnbd(BgNbdTruth { a: -1.0, ..p })),
            "bgnbd.a"
        );
        assert_eq!(
            rejected(base().bgnbd(BgNbdTruth {
                b: f64::INFINITY,
                ..p
            })),
            "bgnbd.b"
        );
    }

    #[test]
    fn gamma_gamma_parameters_must_be_positive_and_finite() {
        let p = GammaGammaTruth::default();
        assert_eq!(
            rejected(base().spend(GammaGammaTruth { p: 0.0, ..p })),
            "spend.p"
        );
        assert_eq!(
            rejected(base().spend(GammaGammaTruth { q: f64::NAN, ..p })),
            "spend.q"
        );
        assert_eq!(
            rejected(base().spend(GammaGammaTruth { gamma: -2.0, ..p })),
            "spend.gamma"
        );
        assert_eq!(GammaGammaTruth { q: 1.0, ..p }.mean_order_value(), None);
    }

    #[test]
    fn seasonality_weights_must_be_usable() {
        let mut s = Seasonality::default();
        s.weekday[2] = -1.0;
        assert_eq!(rejected(base().seasonality(s)), "seasonality.weekday");
        let s = Seasonality {
            month: [0.0; 12],
            ..Seasonality::default()
        };
        assert_eq!(rejected(base().seasonality(s)), "seasonality.month");
        let mut s = Seasonality::default();
        s.hour[0] = f64::NAN;
        assert_eq!(rejected(base().seasonality(s)), "seasonality.hour");
        // Positive weights, but none in the span's months.
        let mut month = [0.0; 12];
        month[11] = 1.0;
        let s = Seasonality {
            month,
            ..Seasonality::default()
        };
        assert_eq!(rejected(base().months(6).seasonality(s)), "seasonality");
        // ... or none in the acquisition window (January to April of a 12-month span).
        assert_eq!(rejected(base().months(12).seasonality(s)), "seasonality");
    }

    #[test]
    fn home_country_share_must_be_a_share() {
        assert_eq!(
            rejected(base().home_country_share(-0.01)),
            "home_country_share"
        );
        base().home_country_share(1.0).validate().unwrap();
    }

    #[test]
    fn rates_must_be_in_zero_one() {
        assert_eq!(rejected(base().cancellation_rate(1.0)), "cancellation_rate");
        assert_eq!(
            rejected(base().cancellation_rate(-0.1)),
            "cancellation_rate"
        );
        assert_eq!(rejected(base().bad_row_rate(1.0)), "bad_row_rate");
        assert_eq!(rejected(base().bad_row_rate(f64::NAN)), "bad_row_rate");
        base()
            .cancellation_rate(0.0)
            .bad_row_rate(0.0)
            .validate()
            .unwrap();
    }

    #[test]
    fn generate_rejects_an_invalid_config() {
        assert!(matches!(
            crate::generate(&base().customers(0)),
            Err(Error::InvalidParameter(crate::error::InvalidParameter {
                name: "customers",
                ..
            }))
        ));
    }

    #[test]
    fn public_types_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<GeneratorConfig>();
        check::<crate::GeneratedLog>();
        check::<crate::GenerationRecord>();
        check::<Error>();
    }
}
