//! The executive page: headline KPIs with their comparisons, a business health score with
//! documented components and weights, and insights ordered by the money at stake, each with the
//! number, the comparison and the module behind it.
//!
//! # Periods
//! * **The month**: the last complete calendar month before the analysis date, against the month
//!   before it and the same month a year earlier (when the log covers them).
//! * **The year**: the 12 months before the analysis date, against the 12 months before those
//!   (only when the log starts on or before their first day: a partial year is not compared).
//!
//! # Health score
//! A weighted mean of the components available, each scored 0 to 100:
//!
//! | component | value | score | weight |
//! |---|---|---|---|
//! | growth | revenue of the year against the year before, `g` | `clamp(50 + 250 g)` (−20% → 0, flat → 50, +20% → 100) | 0.30 |
//! | retention | share of the previous year's customers who bought in the year, `r` | `clamp(200 r)` (50% or more → 100) | 0.25 |
//! | active base | mean P(alive) of the customers (CLV stage) | `100 · P̄` | 0.15 |
//! | churn exposure | revenue at risk (churn stage) over the year's revenue, `x` | `clamp(100 (1 − x))` | 0.15 |
//! | order integrity | share of revenue in flagged orders (anomaly stage), `f` | `clamp(100 (1 − 4 f))` (25% flagged → 0; the bands flag 2-3% of orders, larger than most, so 5-10% of revenue is usual) | 0.15 |
//!
//! Components whose stage failed or whose period is missing are left out and the weights of the
//! others rescaled, and the page says which.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use custalyze_transaction_types::TransactionLog;

use crate::analysis::{Analysis, Headline};

/// Revenue, orders and customers of one period.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PeriodTotals {
    /// First day.
    pub start: NaiveDate,
    /// Day after the last.
    pub end: NaiveDate,
    /// Revenue.
    pub revenue: f64,
    /// Orders.
    pub orders: usize,
    /// Customers who bought.
    pub customers: usize,
    /// Of them, customers whose first purchase fell in the period.
    pub new_customers: usize,
    /// Revenue from the new customers.
    pub new_customer_revenue: f64,
}

impl PeriodTotals {
    /// Revenue per order (0 without orders).
    pub fn average_order_value(&self) -> f64 {
        if self.orders > 0 {
            self.revenue / self.orders as f64
        } else {
            0.0
        }
    }
}

/// One component of the health score.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HealthComponent {
    /// Name (`growth`, `retention`, ...).
    pub name: String,
    /// The measured value (a share or a change).
    pub value: f64,
    /// Its score, 0 to 100.
    pub score: f64,
    /// Its weight after rescaling over the components available.
    pub weight: f64,
    /// How the value is measured and scored.
    pub definition: String,
}

/// The health score: the weighted mean of the components.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HealthScore {
    /// 0 to 100 (`None` when no component is available).
    pub score: Option<f64>,
    /// The components available.
    pub components: Vec<HealthComponent>,
    /// Components left out and why.
    pub missing: Vec<String>,
}

/// One insight: a number, what it is compared with, and the module it comes from.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Insight {
    /// The module (`revenue`, `customers`, `churn`, `pricing`, ...).
    pub module: String,
    /// What happened or what to do.
    pub text: String,
    /// The evidence: the numbers compared.
    pub evidence: String,
    /// Money at stake (currency units), the sort key.
    pub money: f64,
    /// Whether it is a risk (else an opportunity or a change for the better).
    pub risk: bool,
}

/// The executive page's content.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Executive {
    /// Revenue of every complete month, oldest first.
    pub monthly_revenue: Vec<(NaiveDate, f64)>,
    /// The last complete month.
    pub month: Option<PeriodTotals>,
    /// The month before it.
    pub previous_month: Option<PeriodTotals>,
    /// The same month a year earlier.
    pub month_year_ago: Option<PeriodTotals>,
    /// The 12 months before the analysis date.
    pub year: Option<PeriodTotals>,
    /// The 12 months before those.
    pub previous_year: Option<PeriodTotals>,
    /// Share of the previous year's customers who bought again in the year.
    pub retention: Option<f64>,
    /// The previous year's customers who did not buy in the year, and their revenue then.
    pub lapsed: Option<(usize, f64)>,
    /// The score.
    pub health: HealthScore,
    /// Insights, most money at stake first.
    pub insights: Vec<Insight>,
}

