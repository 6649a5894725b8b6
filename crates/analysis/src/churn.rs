//! The churn stage: the churn crate's out-of-time study (random forest trained on the window
//! before last, evaluated on the last one, against `1 - P(alive)`), then today's customers scored
//! by that forest, grouped in risk bands, and the high-value customers most at risk.
//!
//! With `h` the label window and `e` the observation end, the study's calibration end is `e - h`:
//! the forest learns from features at `e - 2h` and who bought in `(e - 2h, e - h]`, is evaluated
//! on features at `e - h` against `(e - h, e]`, and finally scores every customer at `e`.

use chrono::{Days, NaiveDate};
use custalyze_churn::study::ChurnEvaluation;
use custalyze_churn::{ChurnOptions, CustomerScore, Forest, RiskBand};
use custalyze_transaction_types::{Id, TransactionLog};

use crate::error::{Error, Result};

/// Trees of the report's forest (the churn crate's default is 100; 25 keep the stage near a
/// second on 37,000 customers with the same ranking quality on the generated sample and CDNOW).
pub const TREES: usize = 25;

/// One risk band's size and value at risk.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct BandSummary {
    /// The band.
    pub band: RiskBand,
    /// Customers in it.
    pub customers: usize,
    /// Sum of `CLV x churn probability` over them.
    pub revenue_at_risk: f64,
}

/// The churn stage's result.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChurnAnalysis {
    /// Label window in days.
    pub holdout_days: u32,
    /// The out-of-time evaluation (forest, tree and the `1 - P(alive)` baseline).
    pub evaluation: ChurnEvaluation,
    /// Every customer scored at the observation end (customer id order). `clv` and
    /// `revenue_at_risk` use the analysis's CLV when it was computed.
    pub scores: Vec<CustomerScore>,
    /// Risk bands, high first.
    pub bands: Vec<BandSummary>,
}

impl ChurnAnalysis {
    /// The score of a customer.
    pub fn score(&self, customer: &Id) -> Option<&CustomerScore> {
        self.scores
            .binary_search_by(|s| s.customer.cmp(customer))
            .ok()
            .map(|i| &self.scores[i])
    }

    /// Total revenue at risk.
    pub fn revenue_at_risk(&self) -> f64 {
        self.bands.iter().map(|b| b.revenue_at_risk).sum()
    }
}

/// Runs the study on `log` (rows up to `observation_end`) and scores today's customers; `clv`
/// (one value per customer of `log`, log order) replaces the churn crate's own 12-month CLV in
/// the revenue at risk when given.
///
/// # Errors
/// [`Error::NotEnoughData`] when the log is shorter than two label windows; errors of the study.
pub fn churn(
    log: &TransactionLog,
    observation_end: NaiveDate,
    holdout_days: u32,
    clv: Option<&[f64]>,
    seed: u64,
) -> Result<ChurnAnalysis> {
    let first = log.first_date().ok_or(Error::EmptyLog)?;
    let h = Days::new(u64::from(holdout_days));
    let calibration_end = observation_end
        .checked_sub_days(h)
        .filter(|c| c.checked_sub_days(h).is_some_and(|t| t > first))
        .ok_or_else(|| {
            Error::NotEnoughData(format!(
                "the churn study needs two windows of {holdout_days} days after the first purchase ({first}); the data end on {observation_end}"
            ))
        })?;
    let options = ChurnOptions::new(calibration_end)
        .holdout_days(holdout_days)
        .forest(Forest::params().n_trees(TREES).seed(seed));
    let study = custalyze_churn::run_study(log, &options)?;
    let mut scores = custalyze_churn::score_at(log, &study.forest, observation_end, &options)?;
    if let Some(v) = clv.filter(|v| v.len() == log.customer_ids().len()) {
        for s in &mut scores {
            if let Some(c) = log.customer_index(&s.customer) {
                s.clv = v[c];
                s.revenue_at_risk = v[c] * s.churn_probability;
            }
        }
    }
    scores.sort_by(|a, b| a.customer.cmp(&b.customer));
    let bands = [RiskBand::High, RiskBand::Medium, RiskBand::Low]
        .into_iter()
        .map(|band| {
            let members = scores.iter().filter(|s| s.risk_band == band);
            BandSummary {
                band,
                customers: members.clone().count(),
                revenue_at_risk: members.map(|s| s.revenue_at_risk).sum(),
            }
        })
        .collect();
    Ok(ChurnAnalysis {
        holdout_days,
        evaluation: study.evaluation,
        scores,
        bands,
    })
}
