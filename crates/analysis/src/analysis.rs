//! [`Analysis`]: every stage run on one log, the per-customer join and the headline figures.

use chrono::{Months, NaiveDate};
use custalyze_churn::CustomerScore;
use custalyze_cltv_core::clv::ClvOptions;
use custalyze_cohort::CohortTable;
use custalyze_rfm::CustomerRfm;
use custalyze_transaction_types::{CustomerSummary, Id, SummaryTable, TransactionLog};

use crate::churn::ChurnAnalysis;
use crate::clv::{ClvAnalysis, ClvTier, CustomerValue};
use crate::error::{Error, Outcome, Result, StageError, stage};
use crate::facts::{CustomerFacts, ItemRef, catalogue, customer_facts};
use crate::forecast::RevenueForecast;
use crate::holdout::HoldoutCheck;
use crate::options::AnalysisOptions;
use crate::playbook::{CustomerPlay, Playbook, PlaybookInput};
use crate::products::ProductAnalysis;
use crate::rfm::RfmAnalysis;
use crate::rules::BundleAnalysis;
use crate::segments::SegmentAnalysis;
use crate::tables::ProductTables;

/// The stages of [`Analysis::run`], in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum Stage {
    /// Per-customer facts and weekly summaries.
    Summaries,
    /// BG/NBD, Gamma-Gamma, purchase probabilities, CLV and tiers.
    Clv,
    /// The CLV models refitted on the past and checked against the holdout.
    Holdout,
    /// RFM scores and segments.
    Rfm,
    /// ABC-XYZ classes of products.
    Products,
    /// Acquisition cohorts.
    Cohorts,
    /// Bundles (association rules).
    Bundles,
    /// The backtested revenue forecast.
    Forecast,
    /// K-Means behaviour clusters.
    Segments,
    /// Churn study and risk scores.
    Churn,
    /// Engagement tiers, strategies and recommendations.
    Playbook,
    /// Price elasticity, recommended prices and promotions per product.
    Pricing,
    /// Demand forecasts and stock policies per product.
    Inventory,
    /// Order and customer risk scores.
    Anomalies,
    /// Marketing attribution (with touchpoints).
    Attribution,
}

impl Stage {
    /// Every stage in order.
    pub const ALL: [Stage; 15] = [
        Stage::Summaries,
        Stage::Clv,
        Stage::Holdout,
        Stage::Rfm,
        Stage::Products,
        Stage::Cohorts,
        Stage::Bundles,
        Stage::Forecast,
        Stage::Segments,
        Stage::Churn,
        Stage::Playbook,
        Stage::Pricing,
        Stage::Inventory,
        Stage::Anomalies,
        Stage::Attribution,
    ];

    /// A short name (`"CLV models"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Summaries => "summaries",
            Stage::Clv => "CLV models",
            Stage::Holdout => "holdout check",
            Stage::Rfm => "RFM",
            Stage::Products => "ABC-XYZ",
            Stage::Cohorts => "cohorts",
            Stage::Bundles => "bundles",
            Stage::Forecast => "forecast",
            Stage::Segments => "segments",
            Stage::Churn => "churn",
            Stage::Pricing => "pricing",
            Stage::Inventory => "inventory",
            Stage::Anomalies => "anomalies",
            Stage::Attribution => "attribution",
            Stage::Playbook => "playbook",
        }
    }
}

/// The dates and size of the analysed data.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Window {
    /// Analysis date (exclusive).
    pub as_of: NaiveDate,
    /// Last observed day (`as_of - 1`).
    pub observation_end: NaiveDate,
    /// First transaction date.
    pub first_date: NaiveDate,
    /// Last transaction date used.
    pub last_date: NaiveDate,
    /// End of the prediction horizon (`as_of + months`, exclusive).
    pub horizon_end: NaiveDate,
    /// Transaction rows analysed.
    pub transactions: usize,
    /// Rows left out because they are dated on or after `as_of`.
    pub rows_after_as_of: usize,
}

/// The headline figures.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Headline {
    /// Customers.
    pub customers: usize,
    /// Distinct orders.
    pub orders: u64,
    /// Revenue to date.
    pub revenue: f64,
    /// Revenue per order.
    pub average_order_value: f64,
    /// Horizon of the predictions, months.
    pub horizon_months: u32,
    /// Expected share of customers who buy in the horizon (mean purchase probability).
    pub expected_buyers_share: Option<f64>,
    /// Expected number of customers who buy in the horizon.
    pub expected_buyers: Option<f64>,
    /// Expected purchases (purchase weeks) in the horizon.
    pub expected_purchases: Option<f64>,
    /// Expected revenue in the horizon, undiscounted.
    pub expected_revenue: Option<f64>,
    /// Discounted CLV of all customers over the horizon.
    pub clv_total: Option<f64>,
    /// Mean P(alive) (not a buying rate: 1 for every one-time buyer).
    pub mean_p_alive: Option<f64>,
    /// Customers in the high churn-risk band.
    pub high_risk_customers: Option<usize>,
    /// Total revenue at risk (CLV x churn probability).
    pub revenue_at_risk: Option<f64>,
}

