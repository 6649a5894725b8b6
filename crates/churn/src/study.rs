//! The honest train / evaluate design, scores, risk bands and revenue at risk.
//!
//! **Design (temporal, out of time).** With calibration end `c` and holdout length `h` days:
//! - the model is *trained* on the frame at snapshot `c - h` ([`ChurnFrame`] features from the
//!   transactions up to `c - h`), labelled by purchases in `(c - h, c]`;
//! - it is *evaluated* on the frame at snapshot `c` (features from the transactions up to `c`,
//!   BG/NBD refitted on them), labelled by purchases in `(c, c + h]`.
//!
//! The evaluation labels lie entirely after everything the model and its features saw, so the
//! numbers are what a user gets when scoring today and waiting `h` days. Customers can appear in
//! both frames (that is how the model is used), but never with overlapping label windows.
//! The baseline is the BG/NBD churn score `1 - P(alive)` of the evaluation frame, evaluated on the
//! same labels.

use chrono::{Days, NaiveDate};
use custalyze_transaction_types::{Id, TransactionLog};

use crate::error::{Error, Result};
use crate::features::{ChurnFrame, FEATURE_NAMES};
use crate::forest::{FittedForest, Forest, ForestParams};
use crate::metrics::Evaluation;

/// Risk band of a churn probability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum RiskBand {
    /// Probability ≥ the high threshold.
    High,
    /// Probability ≥ the medium threshold.
    Medium,
    /// The rest.
    Low,
}

impl RiskBand {
    /// `"high"`, `"medium"` or `"low"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }
}

/// Options of a churn study. Defaults: 90 holdout days, [`Forest::params`],
/// [`Forest::decision_tree`], decision threshold 0.5, bands high ≥ 0.7, medium ≥ 0.4.
#[derive(Clone, Copy, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct ChurnOptions {
    /// Calibration end `c` (inclusive): the evaluation snapshot.
    pub calibration_end: NaiveDate,
    /// Length `h` of each label window in days.
    pub holdout_days: u32,
    /// The random forest.
    pub forest: ForestParams,
    /// The single decision tree reported next to the forest.
    pub tree: ForestParams,
    /// Threshold of precision / recall.
    pub threshold: f64,
    /// Lower bound of the high band.
    pub high_band: f64,
    /// Lower bound of the medium band.
    pub medium_band: f64,
}

impl ChurnOptions {
    /// Defaults for a calibration end.
    pub fn new(calibration_end: NaiveDate) -> Self {
        Self {
            calibration_end,
            holdout_days: 90,
            forest: Forest::params(),
            tree: Forest::decision_tree(),
            threshold: 0.5,
            high_band: 0.7,
            medium_band: 0.4,
        }
    }

    /// Sets the holdout length.
    #[must_use]
    pub fn holdout_days(mut self, days: u32) -> Self {
        self.holdout_days = days;
        self
    }

    /// Sets the forest parameters.
    #[must_use]
    pub fn forest(mut self, forest: ForestParams) -> Self {
        self.forest = forest;
        self
    }

    /// The band of a probability.
    pub fn band(&self, p: f64) -> RiskBand {
        if p >= self.high_band {
            RiskBand::High
        } else if p >= self.medium_band {
            RiskBand::Medium
        } else {
            RiskBand::Low
        }
    }

    fn check(&self) -> Result<()> {
        let ok = |v: f64| v.is_finite() && (0.0..=1.0).contains(&v);
        if !(ok(self.medium_band) && ok(self.high_band) && self.medium_band <= self.high_band) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "medium_band/high_band",
                    format!("{}/{}", self.medium_band, self.high_band),
                    "need 0 <= medium <= high <= 1",
                ),
            ));
        }
        if !ok(self.threshold) {
            return Err(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "threshold",
                    self.threshold,
                    "must be in [0, 1]",
                ),
            ));
        }
        self.forest.check()?;
        self.tree.check()?;
        Ok(())
    }
}

/// One customer's churn score.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerScore {
    /// The customer.
    pub customer: Id,
    /// Forest churn probability (balanced scale when class weights are balanced).
    pub churn_probability: f64,
    /// Band of the probability.
    pub risk_band: RiskBand,
    /// 12-month CLV (BG/NBD x Gamma-Gamma).
    pub clv: f64,
    /// `clv x churn_probability`.
    pub revenue_at_risk: f64,
    /// BG/NBD P(alive).
    pub p_alive: f64,
    /// Observed label, when the window after the snapshot is in the data.
    pub churned: Option<bool>,
}

/// Size and churn rate of one frame.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FrameInfo {
    /// Snapshot date.
    pub snapshot: NaiveDate,
    /// End of the label window.
    pub window_end: NaiveDate,
    /// Customers.
    pub customers: usize,
    /// Share who churned.
    pub churn_rate: f64,
}

/// The evaluation of a study.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChurnEvaluation {
    /// How training and evaluation data were separated.
    pub design: String,
    /// The training frame.
    pub train: FrameInfo,
    /// The evaluation frame.
    pub test: FrameInfo,
    /// Random forest on the evaluation frame.
    pub random_forest: Evaluation,
    /// Decision tree on the evaluation frame.
    pub decision_tree: Evaluation,
    /// Baseline `1 - P(alive)` on the evaluation frame.
    pub p_alive_baseline: Evaluation,
    /// Forest feature importance, by feature name, in decreasing order.
    pub feature_importance: Vec<(String, f64)>,
    /// Tree feature importance, by feature name, in decreasing order.
    pub tree_feature_importance: Vec<(String, f64)>,
}

