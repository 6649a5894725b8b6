//! Runs the analyses of this build on a loaded log and converts their results to the plain data of
//! [`super::sections`] and [`super::files`].
//!
//! Conventions: the analysis date `as_of` is exclusive (transactions before it count) and the
//! observation end is the day before it. The BG/NBD and Gamma-Gamma models work on weekly
//! summaries (lifetimes' `freq="W"`); customers whose first purchase falls in the last week have
//! `T = 0`, which the models cannot take, so `T` is floored at [`MIN_T`] weeks for them (their
//! predictions are then those of a newly acquired customer).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use custalyze_abc::{Abc, Dimension, Metric as AbcMetric, Xyz, XyzClass};
use custalyze_cltv_core::clv::{ClvOptions, TimeUnit, customer_lifetime_values};
use custalyze_cltv_core::{BgNbd, FittedBgNbd, FittedGammaGamma, GammaGamma, RfmData, SpendData};
use custalyze_cohort::{CohortOptions, cohorts};
use custalyze_rfm::{RfmOptions, RfmTable, SegmentMap};
use custalyze_transaction_types::load::{LoadReport, Loaded};
use custalyze_transaction_types::{
    Baskets, CalibrationHoldout, Measure, Period, SummaryOptions, TimeSeries, TransactionLog,
    summarize,
};
use serde_json::{Value, json};

use super::html::{Headline, PageHeader, Section};
use super::sections::{
    self, AbcRows, CohortRows, ForecastData, ForecastPath, HoldoutRows, RuleRow, SegmentProfiles,
    SegmentSize, TopCustomer, guard,
};
use super::svg::{fmt_pct, fmt_thousands};
use crate::CliError;

/// The stages after loading, in order (for the progress bar).
pub const STAGES: [&str; 10] = [
    "summaries",
    "CLV models",
    "holdout check",
    "RFM",
    "ABC-XYZ",
    "cohorts",
    "association rules",
    "forecast",
    "segments",
    "page",
];

/// Smallest `T` (weeks) given to the models (see the module docs).
pub const MIN_T: f64 = 1e-6;

/// Fewest repeat buyers for a Gamma-Gamma fit.
pub const MIN_REPEAT_BUYERS: usize = 10;

/// What the report computes.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportOptions {
    /// Analysis date (exclusive); default the day after the last transaction.
    pub as_of: Option<NaiveDate>,
    /// CLV and expected-purchase horizon in months.
    pub months: u32,
    /// Monthly discount rate for CLV.
    pub discount_rate: f64,
    /// Rows of the top-customers and best-sellers tables.
    pub top: usize,
    /// Best sellers kept per RFM segment.
    pub best_sellers: usize,
}

impl Default for ReportOptions {
    fn default() -> Self {
        Self {
            as_of: None,
            months: 12,
            discount_rate: 0.01,
            top: 15,
            best_sellers: 25,
        }
    }
}

/// One row of customers.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerRow {
    /// Customer id.
    pub id: String,
    /// Date of the first purchase.
    pub first_purchase: NaiveDate,
    /// Date of the last purchase.
    pub last_purchase: NaiveDate,
    /// Distinct orders.
    pub orders: u64,
    /// Sum of line amounts.
    pub revenue: f64,
    /// Weekly summary: repeat purchase weeks.
    pub frequency: f64,
    /// Weekly summary: weeks from the first to the last purchase.
    pub recency: f64,
    /// Weekly summary: weeks from the first purchase to the observation end.
    pub t: f64,
    /// Weekly summary: mean value of the repeat purchase weeks.
    pub monetary_value: f64,
    /// RFM: days from the last purchase to the as-of date.
    pub recency_days: Option<i64>,
    /// RFM scores (1..=5).
    pub rfm_scores: Option<(u8, u8, u8)>,
    /// RFM segment.
    pub segment: String,
    /// Acquisition cohort (YYYY-MM).
    pub cohort: String,
    /// BG/NBD P(alive).
    pub p_alive: Option<f64>,
    /// BG/NBD expected purchases in the horizon.
    pub expected_purchases: Option<f64>,
    /// Gamma-Gamma expected spend per purchase.
    pub expected_avg_spend: Option<f64>,
    /// CLV over the horizon.
    pub clv: Option<f64>,
    /// Customer segment (K-Means cluster label) of the report's segments stage (`None` when it failed).
    pub cluster: Option<String>,
}

/// One row of products.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductRow {
    /// Item id.
    pub id: String,
    /// Description (first seen).
    pub description: String,
    /// Revenue.
    pub revenue: f64,
    /// Units sold.
    pub quantity: f64,
    /// Share of revenue.
    pub share: f64,
    /// Cumulative share in rank order.
    pub cumulative_share: f64,
    /// ABC class.
    pub abc: String,
    /// XYZ class (monthly quantity).
    pub xyz: Option<String>,
    /// Coefficient of variation of monthly quantity.
    pub cv: Option<f64>,
}

/// One cell of cohorts.csv (observed cells only).
#[derive(Clone, Debug, PartialEq)]
pub struct CohortCell {
    /// Cohort label.
    pub cohort: String,
    /// Customers acquired.
    pub customers: u64,
    /// Months since acquisition.
    pub period: usize,
    /// Customers who bought in that month.
    pub active: u64,
    /// Revenue of the cohort in that month.
    pub revenue: f64,
}

/// A best seller of an RFM segment.
#[derive(Clone, Debug, PartialEq)]
pub struct BestSeller {
    /// RFM segment.
    pub segment: String,
    /// Rank in the segment (1 = best).
    pub rank: usize,
    /// Item id.
    pub item: String,
    /// Description.
    pub description: String,
    /// Customers of the segment who bought it.
    pub customers: u64,
    /// Revenue from the segment.
    pub revenue: f64,
}

