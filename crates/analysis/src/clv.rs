//! The CLV stage: BG/NBD (or MBG/NBD, when the holdout scorecard finds its holdout total closer
//! to what happened) for the number of purchases, Gamma-Gamma for their value, and per
//! customer the probability of buying in the horizon, expected purchases, expected revenue, CLV
//! and a CLV tier.
//!
//! Conventions. The models work on weekly summaries (lifetimes' `freq="W"`): a purchase is a week
//! with at least one order, its value the week's revenue; the fitted BG/NBD records the weekly
//! unit, and CLV is asked in weeks. Customers whose first purchase falls in the last week have
//! `T = 0` (the predictions of a newly acquired customer), as in lifetimes.
//!
//! Spend: Gamma-Gamma is fitted on the repeat buyers with a positive mean repeat spend. Repeat
//! buyers whose repeat purchases are all worth 0 (CDNOW keeps $0.00 rows), and one-time buyers,
//! get the population mean spend `p v / (q - 1)`; the zero-spend repeat buyers are counted in
//! [`SpendModel::zero_spend_repeat_buyers`].

use chrono::NaiveDate;
use custalyze_cltv_core::clv::{ClvOptions, PurchaseModel, TimeUnit, customer_lifetime_values};
use custalyze_cltv_core::{
    BgNbd, Customer, FittedBgNbd, FittedGammaGamma, FittedMbgNbd, GammaGamma, MbgNbd, RfmData,
    SpendData,
};
use custalyze_transaction_types::{Id, Period, SummaryOptions, SummaryTable, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, Outcome, Result, StageError};

/// Fewest positive-spend repeat buyers for a Gamma-Gamma fit.
pub const MIN_REPEAT_BUYERS: usize = 10;

/// Weekly lifetimes summaries of every customer of `log` up to `observation_end` (inclusive).
///
/// # Errors
/// [`Error::Data`] from the summary.
pub fn weekly_summaries(log: &TransactionLog, observation_end: NaiveDate) -> Result<SummaryTable> {
    Ok(custalyze_transaction_types::summarize(
        log,
        &SummaryOptions::new(Period::WEEK).observation_end(observation_end),
    )?)
}

/// A CLV tier: quartiles of CLV, `A` the highest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ClvTier {
    /// The top quarter by CLV.
    A,
    /// The second quarter.
    B,
    /// The third quarter.
    C,
    /// The bottom quarter.
    D,
}

impl ClvTier {
    /// All tiers, highest first.
    pub const ALL: [ClvTier; 4] = [ClvTier::A, ClvTier::B, ClvTier::C, ClvTier::D];

    /// `"A"` to `"D"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClvTier::A => "A",
            ClvTier::B => "B",
            ClvTier::C => "C",
            ClvTier::D => "D",
        }
    }
}

impl std::fmt::Display for ClvTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One CLV tier's size and value.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TierSummary {
    /// The tier.
    pub tier: ClvTier,
    /// Customers in it.
    pub customers: usize,
    /// Mean CLV.
    pub mean_clv: f64,
    /// Smallest CLV in the tier.
    pub min_clv: f64,
    /// Share of the total CLV (0 to 1).
    pub value_share: f64,
}

/// One customer's predictions over the horizon.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerValue {
    /// The purchase model's probability that the customer has not dropped out (under BG/NBD 1
    /// for every one-time buyer).
    pub p_alive: f64,
    /// Probability of at least one purchase in the horizon, `1 - P(X(t) = 0 | x, t_x, T)`.
    pub p_purchase: f64,
    /// Expected purchases (purchase weeks) in the horizon.
    pub expected_purchases: f64,
    /// Expected spend per purchase (Gamma-Gamma; `None` when it failed).
    pub expected_spend: Option<f64>,
    /// `expected_purchases x expected_spend`, undiscounted.
    pub expected_revenue: Option<f64>,
    /// Discounted CLV over the horizon.
    pub clv: Option<f64>,
    /// CLV tier (quartiles of CLV).
    pub tier: Option<ClvTier>,
}