/// The whole analysis of one log: typed stage results (each `Ok` or the stage's error), the
/// per-customer facts they are aligned with, and the headline.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Analysis {
    /// The options used.
    pub options: AnalysisOptions,
    /// Dates and size of the data.
    pub window: Window,
    /// One entry per customer, in the log's customer order; every per-customer vector below
    /// follows it.
    pub facts: Vec<CustomerFacts>,
    /// The product catalogue (empty without items).
    pub items: Vec<ItemRef>,
    /// Weekly lifetimes summaries.
    pub summary: Outcome<SummaryTable>,
    /// CLV models and predictions.
    pub clv: Outcome<ClvAnalysis>,
    /// The holdout check.
    pub holdout: Outcome<HoldoutCheck>,
    /// RFM.
    pub rfm: Outcome<RfmAnalysis>,
    /// ABC-XYZ.
    pub products: Outcome<ProductAnalysis>,
    /// Cohorts.
    pub cohorts: Outcome<CohortTable>,
    /// Bundles.
    pub bundles: Outcome<BundleAnalysis>,
    /// Revenue forecast.
    pub forecast: Outcome<RevenueForecast>,
    /// Behaviour clusters.
    pub segments: Outcome<SegmentAnalysis>,
    /// Churn.
    pub churn: Outcome<ChurnAnalysis>,
    /// Playbook.
    pub playbook: Outcome<Playbook>,
    /// Price elasticities, recommended prices and promotion effects (weekly, per product).
    #[cfg_attr(feature = "serde", serde(default = "crate::pricing::not_run"))]
    pub pricing: Outcome<custalyze_pricing::FittedPricing>,
    /// Demand forecasts and stock policies (2-week lead time, 95% cycle service level).
    #[cfg_attr(feature = "serde", serde(default = "crate::inventory::not_run"))]
    pub inventory: Outcome<custalyze_inventory::FittedInventory>,
    /// Order and customer risk scores.
    #[cfg_attr(feature = "serde", serde(default = "crate::anomalies::not_run"))]
    pub anomalies: Outcome<crate::anomalies::AnomalyAnalysis>,
    /// Channel attribution, when touchpoints were given.
    #[cfg_attr(feature = "serde", serde(default = "crate::attribution::not_run"))]
    pub attribution: Outcome<crate::attribution::AttributionAnalysis>,
    /// The executive page: KPIs, health score and insights from every stage.
    #[cfg_attr(feature = "serde", serde(default))]
    pub executive: crate::executive::Executive,
    /// Headline figures.
    pub headline: Headline,
}

/// One customer's results across the stages.
#[derive(Clone, Copy, Debug)]
pub struct CustomerView<'a> {
    /// Facts from the log.
    pub facts: &'a CustomerFacts,
    /// Weekly summary.
    pub summary: Option<&'a CustomerSummary>,
    /// RFM scores.
    pub rfm: Option<&'a CustomerRfm>,
    /// RFM segment (reference map).
    pub rfm_segment: Option<&'a str>,
    /// CLV-stage predictions.
    pub value: Option<&'a CustomerValue>,
    /// Behaviour cluster.
    pub cluster: Option<&'a str>,
    /// Churn score.
    pub churn: Option<&'a CustomerScore>,
    /// Engagement tier and products.
    pub play: Option<&'a CustomerPlay>,
}

/// The rows an analysis at `as_of` uses: those dated before it (the log itself when every row
/// is). Item and customer indices of the analysis refer to this log.
///
/// # Errors
/// [`Error::NoTransactions`] when no row is dated before `as_of`.
pub fn analysed_rows(
    log: &TransactionLog,
    as_of: NaiveDate,
) -> Result<std::borrow::Cow<'_, TransactionLog>> {
    let last = log.last_date().ok_or(Error::EmptyLog)?;
    if last < as_of {
        return Ok(std::borrow::Cow::Borrowed(log));
    }
    let end = as_of.pred_opt().ok_or(Error::NoTransactions { as_of })?;
    log.until(end)
        .map(std::borrow::Cow::Owned)
        .map_err(|_| Error::NoTransactions { as_of })
}