/// A fitted study: the models, their evaluation and the scores at the calibration end.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ChurnStudy {
    /// The evaluation.
    pub evaluation: ChurnEvaluation,
    /// The forest (trained at `c - h`).
    pub forest: FittedForest,
    /// The tree (trained at `c - h`).
    pub tree: FittedForest,
    /// Scores of the customers active at `c`.
    pub scores: Vec<CustomerScore>,
}

fn named(importance: &[f64]) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = FEATURE_NAMES
        .iter()
        .zip(importance)
        .map(|(n, v)| ((*n).to_string(), *v))
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v
}

fn info(frame: &ChurnFrame, labels: &[bool]) -> Result<FrameInfo> {
    let end = frame
        .snapshot
        .checked_add_days(Days::new(u64::from(frame.holdout_days)))
        .ok_or(Error::InvalidInput(
            "window end outside the calendar".into(),
        ))?;
    Ok(FrameInfo {
        snapshot: frame.snapshot,
        window_end: end,
        customers: frame.len(),
        churn_rate: labels.iter().filter(|&&l| l).count() as f64 / labels.len().max(1) as f64,
    })
}

/// Trains on `(c - h, c]`, evaluates on `(c, c + h]` (see the [module docs](self)) and scores the
/// customers active at `c`.
///
/// # Errors
/// [`Error::InvalidParameter`] for bad options; [`Error::HoldoutBeyondData`] when the log ends
/// before `c + h`; [`Error::NoCustomers`] when nobody bought by `c - h`; [`Error::OneClass`] when
/// a window has only churners or only returners; errors of the fits.
pub fn run_study(log: &TransactionLog, options: &ChurnOptions) -> Result<ChurnStudy> {
    options.check()?;
    let c = options.calibration_end;
    let h = options.holdout_days;
    let train_snapshot =
        c.checked_sub_days(Days::new(u64::from(h)))
            .ok_or(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "holdout_days",
                    h,
                    "calibration end minus the holdout is outside the calendar",
                ),
            ))?;
    let train = ChurnFrame::build_labelled(log, train_snapshot, h)?;
    let test = ChurnFrame::build_labelled(log, c, h)?;
    let (Some(train_y), Some(test_y)) = (&train.labels, &test.labels) else {
        return Err(Error::InvalidInput("labels missing".into()));
    };
    let forest = options.forest.fit(train.features.view(), train_y)?;
    let tree = options.tree.fit(train.features.view(), train_y)?;
    let p_forest = forest.predict_proba(test.features.view())?;
    let p_tree = tree.predict_proba(test.features.view())?;
    let p_alive = test.p_alive();
    let baseline: Vec<f64> = p_alive.iter().map(|p| 1.0 - p).collect();
    let t = options.threshold;
    let evaluation = ChurnEvaluation {
        design: format!(
            "temporal: trained on features at {train_snapshot} with labels from \
             ({train_snapshot}, {c}]; evaluated on features at {c} with labels from \
             ({c}, {c} + {h} days]; baseline 1 - P(alive) (BG/NBD fitted up to {c})"
        ),
        train: info(&train, train_y)?,
        test: info(&test, test_y)?,
        random_forest: Evaluation::compute(&p_forest, test_y, t)?,
        decision_tree: Evaluation::compute(&p_tree, test_y, t)?,
        p_alive_baseline: Evaluation::compute(&baseline, test_y, t)?,
        feature_importance: named(&forest.feature_importance),
        tree_feature_importance: named(&tree.feature_importance),
    };
    let scores = (0..test.len())
        .map(|i| CustomerScore {
            customer: test.customers[i].clone(),
            churn_probability: p_forest[i],
            risk_band: options.band(p_forest[i]),
            clv: test.clv[i],
            revenue_at_risk: test.clv[i] * p_forest[i],
            p_alive: p_alive[i],
            churned: Some(test_y[i]),
        })
        .collect();
    Ok(ChurnStudy {
        evaluation,
        forest,
        tree,
        scores,
    })
}

/// Scores every customer active at `snapshot` with a fitted model (for example the study's
/// forest at the last date of the log, to act on today's customers).
///
/// # Errors
/// As [`ChurnFrame::build`] and [`FittedForest::predict_proba`].
pub fn score_at(
    log: &TransactionLog,
    model: &FittedForest,
    snapshot: NaiveDate,
    options: &ChurnOptions,
) -> Result<Vec<CustomerScore>> {
    let frame = ChurnFrame::build(log, snapshot, options.holdout_days)?;
    let p = model.predict_proba(frame.features.view())?;
    let p_alive = frame.p_alive();
    Ok((0..frame.len())
        .map(|i| CustomerScore {
            customer: frame.customers[i].clone(),
            churn_probability: p[i],
            risk_band: options.band(p[i]),
            clv: frame.clv[i],
            revenue_at_risk: frame.clv[i] * p[i],
            p_alive: p_alive[i],
            churned: frame.labels.as_ref().map(|l| l[i]),
        })
        .collect())
}
