//! The estimator: [`Pricing::params`] → [`PricingParams`] → `check()` → [`ValidPricingParams`]
//! → `fit(&log, &attributes)` → [`FittedPricing`].

use std::collections::HashMap;

use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, InvalidParameter, Result};
use crate::optimise::{Objective, PriceRecommendation, recommend};
use crate::panel::{ProductWeeks, WeeklyPanel};
use crate::pooling::{CategoryPrior, pool};
use crate::promotion::{PromotionEffect, PromotionSummary, promotion_effect, summarise};
use crate::regression::{Design, DesignSettings, OlsFit, ols};

/// What is known of an item beyond the log: its category (for pooling) and its unit cost (for
/// margins).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ItemAttributes {
    /// The category; items without one are pooled together.
    pub category: Option<String>,
    /// Cost of one unit.
    pub unit_cost: Option<f64>,
}

/// Attributes by item id.
pub type ItemTable = HashMap<Id, ItemAttributes>;

/// Price elasticity, price recommendations and promotion effects per product:
/// [`Pricing::params`] starts the builder.
///
/// # Examples
/// ```
/// use custalyze_pricing::{Objective, Pricing};
/// let params = Pricing::params().bounds(-0.2, 0.2).objective(Objective::Revenue);
/// assert!(params.check().is_ok());
/// assert!(Pricing::params().bounds(0.1, -0.1).check().is_err());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pricing;

impl Pricing {
    /// The defaults of [`PricingParams`].
    pub fn params() -> PricingParams {
        PricingParams {
            min_weeks: 52,
            min_distinct_prices: 3,
            min_log_price_sd: 0.02,
            max_zero_share: 0.3,
            trend_knot_weeks: 13,
            seasonality: true,
            level: 0.95,
            bounds: (-0.3, 0.3),
            objective: Objective::Revenue,
            pooling: true,
        }
    }
}

/// Settings of [`Pricing`], unchecked.
///
/// | Setting | Default | Meaning |
/// |---|---|---|
/// | `min_weeks` | 52 | selling weeks a product needs for an estimate |
/// | `min_distinct_prices` | 3 | distinct weekly prices (to the cent) it needs |
/// | `min_log_price_sd` | 0.02 | standard deviation of `ln(price)` it needs (2% variation) |
/// | `max_zero_share` | 0.3 | largest share of weeks without sales between its first and last sale; more is intermittent demand, where a log-log regression on the selling weeks is biased |
/// | `trend_knot_weeks` | 13 | weeks between the hinges of the trend (0: straight line) |
/// | `seasonality` | true | annual Fourier terms |
/// | `level` | 0.95 | interval level |
/// | `bounds` | (-0.3, 0.3) | price changes considered, as fractions of the current price |
/// | `objective` | revenue | what the recommended price maximises |
/// | `pooling` | true | empirical-Bayes shrinkage of estimates within categories |
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PricingParams {
    min_weeks: usize,
    min_distinct_prices: usize,
    min_log_price_sd: f64,
    max_zero_share: f64,
    trend_knot_weeks: usize,
    seasonality: bool,
    level: f64,
    bounds: (f64, f64),
    objective: Objective,
    pooling: bool,
}

impl PricingParams {
    /// The selling weeks a product needs, as set (the setter is [`PricingParams::min_weeks`]).
    pub fn required_weeks(&self) -> usize {
        self.min_weeks
    }

    /// The price bounds as set, fractions of the current price.
    pub fn price_bounds(&self) -> (f64, f64) {
        self.bounds
    }

    /// What the recommended price maximises, as set.
    pub fn objective_value(&self) -> Objective {
        self.objective
    }

    /// Selling weeks a product needs for an estimate.
    pub fn min_weeks(mut self, weeks: usize) -> Self {
        self.min_weeks = weeks;
        self
    }

