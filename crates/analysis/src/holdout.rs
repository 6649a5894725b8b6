//! The holdout check: the CLV stage refitted on the past and compared with what the log says
//! happened next (Fader, Hardie & Lee 2005, figure 4, plus the headline figures themselves).
//!
//! The log up to the observation end is split at `calibration_end = observation_end - h months`
//! (`h` the analysis horizon, shortened to a third of the data's span when the data are short);
//! BG/NBD and MBG/NBD are fitted on the calibration summaries and scored on the holdout, and the
//! one whose predicted holdout total is closer to the actual becomes the report's purchase model
//! ([`HoldoutCheck::model`]); it and Gamma-Gamma are fitted exactly as the CLV stage does,
//! and the predictions for `(calibration_end, observation_end]` are compared with the holdout:
//! purchases per calibration frequency, the share of customers who bought, how well the purchase
//! probability ranks the buyers (ROC AUC), and revenue. A scorecard puts BG/NBD beside MBG/NBD
//! fitted on the same calibration data ([`custalyze_cltv_core::scorecard`]), including how each
//! tracks the holdout week by week; the weekly tracking of repeat transactions over the whole
//! span is kept for the report's chart ([`custalyze_cltv_core::diagnostics::tracking`]). Pareto/NBD is left
//! out here: on some logs its fit drifts to where the likelihood's hypergeometric series needs
//! hundreds of thousands of terms per customer, minutes for a report that takes a second
//! (`custalyze cltv compare` includes it).

use chrono::{Datelike, Months, NaiveDate};
use custalyze_cltv_core::clv::ClvOptions;
use custalyze_cltv_core::diagnostics::{PurchaseTimes, tracking};
use custalyze_cltv_core::{HoldoutComparison, compare_holdout};
use custalyze_transaction_types::period::days_from_epoch;
use custalyze_transaction_types::{CalibrationHoldout, Period, TransactionLog};

use crate::clv::{PurchaseModelKind, fit_clv};
use crate::error::{Error, Result};
use custalyze_cltv_core::scorecard::SelectionRule;

/// Highest calibration frequency with its own row in the comparison (the last row is `7+`).
pub const MAX_FREQUENCY: u32 = 7;

/// The holdout check's figures.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HoldoutCheck {
    /// Last day of the calibration period.
    pub calibration_end: NaiveDate,
    /// Last day of the holdout period.
    pub observation_end: NaiveDate,
    /// Holdout length in whole months.
    pub holdout_months: u32,
    /// Holdout length in weeks (the prediction horizon).
    pub holdout_weeks: f64,
    /// Customers seen in calibration.
    pub customers: usize,
    /// Purchases predicted against actual, by calibration frequency.
    pub comparison: HoldoutComparison,
    /// Share of the calibration customers who bought in the holdout.
    pub actual_buyers_share: f64,
    /// Mean predicted probability of a purchase in the holdout.
    pub predicted_buyers_share: f64,
    /// ROC AUC of the purchase probability against who bought (`None` when everybody or nobody
    /// bought).
    pub buyers_roc_auc: Option<f64>,
    /// ROC AUC of P(alive) against who bought, for comparison.
    pub p_alive_roc_auc: Option<f64>,
    /// Revenue of the calibration customers in the holdout.
    pub actual_revenue: f64,
    /// Predicted revenue (`None` when the spend model failed).
    pub predicted_revenue: Option<f64>,
    /// BG/NBD and MBG/NBD scored on the holdout (`None` when a fit failed), with their weekly
    /// tracking error.
    #[cfg_attr(feature = "serde", serde(default))]
    pub scorecard: Option<custalyze_cltv_core::scorecard::Scorecard>,
    /// Weekly repeat transactions of the calibration customers from the log's first week to the
    /// observation end, actual and as the calibration BG/NBD predicts them from each customer's
    /// acquisition (Fader, Hardie & Lee 2005, figure 3; `None` when the log has no date).
    #[cfg_attr(feature = "serde", serde(default))]
    pub tracking: Option<custalyze_cltv_core::diagnostics::Tracking>,
    /// Weeks from the log's first week to the end of the calibration period (where the
    /// tracking's holdout begins).
    #[cfg_attr(feature = "serde", serde(default))]
    pub calibration_weeks: f64,
    /// The purchase model the scorecard selects by the smaller error of the holdout total
    /// ([`SelectionRule::HoldoutTotal`]: the report's headline figures are totals; BG/NBD when
    /// the scorecard failed): the check's figures and the CLV stage use it.
    #[cfg_attr(feature = "serde", serde(default))]
    pub model: PurchaseModelKind,
}

