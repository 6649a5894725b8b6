//! The files of a report directory. Column names are part of the CLI contract; money columns are
//! rounded to cents, probabilities to 6 decimals.
//!
//! - `customers.csv`: `customer_id,first_purchase,last_purchase,orders,revenue,frequency,recency,T,
//!   monetary_value,recency_days,r_score,f_score,m_score,rfm_segment,cohort,p_alive,p_purchase,
//!   expected_purchases,expected_spend,expected_revenue,clv,clv_tier,cluster,engagement,
//!   churn_probability,churn_risk,revenue_at_risk` (weekly lifetimes summary; RFM as of the
//!   analysis date; empty cells where a stage failed). Three labelling schemes, each its own
//!   column: `rfm_segment` (reference RF map), `cluster` (K-Means behaviour cluster),
//!   `engagement` (recommendation tier); `clv_tier` A-D.
//! - `at_risk.csv`: `customer_id,clv,last_purchase,churn_probability,churn_risk,revenue_at_risk`.
//! - `products.csv`: `product_id,description,revenue,quantity,share,cumulative_share,abc,xyz,cv`.
//! - `bundles.csv`: `items,descriptions,antecedents,consequents,baskets,support,confidence,lift,rules`
//!   (one row per bundle; items joined by `;`).
//! - `forecast.csv`: `period_start,kind,revenue,lower_80,upper_80,lower_95,upper_95` (`kind` is
//!   `history` or `forecast`; the forecast revenue is the median).
//! - `cohorts.csv`: `cohort,customers,period,active_customers,retention,revenue` (observed cells).
//! - `segment_best_sellers.csv`: `rfm_segment,rank,product_id,description,customers,revenue`.
//! - `customer_products.csv`: `customer_id,product_id,quantity,revenue`.
//! - `report.json`: headline figures, options, models, load report and section statuses.
//! - `analysis.json`: the whole typed analysis and the load report (what `custalyze customer`
//!   reads).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use custalyze_analysis::playbook::tier_name;
use custalyze_analysis::{Analysis, CustomerView};
use custalyze_transaction_types::TransactionLog;
use custalyze_transaction_types::load::LoadReport;
use custalyze_transaction_types::summary::fmt_f64;
use serde_json::{Value, json};

use super::build::page_parts;
use super::html;
use crate::CliError;

/// The CSV header of customers.csv.
pub const CUSTOMERS_HEADER: [&str; 27] = [
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
    "rfm_segment",
    "cohort",
    "p_alive",
    "p_purchase",
    "expected_purchases",
    "expected_spend",
    "expected_revenue",
    "clv",
    "clv_tier",
    "cluster",
    "engagement",
    "churn_probability",
    "churn_risk",
    "revenue_at_risk",
];

/// The saved analysis: the typed result and the load report.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Saved {
    /// The load report of the input.
    pub load: LoadReport,
    /// The analysis.
    pub analysis: Analysis,
}

fn csv_writer(dir: &Path, name: &str) -> Result<csv::Writer<BufWriter<File>>, CliError> {
    let path = dir.join(name);
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    Ok(csv::Writer::from_writer(BufWriter::new(f)))
}

/// Money rounded to cents (`-0.00` written as `0.00`).
pub fn cents(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    if r == 0.0 {
        "0.00".into()
    } else {
        format!("{r:.2}")
    }
}

/// A probability or rate to 6 decimals.
pub fn prob(v: f64) -> String {
    format!("{v:.6}")
}

fn opt(v: Option<f64>, f: fn(f64) -> String) -> String {
    v.map(f).unwrap_or_default()
}

/// One customers.csv record, in the order of [`CUSTOMERS_HEADER`].
pub fn customer_record(c: &CustomerView<'_>) -> Vec<String> {
    let s = c.summary;
    let r = c.rfm;
    let v = c.value;
    let ch = c.churn;
    vec![
        c.facts.customer.to_string(),
        c.facts.first_purchase.to_string(),
        c.facts.last_purchase.to_string(),
        c.facts.orders.to_string(),
        cents(c.facts.revenue),
        opt(s.map(|s| s.frequency), fmt_f64),
        opt(s.map(|s| s.recency), fmt_f64),
        opt(s.map(|s| s.t), fmt_f64),
        opt(s.map(|s| s.monetary_value), cents),
        r.map(|r| r.recency.to_string()).unwrap_or_default(),
        r.map(|r| r.r_score.to_string()).unwrap_or_default(),
        r.map(|r| r.f_score.to_string()).unwrap_or_default(),
        r.map(|r| r.m_score.to_string()).unwrap_or_default(),
        c.rfm_segment.unwrap_or("").to_string(),
        c.facts.cohort(),
        opt(v.map(|v| v.p_alive), prob),
        opt(v.map(|v| v.p_purchase), prob),
        opt(v.map(|v| v.expected_purchases), prob),
        opt(v.and_then(|v| v.expected_spend), cents),
        opt(v.and_then(|v| v.expected_revenue), cents),
        opt(v.and_then(|v| v.clv), cents),
        v.and_then(|v| v.tier)
            .map(|t| t.to_string())
            .unwrap_or_default(),
        c.cluster.unwrap_or("").to_string(),
        c.play
            .map(|p| tier_name(p.tier).to_string())
            .unwrap_or_default(),
        opt(ch.map(|s| s.churn_probability), prob),
        ch.map(|s| s.risk_band.as_str().to_string())
            .unwrap_or_default(),
        opt(ch.map(|s| s.revenue_at_risk), cents),
    ]
}