/// The window of an analysis of `log` (already cut) at `as_of`.
fn window(log: &TransactionLog, as_of: NaiveDate, months: u32) -> Result<Window> {
    let observation_end = as_of.pred_opt().ok_or(Error::NoTransactions { as_of })?;
    let first_date = log.first_date().ok_or(Error::NoTransactions { as_of })?;
    let horizon_end =
        as_of
            .checked_add_months(Months::new(months))
            .ok_or(Error::InvalidParameter(
                crate::error::InvalidParameter::new(
                    "months",
                    months,
                    "the horizon ends outside the calendar",
                ),
            ))?;
    Ok(Window {
        as_of,
        observation_end,
        first_date,
        last_date: log.last_date().unwrap_or(observation_end),
        horizon_end,
        transactions: log.len(),
        rows_after_as_of: 0,
    })
}

/// Weekly summaries, one per customer.
fn summaries(log: &TransactionLog, end: NaiveDate, customers: usize) -> Result<SummaryTable> {
    let s = crate::clv::weekly_summaries(log, end)?;
    if s.rows.len() != customers {
        return Err(Error::NotEnoughData(format!(
            "{} summaries for {customers} customers",
            s.rows.len()
        )));
    }
    Ok(s)
}

/// The CLV stage over the calendar horizon `[as_of, as_of + months)`.
fn clv_stage(
    summary: &Outcome<SummaryTable>,
    window: &Window,
    options: &AnalysisOptions,
    model: crate::clv::PurchaseModelKind,
) -> Result<ClvAnalysis> {
    let s = upstream("summaries", summary)?;
    let horizon_weeks = (window.horizon_end - window.as_of).num_days() as f64 / 7.0;
    crate::clv::fit_clv(
        s,
        horizon_weeks,
        &ClvOptions {
            months: options.months,
            monthly_discount_rate: options.discount_rate,
            ..ClvOptions::default()
        },
        model,
    )
}

/// Per-customer columns of the CLV stage that later stages use.
struct ClvColumns {
    clv: Option<Vec<f64>>,
    p_alive: Option<Vec<f64>>,
    p_purchase: Option<Vec<f64>>,
}

impl ClvColumns {
    fn of(clv: &Outcome<ClvAnalysis>) -> Self {
        let c = clv.as_ref().ok();
        Self {
            clv: c.and_then(|c| c.customers.iter().map(|v| v.clv).collect()),
            p_alive: c.map(|c| c.customers.iter().map(|v| v.p_alive).collect()),
            p_purchase: c.map(|c| c.customers.iter().map(|v| v.p_purchase).collect()),
        }
    }
}

/// The playbook, with the CLV columns.
fn playbook_stage(
    log: &TransactionLog,
    facts: &[CustomerFacts],
    columns: &ClvColumns,
    options: &AnalysisOptions,
) -> Result<Playbook> {
    crate::playbook::playbook(
        log,
        &PlaybookInput {
            facts,
            clv: columns.clv.as_deref(),
            p_purchase: columns.p_purchase.as_deref(),
        },
        options.recommendations,
    )
}

fn upstream<'a, T>(name: &'static str, o: &'a Outcome<T>) -> Result<&'a T> {
    o.as_ref().map_err(|e: &StageError| Error::Upstream {
        stage: name,
        reason: e.to_string(),
    })
}

impl Analysis {
    /// Runs every stage on the transactions of `log` dated before the analysis date.
    ///
    /// # Errors
    /// Only for unusable input or options ([`Error::EmptyLog`], [`Error::NoTransactions`],
    /// [`Error::InvalidParameter`]); a failing stage keeps its error in its field instead.
    pub fn run(log: &TransactionLog, options: &AnalysisOptions) -> Result<Self> {
        Self::run_with_progress(log, options, &mut |_| {})
    }

    /// [`Analysis::run`], calling `progress` as each stage starts.
    ///
    /// # Errors
    /// As [`Analysis::run`].
    pub fn run_with_progress(
        log: &TransactionLog,
        options: &AnalysisOptions,
        progress: &mut dyn FnMut(Stage),
    ) -> Result<Self> {
        Self::run_with_tables(log, options, &ProductTables::default(), progress)
    }

