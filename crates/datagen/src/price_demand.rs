//! Product-level demand that responds to price: weekly price paths with list-price changes and
//! temporary promotions, log-log demand with a known elasticity per product, promotion lift and
//! post-promotion dip, annual seasonality, a product lifecycle (launch, growth, maturity,
//! decline), intermittent sellers and unit costs. The truth of every product is kept, so that
//! elasticity estimates, price recommendations, demand forecasts and stock policies can be
//! checked against what generated the data.
//!
//! # Model
//! For product `i` in week `w` (0-based from [`PriceDemandConfig::start`]):
//!
//! ```text
//! price_iw  = list_iw · (1 - discount_iw)                    (discount 0 outside promotions)
//! E[q_iw]   = base_i · life_i(w) · season_i(w) · (price_iw / base_price_i)^ε_i
//!             · exp(γ_i · promo_iw − δ_i · post_iw) · exp(σ z_iw),   z ~ N(0, 1)
//! q_iw      ~ Poisson(E[q_iw])
//! ```
//!
//! `list_iw` starts at `base_price_i` and is multiplied by `exp(N(0, list_change_sd))` at the weeks
//! of a Bernoulli(`list_change_rate`) process; a promotion starts in a non-promotion week with
//! probability `promo_rate`, lasts 1 to 3 weeks and takes 10% to 40% off; `post_iw` is 1 in the
//! week after a promotion. `season_i(w) = exp(a_i sin(2π w / 52.18 + φ_i))`. `life_i(w)` is 0
//! before launch, rises linearly over the growth weeks, is 1 at maturity and falls by
//! `exp(−decline_rate · weeks since decline start)` in decline. Elasticities are uniform on
//! [`PriceDemandConfig::elasticity_range`] (by default -3 to -0.5, so about a fifth of the
//! products are inelastic); intermittent products have a base of 0.2 to 1.5 units a week, the
//! others a log-normal base around [`PriceDemandConfig::median_weekly_units`].
//!
//! The units of a week are sold in lines of 1 to 3 units to customers of a pool, on days of the
//! week drawn uniformly, each line its own order, at the week's price.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal, Poisson};
use serde::{Deserialize, Serialize};

use crate::error::{Error, InvalidParameter, Result, distribution};

/// The most products of one generated panel.
pub const MAX_PANEL_PRODUCTS: usize = 100_000;
/// The most weeks of one generated panel (20 years).
pub const MAX_PANEL_WEEKS: usize = 1_043;
/// The most units of one product in one week (a guard against extreme settings).
const MAX_WEEKLY_UNITS: f64 = 1e6;
/// Weeks in a year, for the seasonal cycle.
const WEEKS_PER_YEAR: f64 = 365.25 / 7.0;

/// Settings of [`generate_price_demand`]; `PriceDemandConfig::default()` then the public fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PriceDemandConfig {
    /// Seed of the random streams: the same seed gives the same panel.
    pub seed: u64,
    /// Number of products (default 200).
    pub products: usize,
    /// Number of weeks (default 156, three years).
    pub weeks: usize,
    /// The Monday of week 0 (default 2021-01-04).
    pub start: NaiveDate,
    /// Number of categories products are spread over (default 8).
    pub categories: usize,
    /// Median base demand of regular products, units a week at maturity (default 25).
    pub median_weekly_units: f64,
    /// Share of intermittent products, 0.2 to 1.5 units a week (default 0.15).
    pub intermittent_share: f64,
    /// Elasticities are uniform on this range (default `(-3.0, -0.5)`).
    pub elasticity_range: (f64, f64),
    /// Probability that a non-promotion week starts a promotion (default 0.06).
    pub promo_rate: f64,
    /// Probability of a list-price change in a week (default 0.03).
    pub list_change_rate: f64,
    /// Standard deviation of the log of a list-price change (default 0.10).
    pub list_change_sd: f64,
    /// Standard deviation `σ` of the weekly log-normal demand shock (default 0.15).
    pub demand_noise_sd: f64,
    /// Size of the customer pool the units are sold to (default 5,000).
    pub customers: usize,
}

