//! Prices that move and demand that answers them, in the customer log: weekly price paths per
//! product (list-price changes, temporary promotions), a known price elasticity per product, a
//! product lifecycle, unit costs, and a stock snapshot at the end of the span.
//!
//! # Model
//! Weeks run Monday to Sunday (as the pricing and inventory crates count them), week 0 being the
//! one that holds [`GeneratorConfig::start`](crate::GeneratorConfig::start), so a price holds
//! for exactly one analysed week. Each product `i` outside the bundles has a weekly price path
//! (the [`price_demand`](crate::price_demand) model: list-price changes by `exp(N(0, sd))` at the
//! weeks of a Bernoulli process, promotions of 1 to 3 weeks at 10% to 40% off) and, when a
//! customer picks the items of an order, weight
//!
//! ```text
//! weight_iw = popularity_i · festive_i(w) · life_i(w) · (price_iw / base_price_i)^ε_i
//!             · exp(γ_i · promo_iw − δ_i · post_iw)
//! ```
//!
//! instead of `popularity_i · festive_i(month)`. The number of units on a line is planned at
//! the base price (the order's budget logic is unchanged) and paid at the week's price, so the
//! expected units of product `i` in week `w` are
//!
//! ```text
//! E[q_iw] = (lines drawn in week w) · E[units per line of i] · weight_iw / Σ_j weight_jw
//! ```
//!
//! a log-log demand curve with elasticity `ε_i` in the product's own price; the week's
//! normaliser `Σ_j weight_jw` and order count are common to all products (what a model's trend
//! and season controls absorb). Bundle members keep their base price all span and are on sale
//! from the start (bundles are drawn whole, whatever their prices). The most popular tenth of
//! the products is on sale from the start; a third of the others launch in the first 40% of
//! the span. Products in the long tail of the Zipf popularity sell in few weeks: the log's
//! intermittent sellers.

use rand::Rng;
use rand_distr::Normal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, InvalidParameter, Result, distribution};
use crate::price_demand::{LifecycleCurve, LifecycleStage, PricePath};

/// The most product-weeks (products × weeks of the span) with moving prices: the weekly draw
/// tables take 8 bytes each (80 MB at the limit).
pub const MAX_PRICED_PRODUCT_WEEKS: usize = 10_000_000;

/// Settings of the price paths and demand response of the customer log (see the
/// [module docs](self)); `PriceDynamics::default()` then the public fields.
///
/// | field | default | meaning |
/// |---|---|---|
/// | `elasticity_range` | (-3.0, -0.5) | elasticities are uniform on it |
/// | `promo_rate` | 0.06 | probability that a non-promotion week starts a promotion |
/// | `list_change_rate` | 0.03 | probability of a list-price change in a week |
/// | `list_change_sd` | 0.10 | log-scale standard deviation of a list-price change |
/// | `unit_cost_share` | (0.35, 0.65) | unit cost as a share of the base price, uniform |
///
/// # Examples
/// ```
/// use custalyze_datagen::{GeneratorConfig, PriceDynamics};
/// let config = GeneratorConfig::default().customers(50).prices(Some(PriceDynamics::default()));
/// let log = custalyze_datagen::generate(&config)?;
/// let p = &log.catalogue.products[0];
/// let pricing = p.pricing.as_ref().expect("priced");
/// assert!(pricing.unit_cost_cents < p.price_cents);
/// // Every sale line is charged its week's price.
/// assert!(log.rows.iter().all(|r| r.kind != custalyze_datagen::RowKind::Sale
///     || r.price_cents == log.catalogue.price_cents_at(r.product, log.week_of(r.timestamp))));
/// # Ok::<(), custalyze_datagen::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PriceDynamics {
    /// Elasticities are uniform on this range (`-20 <= low <= high < 0`).
    pub elasticity_range: (f64, f64),
    /// Probability that a non-promotion week starts a promotion, in `[0, 1]`.
    pub promo_rate: f64,
    /// Probability of a list-price change in a week, in `[0, 1]`.
    pub list_change_rate: f64,
    /// Log-scale standard deviation of a list-price change, in `[0, 2]`.
    pub list_change_sd: f64,
    /// Unit cost as a share of the base price, uniform on this range (`0 <= low <= high`).
    pub unit_cost_share: (f64, f64),
}