/// Everything the report shows and writes.
#[derive(Debug)]
pub struct Analysis {
    /// Options used.
    pub options: ReportOptions,
    /// The load report.
    pub report: LoadReport,
    /// The cleaned log (rows before `as_of`).
    pub log: TransactionLog,
    /// Rows left out because they are on or after `as_of`.
    pub rows_after_as_of: usize,
    /// Analysis date (exclusive).
    pub as_of: NaiveDate,
    /// Last observed day (`as_of - 1`).
    pub observation_end: NaiveDate,
    /// customers.csv, in customer id order.
    pub customers: Vec<CustomerRow>,
    /// products.csv, in ABC rank order.
    pub products: Vec<ProductRow>,
    /// cohorts.csv.
    pub cohort_cells: Vec<CohortCell>,
    /// rules.csv: FP-Growth rules on the order baskets, by lift descending (empty when none).
    pub rules: Vec<RuleRow>,
    /// The revenue history and forecast (forecast.csv).
    pub forecast: Option<ForecastData>,
    /// Cluster profiles (`None` when the segments stage failed).
    pub segment_profiles: Option<SegmentProfiles>,
    /// Best sellers per RFM segment.
    pub best_sellers: Vec<BestSeller>,
    /// Fitted model parameters and checks, for report.json.
    pub models: Value,
    /// The sections, in page order.
    pub sections: Vec<Section>,
    /// The page header and executive summary.
    pub header: PageHeader,
    /// Headline figures for report.json.
    pub headline: Value,
}

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Longest itemset (antecedents plus consequents) mined for the report's rules.
const RULES_MAX_LEN: usize = 3;
/// Smallest confidence of the report's rules.
const RULES_MIN_CONFIDENCE: f64 = 0.3;
/// Support the report's rule search starts at.
const RULES_START_SUPPORT: f64 = 0.01;
/// The support is lowered no further than this many baskets.
const RULES_MIN_COUNT: u64 = 5;
/// The search stops lowering the support once this many rules are found.
const RULES_TARGET: usize = 10;

/// Rules mined for the report and the thresholds that produced them.
struct MinedRules {
    /// Sorted by lift descending (then support, then items).
    rules: Vec<RuleRow>,
    /// Number of baskets (orders).
    baskets: usize,
    /// The support threshold used, as a fraction of the baskets.
    min_support: f64,
    /// The same threshold as a basket count.
    min_count: u64,
}

/// FP-Growth (custalyze-assoc-rules) on the order baskets of `log`: itemsets of at most
/// [`RULES_MAX_LEN`] products, rules with confidence >= [`RULES_MIN_CONFIDENCE`]. The support
/// starts at [`RULES_START_SUPPORT`] and halves until at least [`RULES_TARGET`] rules appear or
/// the threshold reaches [`RULES_MIN_COUNT`] baskets (the last try). Items are product ids.
fn mine_rules(log: &TransactionLog) -> Result<MinedRules, String> {
    use custalyze_assoc_rules::{AssociationRules, FpGrowth, Transactions};
    let baskets = Baskets::from_log(log).map_err(err)?;
    let tx = Transactions::from_baskets(&baskets);
    let n = tx.len() as u64;
    if n == 0 {
        return Err("the log holds no basket".into());
    }
    let mut count = (RULES_START_SUPPORT * n as f64).ceil() as u64;
    loop {
        let last = count <= RULES_MIN_COUNT;
        let count_used = count.max(RULES_MIN_COUNT).min(n);
        let itemsets = FpGrowth::params()
            .min_count(count_used)
            .max_len(RULES_MAX_LEN)
            .fit(&tx)
            .map_err(err)?;
        let set = AssociationRules::params()
            .min_confidence(RULES_MIN_CONFIDENCE)
            .fit(&itemsets)
            .map_err(err)?;
        if set.len() >= RULES_TARGET || last {
            let mut rules: Vec<RuleRow> = set
                .rules
                .iter()
                .map(|r| RuleRow {
                    antecedents: set
                        .names(&r.antecedents)
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    consequents: set
                        .names(&r.consequents)
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    support: r.metrics.support,
                    confidence: r.metrics.confidence,
                    lift: r.metrics.lift,
                })
                .collect();
            rules.sort_by(|p, q| {
                q.lift
                    .total_cmp(&p.lift)
                    .then(q.support.total_cmp(&p.support))
                    .then(p.antecedents.cmp(&q.antecedents))
                    .then(p.consequents.cmp(&q.consequents))
            });
            return Ok(MinedRules {
                rules,
                baskets: baskets.len(),
                min_support: count_used as f64 / n as f64,
                min_count: count_used,
            });
        }
        count /= 2;
    }
}

/// Per-customer facts straight from the log.
struct Basics {
    first: Vec<NaiveDate>,
    last: Vec<NaiveDate>,
    orders: Vec<u64>,
    revenue: Vec<f64>,
}

fn basics(log: &TransactionLog) -> Basics {
    let n = log.customer_ids().len();
    let (mut first, mut last) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut orders, mut revenue) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let amounts = log.amounts();
    let order_ix = log.orders();
    let mut seen: Vec<u32> = Vec::new();
    for c in 0..n {
        let rows = log.customer_rows(c);
        let d0 = rows.clone().map(|r| log.day(r)).min().unwrap_or(0);
        let d1 = rows.clone().map(|r| log.day(r)).max().unwrap_or(0);
        first.push(custalyze_transaction_types::period::date_from_days(d0));
        last.push(custalyze_transaction_types::period::date_from_days(d1));
        seen.clear();
        seen.extend(rows.clone().map(|r| order_ix[r]));
        seen.sort_unstable();
        seen.dedup();
        orders.push(seen.len() as u64);
        revenue.push(rows.map(|r| amounts[r]).sum());
    }
    Basics {
        first,
        last,
        orders,
        revenue,
    }
}