    /// [`Analysis::run_with_progress`] with the item and stock tables of the pricing and
    /// inventory stages.
    ///
    /// # Errors
    /// As [`Analysis::run`].
    pub fn run_with_tables(
        log: &TransactionLog,
        options: &AnalysisOptions,
        tables: &ProductTables,
        progress: &mut dyn FnMut(Stage),
    ) -> Result<Self> {
        options.check()?;
        let last = log.last_date().ok_or(Error::EmptyLog)?;
        let as_of = match options.as_of {
            Some(d) => d,
            None => last.succ_opt().ok_or(Error::EmptyLog)?,
        };
        let log = analysed_rows(log, as_of)?;
        let log: &TransactionLog = &log;
        let window = window(log, as_of, options.months)?;
        let end = window.observation_end;

        progress(Stage::Summaries);
        let facts = customer_facts(log);
        let items = catalogue(log);
        let summary = stage(|| summaries(log, end, facts.len()));
        // The holdout check picks the purchase model the CLV stage uses.
        progress(Stage::Holdout);
        let holdout = stage(|| crate::holdout::holdout_check(log, end, options.months));
        let model = holdout.as_ref().map(|h| h.model).unwrap_or_default();
        progress(Stage::Clv);
        let clv = stage(|| clv_stage(&summary, &window, options, model));
        let columns = ClvColumns::of(&clv);
        progress(Stage::Rfm);
        let rfm =
            stage(|| crate::rfm::rfm(log, as_of, options.rfm_frequency, options.best_sellers));
        progress(Stage::Products);
        let products = stage(|| crate::products::products(log));
        progress(Stage::Cohorts);
        let cohorts = stage(|| crate::cohorts::cohorts(log, end));
        progress(Stage::Bundles);
        let bundles = stage(|| crate::rules::bundles(log));
        progress(Stage::Forecast);
        let forecast = stage(|| {
            crate::forecast::forecast_revenue(&crate::forecast::monthly_revenue(log, as_of)?)
        });
        progress(Stage::Segments);
        let (clv_v, alive) = (columns.clv.as_deref(), columns.p_alive.as_deref());
        let segments = stage(|| crate::segments::segments(log, as_of, clv_v, alive, options.seed));
        progress(Stage::Churn);
        let days = options.churn_holdout_days;
        let churn = stage(|| crate::churn::churn(log, end, days, clv_v, options.seed));
        progress(Stage::Playbook);
        let playbook = stage(|| playbook_stage(log, &facts, &columns, options));
        progress(Stage::Pricing);
        let pricing = stage(|| crate::pricing::pricing(log, tables));
        progress(Stage::Inventory);
        let inventory = stage(|| crate::inventory::inventory(log, tables));
        progress(Stage::Anomalies);
        let spend: Option<Vec<f64>> = clv
            .as_ref()
            .ok()
            .and_then(|c| c.customers.iter().map(|v| v.expected_spend).collect());
        let weekly: Option<Vec<f64>> = clv.as_ref().ok().and_then(|c| {
            c.customers
                .iter()
                .map(|v| v.expected_revenue.map(|r| r / c.horizon_weeks))
                .collect()
        });
        let anomalies = stage(|| {
            crate::anomalies::anomalies(
                log,
                spend.as_deref(),
                weekly.as_deref(),
                &tables.returned_rows,
                options.seed,
            )
        });
        progress(Stage::Attribution);
        let attribution =
            stage(|| crate::attribution::attribution(log, tables.touchpoints.as_ref()));

        let headline = headline(&facts, options.months, &clv, &churn);
        let mut analysis = Self {
            options: options.clone(),
            window,
            facts,
            items,
            summary,
            clv,
            holdout,
            rfm,
            products,
            cohorts,
            bundles,
            forecast,
            segments,
            churn,
            playbook,
            pricing,
            inventory,
            anomalies,
            attribution,
            headline,
            executive: crate::executive::Executive::default(),
        };
        analysis.executive = crate::executive::executive(log, &analysis);
        Ok(analysis)
    }

    /// Records how many rows of the loaded file were dated on or after the analysis date (the
    /// caller knows the file; [`Analysis::run`] sees only the log).
    pub fn set_rows_after_as_of(&mut self, rows: usize) {
        self.window.rows_after_as_of = rows;
    }