impl Default for PriceDynamics {
    fn default() -> Self {
        Self {
            elasticity_range: (-3.0, -0.5),
            promo_rate: 0.06,
            list_change_rate: 0.03,
            list_change_sd: 0.10,
            unit_cost_share: (0.35, 0.65),
        }
    }
}

fn invalid(name: &'static str, value: impl std::fmt::Display, reason: &'static str) -> Error {
    Error::InvalidParameter(InvalidParameter::new(name, value, reason))
}

impl PriceDynamics {
    /// Checks every setting.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad setting.
    pub fn check(&self) -> Result<()> {
        let (lo, hi) = self.elasticity_range;
        if !(lo.is_finite() && hi.is_finite() && lo <= hi && hi < 0.0 && lo >= -20.0) {
            return Err(invalid(
                "prices.elasticity_range",
                format!("({lo}, {hi})"),
                "finite with -20 <= low <= high < 0",
            ));
        }
        for (name, v) in [
            ("prices.promo_rate", self.promo_rate),
            ("prices.list_change_rate", self.list_change_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(invalid(name, v, "a probability in [0, 1]"));
            }
        }
        if !(0.0..=2.0).contains(&self.list_change_sd) {
            return Err(invalid(
                "prices.list_change_sd",
                self.list_change_sd,
                "a number in [0, 2]",
            ));
        }
        let (c_lo, c_hi) = self.unit_cost_share;
        if !(c_lo.is_finite() && c_hi.is_finite() && 0.0 <= c_lo && c_lo <= c_hi && c_hi <= 10.0) {
            return Err(invalid(
                "prices.unit_cost_share",
                format!("({c_lo}, {c_hi})"),
                "finite with 0 <= low <= high <= 10",
            ));
        }
        Ok(())
    }
}

/// What drives one product's prices and demand in the customer log (its truth).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProductPricing {
    /// The price elasticity `ε` of the product's demand.
    pub elasticity: f64,
    /// Log lift `γ` of demand in promotion weeks beyond the price effect.
    pub promo_lift: f64,
    /// Log dip `δ` of demand in the week after a promotion.
    pub post_promo_dip: f64,
    /// Cost of one unit, in hundredths of the currency unit.
    pub unit_cost_cents: i64,
    /// The week of launch (0 when on sale from the start).
    pub launch_week: usize,
    /// The first week of maturity.
    pub maturity_week: usize,
    /// The first week of decline (the number of weeks when the product does not decline).
    pub decline_week: usize,
    /// Log decline of demand per week in decline.
    pub decline_rate: f64,
    /// List-price changes: `(week, new list price in cents)`, the first at week 0 (the base).
    pub list_prices: Vec<(usize, i64)>,
    /// Promotions: `(first week, last week, price in cents)`.
    pub promotions: Vec<(usize, usize, i64)>,
    /// The price charged in each week, in cents.
    #[serde(skip)]
    pub price_cents: Vec<i64>,
    /// The lifecycle stage of each week.
    #[serde(skip)]
    pub stage: Vec<LifecycleStage>,
    /// `life · (price / base)^ε · exp(γ promo − δ post)` of each week: the factor on the
    /// product's popularity.
    #[serde(skip)]
    pub demand_factor: Vec<f64>,
}