/// Order-level facts of the log: (date, customer, value), one per order.
fn orders(log: &TransactionLog) -> Vec<(NaiveDate, u32, f64)> {
    let mut by_order: HashMap<u32, (NaiveDate, u32, f64)> = HashMap::new();
    for r in 0..log.len() {
        let o = log.orders()[r];
        let e = by_order.entry(o).or_insert_with(|| {
            let day = chrono::DateTime::from_timestamp(log.timestamps()[r], 0)
                .map_or(NaiveDate::MIN, |t| t.date_naive());
            (day, log.customers()[r], 0.0)
        });
        e.2 += log.amounts()[r];
    }
    // In order-index order, so every sum below adds in the same order on every run.
    let mut v: Vec<(u32, (NaiveDate, u32, f64))> = by_order.into_iter().collect();
    v.sort_unstable_by_key(|x| x.0);
    v.into_iter().map(|x| x.1).collect()
}

fn totals(
    orders: &[(NaiveDate, u32, f64)],
    first_purchase: &[NaiveDate],
    start: NaiveDate,
    end: NaiveDate,
) -> PeriodTotals {
    let mut customers: HashSet<u32> = HashSet::new();
    let mut t = PeriodTotals {
        start,
        end,
        ..PeriodTotals::default()
    };
    let mut new: HashSet<u32> = HashSet::new();
    for &(_, c, v) in orders.iter().filter(|o| o.0 >= start && o.0 < end) {
        t.revenue += v;
        t.orders += 1;
        customers.insert(c);
        let f = first_purchase[c as usize];
        if f >= start && f < end {
            new.insert(c);
            t.new_customer_revenue += v;
        }
    }
    t.customers = customers.len();
    t.new_customers = new.len();
    t
}

/// `up 2.2%` or `down 39.5%`.
fn up_down(x: f64) -> String {
    format!(
        "{} {:.1}%",
        if x >= 0.0 { "up" } else { "down" },
        100.0 * x.abs()
    )
}

/// `133,306` (money and counts in the evidence).
fn thousands(v: f64) -> String {
    let r = v.abs().round() as u64;
    let digits = r.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if v < 0.0 && r > 0 {
        format!("-{out}")
    } else {
        out
    }
}

fn clamp100(x: f64) -> f64 {
    x.clamp(0.0, 100.0)
}