    /// Distinct weekly prices a product needs.
    pub fn min_distinct_prices(mut self, prices: usize) -> Self {
        self.min_distinct_prices = prices;
        self
    }

    /// Standard deviation of `ln(price)` a product needs.
    pub fn min_log_price_sd(mut self, sd: f64) -> Self {
        self.min_log_price_sd = sd;
        self
    }

    /// Largest share of zero weeks (in the product's selling span) for an estimate.
    pub fn max_zero_share(mut self, share: f64) -> Self {
        self.max_zero_share = share;
        self
    }

    /// Weeks between trend hinges (0: a straight-line trend).
    pub fn trend_knot_weeks(mut self, weeks: usize) -> Self {
        self.trend_knot_weeks = weeks;
        self
    }

    /// Whether to add annual seasonal terms.
    pub fn seasonality(mut self, on: bool) -> Self {
        self.seasonality = on;
        self
    }

    /// The interval level, in (0, 1).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// The price changes considered, as fractions of the current price (`-0.3, 0.3`: 30% down
    /// to 30% up).
    pub fn bounds(mut self, down: f64, up: f64) -> Self {
        self.bounds = (down, up);
        self
    }

    /// What the recommended price maximises.
    pub fn objective(mut self, objective: Objective) -> Self {
        self.objective = objective;
        self
    }

    /// Whether to shrink estimates within categories.
    pub fn pooling(mut self, on: bool) -> Self {
        self.pooling = on;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first bad setting.
    pub fn check(&self) -> Result<ValidPricingParams> {
        let bad = |name: &'static str, value: String, reason: &'static str| {
            Err(Error::InvalidParameter(InvalidParameter::new(
                name, value, reason,
            )))
        };
        if self.min_weeks < 8 {
            return bad(
                "min_weeks",
                self.min_weeks.to_string(),
                "must be at least 8",
            );
        }
        if self.min_distinct_prices < 2 {
            return bad(
                "min_distinct_prices",
                self.min_distinct_prices.to_string(),
                "must be at least 2: one price says nothing about elasticity",
            );
        }
        if !(self.min_log_price_sd >= 0.0 && self.min_log_price_sd.is_finite()) {
            return bad(
                "min_log_price_sd",
                self.min_log_price_sd.to_string(),
                "must be finite and non-negative",
            );
        }
        if !(0.0..=1.0).contains(&self.max_zero_share) {
            return bad(
                "max_zero_share",
                self.max_zero_share.to_string(),
                "must be in [0, 1]",
            );
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return bad(
                "level",
                self.level.to_string(),
                "must be in (0, 1), e.g. 0.95",
            );
        }
        let (down, up) = self.bounds;
        if !(down.is_finite() && up.is_finite() && down > -1.0 && down <= 0.0 && up >= 0.0) {
            return bad(
                "bounds",
                format!("{down},{up}"),
                "need -1 < down <= 0 <= up (fractions of the current price)",
            );
        }
        Ok(ValidPricingParams(*self))
    }

    /// Checks the settings, then fits: [`ValidPricingParams::fit`].
    ///
    /// # Errors
    /// As [`PricingParams::check`] and [`ValidPricingParams::fit`].
    pub fn fit(&self, log: &TransactionLog, items: &ItemTable) -> Result<FittedPricing> {
        self.check()?.fit(log, items)
    }
}

/// Checked settings, from [`PricingParams::check`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ValidPricingParams(PricingParams);

/// Why a product has no elasticity of its own.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum EstimateStatus {
    /// Estimated.
    Estimated,
    /// Fewer selling weeks than needed.
    TooFewWeeks {
        /// Selling weeks.
        weeks: usize,
        /// Weeks needed.
        needed: usize,
    },
    /// The price hardly moved: fewer distinct prices or less variation than needed.
    TooLittlePriceVariation {
        /// Distinct weekly prices.
        distinct_prices: usize,
        /// Standard deviation of `ln(price)`.
        log_price_sd: f64,
    },
    /// Too many weeks without sales for a log-log regression.
    IntermittentDemand {
        /// Share of zero weeks between the first and last sale.
        zero_share: f64,
    },
    /// The design's columns are collinear (e.g. price changes only with the trend).
    CollinearDesign,
}