fn write_json(dir: &Path, name: &str, value: &impl serde::Serialize) -> Result<(), CliError> {
    let path = dir.join(name);
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    let mut out = BufWriter::new(f);
    serde_json::to_writer(&mut out, value)?;
    writeln!(out)
        .and_then(|()| out.flush())
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))
}

/// Writes every file of the report into `dir` (created if missing); `log` is the analysed log
/// (for customer_products.csv).
///
/// # Errors
/// When the directory or a file cannot be written.
/// Whether a CSV file has a row after its header (a missing file has none).
fn has_data_rows(path: &Path) -> bool {
    use std::io::BufRead;
    std::fs::File::open(path)
        .map(|f| std::io::BufReader::new(f).lines().take(2).count() > 1)
        .unwrap_or(false)
}

pub fn write_all(
    a: &Analysis,
    load: &LoadReport,
    log: &TransactionLog,
    dir: &Path,
) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError(format!("cannot create {}: {e}", dir.display())))?;

    write_customers(a, dir)?;
    write_at_risk(a, dir)?;
    write_products(a, dir)?;
    write_bundles(a, dir)?;
    write_forecast(a, dir)?;
    write_cohorts(a, dir)?;
    write_pricing(a, dir)?;
    write_inventory(a, dir)?;
    write_anomalies(a, dir)?;
    write_attribution(a, dir)?;
    write_segment_best_sellers(a, dir)?;
    write_customer_products(a, log, dir)?;

    write_json(dir, "report.json", &report_json(a, load))?;
    write_json(
        dir,
        "analysis.json",
        &Saved {
            load: load.clone(),
            analysis: a.clone(),
        },
    )?;

    let (mut header, sections) = page_parts(a, load);
    // Link only tables with rows; a header-only table (no products in the log, no bundle) is
    // named as such instead of offering an empty download.
    let (mut links, mut empty) = (vec![], vec![]);
    for f in header.links.drain(..) {
        if f.ends_with(".csv") && !has_data_rows(&dir.join(&f)) {
            empty.push(f);
        } else {
            links.push(f);
        }
    }
    header.links = links;
    header.empty_files = empty;
    let page = html::page(
        &header,
        &sections,
        &format!(
            "Generated by custalyze {} on the data of {} (analysis date {}). Self-contained page: no script, no network.",
            env!("CARGO_PKG_VERSION"),
            load.source,
            a.window.as_of
        ),
    );
    let path = dir.join("index.html");
    std::fs::write(&path, page)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    Ok(())
}

/// Writes customers.csv.
fn write_customers(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let mut w = csv_writer(dir, "customers.csv")?;
    w.write_record(CUSTOMERS_HEADER)?;
    for c in a.customers() {
        w.write_record(customer_record(&c))?;
    }
    w.flush()?;
    Ok(())
}

