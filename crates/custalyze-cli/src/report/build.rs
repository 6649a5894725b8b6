//! Turns a typed [`Analysis`] into the page: the header, the executive summary and one
//! [`Section`] per stage. Presentation only: every figure comes from the analysis crate.

use custalyze_analysis::clv::ClvAnalysis;
use custalyze_analysis::playbook::{method, strategy, tier_name};
use custalyze_analysis::{Analysis, StageError};
use custalyze_transaction_types::load::LoadReport;

use super::html::{Headline, PageHeader, Section, Table};
use super::sections::{
    self, AbcRows, CohortRows, ForecastData, ForecastPath, HoldoutRows, SegmentProfileRow,
    SegmentProfiles, SegmentSize, TopCustomer,
};
use super::svg::{self, fmt_pct, fmt_thousands};

/// Money with an optional currency code (`--currency`).
#[derive(Clone, Debug, Default)]
pub struct Money {
    /// The code, e.g. `USD`.
    pub currency: Option<String>,
}

impl Money {
    /// `1,234.56` or `USD 1,234.56`.
    pub fn fmt(&self, v: f64, decimals: usize) -> String {
        match &self.currency {
            Some(c) => format!("{c} {}", fmt_thousands(v, decimals)),
            None => fmt_thousands(v, decimals),
        }
    }

    /// Large amounts in millions (`1.23M`).
    pub fn short(&self, v: f64) -> String {
        if v.abs() >= 1e6 {
            match &self.currency {
                Some(c) => format!("{c} {:.2}M", v / 1e6),
                None => format!("{:.2}M", v / 1e6),
            }
        } else {
            self.fmt(v, 0)
        }
    }

    /// ` (USD)` for a column header, empty without a currency.
    pub fn unit(&self) -> String {
        self.currency
            .as_ref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default()
    }
}

/// The files of a report directory, linked from the page.
pub const FILES: [&str; 13] = [
    "customers.csv",
    "at_risk.csv",
    "products.csv",
    "bundles.csv",
    "forecast.csv",
    "cohorts.csv",
    "pricing.csv",
    "inventory.csv",
    "anomalies.csv",
    "attribution.csv",
    "segment_best_sellers.csv",
    "customer_products.csv",
    "report.json",
];

fn failed(id: &str, title: &str, e: &StageError) -> Section {
    match e.error() {
        custalyze_analysis::Error::NoProducts | custalyze_analysis::Error::NoTouchpoints => {
            Section::not_available(id, title, e.to_string())
        }
        _ => Section::failed(id, title, e.to_string()),
    }
}

/// `"85123A WHITE HANGING HEART"` or the id alone.
pub fn item_label(a: &Analysis, item: u32) -> String {
    match a.item(item) {
        Some(i) => describe(i),
        None => item.to_string(),
    }
}

/// [`item_label`] of an item known by its id (the pricing and inventory tables).
fn item_label_of_id(a: &Analysis, id: &custalyze_transaction_types::Id) -> String {
    match a.items.iter().find(|i| &i.id == id) {
        Some(i) => describe(i),
        None => id.to_string(),
    }
}

fn describe(i: &custalyze_analysis::ItemRef) -> String {
    if i.description.is_empty() {
        i.id.to_string()
    } else {
        format!("{} {}", i.id, i.description)
    }
}

/// The header and every section of the page.
pub fn page_parts(a: &Analysis, load: &LoadReport) -> (PageHeader, Vec<Section>) {
    let money = Money {
        currency: a.options.currency.clone(),
    };
    let sections = vec![
        executive_section(a, &money),
        data_section(a, load),
        cohort_section(a),
        rfm_section(a),
        clv_section(a, &money),
        purchase_section(a),
        holdout_section(a, &money),
        churn_section(a, &money),
        playbook_section(a, &money),
        abc_section(a, &money),
        pricing_section(a, &money),
        inventory_section(a, &money),
        anomalies_section(a, &money),
        attribution_section(a, &money),
        bundles_section(a),
        forecast_section(a, &money),
        segments_section(a),
    ];
    (header(a, load, &money), sections)
}

fn executive_section(a: &Analysis, money: &Money) -> Section {
    let e = &a.executive;
    let title = "Business health and insights";
    let mut s = Section::new("executive", title);
    let health = &e.health;
    s = s.text(match health.score {
        Some(score) => format!(
            "Business health score: {score:.0} of 100, the weighted mean of {} components \
             (table below, with how each is measured and weighted){}. The insights that follow \
             are ordered by the money at stake; each names its numbers and the section it comes \
             from.",
            health.components.len(),
            if health.missing.is_empty() {
                String::new()
            } else {
                format!("; left out: {}", health.missing.join("; "))
            }
        ),
        None => "No health score: no component could be measured.".into(),
    });
    if e.monthly_revenue.len() >= 2 {
        let points: Vec<(f64, f64)> = e
            .monthly_revenue
            .iter()
            .enumerate()
            .map(|(i, (_, v))| (i as f64, *v))
            .collect();
        let ticks: Vec<(f64, String)> = e
            .monthly_revenue
            .iter()
            .enumerate()
            .filter(|(i, (d, _))| *i == 0 || chrono::Datelike::month(d) == 1)
            .map(|(i, (d, _))| (i as f64, d.format("%b %Y").to_string()))
            .collect();
        let chart = svg::line_chart(
            "executive-revenue",
            "Revenue by month",
            &[svg::Line {
                name: "revenue".into(),
                points,
                dashed: false,
                colour: svg::PALETTE[0].into(),
            }],
            &[],
            &svg::LineChartOptions {
                x_ticks: ticks,
                x_label: "month (complete months only)".into(),
                y_label: format!("revenue{}", money.unit()),
                ..svg::LineChartOptions::default()
            },
        );
        s = s.chart("Revenue of every complete month", chart);
    }
    let mut k = Table::new(
        "Key figures",
        &["figure", "#value", "compared with", "#change"],
    );
    let change = |now: f64, then: f64| {
        if then > 0.0 {
            format!("{:+.1}%", 100.0 * (now / then - 1.0))
        } else {
            "–".into()
        }
    };
    if let Some(m) = &e.month {
        let label = m.start.format("%B %Y").to_string();
        if let Some(p) = &e.previous_month {
            k.push(vec![
                format!("revenue, {label}, month on month"),
                money.fmt(m.revenue, 0),
                format!("{} in {}", money.fmt(p.revenue, 0), p.start.format("%B %Y")),
                change(m.revenue, p.revenue),
            ]);
        }
        if let Some(p) = &e.month_year_ago {
            k.push(vec![
                format!("revenue, {label}, year on year"),
                money.fmt(m.revenue, 0),
                format!("{} in {}", money.fmt(p.revenue, 0), p.start.format("%B %Y")),
                change(m.revenue, p.revenue),
            ]);
        }
        k.push(vec![
            format!("customers, {label}: new / returning"),
            format!("{} / {}", m.new_customers, m.customers - m.new_customers),
            e.month_year_ago.as_ref().map_or("–".into(), |p| {
                format!(
                    "{} / {} in {}",
                    p.new_customers,
                    p.customers - p.new_customers,
                    p.start.format("%B %Y")
                )
            }),
            e.month_year_ago.as_ref().map_or("–".into(), |p| {
                change(m.customers as f64, p.customers as f64)
            }),
        ]);
    }
    if let Some(y) = &e.year {
        let prev = e.previous_year.as_ref();
        let row = |name: &str, now: String, then: Option<String>, ch: Option<String>| {
            vec![
                name.to_string(),
                now,
                then.unwrap_or_else(|| "–".into()),
                ch.unwrap_or_else(|| "–".into()),
            ]
        };
        k.push(row(
            "revenue, last 12 months",
            money.fmt(y.revenue, 0),
            prev.map(|p| format!("{} the 12 months before", money.fmt(p.revenue, 0))),
            prev.map(|p| change(y.revenue, p.revenue)),
        ));
        k.push(row(
            "average order value, last 12 months",
            money.fmt(y.average_order_value(), 2),
            prev.map(|p| money.fmt(p.average_order_value(), 2)),
            prev.map(|p| change(y.average_order_value(), p.average_order_value())),
        ));
        k.push(row(
            "new customers, last 12 months",
            fmt_thousands(y.new_customers as f64, 0),
            prev.map(|p| fmt_thousands(p.new_customers as f64, 0)),
            prev.map(|p| change(y.new_customers as f64, p.new_customers as f64)),
        ));
    }
    if let Some(r) = e.retention {
        k.push(vec![
            "retention: last year's customers who bought again".into(),
            fmt_pct(r),
            e.lapsed.map_or("–".into(), |(n, v)| {
                format!(
                    "{} did not ({} spent the year before)",
                    fmt_thousands(n as f64, 0),
                    money.fmt(v, 0)
                )
            }),
            "–".into(),
        ]);
    }
    let h = &a.headline;
    if let Some(c) = h.clv_total {
        k.push(vec![
            format!(
                "CLV of the base, next {} months (discounted)",
                h.horizon_months
            ),
            money.fmt(c, 0),
            h.expected_revenue.map_or("–".into(), |r| {
                format!("{} undiscounted", money.fmt(r, 0))
            }),
            "–".into(),
        ]);
    }
    if let (Some(r), Some(n)) = (h.revenue_at_risk, h.high_risk_customers) {
        k.push(vec![
            "churn risk: revenue at risk".into(),
            money.fmt(r, 0),
            format!("{} customers at high risk", fmt_thousands(n as f64, 0)),
            "–".into(),
        ]);
    }
    s = s.table(k);
    let mut t = Table::new(
        "Business health score: components, how each is scored (0 to 100) and its weight",
        &[
            "component",
            "#value",
            "#score",
            "#weight",
            "how it is measured",
        ],
    )
    .wrapping();
    for c in &health.components {
        t.push(vec![
            c.name.clone(),
            if c.name == "growth" {
                format!("{:+.1}%", 100.0 * c.value)
            } else {
                fmt_pct(c.value)
            },
            format!("{:.0}", c.score),
            fmt_pct(c.weight),
            c.definition.clone(),
        ]);
    }
    s = s.table(t);
    let mut i = Table::new(
        "Insights, most money at stake first",
        &["#money at stake", "section", "", "insight", "evidence"],
    )
    .wrapping();
    for x in &e.insights {
        i.push(vec![
            money.fmt(x.money, 0),
            x.module.clone(),
            if x.risk { "risk" } else { "opportunity" }.into(),
            x.text.clone(),
            x.evidence.clone(),
        ]);
    }
    s.table(i)
}