/// An estimated elasticity with its uncertainty.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Its standard error.
    pub se: f64,
    /// Lower end of the interval at the fitted level.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// Everything estimated for one product.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ProductPricing {
    /// The product.
    pub item: Id,
    /// Its category, if given.
    pub category: Option<String>,
    /// Whether it was estimated, and if not why.
    pub status: EstimateStatus,
    /// Selling weeks.
    pub selling_weeks: usize,
    /// Distinct weekly prices (to the cent).
    pub distinct_prices: usize,
    /// Standard deviation of `ln(price)` over selling weeks.
    pub log_price_sd: f64,
    /// Mean units per selling week.
    pub mean_weekly_units: f64,
    /// The current price: the regular price of the last selling week.
    pub current_price: f64,
    /// The product's own elasticity (OLS), when estimated.
    pub elasticity: Option<Estimate>,
    /// The elasticity shrunk towards its category's mean (empirical Bayes), when pooled.
    pub pooled_elasticity: Option<Estimate>,
    /// The OLS fit, when estimated.
    pub fit: Option<OlsFit>,
    /// Design column names of the fit.
    pub columns: Vec<String>,
    /// Promotion lift and post-promotion dip, when the product had promotions and an estimate.
    pub promotion: Option<PromotionEffect>,
    /// The recommended price, when there is an elasticity to use.
    pub recommendation: Option<PriceRecommendation>,
}

impl ProductPricing {
    /// The elasticity recommendations use: pooled when available, else the product's own.
    pub fn elasticity_used(&self) -> Option<Estimate> {
        self.pooled_elasticity.or(self.elasticity)
    }
}

/// The fitted pricing model of a log.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedPricing {
    /// The settings used.
    pub params: PricingParams,
    /// One entry per product with a sale, in the log's item order.
    pub products: Vec<ProductPricing>,
    /// The category priors of the pooling (empty without pooling).
    pub categories: Vec<CategoryPrior>,
    /// Promotion effects over all products.
    pub promotions: PromotionSummary,
    /// Rows left out of the weekly panel (returns, non-positive prices).
    pub excluded_rows: u64,
}

impl FittedPricing {
    /// Products with an elasticity of their own.
    pub fn estimated(&self) -> impl Iterator<Item = &ProductPricing> {
        self.products
            .iter()
            .filter(|p| p.status == EstimateStatus::Estimated)
    }
}

impl ValidPricingParams {
    /// The settings.
    pub fn params(&self) -> &PricingParams {
        &self.0
    }

    /// Estimates every product of `log`; `items` gives categories and unit costs (it may be
    /// empty).
    ///
    /// # Errors
    /// [`Error::NoItems`], [`Error::NoSales`]; [`Error::InvalidUnitCost`] for a negative or
    /// non-finite cost.
    pub fn fit(&self, log: &TransactionLog, items: &ItemTable) -> Result<FittedPricing> {
        if let Some((item, cost)) = items
            .iter()
            .filter_map(|(id, a)| a.unit_cost.map(|c| (id, c)))
            .filter(|(_, c)| !(c.is_finite() && *c >= 0.0))
            .min_by(|a, b| a.0.cmp(b.0))
        {
            return Err(Error::InvalidUnitCost {
                item: item.clone(),
                cost,
            });
        }
        let panel = WeeklyPanel::from_log(log)?;
        Ok(self.fit_panel(&panel, items))
    }

