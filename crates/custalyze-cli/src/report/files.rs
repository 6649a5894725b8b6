//! The files of a report directory. Column names are part of the CLI contract:
//!
//! - `customers.csv`: `customer_id,first_purchase,last_purchase,orders,revenue,frequency,recency,T,
//!   monetary_value,recency_days,r_score,f_score,m_score,segment,cohort,p_alive,expected_purchases,
//!   expected_avg_spend,clv,cluster` (weekly lifetimes summary; RFM as of the analysis date; empty
//!   cells where an analysis failed or is not in this build).
//! - `products.csv`: `product_id,description,revenue,quantity,share,cumulative_share,abc,xyz,cv`.
//! - `rules.csv`: `antecedents,consequents,support,confidence,lift` (items joined by `;`).
//! - `forecast.csv`: `period_start,kind,revenue,lower_80,upper_80,lower_95,upper_95` (`kind` is
//!   `history` or `forecast`).
//! - `cohorts.csv`: `cohort,customers,period,active_customers,retention,revenue` (observed cells).
//! - `segment_best_sellers.csv`: `segment,rank,product_id,description,customers,revenue`.
//! - `customer_products.csv`: `customer_id,product_id,quantity,revenue`.
//! - `report.json`: headline figures, models, load report and section statuses.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use custalyze_transaction_types::summary::fmt_f64;
use serde_json::{Value, json};

use super::analysis::{Analysis, CustomerRow};
use super::html;
use crate::CliError;

/// The CSV header of customers.csv.
pub const CUSTOMERS_HEADER: [&str; 20] = [
    "customer_id",
    "first_purchase",
    "last_purchase",
    "orders",
    "revenue",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "recency_days",
    "r_score",
    "f_score",
    "m_score",
    "segment",
    "cohort",
    "p_alive",
    "expected_purchases",
    "expected_avg_spend",
    "clv",
    "cluster",
];

fn csv_writer(dir: &Path, name: &str) -> Result<csv::Writer<BufWriter<File>>, CliError> {
    let path = dir.join(name);
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    Ok(csv::Writer::from_writer(BufWriter::new(f)))
}

/// One customers.csv record, in the order of [`CUSTOMERS_HEADER`].
pub fn customer_record(c: &CustomerRow) -> Vec<String> {
    let (r, f, m) = c
        .rfm_scores
        .map(|(r, f, m)| (r.to_string(), f.to_string(), m.to_string()))
        .unwrap_or_default();
    vec![
        c.id.clone(),
        c.first_purchase.to_string(),
        c.last_purchase.to_string(),
        c.orders.to_string(),
        fmt_f64(c.revenue),
        fmt_f64(c.frequency),
        fmt_f64(c.recency),
        fmt_f64(c.t),
        fmt_f64(c.monetary_value),
        c.recency_days.map(|d| d.to_string()).unwrap_or_default(),
        r,
        f,
        m,
        c.segment.clone(),
        c.cohort.clone(),
        opt(c.p_alive),
        opt(c.expected_purchases),
        opt(c.expected_avg_spend),
        opt(c.clv),
        c.cluster.clone().unwrap_or_default(),
    ]
}

fn opt(v: Option<f64>) -> String {
    v.map(fmt_f64).unwrap_or_default()
}