/// Fitted CLV models and per-customer predictions (aligned with the customers).
struct ClvOut {
    bgnbd: FittedBgNbd,
    gg: Result<FittedGammaGamma, String>,
    p_alive: Vec<f64>,
    expected: Vec<f64>,
    spend: Option<Vec<f64>>,
    clv: Option<Vec<f64>>,
}

impl Analysis {
    /// Runs every analysis on `loaded`; `stage` is called with each stage's name as it starts.
    ///
    /// # Errors
    /// Only when the input itself is unusable (no transaction before `as_of`); a failing analysis
    /// becomes a failed section instead.
    pub fn run(
        loaded: Loaded,
        options: &ReportOptions,
        stage: &mut dyn FnMut(&str),
    ) -> Result<Self, CliError> {
        let Loaded { log, report } = loaded;
        let last = log
            .last_date()
            .ok_or_else(|| CliError("the log has no transaction".into()))?;
        let as_of = match options.as_of {
            Some(d) => d,
            None => last
                .succ_opt()
                .ok_or_else(|| CliError(format!("no day after {last}")))?,
        };
        let observation_end = as_of
            .pred_opt()
            .ok_or_else(|| CliError(format!("no day before {as_of}")))?;
        let full_len = log.len();
        let log = if last >= as_of {
            log.until(observation_end)
                .map_err(|e| CliError(format!("no transaction before --as-of {as_of}: {e}")))?
        } else {
            log
        };
        let rows_after_as_of = full_len - log.len();
        let months = options.months;
        let horizon_weeks = f64::from(months) * TimeUnit::Week.periods_per_month();

        // Stage: summaries (per customer, from the log and weekly lifetimes summaries).
        stage(STAGES[0]);
        let b = basics(&log);
        let ids: Vec<String> = log.customer_ids().iter().map(ToString::to_string).collect();
        let summary = summarize(
            &log,
            &SummaryOptions::new(Period::WEEK).observation_end(observation_end),
        )
        .map_err(|e| CliError(format!("customer summaries: {e}")))?;
        if summary.rows.len() != ids.len() {
            return Err(CliError(format!(
                "customer summaries: {} rows for {} customers",
                summary.rows.len(),
                ids.len()
            )));
        }
        let x: Vec<f64> = summary.rows.iter().map(|r| r.frequency).collect();
        let tx: Vec<f64> = summary.rows.iter().map(|r| r.recency).collect();
        let t: Vec<f64> = summary.rows.iter().map(|r| r.t.max(MIN_T)).collect();
        let m: Vec<f64> = summary.rows.iter().map(|r| r.monetary_value).collect();

        // Stage: CLV models.
        stage(STAGES[1]);
        let clv_options = ClvOptions {
            months,
            monthly_discount_rate: options.discount_rate,
            unit: TimeUnit::Week,
        };
        let clv_title = format!("Customer lifetime value ({months} months)");
        let (clv_section, clv_out) = guard("clv", &clv_title, || {
            let data = RfmData::new(&x, &tx, &t, None).map_err(err)?;
            let bgnbd = BgNbd::new()
                .fit(&data)
                .map_err(|e| format!("BG/NBD fit: {e}"))?;
            let p = &bgnbd.params;
            let p_alive: Vec<f64> = (0..x.len()).map(|i| p.p_alive(x[i], tx[i], t[i])).collect();
            let expected: Vec<f64> = (0..x.len())
                .map(|i| p.expected_purchases(horizon_weeks, x[i], tx[i], t[i]))
                .collect();
            let gg = (|| {
                let (spend, _) = SpendData::from_customers(&x, &m, None).map_err(err)?;
                if spend.len() < MIN_REPEAT_BUYERS {
                    return Err(format!(
                        "too few repeat buyers for Gamma-Gamma: {} customers bought in more than one week, at least {MIN_REPEAT_BUYERS} are needed",
                        spend.len()
                    ));
                }
                GammaGamma::new()
                    .fit(&spend)
                    .map_err(|e| format!("Gamma-Gamma fit: {e}"))
            })();
            let (spend, clv) = match &gg {
                Ok(g) => {
                    let spend: Vec<f64> = (0..x.len())
                        .map(|i| {
                            g.params.conditional_expected_average_profit(
                                x[i],
                                if x[i] > 0.0 { m[i] } else { 0.0 },
                            )
                        })
                        .collect();
                    let clv = customer_lifetime_values(p, &x, &tx, &t, &spend, &clv_options)
                        .map_err(|e| format!("CLV: {e}"))?;
                    (Some(spend), Some(clv))
                }
                Err(_) => (None, None),
            };
            let section = match (&gg, &clv) {
                (Ok(_), Some(clv)) => {
                    let mut order: Vec<usize> = (0..clv.len()).collect();
                    order.sort_by(|&i, &j| clv[j].total_cmp(&clv[i]).then(i.cmp(&j)));
                    let top: Vec<TopCustomer> = order
                        .iter()
                        .take(options.top)
                        .map(|&i| TopCustomer {
                            id: ids[i].clone(),
                            segment: String::new(),
                            orders: b.orders[i],
                            revenue: b.revenue[i],
                            p_alive: p_alive[i],
                            expected_purchases: expected[i],
                            clv: clv[i],
                        })
                        .collect();
                    sections::clv_section(
                        clv,
                        &top,
                        months,
                        &format!(
                            "BG/NBD (r = {:.3}, α = {:.3}, a = {:.3}, b = {:.3}) for the number of purchases and \
                             Gamma-Gamma for their value, discounted at {}% a month.",
                            p.r,
                            p.alpha,
                            p.a,
                            p.b,
                            options.discount_rate * 100.0
                        ),
                    )
                }
                (Err(reason), _) => Section::failed("clv", &clv_title, reason.clone()),
                _ => Section::failed("clv", &clv_title, "CLV not computed"),
            };
            Ok((
                section,
                ClvOut {
                    bgnbd,
                    gg,
                    p_alive,
                    expected,
                    spend,
                    clv,
                },
            ))
        });

        let alive_title = "Who is still a customer: P(alive) vs recency";
        let (alive_section, active_share) = match &clv_out {
            Some(c) => {
                let (mut repeat, mut once) = (Vec::new(), Vec::new());
                for ((last, p), xi) in b.last.iter().zip(&c.p_alive).zip(&x) {
                    let point = ((observation_end - *last).num_days() as f64, *p);
                    if *xi > 0.0 {
                        repeat.push(point);
                    } else {
                        once.push(point);
                    }
                }
                let active = c.p_alive.iter().filter(|p| **p >= 0.5).count() as f64
                    / c.p_alive.len().max(1) as f64;
                (
                    sections::alive_section(&repeat, &once, active),
                    Some(active),
                )
            }
            None => (
                Section::failed(
                    "p-alive",
                    alive_title,
                    clv_section.status.reason().unwrap_or("").to_string(),
                ),
                None,
            ),
        };

        // Stage: calibration/holdout check.
        stage(STAGES[2]);
        let holdout_title = "Model check: calibration vs holdout";
        let (holdout_section, holdout) = guard("holdout", holdout_title, || {
            let first = log.first_date().ok_or("empty log")?;
            let span_months = (observation_end.year() - first.year()) * 12
                + observation_end.month() as i32
                - first.month() as i32;
            if span_months < 3 {
                return Err(format!(
                    "the data span {span_months} months; the holdout check needs at least 3"
                ));
            }
            let holdout_months = (span_months / 3).clamp(1, 6) as u32;
            let cal_end = observation_end
                .checked_sub_months(Months::new(holdout_months))
                .ok_or("calibration end out of range")?;
            let mut split = CalibrationHoldout::split(&log, Period::WEEK, cal_end, observation_end)
                .map_err(err)?;
            for r in &mut split.rows {
                r.t_cal = r.t_cal.max(MIN_T);
            }
            let xs: Vec<f64> = split.rows.iter().map(|r| r.frequency_cal).collect();
            let txs: Vec<f64> = split.rows.iter().map(|r| r.recency_cal).collect();
            let ts: Vec<f64> = split.rows.iter().map(|r| r.t_cal).collect();
            let fit = BgNbd::new()
                .fit(&RfmData::new(&xs, &txs, &ts, None).map_err(err)?)
                .map_err(|e| format!("BG/NBD fit on the calibration period: {e}"))?;
            let cmp = custalyze_cltv_core::compare_holdout(&fit.params, &split, 7).map_err(err)?;
            let rows = HoldoutRows {
                calibration_end: cal_end,
                observation_end,
                frequency: cmp.buckets.iter().map(|b| b.frequency).collect(),
                customers: cmp.buckets.iter().map(|b| b.customers).collect(),
                actual: cmp.buckets.iter().map(|b| b.actual).collect(),
                predicted: cmp.buckets.iter().map(|b| b.predicted).collect(),
                total_actual: cmp.total_actual,
                total_predicted: cmp.total_predicted,
            };
            Ok((sections::holdout_section(&rows), rows))
        });

        // Stage: RFM.
        stage(STAGES[3]);
        let map = SegmentMap::reference();
        let (rfm_section, rfm) = guard("rfm", "RFM segments", || {
            let table = RfmTable::compute(&log, &RfmOptions::new(as_of)).map_err(err)?;
            let sizes: Vec<SegmentSize> = table
                .segment_summaries(&map)
                .into_iter()
                .filter(|s| s.customers > 0)
                .map(|s| SegmentSize {
                    label: s.segment,
                    customers: s.customers,
                    share: s.share,
                    revenue_share: s.revenue_share,
                    mean_recency: s.mean_recency,
                    mean_frequency: s.mean_frequency,
                    mean_monetary: s.mean_monetary,
                })
                .collect();
            Ok((sections::rfm_section(&sizes, as_of), (table, sizes)))
        });

        // Stage: ABC-XYZ of products.
        stage(STAGES[4]);
        let (abc_section, products) =
            guard("abc", "Products: ABC-XYZ and the Pareto curve", || {
                products(&log, options.top)
            });

        // Stage: cohorts.
        stage(STAGES[5]);
        let (cohort_section, cohort) = guard("cohorts", "Cohort retention", || {
            let table = cohorts(
                &log,
                &CohortOptions::new(Period::MONTH).observation_end(observation_end),
            )
            .map_err(err)?;
            let labels = table.labels();
            let mut cells = Vec::new();
            for (c, label) in table.cohorts.iter().zip(&labels) {
                for k in 0..c.observed_periods.min(c.active.len()) {
                    cells.push(CohortCell {
                        cohort: label.clone(),
                        customers: c.size,
                        period: k,
                        active: c.active[k],
                        revenue: c.revenue[k],
                    });
                }
            }
            let rows = CohortRows {
                labels,
                sizes: table.sizes(),
                retention: table.retention(),
                average: table.average_retention(),
                period: "month".into(),
            };
            Ok((sections::cohort_section(&rows), (cells, table)))
        });

        // Stage: association rules: FP-Growth on the order baskets, thresholds chosen
        // automatically ([`mine_rules`]); product ids in the rules (the customer card matches
        // them against customer_products.csv).
        stage(STAGES[6]);
        let (rules_section, rules_found) =
            guard("rules", "Association rules and cross-sell", || {
                let mined = mine_rules(&log)?;
                let s = sections::rules_section(&mined.rules, mined.baskets, 20).text(format!(
                    "Thresholds chosen automatically: itemsets of at most {} products with support \
                 >= {} ({} baskets), rules with confidence >= {}.",
                    RULES_MAX_LEN,
                    fmt_pct(mined.min_support),
                    fmt_thousands(mined.min_count as f64, 0),
                    RULES_MIN_CONFIDENCE
                ));
                Ok((s, (mined.rules, mined.baskets)))
            });
        let rules: Vec<RuleRow> = rules_found.map(|(r, _)| r).unwrap_or_default();

        // Stage: revenue history and forecast: auto-ARIMA (R's stepwise search) on the log of
        // the complete months' revenue, 12 months ahead with 80%/95% intervals.
        stage(STAGES[7]);
        let (forecast_section, forecast) = guard("forecast", "Revenue forecast", || {
            let history = monthly_history(&log, as_of)?;
            let forecast = forecast_revenue(&history)?;
            let data = ForecastData {
                period: "month".into(),
                history,
                forecast: Some(forecast),
            };
            let s = sections::forecast_section(&data, "");
            Ok((s, data))
        });

        // Stage: customer segments: K-Means on log1p + z-scored recency, frequency, monetary,
        // tenure (+ CLV and P(alive) when fitted), k by the silhouette over 3..=6, and a ward
        // dendrogram of a subsample (see `super::segments`).
        stage(STAGES[8]);
        let (segments_section, segments_found) = guard("segments", "Customer segments", || {
            let found = super::segments::customer_segments(
                &log,
                as_of,
                clv_out.as_ref().and_then(|c| c.clv.as_deref()),
                clv_out.as_ref().map(|c| c.p_alive.as_slice()),
            )?;
            Ok((
                sections::segments_section(&found.0, found.1.as_deref()),
                found,
            ))
        });
        let (segment_profiles, clusters) = match segments_found {
            Some((p, _, c)) => (Some(p), Some(c)),
            None => (None, None),
        };

        // Join per-customer results.
        stage(STAGES[9]);
        let rfm_rows = rfm.as_ref().map(|(t, _)| t);
        let mut customers = Vec::with_capacity(ids.len());
        for (i, id) in ids.iter().enumerate() {
            let cr = rfm_rows.and_then(|t| t.customer(&log.customer_ids()[i]));
            let s = &summary.rows[i];
            customers.push(CustomerRow {
                id: id.clone(),
                first_purchase: b.first[i],
                last_purchase: b.last[i],
                orders: b.orders[i],
                revenue: b.revenue[i],
                frequency: s.frequency,
                recency: s.recency,
                t: s.t,
                monetary_value: s.monetary_value,
                recency_days: cr.map(|r| r.recency),
                rfm_scores: cr.map(|r| (r.r_score, r.f_score, r.m_score)),
                segment: cr.map(|r| r.segment(&map).to_string()).unwrap_or_default(),
                cohort: b.first[i].format("%Y-%m").to_string(),
                p_alive: clv_out.as_ref().map(|c| c.p_alive[i]),
                expected_purchases: clv_out.as_ref().map(|c| c.expected[i]),
                expected_avg_spend: clv_out
                    .as_ref()
                    .and_then(|c| c.spend.as_ref())
                    .map(|v| v[i]),
                clv: clv_out.as_ref().and_then(|c| c.clv.as_ref()).map(|v| v[i]),
                cluster: clusters.as_ref().and_then(|c| c.get(i).cloned()),
            });
        }
        // The top-customers table names each customer's RFM segment.
        let mut clv_section = clv_section;
        if let Some(t) = clv_section.tables.first_mut() {
            let seg: HashMap<&str, &str> = customers
                .iter()
                .map(|c| (c.id.as_str(), c.segment.as_str()))
                .collect();
            for row in &mut t.rows {
                if let Some(s) = row.first().and_then(|id| seg.get(id.as_str())) {
                    row[1] = (*s).to_string();
                }
            }
        }
        let best_sellers = best_sellers(&log, &customers, options.best_sellers);

        let total_revenue: f64 = b.revenue.iter().sum();
        let orders: u64 = b.orders.iter().sum();
        let expected_purchases: Option<f64> = clv_out.as_ref().map(|c| c.expected.iter().sum());
        let expected_revenue: Option<f64> = clv_out.as_ref().and_then(|c| {
            c.spend
                .as_ref()
                .map(|s| s.iter().zip(&c.expected).map(|(a, b)| a * b).sum())
        });
        let clv_total: Option<f64> = clv_out
            .as_ref()
            .and_then(|c| c.clv.as_ref())
            .map(|v| v.iter().sum());
        let mut top_segments: Vec<&SegmentSize> = rfm
            .as_ref()
            .map(|(_, s)| s.iter().collect())
            .unwrap_or_default();
        top_segments.sort_by(|a, b| b.revenue_share.total_cmp(&a.revenue_share));
        top_segments.truncate(3);

        let first_date = log.first_date().unwrap_or(observation_end);
        let header = page_header(
            &report,
            first_date,
            observation_end,
            ids.len(),
            orders,
            total_revenue,
            active_share,
            expected_revenue,
            clv_total,
            months,
            &top_segments,
            &customers,
        );
        let headline = json!({
            "customers": ids.len(),
            "orders": orders,
            "transactions": log.len(),
            "revenue": total_revenue,
            "average_order_value": if orders > 0 { total_revenue / orders as f64 } else { 0.0 },
            "first_date": first_date.to_string(),
            "last_date": log.last_date().unwrap_or(observation_end).to_string(),
            "as_of": as_of.to_string(),
            "observation_end": observation_end.to_string(),
            "horizon_months": months,
            "active_share": active_share,
            "mean_p_alive": clv_out.as_ref().map(|c| c.p_alive.iter().sum::<f64>() / c.p_alive.len().max(1) as f64),
            "expected_purchases": expected_purchases,
            "expected_revenue": expected_revenue,
            "clv_total": clv_total,
            "top_segments": top_segments.iter().map(|s| json!({
                "segment": s.label, "customers": s.customers, "share": s.share, "revenue_share": s.revenue_share
            })).collect::<Vec<_>>(),
        });
        let models = json!({
            "bgnbd": clv_out.as_ref().map(|c| json!({
                "r": c.bgnbd.params.r, "alpha": c.bgnbd.params.alpha, "a": c.bgnbd.params.a, "b": c.bgnbd.params.b,
                "log_likelihood": c.bgnbd.report.log_likelihood, "time_unit": "week",
            })),
            "gamma_gamma": clv_out.as_ref().and_then(|c| c.gg.as_ref().ok()).map(|g| json!({
                "p": g.params.p, "q": g.params.q, "v": g.params.v, "log_likelihood": g.report.log_likelihood,
            })),
            "holdout": holdout.as_ref().map(|h| json!({
                "calibration_end": h.calibration_end.to_string(),
                "observation_end": h.observation_end.to_string(),
                "total_actual": h.total_actual,
                "total_predicted": h.total_predicted,
            })),
            "rfm_segments": rfm.as_ref().map(|(_, s)| s.iter().map(|s| json!({
                "segment": s.label, "customers": s.customers, "share": s.share, "revenue_share": s.revenue_share,
            })).collect::<Vec<_>>()),
            "abc": products.as_ref().map(|p| {
                let mut v = serde_json::Map::new();
                for class in ["A", "B", "C"] {
                    let rows: Vec<&ProductRow> = p.iter().filter(|r| r.abc == class).collect();
                    v.insert(class.into(), json!({
                        "products": rows.len(),
                        "revenue_share": rows.iter().map(|r| r.share).sum::<f64>(),
                    }));
                }
                Value::Object(v)
            }),
            "cohorts": cohort.as_ref().map(|(_, t)| json!({
                "cohorts": t.cohorts.len(),
                "periods": t.periods,
                "average_retention": t.average_retention(),
            })),
            "rules": rules.len(),
        });

        let data_section = {
            let mut s = sections::data_section(&report);
            if rows_after_as_of > 0 {
                s = s.text(format!(
                    "{} rows dated on or after {as_of} (the analysis date) are left out of every analysis.",
                    fmt_thousands(rows_after_as_of as f64, 0)
                ));
            }
            s
        };
        let sections = vec![
            data_section,
            cohort_section,
            rfm_section,
            clv_section,
            alive_section,
            holdout_section,
            abc_section,
            rules_section,
            forecast_section,
            segments_section,
        ];
        Ok(Self {
            options: options.clone(),
            report,
            log,
            rows_after_as_of,
            as_of,
            observation_end,
            customers,
            products: products.unwrap_or_default(),
            cohort_cells: cohort.map(|(c, _)| c).unwrap_or_default(),
            rules,
            forecast,
            segment_profiles,
            best_sellers,
            models,
            sections,
            header,
            headline,
        })
    }