fn data_section(a: &Analysis, load: &LoadReport) -> Section {
    let mut s = sections::data_section(load);
    if a.window.rows_after_as_of > 0 {
        s = s.text(format!(
            "{} rows dated on or after {} (the analysis date) are left out of every analysis.",
            fmt_thousands(a.window.rows_after_as_of as f64, 0),
            a.window.as_of
        ));
    }
    s
}

fn cohort_section(a: &Analysis) -> Section {
    match &a.cohorts {
        Ok(t) => sections::cohort_section(&CohortRows {
            labels: t.labels(),
            sizes: t.sizes(),
            retention: t.retention(),
            average: t.average_retention(),
            period: "month".into(),
        }),
        Err(e) => failed("cohorts", "Cohort retention", e),
    }
}

fn rfm_section(a: &Analysis) -> Section {
    match &a.rfm {
        Ok(r) => {
            let sizes: Vec<SegmentSize> = r
                .summaries
                .iter()
                .map(|s| SegmentSize {
                    label: s.segment.clone(),
                    customers: s.customers,
                    share: s.share,
                    revenue_share: s.revenue_share,
                    mean_recency: s.mean_recency,
                    mean_frequency: s.mean_frequency,
                    mean_monetary: s.mean_monetary,
                })
                .collect();
            let counts = match a.options.rfm_frequency {
                custalyze_rfm::FrequencyRule::Rows => "transaction rows",
                _ => "orders",
            };
            sections::rfm_section(&sizes, a.window.as_of).text(format!(
                "Frequency counts {counts}; the RFM segment names (\"Champions\", \"At Risk\", ...) \
                 are the reference RF map's and are called RFM segments everywhere in this report."
            ))
        }
        Err(e) => failed("rfm", "RFM segments", e),
    }
}

fn clv_text(c: &ClvAnalysis, a: &Analysis) -> String {
    let [r, alpha, pa, pb] = c.purchase_parameters();
    let mut t = format!(
        "{} (r = {r:.3}, α = {alpha:.3}, a = {pa:.3}, b = {pb:.3}, weekly) for the number of purchases",
        c.model.name()
    );
    if let Ok(h) = &a.holdout
        && h.scorecard.is_some()
    {
        t.push_str(&format!(
            " (chosen by the holdout scorecard: the closer total on the {} months after {})",
            h.holdout_months, h.calibration_end
        ));
    }
    match &c.spend {
        Ok(s) => {
            t.push_str(&format!(
                " and Gamma-Gamma (fitted on {} repeat buyers with positive spend) for their value, discounted at {}% a month.",
                fmt_thousands(s.fitted_customers as f64, 0),
                a.options.discount_rate * 100.0
            ));
            if s.zero_spend_repeat_buyers > 0 {
                t.push_str(&format!(
                    " {} repeat buyers whose repeat purchases are all worth 0 (e.g. customer {}) get the population mean spend, as one-time buyers do.",
                    fmt_thousands(s.zero_spend_repeat_buyers as f64, 0),
                    s.zero_spend_examples
                        .first()
                        .map(ToString::to_string)
                        .unwrap_or_default()
                ));
            }
        }
        Err(e) => t.push_str(&format!(". No spend model: {e}.")),
    }
    t
}