/// The Gamma-Gamma spend model and who it was fitted on.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SpendModel {
    /// The fit.
    pub gamma_gamma: FittedGammaGamma,
    /// Repeat buyers with a positive mean repeat spend (the fitted customers).
    pub fitted_customers: usize,
    /// Repeat buyers left out of the fit because their repeat purchases are worth 0 or less;
    /// they get the population mean spend.
    pub zero_spend_repeat_buyers: usize,
    /// The first few of them (ids as loaded).
    pub zero_spend_examples: Vec<Id>,
    /// Population mean spend per purchase `p v / (q - 1)`.
    pub population_mean_spend: f64,
}

/// The purchase model of the CLV stage: BG/NBD, or MBG/NBD when the holdout scorecard finds its
/// holdout total closer to what happened ([`crate::holdout::HoldoutCheck::model`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PurchaseModelKind {
    /// BG/NBD (Fader, Hardie & Lee 2005): customers drop out only after a repeat purchase.
    #[default]
    BgNbd,
    /// MBG/NBD (Batislam, Denizel & Filiztekin 2007): also at the first purchase, so a one-time
    /// buyer can have dropped out.
    MbgNbd,
}

impl PurchaseModelKind {
    /// `"BG/NBD"` or `"MBG/NBD"`.
    pub fn name(self) -> &'static str {
        match self {
            PurchaseModelKind::BgNbd => "BG/NBD",
            PurchaseModelKind::MbgNbd => "MBG/NBD",
        }
    }

    /// The kind of a scorecard row's model name (`None` for other models).
    pub fn of_name(name: &str) -> Option<Self> {
        match name {
            "BG/NBD" => Some(PurchaseModelKind::BgNbd),
            "MBG/NBD" => Some(PurchaseModelKind::MbgNbd),
            _ => None,
        }
    }
}

/// The result of the CLV stage: models and per-customer predictions, aligned with the summary.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClvAnalysis {
    /// BG/NBD fitted on the weekly summaries (times in weeks).
    pub bgnbd: FittedBgNbd,
    /// MBG/NBD fitted on the same summaries, when it is the purchase model.
    #[cfg_attr(feature = "serde", serde(default))]
    pub mbgnbd: Option<FittedMbgNbd>,
    /// The purchase model behind the per-customer predictions.
    #[cfg_attr(feature = "serde", serde(default))]
    pub model: PurchaseModelKind,
    /// The spend model, or why it failed (CLV and revenue are then missing).
    pub spend: Outcome<SpendModel>,
    /// Horizon in weeks of `p_purchase`, `expected_purchases` and `expected_revenue`.
    pub horizon_weeks: f64,
    /// CLV options (months, discount rate, weekly unit).
    pub clv_options: ClvOptions,
    /// One entry per summary row (customer order of the log).
    pub customers: Vec<CustomerValue>,
    /// CLV tiers, `A` first (empty without a spend model).
    pub tiers: Vec<TierSummary>,
}

impl ClvAnalysis {
    /// The purchase model behind the per-customer predictions.
    pub fn purchase_model(&self) -> &(dyn PurchaseModel + Sync) {
        match (&self.model, &self.mbgnbd) {
            (PurchaseModelKind::MbgNbd, Some(m)) => m,
            _ => &self.bgnbd,
        }
    }

    /// The purchase model's parameters `(r, α, a, b)` (both models have the same four).
    pub fn purchase_parameters(&self) -> [f64; 4] {
        match (&self.model, &self.mbgnbd) {
            (PurchaseModelKind::MbgNbd, Some(m)) => {
                [m.params.r, m.params.alpha, m.params.a, m.params.b]
            }
            _ => {
                let p = &self.bgnbd.params;
                [p.r, p.alpha, p.a, p.b]
            }
        }
    }

    /// Mean probability of a purchase in the horizon: the expected share of customers who buy.
    pub fn expected_buyers_share(&self) -> f64 {
        mean(self.customers.iter().map(|c| c.p_purchase))
    }