    /// The items a customer bought: (item id, description, quantity, revenue), by revenue.
    pub fn customer_products(&self, customer: usize) -> Vec<(String, String, f64, f64)> {
        customer_products(&self.log, customer)
    }
}

/// The items customer index `c` bought: (item id, description, quantity, revenue), by revenue
/// descending, ties by id.
pub fn customer_products(log: &TransactionLog, c: usize) -> Vec<(String, String, f64, f64)> {
    let Some(items) = log.items() else {
        return Vec::new();
    };
    let mut agg: HashMap<u32, (f64, f64)> = HashMap::new();
    for r in log.customer_rows(c) {
        let e = agg.entry(items[r]).or_default();
        e.0 += log.quantities()[r];
        e.1 += log.amounts()[r];
    }
    let mut v: Vec<(String, String, f64, f64)> = agg
        .into_iter()
        .map(|(it, (q, rev))| {
            (
                log.item_ids()[it as usize].to_string(),
                log.item_description(it).unwrap_or("").to_string(),
                q,
                rev,
            )
        })
        .collect();
    v.sort_by(|a, b| b.3.total_cmp(&a.3).then(a.0.cmp(&b.0)));
    v
}

/// Complete months of revenue: the first month is dropped when the data start after its first day,
/// the last when `as_of` falls inside it.
/// Months of history below which no forecast is made (the yearly season needs 24).
const MIN_FORECAST_MONTHS: usize = 8;

