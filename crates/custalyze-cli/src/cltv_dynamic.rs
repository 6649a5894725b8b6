//! `custalyze cltv dynamic`: BG/NBD, MBG/NBD or Pareto/NBD with time-varying covariates, fitted
//! on a transaction log and a table of covariates by date, with predictions over a horizon whose
//! covariates are planned in the same table.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;
use custalyze_cltv_core::covariates::{BaseModel, Process};
use custalyze_cltv_core::time_varying::{
    CovariatePath, FittedTimeVarying, TimeVarying, TimeVaryingCustomer,
};
use custalyze_transaction_types::period::days_from_epoch;
use custalyze_transaction_types::summary::fmt_f64;
use serde_json::{Map, Value, json};

use crate::CliError;
use crate::input::{InputArgs, parse_date};
use crate::output::{write_json, writer};

/// Arguments of `custalyze cltv dynamic`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze cltv dynamic --model bgnbd --input retail.csv --covariates promotions.csv \\
      --purchase-cov promotion --end 2011-09-30 --horizon 13 --output model.json \\
      --predictions next_quarter.csv
  custalyze cltv dynamic --model pareto-nbd --input retail.csv --covariates calendar.csv \\
      --purchase-cov promotion --dropout-cov season --output model.json

The covariates CSV has a date column, numeric covariate columns and, optionally, customer_id: a row
holds from its date until the customer's (or, without customer_id, everybody's) next row. Each
customer needs a row on or before her first purchase. Rows after --end are the covariates planned
for the --horizon of the predictions. Times are in weeks (the period unit of --freq W, the
default) or days (--freq D) since each customer's first purchase; same-day orders count once.")]
pub struct DynamicArgs {
    /// bgnbd, mbgnbd or pareto-nbd.
    #[arg(long, value_parser = ["bgnbd", "mbgnbd", "pareto-nbd"])]
    model: String,
    #[command(flatten)]
    input: InputArgs,
    /// Covariates by date (and customer): date, [customer_id,] numeric columns.
    #[arg(long, value_name = "FILE")]
    covariates: PathBuf,
    /// Covariates of the purchase process.
    #[arg(long, value_name = "A,B", value_delimiter = ',')]
    purchase_cov: Vec<String>,
    /// Covariates of the dropout process (pareto-nbd).
    #[arg(long, value_name = "C", value_delimiter = ',')]
    dropout_cov: Vec<String>,
    /// Time unit: W (weeks, default) or D (days).
    #[arg(long, value_name = "UNIT", default_value = "W", value_parser = ["W", "D"])]
    freq: String,
    /// Last day of the fit's data, YYYY-MM-DD (default: the log's last day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    end: Option<String>,
    /// Prediction horizon after --end, in --freq units (with --predictions).
    #[arg(long, value_name = "T", default_value_t = 13.0)]
    horizon: f64,
    /// Output MODEL.json.
    #[arg(long, value_name = "MODEL.json")]
    output: PathBuf,
    /// Per-customer predictions over the horizon: customer_id,expected_purchases,p_alive.
    #[arg(long, value_name = "OUT.csv")]
    predictions: Option<PathBuf>,
}

/// The covariates table: per customer (or `None` for everybody) the rows `(day, values)` of the
/// wanted columns, in day order.
struct Table {
    rows: HashMap<Option<String>, Vec<(i64, Vec<f64>)>>,
}