/// Builds the page from the analysed log and every stage's outcome.
pub fn executive(log: &TransactionLog, a: &Analysis) -> Executive {
    let as_of = a.window.as_of;
    let first = a.window.first_date;
    let first_purchase: Vec<NaiveDate> = a.facts.iter().map(|f| f.first_purchase).collect();
    let orders = orders(log);
    let mut e = Executive::default();

    // Complete months.
    let month_start = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let mut m = month_start(first);
    let mut months = Vec::new();
    while let Some(next) = m.checked_add_months(Months::new(1)) {
        if next > as_of {
            break;
        }
        if m >= first || m == month_start(first) {
            months.push((m, next));
        }
        m = next;
    }
    let mut monthly: HashMap<NaiveDate, f64> = HashMap::new();
    for &(d, _, v) in &orders {
        *monthly.entry(month_start(d)).or_default() += v;
    }
    e.monthly_revenue = months
        .iter()
        .map(|&(s, _)| (s, monthly.get(&s).copied().unwrap_or(0.0)))
        .collect();
    let period = |start: NaiveDate, end: NaiveDate| {
        (start >= month_start(first)).then(|| totals(&orders, &first_purchase, start, end))
    };
    if let Some(&(s, end)) = months.last() {
        e.month = period(s, end);
        e.previous_month = s
            .checked_sub_months(Months::new(1))
            .and_then(|p| period(p, s));
        e.month_year_ago = s
            .checked_sub_months(Months::new(12))
            .zip(end.checked_sub_months(Months::new(12)))
            .and_then(|(p, q)| period(p, q));
    }
    let year_start = as_of.checked_sub_months(Months::new(12));
    let previous_start = as_of.checked_sub_months(Months::new(24));
    if let Some(ys) = year_start {
        e.year = Some(totals(&orders, &first_purchase, ys.max(first), as_of));
        if let Some(ps) = previous_start.filter(|&p| p >= first) {
            e.previous_year = Some(totals(&orders, &first_purchase, ps, ys));
            let buyers = |s: NaiveDate, t: NaiveDate| -> HashMap<u32, f64> {
                let mut m = HashMap::new();
                for &(_, c, v) in orders.iter().filter(|o| o.0 >= s && o.0 < t) {
                    *m.entry(c).or_insert(0.0) += v;
                }
                m
            };
            let before = buyers(ps, ys);
            let now = buyers(ys, as_of);
            if !before.is_empty() {
                let kept = before.keys().filter(|c| now.contains_key(c)).count();
                e.retention = Some(kept as f64 / before.len() as f64);
                let mut lapsed: Vec<(u32, f64)> = before
                    .iter()
                    .filter(|(c, _)| !now.contains_key(c))
                    .map(|(c, v)| (*c, *v))
                    .collect();
                lapsed.sort_unstable_by_key(|x| x.0);
                let lapsed: Vec<f64> = lapsed.into_iter().map(|x| x.1).collect();
                e.lapsed = Some((lapsed.len(), lapsed.iter().sum()));
            }
        }
    }
    e.health = health(&e, &a.headline, a);
    // Average selling price per item, for the money at stake of stock-outs.
    let mut item_sales: HashMap<u32, (f64, f64)> = HashMap::new();
    if let Some(items) = log.items() {
        for ((&item, &amount), &quantity) in items.iter().zip(log.amounts()).zip(log.quantities()) {
            let x = item_sales.entry(item).or_default();
            x.0 += amount;
            x.1 += quantity;
        }
    }
    let prices: HashMap<custalyze_transaction_types::Id, f64> = item_sales
        .into_iter()
        .filter(|(_, (_, q))| *q > 0.0)
        .map(|(i, (v, q))| (log.item_ids()[i as usize].clone(), v / q))
        .collect();
    e.insights = insights(&e, a, &prices);
    e
}

fn health(e: &Executive, h: &Headline, a: &Analysis) -> HealthScore {
    let mut parts: Vec<(&str, f64, f64, f64, String)> = Vec::new();
    let mut missing = Vec::new();
    match (&e.year, &e.previous_year) {
        (Some(y), Some(p)) if p.revenue > 0.0 => {
            let g = y.revenue / p.revenue - 1.0;
            parts.push((
                "growth",
                g,
                clamp100(50.0 + 250.0 * g),
                0.30,
                "revenue of the last 12 months against the 12 before: 50 + 250 × change (−20% → 0, +20% → 100)".into(),
            ));
        }
        _ => missing.push("growth: the log does not cover two full years".to_string()),
    }
    match e.retention {
        Some(r) => parts.push((
            "retention",
            r,
            clamp100(200.0 * r),
            0.25,
            "share of the previous 12 months' customers who bought in the last 12: 200 × share (50% or more → 100)".into(),
        )),
        None => missing.push("retention: the log does not cover two full years".to_string()),
    }
    match h.mean_p_alive {
        Some(p) => parts.push((
            "active base",
            p,
            clamp100(100.0 * p),
            0.15,
            "mean P(alive) of every customer (CLV stage): 100 × mean".into(),
        )),
        None => missing.push("active base: the CLV stage failed".to_string()),
    }
    match (h.revenue_at_risk, &e.year) {
        (Some(r), Some(y)) if y.revenue > 0.0 => {
            let x = r / y.revenue;
            parts.push((
                "churn exposure",
                x,
                clamp100(100.0 * (1.0 - x)),
                0.15,
                "revenue at risk (churn stage) over the last 12 months' revenue: 100 × (1 − share)"
                    .into(),
            ));
        }
        _ => missing.push("churn exposure: the churn stage failed".to_string()),
    }
    match &a.anomalies {
        Ok(an) => {
            let f = an.summary.flagged_revenue_share;
            parts.push((
                "order integrity",
                f,
                clamp100(100.0 * (1.0 - 4.0 * f)),
                0.15,
                "share of revenue in medium- and high-risk orders (anomaly stage): 100 × (1 − 4 × share)".into(),
            ));
        }
        Err(_) => missing.push("order integrity: the anomaly stage failed".to_string()),
    }
    let total: f64 = parts.iter().map(|p| p.3).sum();
    let components: Vec<HealthComponent> = parts
        .into_iter()
        .map(|(name, value, score, w, definition)| HealthComponent {
            name: name.to_string(),
            value,
            score,
            weight: w / total,
            definition,
        })
        .collect();
    HealthScore {
        score: (!components.is_empty())
            .then(|| components.iter().map(|c| c.score * c.weight).sum()),
        components,
        missing,
    }
}