impl Default for PriceDemandConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            products: 200,
            weeks: 156,
            start: NaiveDate::from_ymd_opt(2021, 1, 4).unwrap_or_default(),
            categories: 8,
            median_weekly_units: 25.0,
            intermittent_share: 0.15,
            elasticity_range: (-3.0, -0.5),
            promo_rate: 0.06,
            list_change_rate: 0.03,
            list_change_sd: 0.10,
            demand_noise_sd: 0.15,
            customers: 5_000,
        }
    }
}

fn invalid(name: &'static str, value: impl std::fmt::Display, reason: &'static str) -> Error {
    Error::InvalidParameter(InvalidParameter::new(name, value, reason))
}

impl PriceDemandConfig {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad setting.
    pub fn check(&self) -> Result<()> {
        if !(1..=MAX_PANEL_PRODUCTS).contains(&self.products) {
            return Err(invalid("products", self.products, "must be 1 to 100,000"));
        }
        if !(1..=MAX_PANEL_WEEKS).contains(&self.weeks) {
            return Err(invalid(
                "weeks",
                self.weeks,
                "must be 1 to 1,043 (20 years)",
            ));
        }
        if self.categories == 0 {
            return Err(invalid("categories", 0, "must be at least 1"));
        }
        if self.customers == 0 {
            return Err(invalid("customers", 0, "must be at least 1"));
        }
        if !(self.median_weekly_units > 0.0 && self.median_weekly_units <= 1e5) {
            return Err(invalid(
                "median_weekly_units",
                self.median_weekly_units,
                "must be positive and at most 100,000",
            ));
        }
        let (lo, hi) = self.elasticity_range;
        if !(lo.is_finite() && hi.is_finite() && lo <= hi && hi < 0.0 && lo >= -20.0) {
            return Err(invalid(
                "elasticity_range",
                format!("({lo}, {hi})"),
                "must be finite with -20 <= low <= high < 0",
            ));
        }
        for (name, v) in [
            ("intermittent_share", self.intermittent_share),
            ("promo_rate", self.promo_rate),
            ("list_change_rate", self.list_change_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(invalid(name, v, "must be a probability in [0, 1]"));
            }
        }
        for (name, v) in [
            ("list_change_sd", self.list_change_sd),
            ("demand_noise_sd", self.demand_noise_sd),
        ] {
            if !(0.0..=2.0).contains(&v) {
                return Err(invalid(name, v, "must be in [0, 2]"));
            }
        }
        self.start
            .checked_add_signed(Duration::weeks(self.weeks as i64))
            .ok_or(Error::DateRange {
                start: self.start,
                months: (self.weeks / 4) as u32,
            })?;
        Ok(())
    }
}

/// A product's lifecycle stage in a week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum LifecycleStage {
    /// Not on sale yet.
    PreLaunch,
    /// Launched, demand rising.
    Growth,
    /// Steady demand.
    Maturity,
    /// Demand falling.
    Decline,
}

/// What generated one product's demand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductDemandTruth {
    /// The item id written in the log (`P00001`, ...).
    pub item: String,
    /// Its category (`C1`, ...).
    pub category: String,
    /// The reference price: the first list price, where demand is `base` units a week.
    pub base_price: f64,
    /// Cost of one unit.
    pub unit_cost: f64,
    /// The price elasticity `ε` of demand.
    pub elasticity: f64,
    /// Log lift `γ` of demand in promotion weeks beyond the price effect.
    pub promo_lift: f64,
    /// Log dip `δ` of demand in the week after a promotion.
    pub post_promo_dip: f64,
    /// Units a week at maturity, base price, no season.
    pub base_weekly_units: f64,
    /// Whether the product is an intermittent seller.
    pub intermittent: bool,
    /// Seasonal amplitude `a` (log scale).
    pub season_amplitude: f64,
    /// Seasonal phase `φ`, radians.
    pub season_phase: f64,
    /// The week of launch (0 when on sale from the start).
    pub launch_week: usize,
    /// The first week of maturity.
    pub maturity_week: usize,
    /// The first week of decline (past the panel when the product does not decline).
    pub decline_week: usize,
    /// Log decline per week.
    pub decline_rate: f64,
    /// The list (regular) price of each week.
    pub list_price: Vec<f64>,
    /// The price of each week (the list price less the promotion discount).
    pub price: Vec<f64>,
    /// Whether each week is a promotion week.
    pub promo: Vec<bool>,
    /// The expected units of each week, `E[q_iw]` without the demand shock.
    pub expected_units: Vec<f64>,
    /// The units sold each week.
    pub units: Vec<u64>,
    /// The lifecycle stage of each week.
    pub stage: Vec<LifecycleStage>,
}

