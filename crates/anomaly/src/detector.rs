//! The detector: an isolation forest over the order features, robust per-feature rules, risk
//! bands and reasons, and customer-level risk.

use custalyze_transaction_types::{Id, TransactionLog};
use rayon::prelude::*;

use crate::error::{Error, Result, invalid};
use crate::features::{Feature, OrderFeatures, median_and_scale};
use crate::forest::{FittedIsolationForest, IsolationForest};

/// A risk band.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum RiskBand {
    /// Ordinary.
    Low,
    /// Worth a look.
    Medium,
    /// Review before fulfilment.
    High,
}

impl RiskBand {
    /// `low`, `medium` or `high`.
    pub fn name(self) -> &'static str {
        match self {
            RiskBand::Low => "low",
            RiskBand::Medium => "medium",
            RiskBand::High => "high",
        }
    }
}

/// The settings of the detector, unchecked.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | [`trees`](Self::trees) | 200 | isolation trees |
/// | [`sample_size`](Self::sample_size) | 512 | rows per tree (twice scikit-learn's 256: on labelled generated logs it finds large orders and spend spikes markedly better, docs/anomaly.md) |
/// | [`seed`](Self::seed) | 0 | seed of the forest |
/// | [`rule_z`](Self::rule_z) | 3.5 | a feature's rule fires when its robust z-score exceeds this (Iglewicz & Hoaglin's cut-off for modified z-scores) |
/// | [`high_score`](Self::high_score) | 0.62 | forest score from which an order is high risk |
/// | [`medium_score`](Self::medium_score) | 0.56 | forest score from which an order is medium risk |
///
/// The bands: **high** when the forest score is at least `high_score`, or at least
/// `medium_score` with two or more rules firing; **medium** when the score is at least
/// `medium_score`; **low** otherwise. The score thresholds are on the isolation-forest scale,
/// where 0.5 is the score of a row isolated as fast as an average one (Liu et al. 2008), so they
/// do not move with the share of fraud in the data; on the clean embedded sample about 2% of
/// orders are medium and 0.5% high. A rule alone does not raise the band (a zero-inflated
/// feature fires for ordinary customers who return once or split an order); it names the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct AnomalyDetectorParams {
    trees: usize,
    sample_size: usize,
    seed: u64,
    rule_z: f64,
    high_score: f64,
    medium_score: f64,
}

/// Checked [`AnomalyDetectorParams`].
#[derive(Clone, Debug, PartialEq)]
pub struct ValidAnomalyDetectorParams(AnomalyDetectorParams);

/// Entry point: [`AnomalyDetector::params`].
#[derive(Clone, Copy, Debug)]
pub struct AnomalyDetector;

impl AnomalyDetector {
    /// The default settings.
    pub fn params() -> AnomalyDetectorParams {
        AnomalyDetectorParams {
            trees: 200,
            sample_size: 512,
            seed: 0,
            rule_z: 3.5,
            high_score: 0.62,
            medium_score: 0.56,
        }
    }
}

impl AnomalyDetectorParams {
    /// Isolation trees.
    pub fn trees(mut self, trees: usize) -> Self {
        self.trees = trees;
        self
    }
    /// Rows per tree.
    pub fn sample_size(mut self, sample_size: usize) -> Self {
        self.sample_size = sample_size;
        self
    }
    /// Seed of the forest.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Robust z-score above which a feature's rule fires.
    pub fn rule_z(mut self, z: f64) -> Self {
        self.rule_z = z;
        self
    }
    /// Forest score of the high band.
    pub fn high_score(mut self, score: f64) -> Self {
        self.high_score = score;
        self
    }
    /// Forest score of the medium band.
    pub fn medium_score(mut self, score: f64) -> Self {
        self.medium_score = score;
        self
    }

    /// Validates the settings.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for forest settings out of range (see
    /// [`crate::IsolationForestParams::check`]), `rule_z` not finite and positive, or thresholds
    /// not `0 < medium_score <= high_score < 1`.
    pub fn check(self) -> Result<ValidAnomalyDetectorParams> {
        IsolationForest::params()
            .trees(self.trees)
            .sample_size(self.sample_size)
            .check()?;
        if !(self.rule_z.is_finite() && self.rule_z > 0.0) {
            return Err(invalid("rule_z", self.rule_z, "a finite z-score above 0"));
        }
        let ok = |s: f64| s.is_finite() && s > 0.0 && s < 1.0;
        if !ok(self.medium_score) {
            return Err(invalid(
                "medium_score",
                self.medium_score,
                "a forest score in (0, 1)",
            ));
        }
        if !ok(self.high_score) || self.high_score < self.medium_score {
            return Err(invalid(
                "high_score",
                self.high_score,
                "a forest score in (0, 1), at least medium_score",
            ));
        }
        Ok(ValidAnomalyDetectorParams(self))
    }