    /// [`ValidPricingParams::fit`] on an aggregated panel.
    pub fn fit_panel(&self, panel: &WeeklyPanel, items: &ItemTable) -> FittedPricing {
        let p = &self.0;
        let mut products: Vec<ProductPricing> = panel
            .products
            .par_iter()
            .map(|pw| estimate_product(p, pw, items.get(&pw.item)))
            .collect();
        let categories = if p.pooling {
            pool(&mut products, p.level)
        } else {
            Vec::new()
        };
        for (product, weeks) in products.iter_mut().zip(&panel.products) {
            let cost = items.get(&product.item).and_then(|a| a.unit_cost);
            product.recommendation = product
                .elasticity_used()
                .and_then(|e| recommend(product.current_price, cost, e, p.bounds, p.objective));
            product.promotion = match (&product.fit, product.elasticity) {
                (Some(fit), Some(_)) => promotion_effect(&weeks.weeks, fit, &product.columns),
                _ => None,
            };
        }
        let promotions = summarise(&products);
        FittedPricing {
            params: *p,
            products,
            categories,
            promotions,
            excluded_rows: panel.excluded_rows,
        }
    }
}

fn estimate_product(
    p: &PricingParams,
    pw: &ProductWeeks,
    attributes: Option<&ItemAttributes>,
) -> ProductPricing {
    let weeks = &pw.weeks;
    let n = weeks.len();
    let log_prices: Vec<f64> = weeks.iter().map(|w| w.price().ln()).collect();
    let mean_lp = log_prices.iter().sum::<f64>() / n.max(1) as f64;
    let log_price_sd = if n > 1 {
        (log_prices
            .iter()
            .map(|v| (v - mean_lp).powi(2))
            .sum::<f64>()
            / (n - 1) as f64)
            .sqrt()
    } else {
        0.0
    };
    let mut cents: Vec<i64> = weeks
        .iter()
        .map(|w| (w.price() * 100.0).round() as i64)
        .collect();
    cents.sort_unstable();
    cents.dedup();
    let distinct_prices = cents.len();
    let span = weeks.last().map_or(0, |w| w.week) - weeks.first().map_or(0, |w| w.week) + 1;
    let zero_share = 1.0 - n as f64 / span.max(1) as f64;
    let mut out = ProductPricing {
        item: pw.item.clone(),
        category: attributes.and_then(|a| a.category.clone()),
        status: EstimateStatus::Estimated,
        selling_weeks: n,
        distinct_prices,
        log_price_sd,
        mean_weekly_units: weeks.iter().map(|w| w.units).sum::<f64>() / n.max(1) as f64,
        // Rounded to 1e-6 so that revenue / units does not print as 6.360000000000003.
        current_price: weeks
            .last()
            .map_or(0.0, |w| (w.regular_price * 1e6).round() / 1e6),
        elasticity: None,
        pooled_elasticity: None,
        fit: None,
        columns: Vec::new(),
        promotion: None,
        recommendation: None,
    };
    out.status = if n < p.min_weeks {
        EstimateStatus::TooFewWeeks {
            weeks: n,
            needed: p.min_weeks,
        }
    } else if distinct_prices < p.min_distinct_prices || log_price_sd < p.min_log_price_sd {
        EstimateStatus::TooLittlePriceVariation {
            distinct_prices,
            log_price_sd,
        }
    } else if zero_share > p.max_zero_share {
        EstimateStatus::IntermittentDemand { zero_share }
    } else {
        let design = Design::new(
            weeks,
            &DesignSettings {
                trend_knot_weeks: p.trend_knot_weeks,
                seasonality: p.seasonality,
            },
        );
        match ols(&design) {
            Some(fit) => {
                let j = design.column("log_price").unwrap_or(1);
                if let (Some(&value), Some(&se), Some((low, high))) = (
                    fit.coefficients.get(j),
                    fit.std_errors.get(j),
                    fit.interval(j, p.level),
                ) {
                    out.elasticity = Some(Estimate {
                        value,
                        se,
                        low,
                        high,
                    });
                }
                out.fit = Some(fit);
                out.columns = design.names;
                EstimateStatus::Estimated
            }
            None => EstimateStatus::CollinearDesign,
        }
    };
    out
}