/// One line of the generated log.
#[derive(Clone, Debug, PartialEq)]
pub struct PanelLine {
    /// Customer id.
    pub customer: u64,
    /// Order id.
    pub order: u64,
    /// When.
    pub timestamp: NaiveDateTime,
    /// Index into [`PriceDemandLog::products`].
    pub product: usize,
    /// Units.
    pub quantity: u64,
    /// Unit price.
    pub unit_price: f64,
}

/// A generated log with the truth of every product.
#[derive(Clone, Debug)]
pub struct PriceDemandLog {
    /// The settings used.
    pub config: PriceDemandConfig,
    /// The lines, by time.
    pub lines: Vec<PanelLine>,
    /// The truth of each product.
    pub products: Vec<ProductDemandTruth>,
}

/// The header of [`PriceDemandLog::write_csv`], readable with the generic schema's default
/// column names.
pub const PANEL_HEADER: [&str; 6] = [
    "customer_id",
    "order_id",
    "date",
    "item_id",
    "quantity",
    "unit_price",
];

impl PriceDemandLog {
    /// Writes the log as CSV ([`PANEL_HEADER`]; dates `%Y-%m-%d %H:%M:%S`, prices with two
    /// decimals).
    ///
    /// # Errors
    /// [`Error::Csv`] or [`Error::Io`] when writing fails.
    pub fn write_csv<W: std::io::Write>(&self, writer: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(PANEL_HEADER)?;
        for l in &self.lines {
            let item = self.products.get(l.product).map_or("", |p| p.item.as_str());
            w.write_record([
                l.customer.to_string(),
                l.order.to_string(),
                l.timestamp.format("%Y-%m-%d %H:%M:%S").to_string(),
                item.to_string(),
                l.quantity.to_string(),
                format!("{:.2}", l.unit_price),
            ])?;
        }
        w.flush()?;
        Ok(())
    }

    /// The lines as a [`custalyze_transaction_types::TransactionLog`] (what loading
    /// [`PriceDemandLog::write_csv`]'s output with the generic schema gives, without the text
    /// round trip).
    ///
    /// # Errors
    /// [`Error::Log`] (not expected: the lines are valid by construction).
    pub fn transaction_log(&self) -> Result<custalyze_transaction_types::TransactionLog> {
        use custalyze_transaction_types::{Id, Transaction, TransactionLog};
        let items: Vec<Id> = self
            .products
            .iter()
            .map(|p| Id::from(p.item.as_str()))
            .collect();
        let rows = self
            .lines
            .iter()
            .map(|l| {
                Transaction::new(
                    Id::Int(i64::try_from(l.customer).unwrap_or(i64::MAX)),
                    Id::Int(i64::try_from(l.order).unwrap_or(i64::MAX)),
                    l.timestamp,
                    items.get(l.product).cloned(),
                    l.quantity as f64,
                    l.unit_price,
                )
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(TransactionLog::from_transactions(rows)?)
    }

    /// Writes one row per product: `item_id,category,unit_cost` (the side file the pricing and
    /// inventory commands read for categories and costs).
    ///
    /// # Errors
    /// [`Error::Csv`] or [`Error::Io`] when writing fails.
    pub fn write_items_csv<W: std::io::Write>(&self, writer: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(writer);
        w.write_record(["item_id", "category", "unit_cost"])?;
        for p in &self.products {
            w.write_record([
                p.item.clone(),
                p.category.clone(),
                format!("{:.2}", p.unit_cost),
            ])?;
        }
        w.flush()?;
        Ok(())
    }
}

/// A product's price in one week.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct WeekPrice {
    /// The list (regular) price.
    pub list: f64,
    /// The price charged: the list price less any promotion discount, rounded to cents.
    pub price: f64,
    /// Whether the week is a promotion week.
    pub promo: bool,
    /// Whether the week follows a promotion.
    pub post: bool,
}

/// A weekly price path: list-price changes by `exp(N(0, sd))` at the weeks of a
/// Bernoulli(`list_change_rate`) process, and promotions that start in a non-promotion week (not
/// the one right after a promotion) with probability `promo_rate`, last 1 to 3 weeks and take 10%
/// to 40% off.
pub(crate) struct PricePath {
    list: f64,
    promo_left: usize,
    discount: f64,
    was_promo: bool,
}

impl PricePath {
    /// A path starting at the list price `base`.
    pub(crate) fn new(base: f64) -> Self {
        Self {
            list: base,
            promo_left: 0,
            discount: 0.0,
            was_promo: false,
        }
    }