impl Table {
    fn read(path: &Path, wanted: &[String]) -> Result<Self, CliError> {
        let mut r = csv::Reader::from_path(path)
            .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
        let header: Vec<String> = r.headers()?.iter().map(|h| h.trim().to_string()).collect();
        let find = |name: &str| header.iter().position(|h| h == name);
        let date_col = find("date").ok_or_else(|| {
            CliError(format!(
                "{}: needs a date column (YYYY-MM-DD)",
                path.display()
            ))
        })?;
        let id_col = ["customer_id", "id", "customer"]
            .iter()
            .find_map(|c| find(c));
        let cols = wanted
            .iter()
            .map(|w| {
                find(w).ok_or_else(|| {
                    CliError(format!(
                        "{}: no column {w} (columns: {})",
                        path.display(),
                        header.join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut rows: HashMap<Option<String>, Vec<(i64, Vec<f64>)>> = HashMap::new();
        for (line, rec) in r.records().enumerate() {
            let rec = rec?;
            let field = |k: usize| rec.get(k).unwrap_or("").trim();
            let day =
                days_from_epoch(parse_date("date", field(date_col)).map_err(|e| {
                    CliError(format!("{} line {}: {}", path.display(), line + 2, e.0))
                })?);
            let values = cols
                .iter()
                .map(|&k| {
                    field(k)
                        .parse::<f64>()
                        .ok()
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| {
                            CliError(format!(
                                "{} line {}: {} is not a finite number: {:?}",
                                path.display(),
                                line + 2,
                                header[k],
                                field(k)
                            ))
                        })
                })
                .collect::<Result<Vec<f64>, _>>()?;
            let who = id_col.map(|k| field(k).to_string());
            rows.entry(who).or_default().push((day, values));
        }
        for v in rows.values_mut() {
            v.sort_by_key(|(d, _)| *d);
        }
        Ok(Self { rows })
    }

    /// The rows that apply to `customer`: hers, else everybody's.
    fn of(&self, customer: &str) -> Option<&[(i64, Vec<f64>)]> {
        self.rows
            .get(&Some(customer.to_string()))
            .or_else(|| self.rows.get(&None))
            .map(Vec::as_slice)
    }
}

/// A piecewise-constant path over days `[from, to)` from dated rows, in units of `unit` days.
fn path(
    rows: &[(i64, Vec<f64>)],
    from: i64,
    to: i64,
    unit: f64,
) -> Option<Result<CovariatePath, CliError>> {
    // The row in effect at `from`, then every later change before `to`.
    let start = rows.iter().rposition(|(d, _)| *d <= from)?;
    let mut ends = vec![];
    let mut values = vec![rows[start].1.clone()];
    for (d, v) in &rows[start + 1..] {
        if *d >= to {
            break;
        }
        ends.push((*d - from) as f64 / unit);
        values.push(v.clone());
    }
    ends.push((to - from) as f64 / unit);
    Some(CovariatePath::new(ends, values).map_err(|e| CliError(e.to_string())))
}

/// Runs `cltv dynamic`.
pub fn dynamic(a: &DynamicArgs) -> Result<(), CliError> {
    if a.purchase_cov.is_empty() && a.dropout_cov.is_empty() {
        return Err(CliError(
            "name the covariates: --purchase-cov and/or --dropout-cov".into(),
        ));
    }
    if !(a.horizon.is_finite() && a.horizon > 0.0 && a.horizon <= 10_000.0) {
        return Err(CliError(format!(
            "--horizon must be in (0, 10000], got {}",
            a.horizon
        )));
    }
    let model = match a.model.as_str() {
        "bgnbd" => BaseModel::BgNbd,
        "mbgnbd" => BaseModel::MbgNbd,
        _ => BaseModel::ParetoNbd,
    };
    let mut names = a.purchase_cov.clone();
    names.extend(a.dropout_cov.iter().cloned());
    let params = TimeVarying::params(model, names.clone()).dropout(a.dropout_cov.iter().cloned());
    let valid = params.check()?;
    let table = Table::read(&a.covariates, &names)?;
    let loaded = a.input.load()?;
    let log = &loaded.log;
    let last = log
        .last_date()
        .ok_or_else(|| CliError("the log has no transactions".into()))?;
    let end: NaiveDate = match &a.end {
        Some(s) => parse_date("--end", s)?,
        None => last,
    };
    let end_day = days_from_epoch(end) + 1; // exclusive
    let unit = if a.freq == "D" { 1.0 } else { 7.0 };
    let horizon_days = (a.horizon * unit).round() as i64;
    let (mut customers, mut futures, mut ids) = (vec![], vec![], vec![]);
    let (mut no_covariates, mut acquired_at_end) = (vec![], 0usize);
    for c in 0..log.customer_ids().len() {
        let id = log.customer_ids()[c].to_string();
        let mut days: Vec<i64> = log
            .customer_rows(c)
            .map(|r| log.day(r))
            .filter(|d| *d < end_day)
            .collect();
        days.dedup();
        let Some(&first) = days.first() else {
            continue;
        };
        if first + 1 >= end_day {
            // Acquired on the last day: no time observed.
            acquired_at_end += 1;
            continue;
        }
        let Some(rows) = table.of(&id) else {
            no_covariates.push(id);
            continue;
        };
        let (Some(past), Some(future)) = (
            path(rows, first, end_day, unit),
            path(rows, end_day, end_day + horizon_days, unit),
        ) else {
            no_covariates.push(id);
            continue;
        };
        let t = (end_day - first) as f64 / unit;
        let purchases: Vec<f64> = days[1..]
            .iter()
            .map(|d| (d - first) as f64 / unit)
            .collect();
        customers.push(TimeVaryingCustomer::new(purchases, t, past?)?);
        futures.push(future?);
        ids.push(id);
    }
    if !no_covariates.is_empty() {
        return Err(CliError(format!(
            "{}: {} customers have no covariate row on or before their first purchase (or on or before --end for the horizon; first: {})",
            a.covariates.display(),
            no_covariates.len(),
            no_covariates[..no_covariates.len().min(5)].join(", ")
        )));
    }
    let fit = valid.fit(&customers)?;
    let mut out = model_json(&a.model, &fit, a.freq.as_str());
    out["customers"] = json!(customers.len());
    out["left_out_acquired_on_the_last_day"] = json!(acquired_at_end);
    write_json(&a.output, &out)?;
    crate::cltv_covariates::print_effects(&fit.effects);
    if let Some(path) = &a.predictions {
        let mut w = csv::Writer::from_writer(writer(path)?);
        w.write_record(["customer_id", "expected_purchases", "p_alive"])?;
        for ((id, c), future) in ids.iter().zip(&customers).zip(&futures) {
            w.write_record([
                id.clone(),
                fmt_f64(fit.expected_purchases(c, future)?),
                fmt_f64(fit.p_alive(c)?),
            ])?;
        }
        w.flush()?;
    }
    eprintln!(
        "{} with time-varying covariates fitted on {} customers ({} acquired on the last day left out); written to {}",
        model.name(),
        customers.len(),
        acquired_at_end,
        a.output.display()
    );
    Ok(())
}

/// MODEL.json of a time-varying fit.
fn model_json(kind: &str, fit: &FittedTimeVarying, freq: &str) -> Value {
    let names = fit.model.parameter_names();
    let se = fit.report.standard_errors.as_deref();
    let params: Map<String, Value> = names
        .iter()
        .zip(fit.base)
        .map(|(n, v)| ((*n).to_string(), json!(v)))
        .collect();
    let base_se: Map<String, Value> = names
        .iter()
        .enumerate()
        .map(|(k, n)| ((*n).to_string(), json!(se.map(|s| s[k]))))
        .collect();
    let mut effects = Map::new();
    let mut effects_se = Map::new();
    for e in &fit.effects {
        let process = match e.process {
            Process::Dropout => "dropout",
            _ => "purchase",
        };
        for (map, v) in [
            (&mut effects, json!(e.estimate)),
            (&mut effects_se, json!(e.standard_error)),
        ] {
            if let Value::Object(m) = map
                .entry(process.to_string())
                .or_insert_with(|| Value::Object(Map::new()))
            {
                m.insert(e.name.clone(), v);
            }
        }
    }
    json!({
        "model": kind,
        "time_varying": true,
        "params": params,
        "standard_errors": base_se,
        "covariates": effects,
        "covariates_se": effects_se,
        "log_likelihood": fit.report.log_likelihood,
        "aic": fit.report.aic(),
        "bic": fit.report.bic(),
        "covariance": fit.report.covariance,
        "time_unit": if freq == "D" { "day" } else { "week" },
    })
}
