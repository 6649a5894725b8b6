//! The attribution stage: touchpoints joined to the log's orders as journeys (30-day lookback),
//! every model of [`custalyze_attribution`], and a budget reallocation by Shapley revenues when
//! the touchpoints carry costs.

use custalyze_attribution::{
    Attribution, BudgetLine, ChannelResult, Conversions, JourneyReport, Journeys, Model,
    TouchpointReport, Touchpoints,
};
use custalyze_transaction_types::TransactionLog;

use crate::error::{Error, Result};

/// The lookback window of the stage, days.
pub const LOOKBACK_DAYS: u32 = 30;

/// The attribution stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AttributionAnalysis {
    /// The channels.
    pub channels: Vec<String>,
    /// What reading the touchpoints did.
    pub touchpoints: TouchpointReport,
    /// Journeys, unattributed conversions and the funnel.
    pub journeys: JourneyReport,
    /// Every model's per-channel results (models in [`Model::all`] order).
    pub results: Vec<ChannelResult>,
    /// The spend reallocated by Shapley revenues (empty without costs).
    pub budget: Vec<BudgetLine>,
}

impl AttributionAnalysis {
    /// The results of one model (by [`Model::name`]).
    pub fn model(&self, name: &str) -> Vec<&ChannelResult> {
        self.results.iter().filter(|r| r.model == name).collect()
    }
}

/// Runs the stage on the rows of `log` (the analysed rows).
///
/// # Errors
/// [`Error::NoTouchpoints`] without touchpoints; [`Error::Attribution`] when no journey
/// converts or a model fails.
pub fn attribution(
    log: &TransactionLog,
    touchpoints: Option<&Touchpoints>,
) -> Result<AttributionAnalysis> {
    let touchpoints = touchpoints.ok_or(Error::NoTouchpoints)?;
    let journeys = Journeys::build(touchpoints, Conversions::Log(log), LOOKBACK_DAYS)?;
    let fitted = Attribution::params()
        .models(Model::all())
        .budget_model(Model::Shapley)
        .fit(&journeys)?;
    let (results, budget) = (fitted.results, fitted.budget);
    Ok(AttributionAnalysis {
        channels: journeys.channels.clone(),
        touchpoints: touchpoints.report.clone(),
        journeys: journeys.report,
        results,
        budget,
    })
}

/// The outcome of an analysis saved before the attribution stage existed.
#[cfg(feature = "serde")]
pub(crate) fn not_run() -> crate::error::Outcome<AttributionAnalysis> {
    Err(crate::error::StageError::from(Error::Restored(
        "not run: the analysis was saved before the attribution stage existed".into(),
    )))
}
