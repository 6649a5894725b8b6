//! Batch scoring of purchase histories with the models the analysis fitted.

use custalyze_analysis::clv::{ClvAnalysis, PurchaseModelKind};
use custalyze_cltv_core::Customer;
use custalyze_cltv_core::clv::{PurchaseModel, customer_lifetime_values};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The most histories one request may score.
pub const MAX_HISTORIES: usize = 100_000;

/// One history, in the model's unit (weeks): repeat purchases `x`, time of the last purchase
/// since the first `t_x`, age `T`, and the mean value of the repeat purchases.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Repeat purchases.
    pub x: f64,
    /// Time of the last purchase since the first (weeks).
    pub t_x: f64,
    /// Time since the first purchase (weeks).
    #[serde(rename = "T")]
    pub t: f64,
    /// Mean value of the repeat purchases (0 for a one-time buyer).
    #[serde(default)]
    pub monetary: f64,
}

/// The body of `POST /api/score`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreRequest {
    /// The histories.
    pub histories: Vec<History>,
}

/// One history's scores over the analysis horizon.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// Probability the customer is still active.
    pub p_alive: f64,
    /// Probability of at least one purchase in the horizon.
    pub p_purchase: f64,
    /// Expected purchases in the horizon.
    pub expected_purchases: f64,
    /// Discounted CLV over the horizon (`null` when the spend model failed).
    pub clv: Option<f64>,
}

/// The response of `POST /api/score`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ScoreResponse {
    /// The horizon in weeks.
    pub horizon_weeks: f64,
    /// The purchase model used (`bgnbd` or `mbgnbd`).
    pub model: String,
    /// One score per history, in order.
    pub scores: Vec<Score>,
}

/// Scores `histories` with the CLV stage's purchase model and Gamma-Gamma spend.
///
/// # Errors
/// [`ApiError::BadRequest`] naming the first invalid field (`histories[3].t_x`) or a batch
/// larger than [`MAX_HISTORIES`].
pub fn score(clv: &ClvAnalysis, histories: &[History]) -> Result<ScoreResponse, ApiError> {
    if histories.len() > MAX_HISTORIES {
        return Err(ApiError::BadRequest(format!(
            "histories: {} histories, at most {MAX_HISTORIES} per request",
            histories.len()
        )));
    }
    let model: &(dyn PurchaseModel + Sync) = match (&clv.model, &clv.mbgnbd) {
        (PurchaseModelKind::MbgNbd, Some(m)) => m,
        _ => &clv.bgnbd,
    };
    let mut customers = Vec::with_capacity(histories.len());
    for (i, h) in histories.iter().enumerate() {
        let c = Customer::new(h.x, h.t_x, h.t)
            .map_err(|e| ApiError::BadRequest(format!("histories[{i}]: {e}")))?;
        if !(h.monetary.is_finite() && h.monetary >= 0.0) {
            return Err(ApiError::BadRequest(format!(
                "histories[{i}].monetary: {} is not a finite value >= 0",
                h.monetary
            )));
        }
        customers.push(c);
    }
    let horizon = clv.horizon_weeks;
    let internal = |e: custalyze_cltv_core::Error| ApiError::Internal(e.to_string());
    let mut scores = Vec::with_capacity(customers.len());
    for c in &customers {
        scores.push(Score {
            p_alive: model.p_alive(c).map_err(internal)?,
            p_purchase: model
                .probability_of_a_purchase(horizon, c)
                .map_err(internal)?,
            expected_purchases: model.expected_purchases(horizon, c).map_err(internal)?,
            clv: None,
        });
    }
    if let Ok(spend) = &clv.spend {
        let g = spend.gamma_gamma.params;
        let per_purchase: Vec<f64> = histories
            .iter()
            .map(|h| {
                if h.x > 0.0 && h.monetary > 0.0 {
                    g.conditional_expected_average_profit(h.x, h.monetary)
                } else {
                    spend.population_mean_spend
                }
            })
            .collect();
        let col = |f: fn(&Customer) -> f64| customers.iter().map(f).collect::<Vec<f64>>();
        let values = customer_lifetime_values(
            model,
            &col(|c| c.x),
            &col(|c| c.t_x),
            &col(|c| c.t),
            &per_purchase,
            &clv.clv_options,
        )
        .map_err(internal)?;
        for (s, v) in scores.iter_mut().zip(values) {
            s.clv = Some(v);
        }
    }
    Ok(ScoreResponse {
        horizon_weeks: horizon,
        model: match clv.model {
            PurchaseModelKind::MbgNbd if clv.mbgnbd.is_some() => "mbgnbd",
            _ => "bgnbd",
        }
        .into(),
        scores,
    })
}