    /// Checks and fits in one step.
    ///
    /// # Errors
    /// As [`Self::check`] and [`ValidAnomalyDetectorParams::fit`].
    pub fn fit(self, features: &OrderFeatures) -> Result<FittedAnomalyDetector> {
        self.check()?.fit(features)
    }
}

/// The robust centre and scale of one feature, for its rule.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FeatureScale {
    /// The feature.
    pub feature: Feature,
    /// Its median over the fitted orders.
    pub median: f64,
    /// `1.4826 · MAD`, or when more than half the orders share one value (MAD = 0), the root
    /// mean square deviation from the median; infinite when the feature does not vary, so its
    /// rule never fires.
    pub scale: f64,
}

impl FeatureScale {
    /// The robust z-score `(x − median) / scale`.
    pub fn z(&self, x: f64) -> f64 {
        if self.scale.is_finite() {
            (x - self.median) / self.scale
        } else {
            0.0
        }
    }
}

/// A fitted detector: the forest and each feature's robust scale. Serialisable (with the `serde`
/// feature) to score new orders elsewhere.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct FittedAnomalyDetector {
    /// The isolation forest over the feature rows.
    pub forest: FittedIsolationForest,
    /// The features' robust scales, in column order.
    pub scales: Vec<FeatureScale>,
    rule_z: f64,
    high_score: f64,
    medium_score: f64,
}

impl ValidAnomalyDetectorParams {
    /// Fits the forest and the rules' scales on `features`.
    ///
    /// # Errors
    /// [`Error::Empty`] for fewer than 2 orders.
    pub fn fit(&self, features: &OrderFeatures) -> Result<FittedAnomalyDetector> {
        let p = &self.0;
        let forest = IsolationForest::params()
            .trees(p.trees)
            .sample_size(p.sample_size)
            .seed(p.seed)
            .fit(&features.matrix)?;
        let n = features.matrix.rows();
        let scales = features
            .features
            .iter()
            .enumerate()
            .map(|(j, &feature)| {
                let column: Vec<f64> = (0..n).map(|i| features.matrix.row(i)[j]).collect();
                let (median, mad) = median_and_scale(&column);
                let scale = if mad > 0.0 {
                    mad
                } else {
                    // More than half the orders share the median (a zero-inflated feature such
                    // as returns or orders within an hour): the root mean square deviation about
                    // the median, so that a value common enough to move it does not fire.
                    let sd = (column.iter().map(|x| (x - median).powi(2)).sum::<f64>() / n as f64)
                        .sqrt();
                    if sd > 1e-9 { sd } else { f64::INFINITY }
                };
                FeatureScale {
                    feature,
                    median,
                    scale,
                }
            })
            .collect();
        Ok(FittedAnomalyDetector {
            forest,
            scales,
            rule_z: p.rule_z,
            high_score: p.high_score,
            medium_score: p.medium_score,
        })
    }
}

/// Why an order stands out: one feature with its value and robust z-score.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reason {
    /// The feature.
    pub feature: Feature,
    /// The order's value of it.
    pub value: f64,
    /// Its robust z-score.
    pub z: f64,
}

/// The risk of one order.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct OrderRisk {
    /// The order id.
    pub order_id: Id,
    /// The customer id.
    pub customer_id: Id,
    /// The order's timestamp, seconds since the epoch.
    pub timestamp: i64,
    /// The order's value.
    pub value: f64,
    /// The isolation-forest score in (0, 1].
    pub score: f64,
    /// The band.
    pub band: RiskBand,
    /// Rules that fired (robust z above the threshold).
    pub rules_fired: usize,
    /// For medium and high orders: the features that fired, largest z first, or the single most
    /// unusual feature when none fired; empty for low orders.
    pub reasons: Vec<Reason>,
}

/// The columns of [`write_alerts`].
pub const ALERT_COLUMNS: [&str; 7] = [
    "order_id",
    "customer_id",
    "date",
    "value",
    "score",
    "band",
    "reasons",
];