/// Writes every file of the report into `dir` (created if missing).
///
/// # Errors
/// When the directory or a file cannot be written.
pub fn write_all(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;

    let mut w = csv_writer(dir, "customers.csv")?;
    w.write_record(CUSTOMERS_HEADER)?;
    for c in &a.customers {
        w.write_record(customer_record(c))?;
    }
    w.flush()?;

    let mut w = csv_writer(dir, "products.csv")?;
    w.write_record([
        "product_id",
        "description",
        "revenue",
        "quantity",
        "share",
        "cumulative_share",
        "abc",
        "xyz",
        "cv",
    ])?;
    for p in &a.products {
        w.write_record([
            p.id.clone(),
            p.description.clone(),
            fmt_f64(p.revenue),
            fmt_f64(p.quantity),
            fmt_f64(p.share),
            fmt_f64(p.cumulative_share),
            p.abc.clone(),
            p.xyz.clone().unwrap_or_default(),
            opt(p.cv),
        ])?;
    }
    w.flush()?;

    let mut w = csv_writer(dir, "rules.csv")?;
    w.write_record([
        "antecedents",
        "consequents",
        "support",
        "confidence",
        "lift",
    ])?;
    for r in &a.rules {
        w.write_record([
            r.antecedents.join(";"),
            r.consequents.join(";"),
            fmt_f64(r.support),
            fmt_f64(r.confidence),
            fmt_f64(r.lift),
        ])?;
    }
    w.flush()?;

    let mut w = csv_writer(dir, "forecast.csv")?;
    w.write_record([
        "period_start",
        "kind",
        "revenue",
        "lower_80",
        "upper_80",
        "lower_95",
        "upper_95",
    ])?;
    if let Some(f) = &a.forecast {
        for (d, v) in &f.history {
            w.write_record([
                d.to_string(),
                "history".into(),
                fmt_f64(*v),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ])?;
        }
        if let Some(p) = &f.forecast {
            for (k, d) in p.dates.iter().enumerate() {
                let at = |v: &[f64]| opt(v.get(k).copied());
                w.write_record([
                    d.to_string(),
                    "forecast".into(),
                    at(&p.mean),
                    at(&p.lower_80),
                    at(&p.upper_80),
                    at(&p.lower_95),
                    at(&p.upper_95),
                ])?;
            }
        }
    }
    w.flush()?;

    let mut w = csv_writer(dir, "cohorts.csv")?;
    w.write_record([
        "cohort",
        "customers",
        "period",
        "active_customers",
        "retention",
        "revenue",
    ])?;
    for c in &a.cohort_cells {
        w.write_record([
            c.cohort.clone(),
            c.customers.to_string(),
            c.period.to_string(),
            c.active.to_string(),
            fmt_f64(if c.customers > 0 {
                c.active as f64 / c.customers as f64
            } else {
                0.0
            }),
            fmt_f64(c.revenue),
        ])?;
    }
    w.flush()?;

    let mut w = csv_writer(dir, "segment_best_sellers.csv")?;
    w.write_record([
        "segment",
        "rank",
        "product_id",
        "description",
        "customers",
        "revenue",
    ])?;
    for b in &a.best_sellers {
        w.write_record([
            b.segment.clone(),
            b.rank.to_string(),
            b.item.clone(),
            b.description.clone(),
            b.customers.to_string(),
            fmt_f64(b.revenue),
        ])?;
    }
    w.flush()?;

    let mut w = csv_writer(dir, "customer_products.csv")?;
    w.write_record(["customer_id", "product_id", "quantity", "revenue"])?;
    for (c, row) in a.customers.iter().enumerate() {
        for (item, _, q, rev) in a.customer_products(c) {
            w.write_record([row.id.clone(), item, fmt_f64(q), fmt_f64(rev)])?;
        }
    }
    w.flush()?;

    let json = report_json(a);
    let path = dir.join("report.json");
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    let mut out = BufWriter::new(f);
    serde_json::to_writer_pretty(&mut out, &json)?;
    writeln!(out).map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;

    let page = html::page(
        &a.header,
        &a.sections,
        &format!(
            "Generated by custalyze {} on the data of {} (analysis date {}). Self-contained page: no script, no network.",
            env!("CARGO_PKG_VERSION"),
            a.report.source,
            a.as_of
        ),
    );
    let path = dir.join("index.html");
    std::fs::write(&path, page)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    Ok(())
}

/// report.json: every headline figure, the models, the load report and the section statuses.
pub fn report_json(a: &Analysis) -> Value {
    let r = &a.report;
    let excluded: serde_json::Map<String, Value> = r
        .excluded
        .iter()
        .map(|(reason, c)| (reason.describe().to_string(), json!(c.count)))
        .collect();
    json!({
        "generated_by": format!("custalyze {}", env!("CARGO_PKG_VERSION")),
        "source": r.source,
        "load": {
            "rows_read": r.rows_read,
            "rows_loaded": r.rows_loaded,
            "rows_excluded": r.rows_excluded(),
            "excluded": excluded,
            "duplicate_rows": r.duplicate_rows,
            "rows_on_or_after_as_of": a.rows_after_as_of,
        },
        "headline": a.headline,
        "options": {
            "as_of": a.as_of.to_string(),
            "observation_end": a.observation_end.to_string(),
            "horizon_months": a.options.months,
            "monthly_discount_rate": a.options.discount_rate,
        },
        "models": a.models,
        "segments": a.segment_profiles.as_ref().map(|p| json!({
            "method": p.method,
            "segments": p.rows.iter().map(|r| json!({
                "segment": r.label, "customers": r.customers, "revenue_share": r.revenue_share,
            })).collect::<Vec<_>>(),
        })),
        "sections": a.sections.iter().map(|s| json!({
            "id": s.id,
            "title": s.title,
            "status": s.status.key(),
            "reason": s.status.reason(),
            "charts": s.charts.len(),
        })).collect::<Vec<_>>(),
    })
}