    /// Expected purchases of all customers in the horizon.
    pub fn expected_purchases(&self) -> f64 {
        self.customers.iter().map(|c| c.expected_purchases).sum()
    }

    /// Expected revenue of all customers in the horizon (undiscounted), when spend was modelled.
    pub fn expected_revenue(&self) -> Option<f64> {
        self.customers.iter().map(|c| c.expected_revenue).sum()
    }

    /// Total discounted CLV, when spend was modelled.
    pub fn clv_total(&self) -> Option<f64> {
        self.customers.iter().map(|c| c.clv).sum()
    }

    /// Mean P(alive).
    pub fn mean_p_alive(&self) -> f64 {
        mean(self.customers.iter().map(|c| c.p_alive))
    }
}

fn mean(v: impl ExactSizeIterator<Item = f64>) -> f64 {
    let n = v.len().max(1) as f64;
    v.sum::<f64>() / n
}

/// Fits BG/NBD and Gamma-Gamma on a weekly `summary` and predicts every customer over
/// `horizon_weeks` (purchase probability, purchases, revenue) and `clv_options` (CLV, weekly
/// unit forced).
///
/// # Errors
/// [`Error::Clv`] with custalyze-cltv-core's `InvalidCustomer` naming a customer whose summary
/// no model can take, or when BG/NBD fails; [`Error::NotEnoughData`] without customers. A
/// Gamma-Gamma failure is kept in [`ClvAnalysis::spend`] instead.
pub fn fit_clv(
    summary: &SummaryTable,
    horizon_weeks: f64,
    clv_options: &ClvOptions,
    model: PurchaseModelKind,
) -> Result<ClvAnalysis> {
    if summary.rows.is_empty() {
        return Err(Error::NotEnoughData("no customer to model".into()));
    }
    let data = RfmData::from_summary(summary).map_err(|source| Error::Clv {
        model: "BG/NBD data",
        source,
    })?;
    let clv_options = ClvOptions {
        unit: data.unit.unwrap_or(TimeUnit::Week),
        ..*clv_options
    };
    let (x, tx, t) = (&data.x, &data.t_x, &data.t);
    let bgnbd = BgNbd::params().fit(&data).map_err(|source| Error::Clv {
        model: "BG/NBD fit",
        source,
    })?;
    let mbgnbd = match model {
        PurchaseModelKind::BgNbd => None,
        PurchaseModelKind::MbgNbd => {
            Some(MbgNbd::params().fit(&data).map_err(|source| Error::Clv {
                model: "MBG/NBD fit",
                source,
            })?)
        }
    };
    let chosen: &(dyn PurchaseModel + Sync) = match &mbgnbd {
        Some(m) => m,
        None => &bgnbd,
    };
    let mut customers: Vec<CustomerValue> = (0..x.len())
        .into_par_iter()
        .map(|i| {
            let history = Customer {
                x: x[i],
                t_x: tx[i],
                t: t[i],
            };
            Ok(CustomerValue {
                p_alive: chosen.p_alive(&history)?,
                p_purchase: chosen.probability_of_a_purchase(horizon_weeks, &history)?,
                expected_purchases: chosen.expected_purchases(horizon_weeks, &history)?,
                expected_spend: None,
                expected_revenue: None,
                clv: None,
                tier: None,
            })
        })
        .collect::<std::result::Result<_, _>>()
        .map_err(|source| Error::Clv {
            model: "purchase model scores",
            source,
        })?;
    let spend = fit_spend(summary);
    let mut tiers = Vec::new();
    if let Ok(s) = &spend {
        let per_purchase = s.expected_spend(summary);
        let clv = customer_lifetime_values(chosen, x, tx, t, &per_purchase, &clv_options).map_err(
            |source| Error::Clv {
                model: "CLV",
                source,
            },
        )?;
        for (i, c) in customers.iter_mut().enumerate() {
            c.expected_spend = Some(per_purchase[i]);
            c.expected_revenue = Some(per_purchase[i] * c.expected_purchases);
            c.clv = Some(clv[i]);
        }
        tiers = assign_tiers(
            &mut customers,
            &summary.rows.iter().map(|r| &r.customer).collect::<Vec<_>>(),
        );
    }
    Ok(ClvAnalysis {
        bgnbd,
        mbgnbd,
        model,
        spend,
        horizon_weeks,
        clv_options,
        customers,
        tiers,
    })
}