    /// The price of week `w` (weeks are stepped in order from 0).
    pub(crate) fn step<R: Rng>(
        &mut self,
        w: usize,
        rng: &mut R,
        list_change_rate: f64,
        list_step: &Normal<f64>,
        promo_rate: f64,
    ) -> WeekPrice {
        if w > 0 && rng.random::<f64>() < list_change_rate {
            self.list = (self.list * list_step.sample(rng).exp() * 100.0)
                .round()
                .max(10.0)
                / 100.0;
        }
        if self.promo_left == 0 && !self.was_promo && rng.random::<f64>() < promo_rate {
            self.promo_left = 1 + (rng.random::<f64>() * 3.0) as usize;
            self.discount = 0.1 + 0.3 * rng.random::<f64>();
        }
        let promo = self.promo_left > 0;
        self.promo_left = self.promo_left.saturating_sub(1);
        let post = self.was_promo && !promo;
        self.was_promo = promo;
        let price = if promo {
            (self.list * (1.0 - self.discount) * 100.0).round().max(1.0) / 100.0
        } else {
            self.list
        };
        WeekPrice {
            list: self.list,
            price,
            promo,
            post,
        }
    }
}

/// A product's lifecycle: on sale from `launch_week`, demand rising linearly over the growth
/// weeks to maturity, falling by `exp(−decline_rate · weeks)` from `decline_week`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LifecycleCurve {
    pub launch_week: usize,
    pub growth: usize,
    pub maturity_week: usize,
    /// `usize::MAX` when the product does not decline.
    pub decline_week: usize,
    pub decline_rate: f64,
}

impl LifecycleCurve {
    /// A third of the products launch in the first 40% of `weeks` (when `may_launch`), growing
    /// for 8 to 23 weeks; a quarter decline from a week in the second half, by 1% to 4% a week.
    pub(crate) fn draw<R: Rng>(rng: &mut R, weeks: usize, may_launch: bool) -> Self {
        let launch = rng.random::<f64>() < 1.0 / 3.0;
        let launch_week = if launch {
            (rng.random::<f64>() * weeks as f64 * 0.4) as usize
        } else {
            0
        };
        let launch_week = if may_launch { launch_week } else { 0 };
        let growth = 8 + (rng.random::<f64>() * 16.0) as usize;
        let maturity_week = if launch_week == 0 {
            0
        } else {
            launch_week + growth
        };
        let decline_week = if rng.random::<f64>() < 0.25 {
            weeks / 2 + (rng.random::<f64>() * weeks as f64 * 0.4) as usize
        } else {
            usize::MAX
        };
        let decline_rate = 0.01 + 0.03 * rng.random::<f64>();
        Self {
            launch_week,
            growth,
            maturity_week,
            decline_week,
            decline_rate,
        }
    }