/// Writes one row per order with the columns [`ALERT_COLUMNS`]: the date as
/// `YYYY-MM-DD HH:MM:SS`, the value to cents, the score to 4 decimals and the reasons as
/// [`OrderRisk::reasons_text`].
///
/// # Errors
/// [`Error::Data`] wrapping the CSV or I/O error when writing fails.
pub fn write_alerts<'a, W: std::io::Write>(
    orders: impl IntoIterator<Item = &'a OrderRisk>,
    out: W,
) -> Result<()> {
    let err = |e: csv::Error| {
        Error::Data(custalyze_transaction_types::DataError::Csv {
            line: None,
            message: e.to_string(),
        })
    };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(ALERT_COLUMNS).map_err(err)?;
    for o in orders {
        let date = chrono::DateTime::from_timestamp(o.timestamp, 0)
            .map(|d| d.naive_utc().to_string())
            .unwrap_or_default();
        w.write_record([
            o.order_id.to_string(),
            o.customer_id.to_string(),
            date,
            format!("{:.2}", o.value),
            format!("{:.4}", o.score),
            o.band.name().to_string(),
            o.reasons_text(),
        ])
        .map_err(err)?;
    }
    w.flush().map_err(|e| err(csv::Error::from(e)))?;
    Ok(())
}

impl OrderRisk {
    /// The reasons as text: `order_value (z=5.1); orders_within_hour (z=12.0)`.
    pub fn reasons_text(&self) -> String {
        self.reasons
            .iter()
            .map(|r| format!("{} (z={:.1})", r.feature.name(), r.z))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The risk of one customer: the worst of their orders.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CustomerRisk {
    /// The customer id.
    pub customer_id: Id,
    /// The highest order score.
    pub score: f64,
    /// The worst order band.
    pub band: RiskBand,
    /// Orders.
    pub orders: usize,
    /// Orders in the medium or high band.
    pub flagged_orders: usize,
    /// Value of the flagged orders.
    pub flagged_value: f64,
    /// Every feature named in a reason of the customer's flagged orders, most frequent first.
    pub reasons: Vec<Feature>,
}

/// Totals of a scoring run.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RiskSummary {
    /// Orders scored.
    pub orders: usize,
    /// Orders in the high band.
    pub high: usize,
    /// Orders in the medium band.
    pub medium: usize,
    /// Value of every order.
    pub revenue: f64,
    /// Value of the medium and high orders.
    pub flagged_revenue: f64,
    /// `flagged_revenue / revenue` (0 for a log without revenue).
    pub flagged_revenue_share: f64,
    /// Customers with at least one medium or high order.
    pub flagged_customers: usize,
}

/// Order and customer risks of a log.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RiskScores {
    /// The features used, in column order.
    pub features: Vec<Feature>,
    /// Every order, in the order of [`OrderFeatures::orders`].
    pub orders: Vec<OrderRisk>,
    /// Every customer of the log, in the log's customer order.
    pub customers: Vec<CustomerRisk>,
    /// Totals.
    pub summary: RiskSummary,
}

impl RiskScores {
    /// The orders from the highest score down (ties by order id), at most `k`.
    pub fn top_orders(&self, k: usize) -> Vec<&OrderRisk> {
        let mut v: Vec<&OrderRisk> = self.orders.iter().collect();
        v.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.order_id.cmp(&b.order_id))
        });
        v.truncate(k);
        v
    }
}