    /// The results of customer index `i` (log order); `None` past the end.
    pub fn customer_at(&self, i: usize) -> Option<CustomerView<'_>> {
        let facts = self.facts.get(i)?;
        let ok = |n: usize| (n == self.facts.len()).then_some(i);
        Some(CustomerView {
            facts,
            summary: self.summary.as_ref().ok().and_then(|s| s.rows.get(i)),
            rfm: self.rfm.as_ref().ok().and_then(|r| r.table.rows.get(i)),
            rfm_segment: self
                .rfm
                .as_ref()
                .ok()
                .and_then(|r| ok(r.segments.len()).and(r.segments.get(i)))
                .map(String::as_str),
            value: self
                .clv
                .as_ref()
                .ok()
                .and_then(|c| ok(c.customers.len()).and(c.customers.get(i))),
            cluster: self
                .segments
                .as_ref()
                .ok()
                .and_then(|s| ok(s.clusters.len()).and(s.clusters.get(i)))
                .map(String::as_str),
            churn: self
                .churn
                .as_ref()
                .ok()
                .and_then(|c| c.score(&facts.customer)),
            play: self
                .playbook
                .as_ref()
                .ok()
                .and_then(|p| ok(p.customers.len()).and(p.customers.get(i))),
        })
    }

    /// The results of one customer, by id as written in the file (`"00042"` finds customer 42).
    pub fn customer(&self, id: &str) -> Option<CustomerView<'_>> {
        let id = Id::parse(id)?;
        let i = self
            .facts
            .binary_search_by(|f| f.customer.cmp(&id))
            .ok()
            .or_else(|| self.facts.iter().position(|f| f.customer == id))?;
        self.customer_at(i)
    }

    /// Every customer's results, in log order.
    pub fn customers(&self) -> impl Iterator<Item = CustomerView<'_>> {
        (0..self.facts.len()).filter_map(|i| self.customer_at(i))
    }

    /// The `n` customers of CLV tier A or B (every customer without CLV) with the most revenue
    /// at risk, in the high or medium churn band.
    pub fn at_risk(&self, n: usize) -> Vec<CustomerView<'_>> {
        let mut v: Vec<CustomerView<'_>> = self
            .customers()
            .filter(|c| {
                c.churn
                    .is_some_and(|s| s.risk_band != custalyze_churn::RiskBand::Low)
                    && c.value.and_then(|v| v.tier).is_none_or(|t| t <= ClvTier::B)
            })
            .collect();
        let risk = |c: &CustomerView<'_>| c.churn.map_or(0.0, |s| s.revenue_at_risk);
        v.sort_by(|a, b| {
            risk(b)
                .total_cmp(&risk(a))
                .then_with(|| a.facts.customer.cmp(&b.facts.customer))
        });
        v.truncate(n);
        v
    }

    /// The catalogue entry of an item index.
    pub fn item(&self, item: u32) -> Option<&ItemRef> {
        self.items.get(item as usize)
    }

    /// The stages that failed, with their errors.
    pub fn failures(&self) -> Vec<(Stage, &StageError)> {
        [
            (Stage::Summaries, self.summary.as_ref().err()),
            (Stage::Clv, self.clv.as_ref().err()),
            (Stage::Holdout, self.holdout.as_ref().err()),
            (Stage::Rfm, self.rfm.as_ref().err()),
            (Stage::Products, self.products.as_ref().err()),
            (Stage::Cohorts, self.cohorts.as_ref().err()),
            (Stage::Bundles, self.bundles.as_ref().err()),
            (Stage::Forecast, self.forecast.as_ref().err()),
            (Stage::Segments, self.segments.as_ref().err()),
            (Stage::Churn, self.churn.as_ref().err()),
            (Stage::Playbook, self.playbook.as_ref().err()),
            (Stage::Anomalies, self.anomalies.as_ref().err()),
        ]
        .into_iter()
        .filter_map(|(s, e)| e.map(|e| (s, e)))
        .collect()
    }
}

fn headline(
    facts: &[CustomerFacts],
    months: u32,
    clv: &Outcome<ClvAnalysis>,
    churn: &Outcome<ChurnAnalysis>,
) -> Headline {
    let revenue: f64 = facts.iter().map(|f| f.revenue).sum();
    let orders: u64 = facts.iter().map(|f| f.orders).sum();
    let c = clv.as_ref().ok();
    let h = churn.as_ref().ok();
    Headline {
        customers: facts.len(),
        orders,
        revenue,
        average_order_value: if orders > 0 {
            revenue / orders as f64
        } else {
            0.0
        },
        horizon_months: months,
        expected_buyers_share: c.map(ClvAnalysis::expected_buyers_share),
        expected_buyers: c.map(|c| c.customers.iter().map(|v| v.p_purchase).sum()),
        expected_purchases: c.map(ClvAnalysis::expected_purchases),
        expected_revenue: c.and_then(ClvAnalysis::expected_revenue),
        clv_total: c.and_then(ClvAnalysis::clv_total),
        mean_p_alive: c.map(ClvAnalysis::mean_p_alive),
        high_risk_customers: h.map(|h| {
            h.bands
                .iter()
                .filter(|b| b.band == custalyze_churn::RiskBand::High)
                .map(|b| b.customers)
                .sum()
        }),
        revenue_at_risk: h.map(ChurnAnalysis::revenue_at_risk),
    }
}