    /// The demand factor and stage of week `w`.
    pub(crate) fn at(&self, w: usize) -> (f64, LifecycleStage) {
        if w < self.launch_week {
            (0.0, LifecycleStage::PreLaunch)
        } else if w < self.maturity_week {
            (
                (w + 1 - self.launch_week) as f64 / (self.growth + 1) as f64,
                LifecycleStage::Growth,
            )
        } else if w < self.decline_week {
            (1.0, LifecycleStage::Maturity)
        } else {
            (
                (-self.decline_rate * (w - self.decline_week) as f64).exp(),
                LifecycleStage::Decline,
            )
        }
    }
}

/// Generates a product panel (see the [module docs](self) for the model).
///
/// # Errors
/// [`Error::InvalidParameter`] for bad settings ([`PriceDemandConfig::check`]).
///
/// # Examples
/// ```
/// use custalyze_datagen::{PriceDemandConfig, generate_price_demand};
/// let config = PriceDemandConfig { products: 5, weeks: 52, ..PriceDemandConfig::default() };
/// let panel = generate_price_demand(&config)?;
/// assert_eq!(panel.products.len(), 5);
/// let sold: u64 = panel.lines.iter().map(|l| l.quantity).sum();
/// let truth: u64 = panel.products.iter().flat_map(|p| p.units.iter()).sum();
/// assert_eq!(sold, truth);
/// # Ok::<(), custalyze_datagen::Error>(())
/// ```
pub fn generate_price_demand(config: &PriceDemandConfig) -> Result<PriceDemandLog> {
    config.check()?;
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed ^ 0x5052_4943_4544_454d);
    let price_dist = LogNormal::new(2.0, 0.8).map_err(distribution("LogNormal"))?;
    let units_dist =
        LogNormal::new(config.median_weekly_units.ln(), 0.6).map_err(distribution("LogNormal"))?;
    let list_step =
        Normal::new(0.0, config.list_change_sd.max(0.0)).map_err(distribution("Normal"))?;
    let noise = Normal::new(0.0, config.demand_noise_sd).map_err(distribution("Normal"))?;
    let weeks = config.weeks;
    let (e_lo, e_hi) = config.elasticity_range;

    let mut products = Vec::with_capacity(config.products);
    for i in 0..config.products {
        let base_price = (Distribution::<f64>::sample(&price_dist, &mut rng) * 100.0)
            .round()
            .max(50.0)
            / 100.0;
        let intermittent = rng.random::<f64>() < config.intermittent_share;
        let base_weekly_units = if intermittent {
            0.2 + 1.3 * rng.random::<f64>()
        } else {
            units_dist.sample(&mut rng).min(MAX_WEEKLY_UNITS)
        };
        let elasticity = e_lo + (e_hi - e_lo) * rng.random::<f64>();
        let promo_lift = 0.3 * rng.random::<f64>();
        let post_promo_dip = 0.3 * rng.random::<f64>();
        let season_amplitude = 0.4 * rng.random::<f64>();
        let season_phase = std::f64::consts::TAU * rng.random::<f64>();
        let life = LifecycleCurve::draw(&mut rng, weeks, true);
        let unit_cost = (base_price * (0.35 + 0.3 * rng.random::<f64>()) * 100.0).round() / 100.0;

        let mut list_price = Vec::with_capacity(weeks);
        let mut price = Vec::with_capacity(weeks);
        let mut promo = Vec::with_capacity(weeks);
        let mut expected_units = Vec::with_capacity(weeks);
        let mut units = Vec::with_capacity(weeks);
        let mut stage = Vec::with_capacity(weeks);
        let mut path = PricePath::new(base_price);
        for w in 0..weeks {
            let WeekPrice {
                list,
                price: p,
                promo: in_promo,
                post,
            } = path.step(
                w,
                &mut rng,
                config.list_change_rate,
                &list_step,
                config.promo_rate,
            );
            let (life_factor, st) = life.at(w);
            let season = (season_amplitude
                * (std::f64::consts::TAU * w as f64 / WEEKS_PER_YEAR + season_phase).sin())
            .exp();
            let promo_factor = if in_promo {
                promo_lift.exp()
            } else if post {
                (-post_promo_dip).exp()
            } else {
                1.0
            };
            let mean = (base_weekly_units
                * life_factor
                * season
                * (p / base_price).powf(elasticity)
                * promo_factor)
                .min(MAX_WEEKLY_UNITS);
            let shocked = (mean * noise.sample(&mut rng).exp()).min(MAX_WEEKLY_UNITS);
            let q = if shocked > 0.0 {
                Poisson::new(shocked)
                    .map_err(distribution("Poisson"))?
                    .sample(&mut rng) as u64
            } else {
                0
            };
            list_price.push(list);
            price.push(p);
            promo.push(in_promo);
            expected_units.push(mean);
            units.push(q);
            stage.push(st);
        }
        products.push(ProductDemandTruth {
            item: format!("P{:05}", i + 1),
            category: format!("C{}", i % config.categories + 1),
            base_price,
            unit_cost,
            elasticity,
            promo_lift,
            post_promo_dip,
            base_weekly_units,
            intermittent,
            season_amplitude,
            season_phase,
            launch_week: life.launch_week,
            maturity_week: life.maturity_week,
            decline_week: life.decline_week.min(weeks),
            decline_rate: life.decline_rate,
            list_price,
            price,
            promo,
            expected_units,
            units,
            stage,
        });
    }

    // Sell the units: lines of 1 to 3 units, to customers of the pool, on random days and times.
    let mut lines = Vec::new();
    let start = config.start.and_time(NaiveTime::MIN);
    for w in 0..weeks {
        let mut week_lines = Vec::new();
        for (i, p) in products.iter().enumerate() {
            let mut left = p.units[w];
            while left > 0 {
                let q = (1 + (rng.random::<f64>() * 3.0) as u64).min(left);
                left -= q;
                let seconds = (rng.random::<f64>() * 7.0 * 86_400.0) as i64;
                week_lines.push(PanelLine {
                    customer: 1 + (rng.random::<f64>() * config.customers as f64) as u64,
                    order: 0,
                    timestamp: start + Duration::weeks(w as i64) + Duration::seconds(seconds),
                    product: i,
                    quantity: q,
                    unit_price: p.price[w],
                });
            }
        }
        week_lines.sort_by_key(|l| l.timestamp);
        lines.extend(week_lines);
    }
    for (k, l) in lines.iter_mut().enumerate() {
        l.order = 100_001 + k as u64;
    }
    Ok(PriceDemandLog {
        config: config.clone(),
        lines,
        products,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_panel_and_prices_follow_promotions() {
        let config = PriceDemandConfig {
            products: 20,
            weeks: 104,
            ..PriceDemandConfig::default()
        };
        let a = generate_price_demand(&config).unwrap();
        let b = generate_price_demand(&config).unwrap();
        assert_eq!(a.lines, b.lines);
        for p in &a.products {
            assert!(p.elasticity >= -3.0 && p.elasticity <= -0.5);
            assert!(p.unit_cost < p.base_price);
            for w in 0..104 {
                if p.promo[w] {
                    assert!(p.price[w] < p.list_price[w], "{w}");
                } else {
                    assert_eq!(p.price[w], p.list_price[w]);
                }
            }
            assert!(
                p.stage[..p.launch_week]
                    .iter()
                    .all(|s| *s == LifecycleStage::PreLaunch)
            );
            assert!(p.units[..p.launch_week].iter().all(|&u| u == 0));
        }
        assert!(a.products.iter().any(|p| p.promo.iter().any(|&x| x)));
    }

    #[test]
    fn bad_settings_are_rejected() {
        for config in [
            PriceDemandConfig {
                products: 0,
                ..PriceDemandConfig::default()
            },
            PriceDemandConfig {
                elasticity_range: (-1.0, 0.5),
                ..PriceDemandConfig::default()
            },
            PriceDemandConfig {
                promo_rate: 1.5,
                ..PriceDemandConfig::default()
            },
        ] {
            assert!(matches!(
                generate_price_demand(&config),
                Err(Error::InvalidParameter(_))
            ));
        }
    }
}