impl FittedAnomalyDetector {
    /// Scores every order of `features` (built from `log` with the same feature set as the fit).
    ///
    /// # Errors
    /// [`Error::Shape`] when the features differ from the fitted ones; [`Error::CustomerLength`]
    /// when `features` does not come from `log`.
    pub fn score(&self, log: &TransactionLog, features: &OrderFeatures) -> Result<RiskScores> {
        let fitted: Vec<Feature> = self.scales.iter().map(|s| s.feature).collect();
        if fitted != features.features {
            return Err(Error::Shape {
                reason: format!(
                    "features {:?} for a detector fitted on {:?}",
                    features.features, fitted
                ),
            });
        }
        let customers = log.customer_ids().len();
        if features
            .orders
            .iter()
            .any(|o| o.customer as usize >= customers)
        {
            return Err(Error::CustomerLength {
                what: "order features",
                got: features.orders.len(),
                customers,
            });
        }
        let scores = self.forest.score_all(&features.matrix)?;
        let orders: Vec<OrderRisk> = features
            .orders
            .par_iter()
            .enumerate()
            .map(|(i, o)| {
                let row = features.matrix.row(i);
                let fired = self
                    .scales
                    .iter()
                    .zip(row)
                    .filter(|(s, v)| s.z(**v) > self.rule_z)
                    .count();
                let score = scores[i];
                let band = if score >= self.high_score || (score >= self.medium_score && fired >= 2)
                {
                    RiskBand::High
                } else if score >= self.medium_score {
                    RiskBand::Medium
                } else {
                    RiskBand::Low
                };
                // Reasons only for flagged orders (most orders are low: no allocation for them).
                let reasons = if band == RiskBand::Low {
                    Vec::new()
                } else {
                    let mut z: Vec<Reason> = self
                        .scales
                        .iter()
                        .zip(row)
                        .map(|(s, &value)| Reason {
                            feature: s.feature,
                            value,
                            z: s.z(value),
                        })
                        .collect();
                    z.sort_by(|a, b| b.z.total_cmp(&a.z));
                    if fired > 0 {
                        z.truncate(fired);
                    } else {
                        z.truncate(1);
                        z.retain(|r| r.z > 0.0);
                    }
                    z
                };
                OrderRisk {
                    order_id: o.order_id.clone(),
                    customer_id: log.customer_ids()[o.customer as usize].clone(),
                    timestamp: o.timestamp,
                    value: o.value,
                    score,
                    band,
                    rules_fired: fired,
                    reasons,
                }
            })
            .collect();
        let mut per_customer: Vec<CustomerRisk> = log
            .customer_ids()
            .iter()
            .map(|id| CustomerRisk {
                customer_id: id.clone(),
                score: 0.0,
                band: RiskBand::Low,
                orders: 0,
                flagged_orders: 0,
                flagged_value: 0.0,
                reasons: Vec::new(),
            })
            .collect();
        let mut reason_counts: Vec<Vec<(Feature, usize)>> = vec![Vec::new(); customers];
        let mut summary = RiskSummary {
            orders: orders.len(),
            ..RiskSummary::default()
        };
        for (o, risk) in features.orders.iter().zip(&orders) {
            let c = o.customer as usize;
            let cr = &mut per_customer[c];
            cr.orders += 1;
            cr.score = cr.score.max(risk.score);
            cr.band = cr.band.max(risk.band);
            summary.revenue += risk.value;
            if risk.band != RiskBand::Low {
                cr.flagged_orders += 1;
                cr.flagged_value += risk.value;
                summary.flagged_revenue += risk.value;
                for r in &risk.reasons {
                    match reason_counts[c].iter_mut().find(|(f, _)| *f == r.feature) {
                        Some((_, k)) => *k += 1,
                        None => reason_counts[c].push((r.feature, 1)),
                    }
                }
            }
            match risk.band {
                RiskBand::High => summary.high += 1,
                RiskBand::Medium => summary.medium += 1,
                RiskBand::Low => {}
            }
        }
        for (cr, mut counts) in per_customer.iter_mut().zip(reason_counts) {
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            cr.reasons = counts.into_iter().map(|(f, _)| f).collect();
        }
        summary.flagged_customers = per_customer.iter().filter(|c| c.flagged_orders > 0).count();
        summary.flagged_revenue_share = if summary.revenue > 0.0 {
            summary.flagged_revenue / summary.revenue
        } else {
            0.0
        };
        Ok(RiskScores {
            features: features.features.clone(),
            orders,
            customers: per_customer,
            summary,
        })
    }
}

/// The classic baseline: for each row the largest `|x − mean| / sd` over the columns (population
/// standard deviation; constant columns contribute 0).
pub fn zscore_baseline(x: &crate::forest::Matrix) -> Vec<f64> {
    let (n, d) = (x.rows(), x.columns());
    let mut mean = vec![0.0; d];
    let mut sd = vec![0.0; d];
    for j in 0..d {
        let m = (0..n).map(|i| x.row(i)[j]).sum::<f64>() / n.max(1) as f64;
        let v = (0..n).map(|i| (x.row(i)[j] - m).powi(2)).sum::<f64>() / n.max(1) as f64;
        mean[j] = m;
        sd[j] = v.sqrt();
    }
    (0..n)
        .map(|i| {
            (0..d)
                .filter(|&j| sd[j] > 0.0)
                .map(|j| ((x.row(i)[j] - mean[j]) / sd[j]).abs())
                .fold(0.0, f64::max)
        })
        .collect()
}
