//! The family shape: [`Attribution::params`] → [`AttributionParams::check`] →
//! [`ValidAttributionParams::fit`] → [`FittedAttribution`].

use crate::budget::{BudgetLine, reallocate};
use crate::error::{Result, invalid};
use crate::journeys::Journeys;
use crate::models::{ChannelResult, Model, attribute};

/// Entry point: [`Attribution::params`].
#[derive(Clone, Copy, Debug)]
pub struct Attribution;

/// The settings of an attribution run, unchecked.
///
/// | setting | default |
/// |---|---|
/// | [`models`](Self::models) | [`Model::all`] (7-day time decay, Markov orders 1 to 3) |
/// | [`budget_model`](Self::budget_model) | [`Model::Shapley`] |
/// | [`max_change`](Self::max_change) | 0.3 (each channel's spend within ±30%) |
/// | [`elasticity`](Self::elasticity) | 0.5 (revenue ∝ spend^0.5) |
///
/// # Examples
/// ```
/// use custalyze_attribution::{Attribution, Journeys, Model};
/// let journeys = Journeys::from_paths(&[(vec!["search"], 3, 7, 30.0), (vec!["email", "search"], 2, 3, 20.0)])?;
/// let fitted = Attribution::params().models(vec![Model::LastTouch, Model::Shapley]).fit(&journeys)?;
/// assert_eq!(fitted.results.len(), 4); // 2 models x 2 channels
/// assert!(fitted.budget.is_empty()); // no costs, no reallocation
/// # Ok::<(), custalyze_attribution::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct AttributionParams {
    models: Vec<Model>,
    budget_model: Model,
    max_change: f64,
    elasticity: f64,
}

/// Checked [`AttributionParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidAttributionParams(AttributionParams);

/// Every model's per-channel results and, with costs, the budget reallocation.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedAttribution {
    /// Per channel and model, models in the order given.
    pub results: Vec<ChannelResult>,
    /// The reallocation by the budget model's revenues (empty without costs).
    pub budget: Vec<BudgetLine>,
}

impl Attribution {
    /// The default settings.
    pub fn params() -> AttributionParams {
        AttributionParams {
            models: Model::all(),
            budget_model: Model::Shapley,
            max_change: 0.3,
            elasticity: 0.5,
        }
    }
}

impl AttributionParams {
    /// The models to run.
    pub fn models(mut self, models: Vec<Model>) -> Self {
        self.models = models;
        self
    }
    /// The model whose revenues the budget reallocation uses.
    pub fn budget_model(mut self, model: Model) -> Self {
        self.budget_model = model;
        self
    }
    /// Largest relative change of a channel's spend.
    pub fn max_change(mut self, share: f64) -> Self {
        self.max_change = share;
        self
    }
    /// The assumed elasticity of revenue to spend.
    pub fn elasticity(mut self, elasticity: f64) -> Self {
        self.elasticity = elasticity;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] for no model, a time-decay half-life that is not
    /// finite and positive, a Markov order outside 1..=3, `max_change` outside `[0, 1)` or
    /// `elasticity` outside `(0, 1)`.
    pub fn check(self) -> Result<ValidAttributionParams> {
        if self.models.is_empty() {
            return Err(invalid("models", 0, "at least one model"));
        }
        for m in self.models.iter().chain([&self.budget_model]) {
            match *m {
                Model::TimeDecay { half_life_days }
                    if !(half_life_days.is_finite() && half_life_days > 0.0) =>
                {
                    return Err(invalid(
                        "half_life_days",
                        half_life_days,
                        "a finite number of days above 0",
                    ));
                }
                Model::Markov { order } if !(1..=3).contains(&order) => {
                    return Err(invalid("order", order, "1, 2 or 3"));
                }
                _ => {}
            }
        }
        if !(self.max_change.is_finite() && (0.0..1.0).contains(&self.max_change)) {
            return Err(invalid("max_change", self.max_change, "a share in [0, 1)"));
        }
        if !(self.elasticity.is_finite() && self.elasticity > 0.0 && self.elasticity < 1.0) {
            return Err(invalid("elasticity", self.elasticity, "a number in (0, 1)"));
        }
        Ok(ValidAttributionParams(self))
    }

    /// Checks and fits in one step.
    ///
    /// # Errors
    /// As [`Self::check`] and [`ValidAttributionParams::fit`].
    pub fn fit(self, journeys: &Journeys) -> Result<FittedAttribution> {
        self.check()?.fit(journeys)
    }
}

impl ValidAttributionParams {
    /// Runs every model on `journeys` and, when they carry costs, reallocates the budget.
    ///
    /// # Errors
    /// [`crate::Error::TooManyStates`], [`crate::Error::TooManyChannels`].
    pub fn fit(&self, journeys: &Journeys) -> Result<FittedAttribution> {
        let p = &self.0;
        let results = attribute(journeys, &p.models)?;
        let budget = if journeys.costs.is_some() {
            let name = p.budget_model.name();
            let lines: Vec<ChannelResult> = if p.models.contains(&p.budget_model) {
                results
                    .iter()
                    .filter(|r| r.model == name)
                    .cloned()
                    .collect()
            } else {
                attribute(journeys, &[p.budget_model])?
            };
            reallocate(&lines, p.max_change, p.elasticity)?
        } else {
            Vec::new()
        };
        Ok(FittedAttribution { results, budget })
    }
}

impl FittedAttribution {
    /// The results of one model (by [`Model::name`]).
    pub fn model(&self, name: &str) -> Vec<&ChannelResult> {
        self.results.iter().filter(|r| r.model == name).collect()
    }
}