impl EstimateStatus {
    /// A short name: `estimated`, `too_few_weeks`, `too_little_price_variation`,
    /// `intermittent_demand`, `collinear_design`.
    pub fn name(&self) -> &'static str {
        match self {
            EstimateStatus::Estimated => "estimated",
            EstimateStatus::TooFewWeeks { .. } => "too_few_weeks",
            EstimateStatus::TooLittlePriceVariation { .. } => "too_little_price_variation",
            EstimateStatus::IntermittentDemand { .. } => "intermittent_demand",
            EstimateStatus::CollinearDesign => "collinear_design",
        }
    }
}

/// The columns of [`FittedPricing::write_csv`].
pub const CSV_COLUMNS: [&str; 29] = [
    "product",
    "category",
    "status",
    "elasticity",
    "se",
    "ci_low",
    "ci_high",
    "pooled_elasticity",
    "pooled_ci_low",
    "pooled_ci_high",
    "n_weeks",
    "n_prices",
    "log_price_sd",
    "mean_weekly_units",
    "current_price",
    "optimal_price",
    "at_bound",
    "confident",
    "recommended_price",
    "price_change",
    "expected_revenue_change",
    "revenue_change_low",
    "revenue_change_high",
    "expected_margin_change",
    "margin_change_low",
    "margin_change_high",
    "promo_weeks",
    "promo_lift",
    "post_promo_change",
];

impl FittedPricing {
    /// Writes one row per product with the columns [`CSV_COLUMNS`] (empty cells where a value
    /// does not exist: no estimate, no recommendation, no cost, no promotion).
    ///
    /// # Errors
    /// [`Error::Data`] wrapping the I/O error when writing fails.
    pub fn write_csv<W: std::io::Write>(&self, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| {
            Error::Data(custalyze_transaction_types::DataError::Csv {
                line: None,
                message: e.to_string(),
            })
        };
        w.write_record(CSV_COLUMNS).map_err(err)?;
        let num = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v}"));
        for p in &self.products {
            let e = p.elasticity;
            let pooled = p.pooled_elasticity;
            let r = p.recommendation;
            let margin = r.and_then(|r| r.margin_change);
            let promo = p.promotion;
            w.write_record([
                p.item.to_string(),
                p.category.clone().unwrap_or_default(),
                p.status.name().to_string(),
                num(e.map(|e| e.value)),
                num(e.map(|e| e.se)),
                num(e.map(|e| e.low)),
                num(e.map(|e| e.high)),
                num(pooled.map(|e| e.value)),
                num(pooled.map(|e| e.low)),
                num(pooled.map(|e| e.high)),
                p.selling_weeks.to_string(),
                p.distinct_prices.to_string(),
                num(Some(p.log_price_sd)),
                num(Some(p.mean_weekly_units)),
                num(Some(p.current_price)),
                num(r.map(|r| r.optimal_price)),
                r.map_or(String::new(), |r| r.at_bound.to_string()),
                r.map_or(String::new(), |r| r.confident.to_string()),
                num(r.map(|r| r.recommended_price)),
                num(r.map(|r| r.price_change)),
                num(r.map(|r| r.revenue_change.expected)),
                num(r.map(|r| r.revenue_change.low)),
                num(r.map(|r| r.revenue_change.high)),
                num(margin.map(|m| m.expected)),
                num(margin.map(|m| m.low)),
                num(margin.map(|m| m.high)),
                promo.map_or(String::new(), |m| m.promo_weeks.to_string()),
                num(promo.map(|m| m.lift)),
                num(promo.and_then(|m| m.post_promo_change.map(|c| c.value))),
            ])
            .map_err(err)?;
        }
        w.flush().map_err(|e| err(e.into()))?;
        Ok(())
    }
}