/// Auto-ARIMA on the log of the monthly revenue (seasonal with period 12 from 24 months of history
/// on), 12 months ahead; the mean and bounds are back-transformed (the mean is then the median of
/// the forecast distribution).
fn forecast_revenue(history: &[(NaiveDate, f64)]) -> Result<ForecastPath, String> {
    use custalyze_forecast::arima::AutoArima;
    let n = history.len();
    if n < MIN_FORECAST_MONTHS {
        return Err(format!(
            "only {n} complete months of revenue: a forecast needs at least {MIN_FORECAST_MONTHS}"
        ));
    }
    if let Some((d, v)) = history.iter().find(|(_, v)| v.is_nan() || *v <= 0.0) {
        return Err(format!(
            "the revenue of {d} is {v}: the log-scale forecast needs positive monthly revenue"
        ));
    }
    let y: Vec<f64> = history.iter().map(|(_, v)| v.ln()).collect();
    let period = if n >= 24 { 12 } else { 1 };
    let fitted = AutoArima::new(period).fit(&y).map_err(err)?;
    let f = fitted
        .forecast(12, &[80.0, 95.0])
        .map_err(err)?
        .map(f64::exp);
    let band = |level: f64| {
        f.interval(level)
            .map(|(lo, hi)| (lo.to_vec(), hi.to_vec()))
            .ok_or_else(|| format!("no {level}% interval"))
    };
    let (lower_80, upper_80) = band(80.0)?;
    let (lower_95, upper_95) = band(95.0)?;
    let last = history.last().map(|(d, _)| *d).ok_or("empty history")?;
    let dates = (1..=12)
        .map(|k| {
            last.checked_add_months(Months::new(k))
                .ok_or("date out of range")
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ForecastPath {
        model: format!("{} on log revenue", fitted.spec().name()),
        dates,
        mean: f.mean.clone(),
        lower_80,
        upper_80,
        lower_95,
        upper_95,
    })
}

fn monthly_history(
    log: &TransactionLog,
    as_of: NaiveDate,
) -> Result<Vec<(NaiveDate, f64)>, String> {
    let ts = TimeSeries::from_log(log, Period::MONTH, Measure::Revenue, None).map_err(err)?;
    let first = log.first_date().ok_or("empty log")?;
    let mut h: Vec<(NaiveDate, f64)> = ts.dates.into_iter().zip(ts.values).collect();
    if h.first().is_some_and(|(d, _)| *d < first) {
        h.remove(0);
    }
    if h.last()
        .and_then(|(d, _)| d.checked_add_months(Months::new(1)))
        .is_some_and(|end| end > as_of)
    {
        h.pop();
    }
    if h.len() < 2 {
        return Err(format!(
            "{} complete month(s) of revenue; the forecast needs at least 2",
            h.len()
        ));
    }
    Ok(h)
}

type ProductsOut = (Section, Vec<ProductRow>);

fn products(log: &TransactionLog, top: usize) -> Result<ProductsOut, String> {
    let abc = Abc::new(Dimension::Product, AbcMetric::Revenue)
        .classify(log)
        .map_err(err)?;
    let xyz = Xyz::new(Dimension::Product, Period::MONTH)
        .classify(log)
        .ok();
    let items = log.items().ok_or("the log records no products")?;
    let index: HashMap<&custalyze_transaction_types::Id, u32> = log
        .item_ids()
        .iter()
        .enumerate()
        .map(|(k, id)| (id, k as u32))
        .collect();
    let mut quantity = vec![0.0; log.item_ids().len()];
    for (r, it) in items.iter().enumerate() {
        quantity[*it as usize] += log.quantities()[r];
    }
    let xyz_of: HashMap<&custalyze_transaction_types::Id, (XyzClass, f64)> = xyz
        .iter()
        .flat_map(|t| t.entries.iter())
        .map(|e| (&e.id, (e.class, e.cv)))
        .collect();
    let mut matrix = [[0usize; 3]; 3];
    let rows: Vec<ProductRow> = abc
        .entries
        .iter()
        .map(|e| {
            let k = index.get(&e.id).copied();
            let x = xyz_of.get(&e.id).copied();
            if let Some((xc, _)) = x {
                matrix[e.class.index()][xc.index()] += 1;
            }
            ProductRow {
                id: e.id.to_string(),
                description: k
                    .and_then(|k| log.item_description(k))
                    .unwrap_or("")
                    .to_string(),
                revenue: e.value,
                quantity: k.map_or(0.0, |k| quantity[k as usize]),
                share: e.share,
                cumulative_share: e.cumulative_share,
                abc: e.class.to_string(),
                xyz: x.map(|(c, _)| c.to_string()),
                cv: x.map(|(_, cv)| cv),
            }
        })
        .collect();
    let s = abc.class_summaries();
    let a = AbcRows {
        curve: abc
            .pareto_curve()
            .iter()
            .map(|p| (p.entity_share, p.value_share))
            .collect(),
        cutoffs: (abc.cutoffs.a, abc.cutoffs.b),
        classes: [
            (s[0].count, s[0].value_share),
            (s[1].count, s[1].value_share),
            (s[2].count, s[2].value_share),
        ],
        matrix: xyz.as_ref().map(|_| matrix),
        top: rows
            .iter()
            .take(top)
            .map(|r| {
                (
                    r.id.clone(),
                    r.description.clone(),
                    r.revenue,
                    r.share,
                    match &r.xyz {
                        Some(x) => format!("{}{x}", r.abc),
                        None => r.abc.clone(),
                    },
                )
            })
            .collect(),
    };
    Ok((sections::abc_section(&a), rows))
}

/// The `keep` best-selling items (by revenue) of each RFM segment.
fn best_sellers(log: &TransactionLog, customers: &[CustomerRow], keep: usize) -> Vec<BestSeller> {
    let Some(items) = log.items() else {
        return Vec::new();
    };
    let mut segments: Vec<&str> = customers.iter().map(|c| c.segment.as_str()).collect();
    segments.sort_unstable();
    segments.dedup();
    let seg_index: HashMap<&str, usize> =
        segments.iter().enumerate().map(|(k, s)| (*s, k)).collect();
    let mut agg: HashMap<(usize, u32), (f64, u64)> = HashMap::new();
    let mut seen: HashSet<u32> = HashSet::new();
    for (c, row) in customers.iter().enumerate() {
        let Some(&s) = seg_index.get(row.segment.as_str()) else {
            continue;
        };
        seen.clear();
        for r in log.customer_rows(c) {
            let e = agg.entry((s, items[r])).or_default();
            e.0 += log.amounts()[r];
            if seen.insert(items[r]) {
                e.1 += 1;
            }
        }
    }
    let mut per: Vec<Vec<(u32, f64, u64)>> = vec![Vec::new(); segments.len()];
    for ((s, it), (rev, n)) in agg {
        per[s].push((it, rev, n));
    }
    let mut out = Vec::new();
    for (s, mut v) in per.into_iter().enumerate() {
        v.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| log.item_ids()[a.0 as usize].cmp(&log.item_ids()[b.0 as usize]))
        });
        for (rank, (it, rev, n)) in v.into_iter().take(keep).enumerate() {
            out.push(BestSeller {
                segment: segments[s].to_string(),
                rank: rank + 1,
                item: log.item_ids()[it as usize].to_string(),
                description: log.item_description(it).unwrap_or("").to_string(),
                customers: n,
                revenue: rev,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn page_header(
    report: &LoadReport,
    first: NaiveDate,
    end: NaiveDate,
    customers: usize,
    orders: u64,
    revenue: f64,
    active_share: Option<f64>,
    expected_revenue: Option<f64>,
    clv_total: Option<f64>,
    months: u32,
    top: &[&SegmentSize],
    rows: &[CustomerRow],
) -> PageHeader {
    let h = |label: &str, value: String, note: String| Headline {
        label: label.into(),
        value,
        note,
    };
    let money = |v: f64| {
        if v.abs() >= 1e6 {
            format!("{:.2}M", v / 1e6)
        } else {
            fmt_thousands(v, 0)
        }
    };
    let mut headlines = vec![
        h(
            "Customers",
            fmt_thousands(customers as f64, 0),
            format!("{} orders", fmt_thousands(orders as f64, 0)),
        ),
        h(
            "Revenue",
            money(revenue),
            format!(
                "{} per order",
                fmt_thousands(
                    if orders > 0 {
                        revenue / orders as f64
                    } else {
                        0.0
                    },
                    2
                )
            ),
        ),
    ];
    headlines.push(match active_share {
        Some(a) => h(
            "Active customers",
            fmt_pct(a),
            "P(alive) of at least 50%".into(),
        ),
        None => h("Active customers", "–".into(), "model not fitted".into()),
    });
    headlines.push(match expected_revenue {
        Some(v) => h(
            &format!("Expected revenue, next {months} months"),
            money(v),
            format!("CLV (discounted): {}", money(clv_total.unwrap_or(f64::NAN))),
        ),
        None => h(
            &format!("Expected revenue, next {months} months"),
            "–".into(),
            "CLV model not fitted".into(),
        ),
    });
    if let Some(t) = top.first() {
        headlines.push(h(
            "Top segment",
            t.label.clone(),
            format!("{} of revenue", fmt_pct(t.revenue_share)),
        ));
    }
    let mut summary = vec![format!(
        "{} customers placed {} orders worth {} between {first} and {end}.",
        fmt_thousands(customers as f64, 0),
        fmt_thousands(orders as f64, 0),
        fmt_thousands(revenue, 2)
    )];
    if let (Some(a), Some(v)) = (active_share, expected_revenue) {
        summary.push(format!(
            "{} of them are likely still active (P(alive) ≥ 50%); together the customers are expected to \
             spend {} in the next {months} months (discounted CLV {}).",
            fmt_pct(a),
            fmt_thousands(v, 0),
            fmt_thousands(clv_total.unwrap_or(f64::NAN), 0)
        ));
    }
    if !top.is_empty() {
        let parts: Vec<String> = top
            .iter()
            .map(|s| {
                format!(
                    "{} ({} of customers, {} of revenue)",
                    s.label,
                    fmt_pct(s.share),
                    fmt_pct(s.revenue_share)
                )
            })
            .collect();
        summary.push(format!(
            "Top RFM segments by revenue: {}.",
            parts.join("; ")
        ));
    }
    let at_risk: Vec<&CustomerRow> = rows
        .iter()
        .filter(|r| r.p_alive.is_some_and(|p| p < 0.5) && r.orders > 2)
        .collect();
    if !at_risk.is_empty() {
        summary.push(format!(
            "{} customers with three or more orders are probably lapsing (P(alive) below 50%): {} of past revenue.",
            fmt_thousands(at_risk.len() as f64, 0),
            fmt_thousands(at_risk.iter().map(|r| r.revenue).sum::<f64>(), 0)
        ));
    }
    PageHeader {
        title: "Customer analytics report".into(),
        subtitle: format!(
            "{} · {} to {} · {} rows loaded",
            report.source,
            first,
            end,
            fmt_thousands(report.rows_loaded as f64, 0)
        ),
        headlines,
        summary,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};

    /// 1000 orders: 8 hold products A and B together (0.8% < 1%), the rest one product each that
    /// no other order holds. At 1% (10 baskets) nothing is frequent; halving reaches the floor of
    /// 5 baskets, where A -> B and B -> A appear.
    #[test]
    fn the_support_is_lowered_to_the_floor_until_rules_appear() {
        let mut text = String::from("customer_id,date,amount,order_id,item_id\n");
        for k in 0..1000 {
            let items: Vec<String> = if k < 8 {
                vec!["A".into(), "B".into()]
            } else {
                vec![format!("U{k}")]
            };
            for item in items {
                text.push_str(&format!(
                    "{},2024-01-{:02},1.0,{k},{item}\n",
                    k % 50,
                    1 + k % 28
                ));
            }
        }
        let log = load_reader(
            text.as_bytes(),
            "test",
            &LoadOptions::new(Schema::from_name("generic").unwrap()),
        )
        .unwrap()
        .log;
        let mined = mine_rules(&log).unwrap();
        assert_eq!(mined.baskets, 1000);
        assert_eq!(mined.min_count, RULES_MIN_COUNT);
        assert!((mined.min_support - 0.005).abs() < 1e-12);
        let pairs: Vec<(Vec<String>, Vec<String>)> = mined
            .rules
            .iter()
            .map(|r| (r.antecedents.clone(), r.consequents.clone()))
            .collect();
        assert_eq!(
            pairs,
            [
                (vec!["A".to_string()], vec!["B".to_string()]),
                (vec!["B".to_string()], vec!["A".to_string()]),
            ]
        );
        assert!((mined.rules[0].support - 0.008).abs() < 1e-12);
        assert!((mined.rules[0].lift - 125.0).abs() < 1e-9);
    }
}