fn insights(
    e: &Executive,
    a: &Analysis,
    prices: &HashMap<custalyze_transaction_types::Id, f64>,
) -> Vec<Insight> {
    let mut out = Vec::new();
    let mut push = |module: &str, text: String, evidence: String, money: f64, risk: bool| {
        if money.is_finite() {
            out.push(Insight {
                module: module.into(),
                text,
                evidence,
                money: money.abs(),
                risk,
            });
        }
    };
    let fmt = thousands;
    if let (Some(y), Some(p)) = (&e.year, &e.previous_year)
        && p.revenue > 0.0
    {
        let d = y.revenue - p.revenue;
        push(
            "revenue",
            format!("Revenue {} over the last 12 months", up_down(d / p.revenue)),
            format!(
                "{} against {} in the 12 months before",
                fmt(y.revenue),
                fmt(p.revenue)
            ),
            d,
            d < 0.0,
        );
        let aov = (y.average_order_value(), p.average_order_value());
        if aov.1 > 0.0 {
            let change = aov.0 - aov.1;
            push(
                "revenue",
                format!("Average order value {}", up_down(change / aov.1)),
                format!(
                    "{:.2} against {:.2}; on the year's {} orders that is {}",
                    aov.0,
                    aov.1,
                    y.orders,
                    fmt(change * y.orders as f64)
                ),
                change * y.orders as f64,
                change < 0.0,
            );
        }
        let new = (y.new_customers as f64, p.new_customers as f64);
        if p.new_customers > 0 && y.new_customers != p.new_customers {
            // Revenue a new customer brings in the year they are acquired (this year's, or last
            // year's when there were none this year).
            let per_new = if y.new_customers > 0 {
                y.new_customer_revenue / new.0
            } else {
                p.new_customer_revenue / new.1
            };
            push(
                "customers",
                if y.new_customers == 0 {
                    "No new customers in the last 12 months".to_string()
                } else {
                    format!(
                        "New customers {} over the last 12 months",
                        up_down(new.0 / new.1 - 1.0)
                    )
                },
                format!(
                    "{} against {} the year before; a new customer brought {:.2} in the year of acquisition",
                    y.new_customers, p.new_customers, per_new
                ),
                (new.0 - new.1) * per_new,
                new.0 < new.1,
            );
        }
    }
    if let (Some(m), Some(ago)) = (&e.month, &e.month_year_ago)
        && ago.revenue > 0.0
    {
        let d = m.revenue - ago.revenue;
        push(
            "revenue",
            format!(
                "{} revenue {} year on year",
                m.start.format("%B %Y"),
                up_down(d / ago.revenue)
            ),
            format!(
                "{} against {} in {}{}",
                fmt(m.revenue),
                fmt(ago.revenue),
                ago.start.format("%B %Y"),
                e.previous_month
                    .as_ref()
                    .filter(|p| p.revenue > 0.0)
                    .map(|p| format!("; {} month on month", up_down(m.revenue / p.revenue - 1.0)))
                    .unwrap_or_default()
            ),
            d,
            d < 0.0,
        );
    }
    if let (Some(r), Some((n, v))) = (e.retention, e.lapsed) {
        push(
            "customers",
            format!("{n} of last year's customers did not come back"),
            format!(
                "retention {:.1}%; they spent {} in the 12 months before",
                100.0 * r,
                fmt(v)
            ),
            v,
            true,
        );
    }
    if let (Some(r), Some(k)) = (a.headline.revenue_at_risk, a.headline.high_risk_customers) {
        push(
            "churn",
            format!("{k} customers at high churn risk"),
            format!(
                "revenue at risk {} (churn stage, expected value of those likely to leave)",
                fmt(r)
            ),
            r,
            true,
        );
    }
    if let Ok(an) = &a.anomalies {
        let s = &an.summary;
        push(
            "anomalies",
            format!(
                "{} high- and {} medium-risk orders to review",
                s.high, s.medium
            ),
            format!(
                "{} of revenue ({:.1}%) in flagged orders, {} customers (anomaly stage)",
                fmt(s.flagged_revenue),
                100.0 * s.flagged_revenue_share,
                s.flagged_customers
            ),
            s.flagged_revenue,
            true,
        );
    }
    if let Ok(at) = &a.attribution {
        let gain: f64 = at
            .budget
            .iter()
            .map(|l| l.expected_revenue - l.current_revenue)
            .sum();
        if !at.budget.is_empty() {
            let best = at.budget.iter().max_by(|x, y| {
                (x.proposed_spend - x.current_spend)
                    .total_cmp(&(y.proposed_spend - y.current_spend))
            });
            push(
                "attribution",
                format!(
                    "Moving marketing spend towards {} could add revenue at the same budget",
                    best.map_or("the best channels".into(), |b| b.channel.clone())
                ),
                format!(
                    "{} expected under diminishing returns (Shapley revenues, each channel within ±30%)",
                    fmt(gain)
                ),
                gain,
                false,
            );
        }
        let losing: Vec<&custalyze_attribution::ChannelResult> = at
            .model("shapley")
            .into_iter()
            .filter(|r| r.roi.is_some_and(|x| x < 0.0))
            .collect();
        for r in losing {
            push(
                "attribution",
                format!("{} does not earn its spend", r.channel),
                format!(
                    "cost {} against {} Shapley revenue (ROI {:.2})",
                    fmt(r.cost.unwrap_or(0.0)),
                    fmt(r.revenue),
                    r.roi.unwrap_or(0.0)
                ),
                r.cost.unwrap_or(0.0) - r.revenue,
                true,
            );
        }
    }
    if let Ok(p) = &a.pricing {
        let (mut n, mut gain) = (0usize, 0.0);
        for x in &p.products {
            if let Some(rec) = x
                .recommendation
                .as_ref()
                .filter(|r| r.confident && r.price_change != 0.0)
            {
                n += 1;
                gain += x.mean_weekly_units * x.current_price * 52.0 * rec.revenue_change.expected;
            }
        }
        if n > 0 {
            push(
                "pricing",
                format!(
                    "Reprice {n} product{} with confident elasticities",
                    if n == 1 { "" } else { "s" }
                ),
                format!(
                    "{} a year in revenue at today's volumes (pricing stage; where the objective is margin, revenue may fall while margin rises)",
                    fmt(gain)
                ),
                gain,
                false,
            );
        }
    }
    if let Ok(inv) = &a.inventory {
        let over: Vec<&custalyze_inventory::ProductPlan> =
            inv.products.iter().filter(|x| x.overstock).collect();
        let tied: f64 = over.iter().filter_map(|x| x.money_tied_up).sum();
        if tied > 0.0 {
            push(
                "inventory",
                format!("{} products overstocked", over.len()),
                format!(
                    "{} tied up in stock beyond the order-up-to level (inventory stage)",
                    fmt(tied)
                ),
                tied,
                true,
            );
        }
        let short: Vec<&custalyze_inventory::ProductPlan> = inv
            .products
            .iter()
            .filter(|x| x.stockout_risk.is_some_and(|r| r >= 0.5))
            .collect();
        if !short.is_empty() {
            let units: f64 = short.iter().map(|x| x.order_now.unwrap_or(0.0)).sum();
            // Expected sales lost: stockout risk × lead-time demand × the item's average price.
            let lost: f64 = short
                .iter()
                .map(|x| {
                    x.stockout_risk.unwrap_or(0.0)
                        * x.lead_time_demand
                        * prices.get(&x.item).copied().unwrap_or(0.0)
                })
                .sum();
            push(
                "inventory",
                format!(
                    "{} products likely to run out before the next delivery",
                    short.len()
                ),
                format!(
                    "stockout risk 50% or more; {units:.0} units to order now; {} of lead-time sales at risk (inventory stage)",
                    fmt(lost)
                ),
                lost,
                true,
            );
        }
    }
    out.sort_by(|x, y| y.money.total_cmp(&x.money));
    out
}