fn clv_section(a: &Analysis, money: &Money) -> Section {
    let months = a.options.months;
    let title = format!("Customer lifetime value ({months} months)");
    let c = match &a.clv {
        Ok(c) => c,
        Err(e) => return failed("clv", &title, e),
    };
    if let Err(e) = &c.spend {
        return Section::failed("clv", &title, format!("CLV needs a spend model: {e}"))
            .text(clv_text(c, a));
    }
    let clv: Vec<f64> = c.customers.iter().map(|v| v.clv.unwrap_or(0.0)).collect();
    let mut order: Vec<usize> = (0..clv.len()).collect();
    order.sort_by(|&i, &j| clv[j].total_cmp(&clv[i]).then(i.cmp(&j)));
    let top: Vec<TopCustomer> = order
        .iter()
        .take(a.options.top)
        .filter_map(|&i| a.customer_at(i))
        .map(|v| TopCustomer {
            id: v.facts.customer.to_string(),
            segment: v.rfm_segment.unwrap_or("").to_string(),
            orders: v.facts.orders,
            revenue: v.facts.revenue,
            p_purchase: v.value.map_or(0.0, |x| x.p_purchase),
            expected_purchases: v.value.map_or(0.0, |x| x.expected_purchases),
            clv: v.value.and_then(|x| x.clv).unwrap_or(0.0),
            tier: v
                .value
                .and_then(|x| x.tier)
                .map(|t| t.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let mut tiers = Table::new(
        "CLV tiers (quartiles of CLV, A highest)",
        &[
            "tier",
            "#customers",
            &format!("#mean CLV{}", money.unit()),
            &format!("#from CLV{}", money.unit()),
            "#share of value",
        ],
    );
    for t in &c.tiers {
        tiers.push(vec![
            t.tier.to_string(),
            fmt_thousands(t.customers as f64, 0),
            fmt_thousands(t.mean_clv, 2),
            fmt_thousands(t.min_clv, 2),
            fmt_pct(t.value_share),
        ]);
    }
    sections::clv_section(&clv, &top, months, &clv_text(c, a), money)
        .table(tiers)
        .text(
            "The tier of every customer is the clv_tier column of customers.csv; tier A holds the quarter \
             of customers with the highest CLV.",
        )
}

fn purchase_section(a: &Analysis) -> Section {
    let title = "Who will buy: probability of a purchase";
    let c = match &a.clv {
        Ok(c) => c,
        Err(e) => return failed("purchase", title, e),
    };
    let (mut repeat, mut once) = (Vec::new(), Vec::new());
    for (f, v) in a.facts.iter().zip(&c.customers) {
        let point = (
            (a.window.observation_end - f.last_purchase).num_days() as f64,
            v.p_purchase,
        );
        if f.orders > 1 {
            repeat.push(point);
        } else {
            once.push(point);
        }
    }
    let months = a.options.months;
    let share = c.expected_buyers_share();
    let mut s = Section::new("purchase", title).text(format!(
        "For every customer, the probability of at least one purchase in the next {months} months \
         ({}: P(alive) times the chance that an active customer buys in the horizon). Its mean, \
         {}, is the expected share of customers who buy: about {} of {} customers.",
        c.model.name(),
        fmt_pct(share),
        fmt_thousands(share * a.facts.len() as f64, 0),
        fmt_thousands(a.facts.len() as f64, 0)
    ));
    if let Ok(h) = &a.holdout {
        s = s.text(format!(
            "Checked on the past (section \"Model check\"): fitted up to {}, the model expected {} of the \
             customers to buy by {} and {} did; the probability ranked who bought with ROC AUC {}.",
            h.calibration_end,
            fmt_pct(h.predicted_buyers_share),
            h.observation_end,
            fmt_pct(h.actual_buyers_share),
            h.buyers_roc_auc.map_or("–".into(), |v| format!("{v:.2}"))
        ));
    }
    let why = match c.model {
        custalyze_analysis::clv::PurchaseModelKind::BgNbd => {
            "the BG/NBD lets customers drop out only after a repeat purchase, so every one-time \
             buyer has P(alive) = 1 however long ago she bought"
        }
        custalyze_analysis::clv::PurchaseModelKind::MbgNbd => {
            "it says whether a customer is still a customer, not whether she will buy in the \
             horizon (a slow buyer can be alive and unlikely to buy soon)"
        }
    };
    s.text(format!(
        "P(alive), the model's probability that a customer has not dropped out, is not the headline: \
         {why}. Mean P(alive) is {} (column p_alive of customers.csv).",
        fmt_pct(c.mean_p_alive())
    ))
    .chart(
        "Each dot is a customer: days since the last purchase against the probability of buying again.",
        svg::scatter(
            "purchase-scatter",
            "Probability of a purchase vs recency",
            &[
                svg::PointGroup {
                    name: "repeat buyers".into(),
                    points: repeat,
                },
                svg::PointGroup {
                    name: "one-time buyers".into(),
                    points: once,
                },
            ],
            (0.0, 1.0),
            "days since last purchase",
            &format!("P(purchase in {months} months)"),
            2500,
        ),
    )
}

fn holdout_section(a: &Analysis, money: &Money) -> Section {
    let title = "Model check: calibration vs holdout";
    let h = match &a.holdout {
        Ok(h) => h,
        Err(e) => return failed("holdout", title, e),
    };
    let rows = HoldoutRows {
        calibration_end: h.calibration_end,
        observation_end: h.observation_end,
        frequency: h.comparison.buckets.iter().map(|b| b.frequency).collect(),
        customers: h.comparison.buckets.iter().map(|b| b.customers).collect(),
        actual: h.comparison.buckets.iter().map(|b| b.actual).collect(),
        predicted: h.comparison.buckets.iter().map(|b| b.predicted).collect(),
        total_actual: h.comparison.total_actual,
        total_predicted: h.comparison.total_predicted,
    };
    let mut t = Table::new(
        &format!(
            "The headline figures on the holdout ({} months after {})",
            h.holdout_months, h.calibration_end
        ),
        &["figure", "#predicted", "#actual"],
    );
    t.push(vec![
        "share of customers who buy".into(),
        fmt_pct(h.predicted_buyers_share),
        fmt_pct(h.actual_buyers_share),
    ]);
    t.push(vec![
        "purchases (purchase weeks)".into(),
        fmt_thousands(h.comparison.total_predicted, 0),
        fmt_thousands(h.comparison.total_actual, 0),
    ]);
    t.push(vec![
        format!("revenue{}", money.unit()),
        h.predicted_revenue
            .map_or("–".into(), |v| fmt_thousands(v, 0)),
        fmt_thousands(h.actual_revenue, 0),
    ]);
    t.push(vec![
        "ROC AUC: P(purchase) ranks who bought".into(),
        h.buyers_roc_auc.map_or("–".into(), |v| format!("{v:.3}")),
        String::new(),
    ]);
    t.push(vec![
        "ROC AUC: P(alive) ranks who bought".into(),
        h.p_alive_roc_auc.map_or("–".into(), |v| format!("{v:.3}")),
        String::new(),
    ]);
    let name = h.model.name();
    let mut section = sections::holdout_section(&rows, name);
    if let Some(tr) = &h.tracking {
        section = section.chart(
            format!("Repeat purchases per week of the customers acquired by the calibration end: what they did, and what the {name} fitted on the calibration period expects from each customer's acquisition (Fader, Hardie & Lee 2005, figure 3). Right of the line is the holdout."),
            tracking_chart(tr, h.calibration_weeks, name),
        );
    }
    let section = section.table(t);
    match &h.scorecard {
        Some(card) => section.table(scorecard_table(card, name)),
        None => section,
    }
}

/// Weekly (incremental) tracking: actual against the model, with the calibration end marked.
fn tracking_chart(
    tr: &custalyze_cltv_core::diagnostics::Tracking,
    calibration_weeks: f64,
    model: &str,
) -> String {
    let line = |name: &str, values: Vec<f64>, dashed: bool, colour: &str| svg::Line {
        name: name.into(),
        points: tr.time.iter().copied().zip(values).collect(),
        dashed,
        colour: colour.into(),
    };
    svg::line_chart(
        "holdout-tracking",
        &format!("Weekly repeat purchases: actual vs {model}"),
        &[
            line("actual", tr.actual_incremental(), false, svg::PALETTE[0]),
            line(model, tr.predicted_incremental(), true, svg::PALETTE[1]),
        ],
        &[],
        &svg::LineChartOptions {
            x_label: "weeks since the first week of the log".into(),
            y_label: "repeat purchases (purchase weeks)".into(),
            x_marks: vec![(calibration_weeks, "calibration end".into())],
            ..svg::LineChartOptions::default()
        },
    )
}

/// BG/NBD (the model the report uses) beside MBG/NBD and Pareto/NBD on the same holdout.
fn scorecard_table(card: &custalyze_cltv_core::scorecard::Scorecard, used: &str) -> Table {
    use custalyze_cltv_core::scorecard::SelectionRule;
    let pick = |rule| {
        card.select(rule)
            .map_or("–".to_string(), |r| r.model.clone())
    };
    let mut t = Table::new(
        &format!(
            "Purchase models fitted on the calibration period, scored on the holdout (lowest BIC: {}; lowest holdout error per customer: {}; the report uses {used}, whose holdout total is closer: its headline figures are totals)",
            pick(SelectionRule::Bic),
            pick(SelectionRule::HoldoutMae)
        ),
        &[
            "model",
            "#BIC",
            "#MAE per customer",
            "#holdout purchases",
            "#error of the total",
            "#weekly tracking error",
            "#ROC AUC",
        ],
    );
    for r in &card.rows {
        t.push(vec![
            r.model.clone(),
            fmt_thousands(r.bic, 1),
            format!("{:.3}", r.mae),
            fmt_thousands(r.total_predicted, 0),
            if r.total_error.is_finite() {
                format!("{:+.1}%", 100.0 * r.total_error)
            } else {
                "–".into()
            },
            if r.tracking_error.is_finite() {
                fmt_pct(r.tracking_error)
            } else {
                "–".into()
            },
            if r.auc.is_finite() {
                format!("{:.3}", r.auc)
            } else {
                "–".into()
            },
        ]);
    }
    t
}

fn churn_section(a: &Analysis, money: &Money) -> Section {
    let title = "Churn risk";
    let c = match &a.churn {
        Ok(c) => c,
        Err(e) => return failed("churn", title, e),
    };
    let e = &c.evaluation;
    let mut bands = Table::new(
        "Risk bands (churn probability: high ≥ 0.7, medium ≥ 0.4)",
        &[
            "band",
            "#customers",
            &format!("#revenue at risk{}", money.unit()),
        ],
    );
    for b in &c.bands {
        bands.push(vec![
            b.band.as_str().to_string(),
            fmt_thousands(b.customers as f64, 0),
            fmt_thousands(b.revenue_at_risk, 0),
        ]);
    }
    let mut top = Table::new(
        "High-value customers most at risk (CLV tier A or B, high or medium risk; at_risk.csv)",
        &[
            "customer",
            &format!("#CLV{}", money.unit()),
            "last purchase",
            "#churn probability",
            "risk",
        ],
    );
    for v in a.at_risk(a.options.top) {
        if let Some(s) = v.churn {
            top.push(vec![
                v.facts.customer.to_string(),
                fmt_thousands(s.clv, 2),
                v.facts.last_purchase.to_string(),
                format!("{:.2}", s.churn_probability),
                s.risk_band.as_str().to_string(),
            ]);
        }
    }
    Section::new("churn", title)
        .text(format!(
            "A random forest learns who stops buying from the customers' history ({}). Evaluated out of \
             time, it ranks the customers who did not buy in the last {} days with ROC AUC {:.3} \
             (1 - P(alive): {:.3}; {} of those customers churned).",
            e.design,
            c.holdout_days,
            e.random_forest.roc_auc,
            e.p_alive_baseline.roc_auc,
            fmt_pct(e.test.churn_rate)
        ))
        .text(format!(
            "Scored today, {} customers are at high risk; revenue at risk (CLV x churn probability) totals {}.",
            fmt_thousands(
                c.bands.first().map_or(0.0, |b| b.customers as f64),
                0
            ),
            money.fmt(c.revenue_at_risk(), 0)
        ))
        .table(bands)
        .table(top)
}

fn playbook_section(a: &Analysis, money: &Money) -> Section {
    let title = "Engagement tiers: strategy and products";
    let p = match &a.playbook {
        Ok(p) => p,
        Err(e) => return failed("playbook", title, e),
    };
    let mut t = Table::new(
        "Engagement tiers (from the RFM frequency and monetary scores)",
        &[
            "tier",
            "#customers",
            "#revenue share",
            "#mean orders",
            &format!("#mean CLV{}", money.unit()),
            "#mean P(purchase)",
        ],
    );
    for tier in &p.tiers {
        t.push(vec![
            tier_name(tier.tier).to_string(),
            fmt_thousands(tier.customers as f64, 0),
            fmt_pct(tier.revenue_share),
            format!("{:.1}", tier.mean_orders),
            tier.mean_clv.map_or("–".into(), |v| fmt_thousands(v, 2)),
            tier.mean_p_purchase.map_or("–".into(), fmt_pct),
        ]);
    }
    let mut s = Section::new("playbook", title)
        .text(
            "Every customer is in one engagement tier: loyal high value (frequency and monetary scores 4 \
             or 5), new or low engagement (one order, or frequency score 1 or 2) or moderate. The tier \
             decides the strategy and how products are recommended (column engagement of customers.csv).",
        )
        .table(t);
    for tier in &p.tiers {
        s = s.text(format!(
            "{}: {} Products by {}.",
            tier_name(tier.tier),
            strategy(tier.tier),
            method(tier.tier)
        ));
    }
    for tier in &p.tiers {
        if tier.products.is_empty() {
            continue;
        }
        let mut pt = Table::new(
            &format!(
                "{}: products to recommend ({})",
                tier_name(tier.tier),
                method(tier.tier)
            ),
            &["product", "#customers it is recommended to"],
        );
        for prod in &tier.products {
            pt.push(vec![
                item_label(a, prod.item),
                fmt_thousands(prod.customers as f64, 0),
            ]);
        }
        s = s.table(pt);
    }
    if a.items.is_empty() {
        s = s.text("The data record no products, so no product is recommended.");
    }
    s
}

fn pricing_section(a: &Analysis, money: &Money) -> Section {
    use custalyze_pricing::EstimateStatus;
    let title = "Prices: elasticity and recommended changes";
    let p = match &a.pricing {
        Ok(p) => p,
        Err(e) => return failed("pricing", title, e),
    };
    let count =
        |f: &dyn Fn(&EstimateStatus) -> bool| p.products.iter().filter(|x| f(&x.status)).count();
    let estimated = count(&|s| *s == EstimateStatus::Estimated);
    let flat = count(&|s| matches!(s, EstimateStatus::TooLittlePriceVariation { .. }));
    let few = count(&|s| matches!(s, EstimateStatus::TooFewWeeks { .. }));
    let intermittent = count(&|s| matches!(s, EstimateStatus::IntermittentDemand { .. }));
    let mut s = Section::new("pricing", title).text(format!(
        "How demand responds to price, per product: a log-log regression of weekly units on the \
         product's own price with promotion, post-promotion, trend and seasonal terms (elasticity \
         −2: 1% dearer sells about 2% fewer units). Of {} products, {} have an estimate; {} kept \
         (almost) one price, {} sold in fewer than {} weeks and {} sell too intermittently for \
         this model. Those get no number: a price that never moved says nothing about elasticity.",
        fmt_thousands(p.products.len() as f64, 0),
        fmt_thousands(estimated as f64, 0),
        fmt_thousands(flat as f64, 0),
        fmt_thousands(few as f64, 0),
        p.params.required_weeks(),
        fmt_thousands(intermittent as f64, 0),
    ));
    if estimated == 0 {
        return s.text(
            "No product qualifies, so no price is recommended (pricing.csv lists every product \
             with its status).",
        );
    }
    // The best-selling estimated products, by weekly revenue at the current price.
    let mut top: Vec<&custalyze_pricing::ProductPricing> = p.estimated().collect();
    top.sort_by(|x, y| {
        (y.mean_weekly_units * y.current_price).total_cmp(&(x.mean_weekly_units * x.current_price))
    });
    top.truncate(20);
    let label = |x: &custalyze_pricing::ProductPricing| item_label_of_id(a, &x.item);
    let rows: Vec<svg::Interval> = top
        .iter()
        .filter_map(|x| {
            let e = x.elasticity_used()?;
            Some(svg::Interval {
                label: label(x),
                value: e.value,
                low: e.low,
                high: e.high,
            })
        })
        .collect();
    s = s.chart(
        "Price elasticity of the 20 best-selling estimated products, with 95% intervals \
         (pooled within the product group; dashed line: −1, below which a lower price raises \
         revenue; blue: the whole interval is below −1)",
        svg::interval_chart(
            "pricing-elasticity",
            "Price elasticity with 95% intervals",
            &rows,
            Some(-1.0),
        ),
    );
    let margin = p.params.objective_value() == custalyze_pricing::Objective::Margin;
    let what = if margin { "margin" } else { "revenue" };
    // The change of the objective, falling back to revenue for a product without a unit cost.
    let gain = |r: &custalyze_pricing::PriceRecommendation| {
        if margin {
            r.margin_change.unwrap_or(r.revenue_change)
        } else {
            r.revenue_change
        }
    };
    let moves: Vec<&custalyze_pricing::ProductPricing> = p
        .products
        .iter()
        .filter(|x| x.recommendation.is_some_and(|r| r.confident))
        .collect();
    s = s.text(format!(
        "Recommended price changes: {} of {} estimated products, those whose {what} rises over \
         the whole interval of their elasticity; the others keep their price (the data do not say \
         which way to go). Changes are limited to {:+.0}% / {:+.0}%, and a constant \
         elasticity is assumed within that range.{}",
        fmt_thousands(moves.len() as f64, 0),
        fmt_thousands(estimated as f64, 0),
        100.0 * p.params.price_bounds().0,
        100.0 * p.params.price_bounds().1,
        if margin {
            " The objective is the margin (price less unit cost, times units), from the unit \
             costs of the item table."
        } else {
            ""
        }
    ));
    let mut t = Table::new(
        &format!(
            "Recommended price changes (largest expected {what} gain first; all in pricing.csv)"
        ),
        &[
            "product",
            "#elasticity (95% interval)",
            &format!("#current price{}", money.unit()),
            &format!("#recommended{}", money.unit()),
            &format!("#expected {what} change (interval)"),
        ],
    );
    let mut moves = moves;
    moves.sort_by(|x, y| {
        let g = |p: &custalyze_pricing::ProductPricing| {
            p.recommendation.map_or(0.0, |r| gain(&r).expected)
        };
        g(y).total_cmp(&g(x))
    });
    for x in moves.iter().take(15) {
        let (Some(r), Some(e)) = (x.recommendation, x.elasticity_used()) else {
            continue;
        };
        let c = gain(&r);
        t.push(vec![
            label(x),
            format!("{:.2} ({:.2} to {:.2})", e.value, e.low, e.high),
            fmt_thousands(r.current_price, 2),
            format!(
                "{} ({:+.0}%)",
                fmt_thousands(r.recommended_price, 2),
                100.0 * r.price_change
            ),
            format!(
                "{:+.0}% ({:+.0}% to {:+.0}%)",
                100.0 * c.expected,
                100.0 * c.low,
                100.0 * c.high
            ),
        ]);
    }
    s = s.table(t);
    let promo = p.promotions;
    if promo.promo_weeks > 0 {
        s = s.text(format!(
            "Promotions (weeks priced more than 5% below the regular price on both sides): {} \
             weeks over {} products, mean discount {}, demand {:+.1}% over the baseline (the same \
             week at the regular price) on average{}.",
            fmt_thousands(promo.promo_weeks as f64, 0),
            fmt_thousands(promo.products as f64, 0),
            fmt_pct(promo.mean_discount),
            100.0 * promo.mean_lift,
            promo
                .mean_post_promo_change
                .map_or(String::new(), |c| format!(
                    ", and {:+.1}% in the week after",
                    100.0 * c
                ))
        ));
    }
    s
}

/// A plan's product, and its location when the log has locations.
fn anomalies_section(a: &Analysis, money: &Money) -> Section {
    let title = "Risk: unusual orders";
    let an = match &a.anomalies {
        Ok(an) => an,
        Err(e) => return failed("anomalies", title, e),
    };
    let sm = &an.summary;
    let features: Vec<&str> = an.features.iter().map(|f| f.name()).collect();
    let mut s = Section::new("anomalies", title).text(format!(
        "Every order scored by an isolation forest over {} features ({}); 0.5 is an ordinary \
         order, near 1 one isolated at once. {} orders are high risk (score at least 0.62, or \
         at least 0.56 with two features beyond a robust z-score of 3.5) and {} medium (score at \
         least 0.56), from {} customers: {} of revenue ({}). Each flagged order names the \
         features that made it unusual. Review the high band before fulfilment; a flag is a \
         reason to look, not proof of fraud.",
        features.len(),
        features.join(", ").replace('_', " "),
        fmt_thousands(sm.high as f64, 0),
        fmt_thousands(sm.medium as f64, 0),
        fmt_thousands(sm.flagged_customers as f64, 0),
        fmt_pct(sm.flagged_revenue_share),
        money.fmt(sm.flagged_revenue, 0),
    ));
    let mut t = Table::new(
        "The 15 highest-scoring orders (flagged orders in anomalies.csv)",
        &[
            "order", "customer", "date", "#value", "#score", "band", "why",
        ],
    );
    for o in an.flagged_orders.iter().take(15) {
        let date = chrono::DateTime::from_timestamp(o.timestamp, 0)
            .map(|d| d.naive_utc().format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default();
        t.push(vec![
            o.order_id.to_string(),
            o.customer_id.to_string(),
            date,
            money.fmt(o.value, 2),
            format!("{:.3}", o.score),
            o.band.name().to_string(),
            o.reasons_text().replace('_', " "),
        ]);
    }
    s = s.table(t);
    s
}

fn attribution_section(a: &Analysis, money: &Money) -> Section {
    let title = "Marketing attribution";
    let at = match &a.attribution {
        Ok(at) => at,
        Err(e) => return failed("attribution", title, e),
    };
    let j = &at.journeys;
    let pct = |n: usize, d: usize| fmt_pct(n as f64 / d.max(1) as f64);
    let mut s = Section::new("attribution", title).text(format!(
        "{} touchpoints of {} customers over {} channels, joined to the orders as journeys \
         (touches after the previous order and within {} days before an order): {} journeys \
         converted, {} did not. {} orders ({}) had no touch in their window and are not \
         attributed. Funnel: {} customers touched, {} bought after a touch ({}), {} bought again \
         ({} of them).",
        fmt_thousands(at.touchpoints.rows_loaded as f64, 0),
        fmt_thousands(j.customers_touched as f64, 0),
        at.channels.len(),
        custalyze_analysis::attribution::LOOKBACK_DAYS,
        fmt_thousands(j.converting as f64, 0),
        fmt_thousands(j.null as f64, 0),
        fmt_thousands(j.unattributed_conversions as f64, 0),
        money.fmt(j.unattributed_value, 0),
        fmt_thousands(j.customers_touched as f64, 0),
        fmt_thousands(j.touched_converted as f64, 0),
        pct(j.touched_converted, j.customers_touched),
        fmt_thousands(j.touched_repeat as f64, 0),
        pct(j.touched_repeat, j.touched_converted),
    ));
    let shapley = at.model("shapley");
    let costs = shapley.iter().any(|r| r.cost.is_some());
    let mut header = vec![
        "channel",
        "#last touch",
        "#linear",
        "#Markov",
        "#Shapley",
        "#Shapley revenue",
    ];
    if costs {
        header.extend(["#cost", "#ROI (Shapley)", "#cost per conversion"]);
    }
    let mut t = Table::new(
        "Conversions credited to each channel by four models (every model in attribution.csv)",
        &header,
    );
    let of = |model: &str, c: &str| {
        at.results
            .iter()
            .find(|r| r.model == model && r.channel == c)
            .map_or(0.0, |r| r.conversions)
    };
    let mut order: Vec<&&custalyze_attribution::ChannelResult> = shapley.iter().collect();
    order.sort_by(|x, y| y.conversions.total_cmp(&x.conversions));
    for r in order {
        let mut row = vec![
            r.channel.clone(),
            fmt_thousands(of("last_touch", &r.channel), 0),
            fmt_thousands(of("linear", &r.channel), 0),
            fmt_thousands(of("markov_1", &r.channel), 0),
            fmt_thousands(r.conversions, 0),
            money.fmt(r.revenue, 0),
        ];
        if costs {
            row.extend([
                r.cost.map_or("–".into(), |c| money.fmt(c, 0)),
                r.roi.map_or("–".into(), |x| format!("{x:.2}")),
                r.cost_per_acquisition
                    .map_or("–".into(), |x| money.fmt(x, 2)),
            ]);
        }
        t.push(row);
    }
    s = s.table(t).text(
        "Markov credit follows traffic: a channel present in many converting journeys has a large \
         removal effect whether or not it moves anyone, so a frequent, weak channel looks good \
         under it. Shapley values compare the conversion rates of journeys with and without \
         each channel and are the better guide to spend (on generated journeys of known effect \
         both rank channels right per journey reached, but only Shapley's totals match the \
         conversions each channel caused; docs/attribution.md).",
    );
    if !at.budget.is_empty() {
        let mut b = Table::new(
            "Budget reallocation: the same total spend moved towards higher marginal return \
             (each channel within ±30%; revenue assumed to grow as spend^0.5 from today's \
             Shapley revenue)",
            &[
                "channel",
                "#spend now",
                "#proposed",
                "#revenue now",
                "#expected revenue",
            ],
        );
        for l in &at.budget {
            b.push(vec![
                l.channel.clone(),
                money.fmt(l.current_spend, 0),
                money.fmt(l.proposed_spend, 0),
                money.fmt(l.current_revenue, 0),
                money.fmt(l.expected_revenue, 0),
            ]);
        }
        let gain: f64 = at
            .budget
            .iter()
            .map(|l| l.expected_revenue - l.current_revenue)
            .sum();
        s = s.table(b).text(format!(
            "Expected change in revenue at the same spend: {} (under the assumed response; \
             test it before moving the whole budget).",
            money.fmt(gain, 0)
        ));
    }
    s
}

fn plan_label(a: &Analysis, x: &custalyze_inventory::ProductPlan) -> String {
    match &x.location {
        Some(l) => format!("{} @ {l}", item_label_of_id(a, &x.item)),
        None => item_label_of_id(a, &x.item),
    }
}

fn inventory_section(a: &Analysis, money: &Money) -> Section {
    use custalyze_forecast::intermittent::DemandClass;
    use custalyze_inventory::Lifecycle;
    let title = "Stock: demand forecasts and reorder points";
    let p = match &a.inventory {
        Ok(p) => p,
        Err(e) => return failed("inventory", title, e),
    };
    let count = |f: &dyn Fn(&custalyze_inventory::ProductPlan) -> bool| {
        p.products.iter().filter(|x| f(x)).count()
    };
    let n = p.products.len();
    let class = |c: DemandClass| count(&|x| x.demand_class == Some(c));
    let stage = |l: Lifecycle| count(&|x| x.lifecycle == l);
    let mut s = Section::new("inventory", title).text(format!(
        "Weekly demand of {} {} (weeks without a sale count as 0), each forecast by the \
         model that did best on the last year's rolling backtest, and the stock that keeps a {} \
         chance of no stockout over a {}-day lead time. Demand classes (Syntetos-Boylan): {} \
         smooth, {} erratic, {} intermittent, {} lumpy (intermittent and lumpy demand gets \
         Croston-type forecasts and a safety stock from the backtest's own errors). Lifecycle: \
         {} launched in the last 13 weeks, {} growing, {} mature, {} declining.",
        fmt_thousands(n as f64, 0),
        if p.products.iter().any(|x| x.location.is_some()) {
            "product × location series"
        } else {
            "products"
        },
        fmt_pct(p.params.service_level_value()),
        p.params.lead_time(),
        fmt_thousands(class(DemandClass::Smooth) as f64, 0),
        fmt_thousands(class(DemandClass::Erratic) as f64, 0),
        fmt_thousands(class(DemandClass::Intermittent) as f64, 0),
        fmt_thousands(class(DemandClass::Lumpy) as f64, 0),
        fmt_thousands(stage(Lifecycle::Launch) as f64, 0),
        fmt_thousands(stage(Lifecycle::Growth) as f64, 0),
        fmt_thousands(stage(Lifecycle::Maturity) as f64, 0),
        fmt_thousands(stage(Lifecycle::Decline) as f64, 0),
    ));
    let mut top: Vec<&custalyze_inventory::ProductPlan> = p.products.iter().collect();
    top.sort_by(|x, y| y.mean_demand.total_cmp(&x.mean_demand));
    let mut t = Table::new(
        "The 15 products with the highest forecast demand (all in inventory.csv)",
        &[
            "product",
            "demand class",
            "lifecycle",
            "model",
            "#units per week",
            "#safety stock",
            "#reorder point",
        ],
    );
    for x in top.iter().take(15) {
        let label = plan_label(a, x);
        t.push(vec![
            label,
            match x.demand_class {
                Some(DemandClass::Smooth) => "smooth",
                Some(DemandClass::Erratic) => "erratic",
                Some(DemandClass::Intermittent) => "intermittent",
                Some(DemandClass::Lumpy) => "lumpy",
                _ => "–",
            }
            .to_string(),
            x.lifecycle.name().to_string(),
            x.model.name().replace('_', " "),
            format!("{:.1}", x.mean_demand),
            format!("{:.0}", x.safety_stock.ceil()),
            format!("{:.0}", x.reorder_point.ceil()),
        ]);
    }
    s = s.table(t);
    let with_stock: Vec<&custalyze_inventory::ProductPlan> =
        p.products.iter().filter(|x| x.position.is_some()).collect();
    if with_stock.is_empty() {
        return s.text(
            "Order when the stock on hand plus on order falls to the reorder point. With stock \
             positions (custalyze report --stock FILE, or custalyze inventory --stock FILE) the \
             section adds what to order now, days of cover, stockout risk, overstock and the \
             money tied up.",
        );
    }
    let mut orders: Vec<&custalyze_inventory::ProductPlan> = with_stock
        .iter()
        .copied()
        .filter(|x| x.order_now.is_some_and(|q| q > 0.0))
        .collect();
    let at_risk = with_stock
        .iter()
        .filter(|x| x.stockout_risk.is_some_and(|r| r > 0.5))
        .count();
    let over: Vec<&&custalyze_inventory::ProductPlan> =
        with_stock.iter().filter(|x| x.overstock).collect();
    let tied: f64 = with_stock.iter().filter_map(|x| x.money_tied_up).sum();
    let tied_over: f64 = over.iter().filter_map(|x| x.money_tied_up).sum();
    s = s.text(format!(
        "With the stock positions of {} products: {} to order now (stock on hand plus on order \
         at or below the reorder point), {} more likely than not to run out within the lead \
         time, {} overstocked (more than {} weeks of cover). Stock ties up {}{}, {} of it in \
         overstock.",
        fmt_thousands(with_stock.len() as f64, 0),
        fmt_thousands(orders.len() as f64, 0),
        fmt_thousands(at_risk as f64, 0),
        fmt_thousands(over.len() as f64, 0),
        p.params.overstock_weeks_value(),
        money.fmt(tied, 0),
        if with_stock.iter().any(|x| x.money_tied_up.is_none()) {
            " (products without a unit cost not counted)"
        } else {
            ""
        },
        money.fmt(tied_over, 0),
    ));
    // Most urgent first: the highest stockout risk, then the largest order.
    orders.sort_by(|x, y| {
        let risk = |p: &custalyze_inventory::ProductPlan| p.stockout_risk.unwrap_or(0.0);
        risk(y).total_cmp(&risk(x)).then(
            y.order_now
                .unwrap_or(0.0)
                .total_cmp(&x.order_now.unwrap_or(0.0)),
        )
    });
    let mut t = Table::new(
        "Order now (highest stockout risk first; all in inventory.csv)",
        &[
            "product",
            "#on hand",
            "#on order",
            "#reorder point",
            "#order now",
            "#days of cover",
            "#stockout risk",
        ],
    );
    for x in orders.iter().take(15) {
        t.push(vec![
            plan_label(a, x),
            format!("{:.0}", x.on_hand.unwrap_or(0.0)),
            format!(
                "{:.0}",
                x.position.unwrap_or(0.0) - x.on_hand.unwrap_or(0.0)
            ),
            format!("{:.0}", x.reorder_point.ceil()),
            format!("{:.0}", x.order_now.unwrap_or(0.0)),
            x.days_of_cover
                .map_or("–".to_string(), |d| format!("{d:.0}")),
            x.stockout_risk.map_or("–".to_string(), fmt_pct),
        ]);
    }
    s.table(t)
}

fn abc_section(a: &Analysis, money: &Money) -> Section {
    let title = "Products: ABC-XYZ and the Pareto curve";
    let p = match &a.products {
        Ok(p) => p,
        Err(e) => return failed("abc", title, e),
    };
    let s = p.abc.class_summaries();
    let rows = AbcRows {
        curve: p
            .abc
            .pareto_curve()
            .iter()
            .map(|q| (q.entity_share, q.value_share))
            .collect(),
        cutoffs: (p.abc.cutoffs.a, p.abc.cutoffs.b),
        classes: [
            (s[0].count, s[0].value_share),
            (s[1].count, s[1].value_share),
            (s[2].count, s[2].value_share),
        ],
        matrix: p.matrix.map(|m| {
            let mut out = [[0usize; 3]; 3];
            for (i, row) in m.cells.iter().enumerate() {
                for (j, cell) in row.iter().enumerate() {
                    out[i][j] = cell.count;
                }
            }
            out
        }),
        top: p
            .abc
            .entries
            .iter()
            .zip(&p.rows)
            .take(a.options.top)
            .map(|(e, r)| {
                (
                    e.id.to_string(),
                    a.item(r.item)
                        .map(|i| i.description.clone())
                        .unwrap_or_default(),
                    e.value,
                    e.share,
                    match r.xyz {
                        Some(x) => format!("{}{x}", e.class),
                        None => e.class.to_string(),
                    },
                )
            })
            .collect(),
    };
    sections::abc_section(&rows, money)
}

fn bundles_section(a: &Analysis) -> Section {
    let title = "Bundles: products bought together";
    let b = match &a.bundles {
        Ok(b) => b,
        Err(e) => return failed("rules", title, e),
    };
    let names = |items: &[u32]| -> String {
        items
            .iter()
            .map(|&i| item_label(a, i))
            .collect::<Vec<_>>()
            .join(" + ")
    };
    let mut s = Section::new("rules", title).text(format!(
        "FP-Growth on {} baskets (orders): itemsets of at most {} products with support ≥ {} ({} baskets), \
         rules with confidence ≥ {}. Each row is one bundle (a set of products bought together) with \
         its strongest rule; {} rules in {} bundles.",
        fmt_thousands(b.baskets as f64, 0),
        custalyze_analysis::rules::MAX_LEN,
        fmt_pct(b.min_support),
        fmt_thousands(b.min_count as f64, 0),
        custalyze_analysis::rules::MIN_CONFIDENCE,
        b.rules,
        b.bundles.len()
    ));
    if b.bundles.is_empty() {
        return s.text("No bundle reaches the thresholds.");
    }
    let mut t = Table::new(
        "Top bundles by lift",
        &[
            "if a basket holds",
            "it also holds",
            "#baskets",
            "#confidence",
            "#lift",
        ],
    );
    for x in b.bundles.iter().take(20) {
        t.push(vec![
            names(&x.antecedents),
            names(&x.consequents),
            fmt_thousands(x.baskets as f64, 0),
            fmt_pct(x.confidence),
            format!("{:.2}", x.lift),
        ]);
    }
    let best = &b.bundles[0];
    s = s.text(format!(
        "The strongest: baskets with {} also hold {} {} of the time, {:.1} times more often than baskets in general.",
        names(&best.antecedents),
        names(&best.consequents),
        fmt_pct(best.confidence),
        best.lift
    ));
    s.table(t)
}

fn forecast_section(a: &Analysis, money: &Money) -> Section {
    let title = "Revenue forecast";
    let f = match &a.forecast {
        Ok(f) => f,
        Err(e) => return failed("forecast", title, e),
    };
    let data = ForecastData {
        period: "month".into(),
        history: f.history.clone(),
        forecast: Some(ForecastPath {
            model: f.model.clone(),
            dates: f.dates.clone(),
            mean: f.median.clone(),
            lower_80: f.lower_80.clone(),
            upper_80: f.upper_80.clone(),
            lower_95: f.lower_95.clone(),
            upper_95: f.upper_95.clone(),
        }),
    };
    let mut t = Table::new(
        &format!(
            "Backtest: {} origins, {} months ahead each (MASE below 1 beats the in-sample {} errors)",
            custalyze_analysis::forecast::ORIGINS,
            f.backtest_horizon,
            f.benchmark
        ),
        &["model", "#MASE", "#sMAPE (%)", "chosen"],
    );
    for c in &f.candidates {
        t.push(vec![
            c.name.clone(),
            format!("{:.3}", c.mase),
            format!("{:.1}", c.smape),
            if c.name == f.chosen {
                "yes".into()
            } else {
                String::new()
            },
        ]);
    }
    let chosen = f.chosen_score().map_or(f64::NAN, |c| c.mase);
    let bench = f.benchmark_score().map_or(f64::NAN, |c| c.mase);
    sections::forecast_section(&data, "", money)
        .text(format!(
            "Chosen by a rolling-origin backtest on the history: {} (MASE {:.3}) against {} (MASE {:.3}); \
             a model that backtests worse than {} is never chosen. The line is the median of the forecast \
             (the model works on log revenue).",
            f.chosen, chosen, f.benchmark, bench, f.benchmark
        ))
        .table(t)
}

fn segments_section(a: &Analysis) -> Section {
    let title = "Behaviour clusters";
    let s = match &a.segments {
        Ok(s) => s,
        Err(e) => return failed("segments", title, e),
    };
    let sample = |m: usize, n: usize| {
        if m == n {
            format!("all {} customers", fmt_thousands(n as f64, 0))
        } else {
            format!(
                "{} of {} customers (evenly spaced)",
                fmt_thousands(m as f64, 0),
                fmt_thousands(n as f64, 0)
            )
        }
    };
    let profiles = SegmentProfiles {
        method: format!(
            "k-means, k = {} chosen by the highest mean silhouette ({:.2}{}) over k = {}..{}, on log1p + \
             z-scored {}; recency and tenure in days; dendrogram: ward linkage of {}",
            s.k,
            s.silhouette,
            s.silhouette_sample
                .map(|m| format!(", on a sample of {} customers", fmt_thousands(m as f64, 0)))
                .unwrap_or_default(),
            custalyze_analysis::segments::K_RANGE.start(),
            custalyze_analysis::segments::K_RANGE.end(),
            s.features.join(", "),
            sample(s.dendrogram_customers, s.customers)
        ),
        features: s.features.iter().map(|c| display_name(c)).collect(),
        rows: s
            .profiles
            .iter()
            .map(|p| SegmentProfileRow {
                label: p.label.clone(),
                customers: p.customers,
                revenue_share: p.revenue_share,
                means: p.means.clone(),
            })
            .collect(),
    };
    let svg = s.dendrogram.as_ref().and_then(|d| {
        svg::dendrogram(
            d,
            &svg::DendrogramOptions {
                width: 800,
                height: 360,
                max_leaves: Some(48),
                color_clusters: Some(s.k),
                title: Some(format!(
                    "Ward linkage of {} (standardised features)",
                    sample(s.dendrogram_customers, s.customers)
                )),
                ..svg::DendrogramOptions::default()
            },
        )
        .ok()
        .map(|svg| {
            svg.replacen(
                "<svg ",
                "<svg class=\"chart\" data-chart=\"segment-dendrogram\" role=\"img\" \
                 aria-label=\"Dendrogram of the behaviour clusters\" ",
                1,
            )
        })
    });
    sections::segments_section(&profiles, svg.as_deref()).text(
        "Behaviour clusters are a third scheme, beside RFM segments and engagement tiers: the cluster \
         column of customers.csv.",
    )
}

/// The profile table's name of a feature column.
fn display_name(column: &str) -> String {
    match column {
        "frequency" => "orders",
        "monetary" => "revenue",
        "clv" => "CLV",
        "p_alive" => "P(alive)",
        other => other,
    }
    .to_string()
}

/// The headline figures at the top of the page.
fn headlines(a: &Analysis, money: &Money) -> Vec<Headline> {
    let h = &a.headline;
    let months = a.options.months;
    let item = |label: &str, value: String, note: String| Headline {
        label: label.into(),
        value,
        note,
    };
    let mut headlines = vec![
        item(
            "Customers",
            fmt_thousands(h.customers as f64, 0),
            format!("{} orders", fmt_thousands(h.orders as f64, 0)),
        ),
        item(
            "Revenue",
            money.short(h.revenue),
            format!("{} per order", money.fmt(h.average_order_value, 2)),
        ),
    ];
    headlines.push(match h.expected_buyers_share {
        Some(s) => item(
            &format!("Expected to buy, next {months} months"),
            fmt_pct(s),
            format!(
                "about {} customers (mean P(purchase))",
                fmt_thousands(h.expected_buyers.unwrap_or(0.0), 0)
            ),
        ),
        None => item(
            &format!("Expected to buy, next {months} months"),
            "–".into(),
            "model not fitted".into(),
        ),
    });
    headlines.push(match h.expected_revenue {
        Some(v) => item(
            &format!("Expected revenue, next {months} months"),
            money.short(v),
            format!(
                "CLV (discounted): {}",
                money.short(h.clv_total.unwrap_or(0.0))
            ),
        ),
        None => item(
            &format!("Expected revenue, next {months} months"),
            "–".into(),
            "spend model not fitted".into(),
        ),
    });
    if let Some(r) = h.revenue_at_risk {
        headlines.push(item(
            "Revenue at risk",
            money.short(r),
            format!(
                "{} customers at high churn risk",
                fmt_thousands(h.high_risk_customers.unwrap_or(0) as f64, 0)
            ),
        ));
    }
    headlines
}

/// The executive summary, one paragraph per entry.
fn executive_summary(a: &Analysis, money: &Money) -> Vec<String> {
    let h = &a.headline;
    let months = a.options.months;
    let w = &a.window;
    let mut summary = vec![format!(
        "{} customers placed {} orders worth {} between {} and {}.",
        fmt_thousands(h.customers as f64, 0),
        fmt_thousands(h.orders as f64, 0),
        money.fmt(h.revenue, 2),
        w.first_date,
        w.observation_end
    )];
    if let (Some(s), Some(p)) = (h.expected_buyers_share, h.expected_purchases) {
        summary.push(format!(
            "In the next {months} months (to {}) {} of them are expected to buy ({} customers, {} purchases{}).",
            w.horizon_end.pred_opt().unwrap_or(w.horizon_end),
            fmt_pct(s),
            fmt_thousands(h.expected_buyers.unwrap_or(0.0), 0),
            fmt_thousands(p, 0),
            h.expected_revenue
                .map(|v| format!(", {} of revenue", money.fmt(v, 0)))
                .unwrap_or_default()
        ));
    }
    if let Ok(hc) = &a.holdout {
        summary.push(format!(
            "The same models fitted up to {} expected {} of the customers to buy by {}; {} did.",
            hc.calibration_end,
            fmt_pct(hc.predicted_buyers_share),
            hc.observation_end,
            fmt_pct(hc.actual_buyers_share)
        ));
    }
    if let Ok(r) = &a.rfm {
        let parts: Vec<String> = r
            .top_segments(3)
            .iter()
            .map(|s| {
                format!(
                    "{} ({} of customers, {} of revenue)",
                    s.segment,
                    fmt_pct(s.share),
                    fmt_pct(s.revenue_share)
                )
            })
            .collect();
        if !parts.is_empty() {
            summary.push(format!(
                "Top RFM segments by revenue: {}.",
                parts.join("; ")
            ));
        }
    }
    let at_risk = a.at_risk(usize::MAX);
    if !at_risk.is_empty() {
        summary.push(format!(
            "{} high-value customers (CLV tier A or B) are at high or medium churn risk: {} of revenue at risk.",
            fmt_thousands(at_risk.len() as f64, 0),
            money.fmt(
                at_risk
                    .iter()
                    .filter_map(|c| c.churn.map(|s| s.revenue_at_risk))
                    .sum::<f64>(),
                0
            )
        ));
    }
    summary
}

fn header(a: &Analysis, load: &LoadReport, money: &Money) -> PageHeader {
    let w = &a.window;
    PageHeader {
        title: "Customer analytics report".into(),
        subtitle: format!(
            "{} · {} to {} · {} rows loaded",
            load.source,
            w.first_date,
            w.observation_end,
            fmt_thousands(load.rows_loaded as f64, 0)
        ),
        headlines: headlines(a, money),
        summary: executive_summary(a, money),
        links: FILES.iter().map(|f| (*f).to_string()).collect(),
        empty_files: Vec::new(),
    }
}