/// Writes at_risk.csv.
fn write_at_risk(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let mut w = csv_writer(dir, "at_risk.csv")?;
    w.write_record([
        "customer_id",
        "clv",
        "last_purchase",
        "churn_probability",
        "churn_risk",
        "revenue_at_risk",
    ])?;
    for c in a.at_risk(usize::MAX) {
        if let Some(s) = c.churn {
            w.write_record([
                c.facts.customer.to_string(),
                cents(s.clv),
                c.facts.last_purchase.to_string(),
                prob(s.churn_probability),
                s.risk_band.as_str().to_string(),
                cents(s.revenue_at_risk),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes products.csv.
fn write_products(a: &Analysis, dir: &Path) -> Result<(), CliError> {
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
    if let Ok(p) = &a.products {
        for (e, r) in p.abc.entries.iter().zip(&p.rows) {
            w.write_record([
                e.id.to_string(),
                a.item(r.item)
                    .map(|i| i.description.clone())
                    .unwrap_or_default(),
                cents(e.value),
                fmt_f64(r.quantity),
                prob(e.share),
                prob(e.cumulative_share),
                e.class.to_string(),
                r.xyz.map(|x| x.to_string()).unwrap_or_default(),
                opt(r.cv, prob),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes bundles.csv.
fn write_bundles(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let mut w = csv_writer(dir, "bundles.csv")?;
    w.write_record([
        "items",
        "descriptions",
        "antecedents",
        "consequents",
        "baskets",
        "support",
        "confidence",
        "lift",
        "rules",
    ])?;
    let ids = |v: &[u32]| -> String {
        v.iter()
            .map(|&i| a.item(i).map(|x| x.id.to_string()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(";")
    };
    if let Ok(b) = &a.bundles {
        for x in &b.bundles {
            w.write_record([
                ids(&x.items),
                x.items
                    .iter()
                    .map(|&i| a.item(i).map(|x| x.description.clone()).unwrap_or_default())
                    .collect::<Vec<_>>()
                    .join(";"),
                ids(&x.antecedents),
                ids(&x.consequents),
                x.baskets.to_string(),
                prob(x.support),
                prob(x.confidence),
                prob(x.lift),
                x.rules.to_string(),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes forecast.csv.
fn write_forecast(a: &Analysis, dir: &Path) -> Result<(), CliError> {
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
    if let Ok(f) = &a.forecast {
        for (d, v) in &f.history {
            let e = String::new;
            w.write_record([
                d.to_string(),
                "history".into(),
                cents(*v),
                e(),
                e(),
                e(),
                e(),
            ])?;
        }
        for (k, d) in f.dates.iter().enumerate() {
            let at = |v: &[f64]| opt(v.get(k).copied(), cents);
            w.write_record([
                d.to_string(),
                "forecast".into(),
                at(&f.median),
                at(&f.lower_80),
                at(&f.upper_80),
                at(&f.lower_95),
                at(&f.upper_95),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes cohorts.csv.
/// `pricing.csv`: the pricing stage's table (the columns of `custalyze pricing`); the header
/// alone when the stage failed.
fn write_pricing(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let path = dir.join("pricing.csv");
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    match &a.pricing {
        Ok(p) => p.write_csv(BufWriter::new(f))?,
        Err(_) => {
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_record(custalyze_pricing::CSV_COLUMNS)?;
            w.flush()?;
        }
    }
    Ok(())
}

/// `inventory.csv`: the inventory stage's plans (the columns of `custalyze inventory`); the
/// header alone when the stage failed.
fn write_inventory(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let path = dir.join("inventory.csv");
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    match &a.inventory {
        Ok(p) => p.write_csv(BufWriter::new(f))?,
        Err(_) => {
            let mut w = csv::Writer::from_writer(BufWriter::new(f));
            w.write_record(custalyze_inventory::CSV_COLUMNS)?;
            w.flush()?;
        }
    }
    Ok(())
}

/// `anomalies.csv`: the flagged orders kept by the anomaly stage (the columns of `custalyze
/// anomalies`, highest score first); the header alone when the stage failed.
fn write_anomalies(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let path = dir.join("anomalies.csv");
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    let flagged = a.anomalies.as_ref().map(|an| an.flagged_orders.as_slice());
    custalyze_anomaly::write_alerts(flagged.unwrap_or_default(), BufWriter::new(f))
        .map_err(|e| CliError(e.to_string()))
}

/// `attribution.csv`: every model's per-channel results (the columns of `custalyze
/// attribution`); the header alone when the stage did not run.
fn write_attribution(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let path = dir.join("attribution.csv");
    let f = File::create(&path)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))?;
    let results = a.attribution.as_ref().map(|at| at.results.as_slice());
    custalyze_attribution::write_results(results.unwrap_or_default(), true, BufWriter::new(f))
        .map_err(|e| CliError(e.to_string()))
}

fn write_cohorts(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let mut w = csv_writer(dir, "cohorts.csv")?;
    w.write_record([
        "cohort",
        "customers",
        "period",
        "active_customers",
        "retention",
        "revenue",
    ])?;
    if let Ok(t) = &a.cohorts {
        for (c, label) in t.cohorts.iter().zip(t.labels()) {
            for k in 0..c.observed_periods.min(c.active.len()) {
                w.write_record([
                    label.clone(),
                    c.size.to_string(),
                    k.to_string(),
                    c.active[k].to_string(),
                    prob(if c.size > 0 {
                        c.active[k] as f64 / c.size as f64
                    } else {
                        0.0
                    }),
                    cents(c.revenue[k]),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes segment_best_sellers.csv.
fn write_segment_best_sellers(a: &Analysis, dir: &Path) -> Result<(), CliError> {
    let mut w = csv_writer(dir, "segment_best_sellers.csv")?;
    w.write_record([
        "rfm_segment",
        "rank",
        "product_id",
        "description",
        "customers",
        "revenue",
    ])?;
    if let Ok(r) = &a.rfm {
        for b in &r.best_sellers {
            let item = a.item(b.item);
            w.write_record([
                b.segment.clone(),
                b.rank.to_string(),
                item.map(|i| i.id.to_string()).unwrap_or_default(),
                item.map(|i| i.description.clone()).unwrap_or_default(),
                b.customers.to_string(),
                cents(b.revenue),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Writes customer_products.csv.
fn write_customer_products(a: &Analysis, log: &TransactionLog, dir: &Path) -> Result<(), CliError> {
    let mut w = csv_writer(dir, "customer_products.csv")?;
    w.write_record(["customer_id", "product_id", "quantity", "revenue"])?;
    for (c, f) in a.facts.iter().enumerate() {
        for p in custalyze_analysis::facts::customer_products(log, c) {
            w.write_record([
                f.customer.to_string(),
                a.item(p.item).map(|i| i.id.to_string()).unwrap_or_default(),
                fmt_f64(p.quantity),
                cents(p.revenue),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// report.json: the headline, options, model parameters, the load report and every section's
/// status.
pub fn report_json(a: &Analysis, load: &LoadReport) -> Value {
    let excluded: serde_json::Map<String, Value> = load
        .excluded
        .iter()
        .map(|(reason, c)| (reason.describe().to_string(), json!(c.count)))
        .collect();
    let (_, sections) = page_parts(a, load);
    let clv = a.clv.as_ref().ok();
    json!({
        "generated_by": format!("custalyze {}", env!("CARGO_PKG_VERSION")),
        "source": load.source,
        "load": {
            "rows_read": load.rows_read,
            "rows_loaded": load.rows_loaded,
            "rows_excluded": load.rows_excluded(),
            "excluded": excluded,
            "duplicate_rows": load.duplicate_rows,
            "rows_on_or_after_as_of": a.window.rows_after_as_of,
        },
        "headline": a.headline,
        "window": a.window,
        "options": a.options,
        "models": {
            "purchase_model": clv.map(|c| c.model.name()),
            "bgnbd": clv.map(|c| &c.bgnbd),
            "mbgnbd": clv.and_then(|c| c.mbgnbd.as_ref()),
            "gamma_gamma": clv.and_then(|c| c.spend.as_ref().ok()),
            "clv_tiers": clv.map(|c| &c.tiers),
            "holdout": a.holdout.as_ref().ok().map(|h| json!({
                "calibration_end": h.calibration_end,
                "observation_end": h.observation_end,
                "actual_buyers_share": h.actual_buyers_share,
                "predicted_buyers_share": h.predicted_buyers_share,
                "buyers_roc_auc": h.buyers_roc_auc,
                "p_alive_roc_auc": h.p_alive_roc_auc,
                "actual_revenue": h.actual_revenue,
                "predicted_revenue": h.predicted_revenue,
                "total_actual": h.comparison.total_actual,
                "total_predicted": h.comparison.total_predicted,
                "scorecard": h.scorecard.as_ref().map(|c| &c.rows),
            })),
            "rfm_segments": a.rfm.as_ref().ok().map(|r| &r.summaries),
            "forecast": a.forecast.as_ref().ok().map(|f| json!({
                "chosen": f.chosen, "model": f.model, "line": "median",
                "candidates": f.candidates, "benchmark": f.benchmark,
            })),
            "churn": a.churn.as_ref().ok().map(|c| json!({
                "roc_auc": c.evaluation.random_forest.roc_auc,
                "p_alive_baseline_roc_auc": c.evaluation.p_alive_baseline.roc_auc,
                "bands": c.bands,
            })),
            "bundles": a.bundles.as_ref().ok().map(|b| b.bundles.len()),
        },
        "segments": a.segments.as_ref().ok().map(|s| json!({
            "k": s.k,
            "silhouette": s.silhouette,
            "segments": s.profiles.iter().map(|p| json!({
                "segment": p.label, "customers": p.customers, "revenue_share": p.revenue_share,
            })).collect::<Vec<_>>(),
        })),
        "sections": sections.iter().map(|s| json!({
            "id": s.id,
            "title": s.title,
            "status": s.status.key(),
            "reason": s.status.reason(),
            "charts": s.charts.len(),
        })).collect::<Vec<_>>(),
    })
}