/// Draws the pricing of one product over `weeks` weeks. `dynamic`: whether its price moves
/// (not for bundle members); `may_launch`: whether it may launch during the span.
pub(crate) fn draw_pricing<R: Rng>(
    rng: &mut R,
    settings: &PriceDynamics,
    base_cents: i64,
    weeks: usize,
    dynamic: bool,
    may_launch: bool,
) -> Result<ProductPricing> {
    let (e_lo, e_hi) = settings.elasticity_range;
    let elasticity = e_lo + (e_hi - e_lo) * rng.random::<f64>();
    let promo_lift = 0.3 * rng.random::<f64>();
    let post_promo_dip = 0.3 * rng.random::<f64>();
    let (c_lo, c_hi) = settings.unit_cost_share;
    let unit_cost_cents =
        (base_cents as f64 * (c_lo + (c_hi - c_lo) * rng.random::<f64>())).round() as i64;
    let life = if dynamic {
        LifecycleCurve::draw(rng, weeks, may_launch)
    } else {
        LifecycleCurve::draw(rng, weeks, false).steady()
    };
    let list_step =
        Normal::new(0.0, settings.list_change_sd.max(0.0)).map_err(distribution("Normal"))?;
    let (change_rate, promo_rate) = if dynamic {
        (settings.list_change_rate, settings.promo_rate)
    } else {
        (0.0, 0.0)
    };
    let base = base_cents as f64 / 100.0;
    let mut path = PricePath::new(base);
    let mut out = ProductPricing {
        elasticity,
        promo_lift,
        post_promo_dip,
        unit_cost_cents,
        launch_week: life.launch_week,
        maturity_week: life.maturity_week,
        decline_week: life.decline_week.min(weeks),
        decline_rate: life.decline_rate,
        list_prices: vec![(0, base_cents)],
        promotions: Vec::new(),
        price_cents: Vec::with_capacity(weeks),
        stage: Vec::with_capacity(weeks),
        demand_factor: Vec::with_capacity(weeks),
    };
    let mut list_cents = base_cents;
    for w in 0..weeks {
        let week = path.step(w, rng, change_rate, &list_step, promo_rate);
        let cents = |v: f64| (v * 100.0).round() as i64;
        if cents(week.list) != list_cents {
            list_cents = cents(week.list);
            out.list_prices.push((w, list_cents));
        }
        let price_cents = cents(week.price).max(1);
        if week.promo {
            match out.promotions.last_mut() {
                Some(last) if last.1 + 1 == w && last.2 == price_cents => last.1 = w,
                _ => out.promotions.push((w, w, price_cents)),
            }
        }
        let (life_factor, stage) = life.at(w);
        let promo_factor = if week.promo {
            promo_lift.exp()
        } else if week.post {
            (-post_promo_dip).exp()
        } else {
            1.0
        };
        out.price_cents.push(price_cents);
        out.stage.push(stage);
        out.demand_factor.push(
            life_factor * (price_cents as f64 / base_cents as f64).powf(elasticity) * promo_factor,
        );
    }
    Ok(out)
}

/// A product's stock at the end of the span (what a stock file would say), with the cover it was
/// drawn from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StockPosition {
    /// Index into [`Catalogue::products`](crate::Catalogue::products).
    pub product: usize,
    /// Its stock code.
    pub stock_code: String,
    /// Units on hand.
    pub on_hand: u64,
    /// Units ordered and not yet received.
    pub on_order: u64,
    /// Weeks of the last eight weeks' mean sales the on-hand stock was drawn to cover.
    pub cover_weeks: f64,
}

/// A stock snapshot: for each product, `on_hand = round(cover · mean weekly units of the last 8
/// weeks)` with `cover` 0 for 10% of the products (out of stock), 16 to 40 weeks for 15%
/// (overstock) and 1 to 8 weeks otherwise; 30% have an open order of 2 to 6 weeks of sales.
pub(crate) fn draw_stock<R: Rng>(rng: &mut R, recent_weekly_units: &[f64]) -> Vec<StockPosition> {
    recent_weekly_units
        .iter()
        .enumerate()
        .map(|(product, &rate)| {
            let u: f64 = rng.random();
            let cover_weeks = if u < 0.10 {
                0.0
            } else if u < 0.25 {
                16.0 + 24.0 * rng.random::<f64>()
            } else {
                1.0 + 7.0 * rng.random::<f64>()
            };
            let on_order = if rng.random::<f64>() < 0.3 {
                (rate * (2.0 + 4.0 * rng.random::<f64>())).round() as u64
            } else {
                0
            };
            StockPosition {
                product,
                stock_code: String::new(),
                on_hand: (rate * cover_weeks).round() as u64,
                on_order,
                cover_weeks,
            }
        })
        .collect()
}

impl LifecycleCurve {
    /// The same draws, on sale from the start and never declining.
    pub(crate) fn steady(self) -> Self {
        Self {
            launch_week: 0,
            maturity_week: 0,
            decline_week: usize::MAX,
            ..self
        }
    }
}