/// Whole months between two dates (by calendar month).
fn month_span(first: NaiveDate, last: NaiveDate) -> i32 {
    (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32
}

/// Runs the check on `log` (rows up to `observation_end`) for a horizon of `months`.
///
/// # Errors
/// [`Error::NotEnoughData`] when the data span fewer than 3 months; errors of the split and of
/// the fits.
pub fn holdout_check(
    log: &TransactionLog,
    observation_end: NaiveDate,
    months: u32,
) -> Result<HoldoutCheck> {
    let first = log.first_date().ok_or(Error::EmptyLog)?;
    let span = month_span(first, observation_end);
    if span < 3 {
        return Err(Error::NotEnoughData(format!(
            "the data span {span} months; the holdout check needs at least 3"
        )));
    }
    let holdout_months = months.min((span / 3) as u32).max(1);
    let calibration_end = observation_end
        .checked_sub_months(Months::new(holdout_months))
        .ok_or_else(|| Error::NotEnoughData("calibration end out of range".into()))?;
    let split = CalibrationHoldout::split(log, Period::WEEK, calibration_end, observation_end)?;
    let holdout_weeks = (observation_end - calibration_end).num_days() as f64 / 7.0;
    let summary = split.calibration();
    let clv_options = ClvOptions {
        months: holdout_months,
        ..ClvOptions::default()
    };
    let bg_fit = fit_clv(
        &summary,
        holdout_weeks,
        &clv_options,
        PurchaseModelKind::BgNbd,
    )?;
    // Purchase weeks since the log's first week, for the tracking and the scorecard.
    let week = Period::WEEK;
    let origin = week.unit_ordinal(first);
    let calibration_weeks = week.elapsed(origin, week.end_ordinal(calibration_end));
    let observation_weeks = week.elapsed(origin, week.end_ordinal(observation_end));
    let times = PurchaseTimes::from_log(log, &week, first, calibration_end, observation_end);
    let scorecard = purchase_model_scorecard(
        &summary,
        &split,
        &bg_fit.bgnbd,
        times.repeats_after(calibration_weeks),
    );
    // The model whose holdout total is closer is the report's: its headline figures (buyers,
    // purchases, revenue) are totals.
    let model = scorecard
        .as_ref()
        .and_then(|c| c.select(SelectionRule::HoldoutTotal))
        .and_then(|r| PurchaseModelKind::of_name(&r.model))
        .unwrap_or_default();
    let fit = match model {
        PurchaseModelKind::BgNbd => bg_fit,
        PurchaseModelKind::MbgNbd => fit_clv(&summary, holdout_weeks, &clv_options, model)?,
    };
    let comparison =
        compare_holdout(fit.purchase_model(), &split, MAX_FREQUENCY).map_err(|source| {
            Error::Clv {
                model: "holdout comparison",
                source,
            }
        })?;
    let bought: Vec<bool> = split
        .rows
        .iter()
        .map(|r| r.frequency_holdout > 0.0)
        .collect();
    // Whole weeks only: the last week is partial when the observation ends mid-week, and its
    // few days of purchases would read as a collapse against a full week's prediction.
    let steps: Vec<f64> = (1..=observation_weeks.max(1.0) as usize)
        .take(custalyze_cltv_core::diagnostics::MAX_TRACKING_STEPS)
        .map(|k| k as f64)
        .collect();
    let tracking = match &fit.mbgnbd {
        Some(m) if model == PurchaseModelKind::MbgNbd => {
            tracking(m, &times.first, &times.repeats, &steps).ok()
        }
        _ => tracking(&fit.bgnbd, &times.first, &times.repeats, &steps).ok(),
    };
    let p_purchase: Vec<f64> = fit.customers.iter().map(|c| c.p_purchase).collect();
    let p_alive: Vec<f64> = fit.customers.iter().map(|c| c.p_alive).collect();
    let n = bought.len().max(1) as f64;
    Ok(HoldoutCheck {
        calibration_end,
        observation_end,
        holdout_months,
        holdout_weeks,
        customers: split.rows.len(),
        comparison,
        actual_buyers_share: bought.iter().filter(|b| **b).count() as f64 / n,
        predicted_buyers_share: fit.expected_buyers_share(),
        buyers_roc_auc: custalyze_churn::metrics::roc_auc(&p_purchase, &bought).ok(),
        p_alive_roc_auc: custalyze_churn::metrics::roc_auc(&p_alive, &bought).ok(),
        actual_revenue: holdout_revenue(log, calibration_end, observation_end),
        predicted_revenue: fit.expected_revenue(),
        scorecard,
        tracking,
        calibration_weeks,
        model,
    })
}

/// BG/NBD and MBG/NBD on the holdout; `None` when the extra fit fails (the check itself does not
/// depend on it).
fn purchase_model_scorecard(
    summary: &custalyze_transaction_types::SummaryTable,
    split: &CalibrationHoldout,
    bgnbd: &custalyze_cltv_core::FittedBgNbd,
    purchase_times: Vec<f64>,
) -> Option<custalyze_cltv_core::scorecard::Scorecard> {
    use custalyze_cltv_core::scorecard::{Candidate, HoldoutData, scorecard};
    let data = custalyze_cltv_core::RfmData::from_summary(summary).ok()?;
    let mbg = custalyze_cltv_core::MbgNbd::params().fit(&data).ok()?;
    let mut holdout = HoldoutData::from_split(split).ok()?;
    holdout.purchase_times = purchase_times;
    scorecard(
        &[
            Candidate {
                name: "BG/NBD",
                model: bgnbd,
                report: &bgnbd.report,
            },
            Candidate {
                name: "MBG/NBD",
                model: &mbg,
                report: &mbg.report,
            },
        ],
        &holdout,
        &[],
    )
    .ok()
}

/// Revenue in `(calibration_end, observation_end]` of the customers who bought by
/// `calibration_end`.
fn holdout_revenue(log: &TransactionLog, calibration_end: NaiveDate, end: NaiveDate) -> f64 {
    let (cal, end) = (days_from_epoch(calibration_end), days_from_epoch(end));
    let amounts = log.amounts();
    (0..log.customer_ids().len())
        .filter(|&c| log.customer_rows(c).any(|r| log.day(r) <= cal))
        .flat_map(|c| log.customer_rows(c))
        .filter(|&r| log.day(r) > cal && log.day(r) <= end)
        .map(|r| amounts[r])
        .sum()
}
