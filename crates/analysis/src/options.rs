//! What an analysis computes.

use chrono::NaiveDate;
use custalyze_rfm::FrequencyRule;

use crate::error::{Error, Result};

/// Options of [`crate::Analysis::run`].
///
/// | option | default | meaning |
/// |---|---|---|
/// | `as_of` | the day after the last transaction | analysis date (exclusive): transactions before it count |
/// | `months` | 12 | horizon of the purchase, revenue and CLV predictions |
/// | `discount_rate` | 0.01 | monthly discount rate of the CLV |
/// | `top` | 15 | rows of the top-customer and at-risk tables |
/// | `best_sellers` | 25 | best sellers kept per RFM segment |
/// | `rfm_frequency` | [`FrequencyRule::Orders`] | what the RFM frequency counts |
/// | `currency` | none | currency code shown beside money (presentation only) |
/// | `seed` | 42 | seed of K-Means and the churn forest |
/// | `recommendations` | 5 | products recommended per customer |
/// | `churn_holdout_days` | 90 | length of the churn label window |
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct AnalysisOptions {
    /// Analysis date (exclusive); `None`: the day after the last transaction.
    pub as_of: Option<NaiveDate>,
    /// Prediction horizon in calendar months (1 to 120).
    pub months: u32,
    /// Monthly discount rate for CLV (finite, > -1).
    pub discount_rate: f64,
    /// Rows of the top tables.
    pub top: usize,
    /// Best sellers kept per RFM segment.
    pub best_sellers: usize,
    /// What the RFM frequency counts (orders by default, as every other table of the analysis).
    pub rfm_frequency: FrequencyRule,
    /// ISO currency code of the amounts, for presentation (`None`: no unit shown).
    pub currency: Option<String>,
    /// Seed of every randomised step.
    pub seed: u64,
    /// Products recommended per customer.
    pub recommendations: usize,
    /// Days of the churn label window.
    pub churn_holdout_days: u32,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            as_of: None,
            months: 12,
            discount_rate: 0.01,
            top: 15,
            best_sellers: 25,
            rfm_frequency: FrequencyRule::Orders,
            currency: None,
            seed: 42,
            recommendations: 5,
            churn_holdout_days: 90,
        }
    }
}

impl AnalysisOptions {
    /// The defaults (see the table above).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the analysis date.
    #[must_use]
    pub fn as_of(mut self, date: Option<NaiveDate>) -> Self {
        self.as_of = date;
        self
    }

    /// Sets the horizon in months.
    #[must_use]
    pub fn months(mut self, months: u32) -> Self {
        self.months = months;
        self
    }

    /// Sets the monthly discount rate.
    #[must_use]
    pub fn discount_rate(mut self, rate: f64) -> Self {
        self.discount_rate = rate;
        self
    }

    /// Sets the rows of the top tables.
    #[must_use]
    pub fn top(mut self, rows: usize) -> Self {
        self.top = rows;
        self
    }

    /// Sets what the RFM frequency counts.
    #[must_use]
    pub fn rfm_frequency(mut self, rule: FrequencyRule) -> Self {
        self.rfm_frequency = rule;
        self
    }

    /// Sets the currency code.
    #[must_use]
    pub fn currency(mut self, code: Option<String>) -> Self {
        self.currency = code;
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Sets the churn label window in days.
    #[must_use]
    pub fn churn_holdout_days(mut self, days: u32) -> Self {
        self.churn_holdout_days = days;
        self
    }

    /// Checks every option.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] naming the first option out of range.
    pub fn check(&self) -> Result<()> {
        let bad = |name, value: String, reason| {
            Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(name, value, reason),
            ))
        };
        if !(1..=120).contains(&self.months) {
            return bad("months", self.months.to_string(), "must be 1 to 120");
        }
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return bad(
                "discount_rate",
                self.discount_rate.to_string(),
                "must be finite and > -1",
            );
        }
        if self.churn_holdout_days == 0 || self.churn_holdout_days > 3660 {
            return bad(
                "churn_holdout_days",
                self.churn_holdout_days.to_string(),
                "must be 1 to 3660",
            );
        }
        if let Some(c) = &self.currency
            && !(c.len() <= 8 && !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphabetic()))
        {
            return bad(
                "currency",
                c.clone(),
                "must be a code of 1 to 8 letters, e.g. USD",
            );
        }
        Ok(())
    }
}