impl SpendModel {
    /// Each customer's expected spend per purchase: the Gamma-Gamma conditional expectation
    /// `E[M | x, m̄]` for repeat buyers with positive spend, the population mean for the rest.
    pub fn expected_spend(&self, summary: &SummaryTable) -> Vec<f64> {
        let g = self.gamma_gamma.params;
        summary
            .rows
            .iter()
            .map(|r| {
                if r.frequency > 0.0 && r.monetary_value > 0.0 {
                    g.conditional_expected_average_profit(r.frequency, r.monetary_value)
                } else {
                    self.population_mean_spend
                }
            })
            .collect()
    }
}

/// Gamma-Gamma on the repeat buyers with positive mean spend (the CLV stage's spend model).
///
/// # Errors
/// [`Error::NotEnoughData`] with too few repeat buyers or a spend too heavy-tailed to model;
/// [`Error::Clv`] when the fit fails.
pub fn fit_spend(summary: &SummaryTable) -> Outcome<SpendModel> {
    let (data, left) = SpendData::from_summary(summary).map_err(|source| Error::Clv {
        model: "Gamma-Gamma data",
        source,
    })?;
    if data.len() < MIN_REPEAT_BUYERS {
        return Err(StageError::from(Error::NotEnoughData(format!(
            "too few repeat buyers with positive spend for Gamma-Gamma: {} (at least {MIN_REPEAT_BUYERS} are needed)",
            data.len()
        ))));
    }
    let fit = GammaGamma::params()
        .fit(&data)
        .map_err(|source| Error::Clv {
            model: "Gamma-Gamma fit",
            source,
        })?;
    let population_mean_spend = fit.params.mean_spend();
    if !(population_mean_spend.is_finite() && population_mean_spend > 0.0) {
        return Err(StageError::from(Error::NotEnoughData(format!(
            "Gamma-Gamma population mean spend is {population_mean_spend} (q = {} <= 1): spend too heavy-tailed to model",
            fit.params.q
        ))));
    }
    Ok(SpendModel {
        gamma_gamma: fit,
        fitted_customers: data.len(),
        zero_spend_repeat_buyers: left.non_positive_spend,
        zero_spend_examples: left.non_positive_examples,
        population_mean_spend,
    })
}

/// Quartile tiers of CLV (rank order, ties by customer id), `A` the highest; returns the tier
/// summaries.
fn assign_tiers(customers: &mut [CustomerValue], ids: &[&Id]) -> Vec<TierSummary> {
    let n = customers.len();
    let values: Vec<f64> = customers.iter().map(|c| c.clv.unwrap_or(0.0)).collect();
    let clv = |i: usize| values[i];
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&i, &j| clv(j).total_cmp(&clv(i)).then_with(|| ids[i].cmp(ids[j])));
    let total: f64 = (0..n).map(clv).sum();
    let mut sums = [(0usize, 0.0f64, f64::INFINITY); 4];
    for (rank, &i) in order.iter().enumerate() {
        let k = (rank * 4 / n.max(1)).min(3);
        let v = clv(i);
        sums[k].0 += 1;
        sums[k].1 += v;
        sums[k].2 = sums[k].2.min(v);
        customers[i].tier = Some(ClvTier::ALL[k]);
    }
    ClvTier::ALL
        .iter()
        .zip(sums)
        .filter(|(_, s)| s.0 > 0)
        .map(|(&tier, (count, sum, min))| TierSummary {
            tier,
            customers: count,
            mean_clv: sum / count as f64,
            min_clv: min,
            value_share: if total > 0.0 { sum / total } else { 0.0 },
        })
        .collect()
}
