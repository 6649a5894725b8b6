//! `custalyze cltv fit`, `custalyze cltv predict` and `custalyze cltv retention`.

use crate::output::writer;
use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use custalyze_cltv_core::clv::{ClvOptions, PurchaseModel, TimeUnit};
use custalyze_cltv_core::{
    BgBb, BgBbCustomer, BgBbData, BgBbParameters, BgNbd, BgNbdParameters, Customer, FitReport,
    GammaGamma, GammaGammaParameters, MbgNbd, MbgNbdParameters, ParetoNbd, ParetoNbdParameters,
    RfmData, SpendData,
};
use custalyze_transaction_types::summary::fmt_f64;
use serde_json::{Value, json};

use crate::CliError;

/// `custalyze cltv ...`
#[derive(Debug, Subcommand)]
pub enum CltvCommand {
    /// Fit a model to a summary CSV and write MODEL.json.
    Fit(FitArgs),
    /// Predict purchases, P(alive) and CLV per customer from a fitted model.
    Predict(PredictArgs),
    /// Fit BG/NBD, MBG/NBD and Pareto/NBD on a calibration/holdout summary's calibration columns
    /// and score them on its holdout columns: the scorecard, and the model a rule selects.
    Compare(CompareArgs),
    /// Subscription retention: fit the shifted-beta-geometric model (Fader & Hardie 2007) to a
    /// cohort's survivor counts and project survivors, retention rates and residual lifetimes.
    Retention(RetentionArgs),
    /// Diagnostic plots of a fitted model as SVG: frequency/recency and P(alive) matrices,
    /// period transactions, calibration vs holdout, tracking, P(X(t) = n).
    Plot(Box<crate::cltv_plot::PlotArgs>),
    /// BG/NBD, MBG/NBD or Pareto/NBD with time-varying covariates (promotions, seasons) from a
    /// transaction log and a table of covariates by date; predictions with planned covariates.
    Dynamic(Box<crate::cltv_dynamic::DynamicArgs>),
}

/// Arguments of `custalyze cltv compare`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze summary --input CDNOW_sample.txt --schema cdnow --freq D --freq-multiplier 7 \\
      --calibration-end 1997-09-30 --end 1998-06-30 --output cal.csv
  custalyze cltv compare --summary cal.csv --select mae --output scorecard.json

The summary needs frequency_cal, recency_cal, T_cal, frequency_holdout and duration_holdout (what
`custalyze summary --calibration-end` writes). Per model: calibration log-likelihood, AIC, BIC;
holdout MAE and RMSE of each customer's purchases, predicted and actual totals, the total's
relative error, and the ROC AUC of the probability of a holdout purchase against whether one
happened. The table goes to standard output, the JSON (rows, selected, rule) to --output.")]
pub struct CompareArgs {
    /// Calibration/holdout summary CSV.
    #[arg(long, value_name = "FILE")]
    summary: PathBuf,
    /// Selection rule: bic, aic (calibration fit), mae (holdout error per customer) or total
    /// (holdout total's error).
    #[arg(long, value_parser = ["bic", "aic", "mae", "total"], default_value = "bic")]
    select: String,
    /// Output JSON ("-" for standard output, instead of the table).
    #[arg(long, value_name = "OUT.json")]
    output: PathBuf,
}

/// Arguments of `custalyze cltv retention`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze cltv retention --survivors 1000,631,468,382,326,289,262,241 --horizon 5 --output -
  custalyze cltv retention --survivors 1000,869,743,653,593,551,517,491 --discount 0.1 --output sbg.json

Writes JSON: model \"sBG\", alpha, beta, standard_errors, log_likelihood, expected_lifetime (null
when infinite), periods [{period, survivors (observed or null), expected_survivors,
retention_rate}] through the data and --horizon more periods, and residual_lifetime
[{renewals, discounted_expected_residual_lifetime}] at --discount: the expected number of
further renewals of a customer who has renewed that many times, the next one undiscounted.")]
pub struct RetentionArgs {
    /// The cohort's survivor counts: the starting size, then those still active after each
    /// period, comma-separated.
    #[arg(long, value_name = "N0,N1,...", value_delimiter = ',', required = true)]
    survivors: Vec<f64>,
    /// Periods to project beyond the data (at most 1,000).
    #[arg(long, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(0..=1000))]
    horizon: u32,
    /// Discount rate per period for the residual lifetimes.
    #[arg(long, value_name = "D", default_value_t = 0.1)]
    discount: f64,
    /// Output JSON ("-" for standard output).
    #[arg(long, value_name = "OUT.json")]
    output: PathBuf,
}

/// Arguments of `custalyze cltv fit`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze summary --input CDNOW_sample.txt --schema cdnow --freq D --freq-multiplier 7 \\
      --calibration-end 1997-09-30 --end 1998-06-30 --output cal.csv
  custalyze cltv fit --model bgnbd --summary cal.csv --output bgnbd.json
  custalyze cltv fit --model gamma-gamma --summary cal.csv --output gg.json
  custalyze cltv fit --model bgbb --summary donations.csv --output bgbb.json
  custalyze cltv fit --model bgnbd --summary cal.csv --covariates customers.csv \\
      --purchase-cov vip,online --dropout-cov age --output bgnbd_cov.json

The summary CSV is what `custalyze summary` writes (frequency, recency, T, monetary_value; the
_cal columns of a calibration/holdout file are used when present). bgbb reads frequency, recency,
n_periods (or periods) and weight (or weights).")]
pub struct FitArgs {
    /// bgnbd, pareto-nbd, mbgnbd, gamma-gamma or bgbb.
    #[arg(long, value_parser = ["bgnbd", "pareto-nbd", "mbgnbd", "gamma-gamma", "bgbb"])]
    model: String,
    /// Summary CSV.
    #[arg(long, value_name = "FILE")]
    summary: PathBuf,
    /// L2 penalty coefficient: exactly lifetimes' penalizer_coef (time-scale parameters
    /// penalised on times divided by the largest T; see docs/cltv.md).
    #[arg(long, default_value_t = 0.0)]
    penalizer: f64,
    /// Unit of the summary's times (H, D, W or M) when the summary has no sidecar
    /// (SUMMARY.meta.json, written by `custalyze summary`); recorded in MODEL.json.
    #[arg(long, value_name = "UNIT")]
    time_unit: Option<String>,
    /// Output MODEL.json.
    #[arg(long, value_name = "MODEL.json")]
    output: PathBuf,
    #[command(flatten)]
    covariates: crate::cltv_covariates::CovariateArgs,
}

/// Arguments of `custalyze cltv predict`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze cltv predict --model bgnbd.json --summary cal.csv --horizon 52 --output pred.csv
  custalyze cltv predict --model bgnbd.json --spend-model gg.json --summary cal.csv --horizon 52 \\
      --months 12 --discount-rate 0.01 --time-unit W --output clv.csv

Writes customer_id,expected_purchases,p_alive,p_purchase and, with --spend-model,
expected_avg_spend,clv (\"-\" writes to standard output). With --pmf N, writes instead n,probability:
P(X(horizon) = n) of a newly acquired customer for n = 0..N (bgnbd).
Units: MODEL.json records the unit of the summary it was fitted on and the summary's sidecar
(SUMMARY.meta.json) the unit of its times; a --time-unit, model or summary in different units is
an error naming both (refit, or summarise in the model's unit). --horizon is in that unit.")]
pub struct PredictArgs {
    /// A MODEL.json written by `cltv fit` (bgnbd, pareto-nbd, mbgnbd or bgbb).
    #[arg(long, value_name = "MODEL.json")]
    model: PathBuf,
    /// A Gamma-Gamma MODEL.json for spend and CLV.
    #[arg(long, value_name = "GG.json")]
    spend_model: Option<PathBuf>,
    /// Summary CSV of the customers to score (not needed with --pmf).
    #[arg(long, value_name = "FILE", required_unless_present = "pmf")]
    summary: Option<PathBuf>,
    /// Prediction horizon in model periods (bgbb: opportunities).
    #[arg(long, value_name = "T")]
    horizon: f64,
    /// CLV horizon in months.
    #[arg(long, default_value_t = 12)]
    months: u32,
    /// Monthly discount rate for CLV.
    #[arg(long, default_value_t = 0.01)]
    discount_rate: f64,
    /// Unit of the times: H, D, W or M (default: the model's, else the summary's, else W).
    #[arg(long, value_name = "UNIT")]
    time_unit: Option<String>,
    /// Write P(X(horizon) = n) of a new customer for n = 0..N instead of per-customer scores.
    #[arg(long, value_name = "N")]
    pmf: Option<u32>,
    /// Per-customer intervals: quantiles (in (0, 1), e.g. 0.05,0.95) of expected purchases,
    /// P(alive), the probability of a purchase and (with --spend-model) CLV over parameter draws
    /// from the fits' asymptotic covariances (bgnbd, mbgnbd, pareto-nbd; the model JSON must come
    /// from `cltv fit` of this version). Adds columns expected_purchases_q5, p_alive_q5,
    /// p_purchase_q5, clv_q5, ... (the quantile in percent).
    #[arg(long, value_name = "Q1,Q2", value_delimiter = ',')]
    quantiles: Option<Vec<f64>>,
    /// Parameter draws for --quantiles (at most 10,000).
    #[arg(long, value_name = "N", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    draws: u32,
    /// Customer covariates (CSV with customer_id and the columns the model was fitted with), for
    /// a MODEL.json fitted with --covariates: each customer is scored at her own parameters.
    #[arg(long, value_name = "FILE")]
    covariates: Option<PathBuf>,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// A unit written as H, D, W, M or hour, day, week, month.
pub fn parse_unit(s: &str) -> Option<TimeUnit> {
    match s.trim().to_ascii_lowercase().as_str() {
        "h" | "hour" | "hours" => Some(TimeUnit::Hour),
        "d" | "day" | "days" => Some(TimeUnit::Day),
        "w" | "week" | "weeks" | "7d" => Some(TimeUnit::Week),
        "m" | "month" | "months" => Some(TimeUnit::Month),
        _ => None,
    }
}

/// The name a unit is written with in MODEL.json and sidecars.
pub fn unit_name(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Hour => "hour",
        TimeUnit::Day => "day",
        TimeUnit::Week => "week",
        TimeUnit::Month => "month",
    }
}

fn unit_flag(flag: Option<&str>) -> Result<Option<TimeUnit>, CliError> {
    flag.map(|f| {
        parse_unit(f)
            .ok_or_else(|| CliError(format!("--time-unit must be H, D, W or M, got {f:?}")))
    })
    .transpose()
}

/// Runs a `cltv` subcommand.
pub fn run(cmd: &CltvCommand) -> Result<(), CliError> {
    match cmd {
        CltvCommand::Fit(a) => fit(a),
        CltvCommand::Predict(a) => predict(a),
        CltvCommand::Retention(a) => retention(a),
        CltvCommand::Compare(a) => compare(a),
        CltvCommand::Plot(a) => crate::cltv_plot::plot(a),
        CltvCommand::Dynamic(a) => crate::cltv_dynamic::dynamic(a),
    }
}

fn compare(a: &CompareArgs) -> Result<(), CliError> {
    use custalyze_cltv_core::scorecard::{Candidate, SelectionRule, scorecard};
    let s = SummaryCsv::read(&a.summary)?;
    let cal = s.rfm()?;
    let holdout = s.holdout_data()?;
    let bg = BgNbd::params().fit(&cal)?;
    let mbg = MbgNbd::params().fit(&cal)?;
    let pareto = ParetoNbd::params().fit(&cal)?;
    let card = scorecard(
        &[
            Candidate {
                name: "bgnbd",
                model: &bg,
                report: &bg.report,
            },
            Candidate {
                name: "mbgnbd",
                model: &mbg,
                report: &mbg.report,
            },
            Candidate {
                name: "pareto-nbd",
                model: &pareto,
                report: &pareto.report,
            },
        ],
        &holdout,
        &[],
    )?;
    let rule = match a.select.as_str() {
        "aic" => SelectionRule::Aic,
        "mae" => SelectionRule::HoldoutMae,
        "total" => SelectionRule::HoldoutTotal,
        _ => SelectionRule::Bic,
    };
    let selected = card.select(rule).map(|r| r.model.clone());
    if a.output.as_os_str() != "-" {
        println!(
            "{:<11} {:>11} {:>10} {:>10} {:>7} {:>7} {:>10} {:>8} {:>6}",
            "model", "LL", "AIC", "BIC", "MAE", "RMSE", "total", "error%", "AUC"
        );
        for r in &card.rows {
            println!(
                "{:<11} {:>11.2} {:>10.2} {:>10.2} {:>7.4} {:>7.4} {:>10.1} {:>+8.1} {:>6.3}",
                r.model,
                r.log_likelihood,
                r.aic,
                r.bic,
                r.mae,
                r.rmse,
                r.total_predicted,
                100.0 * r.total_error,
                r.auc
            );
        }
        println!(
            "actual holdout total {}; selected by {}: {}",
            card.rows.first().map_or(0.0, |r| r.total_actual),
            a.select,
            selected.as_deref().unwrap_or("none")
        );
    }
    let out = json!({
        "customers": card.customers,
        "rule": a.select,
        "selected": selected,
        "rows": card.rows.iter().map(|r| json!({
            "model": r.model, "n_params": r.n_params, "log_likelihood": r.log_likelihood,
            "aic": r.aic, "bic": r.bic, "mae": r.mae, "rmse": r.rmse,
            "total_predicted": r.total_predicted, "total_actual": r.total_actual,
            "total_error": r.total_error, "auc": r.auc,
        })).collect::<Vec<_>>(),
    });
    crate::output::write_json(&a.output, &out)
}

fn retention(a: &RetentionArgs) -> Result<(), CliError> {
    use custalyze_cltv_core::sbg::{Sbg, SbgData};
    let data = SbgData::from_survivors(&a.survivors)?;
    let fit = Sbg::params().fit(&data)?;
    let p = fit.params;
    let observed = a.survivors.len() - 1;
    let size = a.survivors[0];
    let last = u32::try_from(observed)
        .unwrap_or(u32::MAX)
        .saturating_add(a.horizon);
    let periods: Vec<Value> = (0..=last)
        .map(|t| {
            json!({
                "period": t,
                "survivors": a.survivors.get(t as usize),
                "expected_survivors": size * p.survival(t),
                "retention_rate": (t > 0).then(|| p.retention_rate(t)),
            })
        })
        .collect();
    let residual = (0..=observed as u32)
        .map(|n| {
            p.discounted_expected_residual_lifetime(a.discount, n)
                .map(|d| json!({"renewals": n, "discounted_expected_residual_lifetime": d}))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let out = json!({
        "model": "sBG",
        "alpha": p.alpha,
        "beta": p.beta,
        "standard_errors": fit.report.standard_errors,
        "log_likelihood": fit.report.log_likelihood,
        "expected_lifetime": p.expected_lifetime(),
        "discount": a.discount,
        "periods": periods,
        "residual_lifetime": residual,
    });
    crate::output::write_json(&a.output, &out)
}

/// A summary CSV read by column name.
pub(crate) struct SummaryCsv {
    pub(crate) ids: Vec<String>,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<f64>>,
    path: PathBuf,
}

impl SummaryCsv {
    pub(crate) fn read(path: &Path) -> Result<Self, CliError> {
        let mut r = csv::Reader::from_path(path)
            .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
        let columns: Vec<String> = r.headers()?.iter().map(|h| h.trim().to_string()).collect();
        // The id column, if any (BG/BB pattern files have none: rows are numbered from 1).
        let id_col = columns
            .iter()
            .position(|c| ["customer_id", "ID", "id", "customer"].contains(&c.as_str()));
        let (mut ids, mut rows) = (Vec::new(), Vec::new());
        for (i, rec) in r.records().enumerate() {
            let rec = rec?;
            ids.push(
                id_col
                    .and_then(|k| rec.get(k))
                    .map_or_else(|| (i + 1).to_string(), str::to_string),
            );
            let mut v = Vec::with_capacity(columns.len());
            for (k, f) in rec.iter().enumerate() {
                // The id column may hold text; other non-numeric fields are an error.
                v.push(if Some(k) == id_col {
                    f.trim().parse().unwrap_or(f64::NAN)
                } else {
                    f.trim().parse().map_err(|_| {
                        CliError(format!(
                            "{} line {}: column {} is not a number: {f:?}",
                            path.display(),
                            i + 2,
                            columns[k]
                        ))
                    })?
                });
            }
            rows.push(v);
        }
        if rows.is_empty() {
            return Err(CliError(format!("{} has no rows", path.display())));
        }
        Ok(Self {
            ids,
            columns,
            rows,
            path: path.to_path_buf(),
        })
    }

    pub(crate) fn column(&self, names: &[&str]) -> Result<Vec<f64>, CliError> {
        let k = names
            .iter()
            .find_map(|n| self.columns.iter().position(|c| c == n))
            .ok_or_else(|| {
                CliError(format!(
                    "{}: none of the columns {names:?} (have {:?})",
                    self.path.display(),
                    self.columns
                ))
            })?;
        Ok(self
            .rows
            .iter()
            .map(|r| r.get(k).copied().unwrap_or(f64::NAN))
            .collect())
    }

    pub(crate) fn optional(&self, names: &[&str]) -> Option<Vec<f64>> {
        self.column(names).ok()
    }

    /// The calibration histories and holdout columns of a calibration/holdout summary (counts,
    /// not times: no period-by-period tracking from a summary).
    pub(crate) fn holdout_data(
        &self,
    ) -> Result<custalyze_cltv_core::scorecard::HoldoutData, CliError> {
        let cal = self.rfm()?;
        let holdout = custalyze_cltv_core::scorecard::HoldoutData {
            customers: (0..cal.x.len())
                .map(|i| Customer::new(cal.x[i], cal.t_x[i], cal.t[i]))
                .collect::<Result<_, _>>()?,
            purchases: self.column(&["frequency_holdout"])?,
            duration: self.column(&["duration_holdout"])?,
            purchase_times: Vec::new(),
        };
        if let Some((i, v)) = holdout
            .purchases
            .iter()
            .chain(&holdout.duration)
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(CliError(format!(
                "{}: line {}: holdout frequency and duration must be finite and >= 0, got {v}",
                self.path.display(),
                i % holdout.purchases.len() + 2
            )));
        }
        Ok(holdout)
    }

    pub(crate) fn rfm(&self) -> Result<RfmData, CliError> {
        let x = self.column(&["frequency_cal", "frequency", "x"])?;
        let tx = self.column(&["recency_cal", "recency", "t_x"])?;
        let t = self.column(&["T_cal", "T"])?;
        let w = self.optional(&["weight", "weights"]);
        RfmData::new(&x, &tx, &t, w.as_deref()).map_err(|e| match e {
            // Say the file's line (header on line 1), not the 0-based row.
            custalyze_cltv_core::Error::InvalidInput { row, problem } => CliError(format!(
                "{}: line {} (customer {}): {problem}",
                self.path.display(),
                row + 2,
                self.ids.get(row).map_or("?", String::as_str)
            )),
            e => CliError(e.to_string()),
        })
    }
}

fn params_json(names: &[&str], values: &[f64]) -> Value {
    Value::Object(
        names
            .iter()
            .zip(values)
            .map(|(n, v)| (n.to_string(), json!(v)))
            .collect(),
    )
}

fn model_json(model: &str, names: &[&str], values: &[f64], report: &FitReport) -> Value {
    json!({
        "model": model,
        "params": params_json(names, values),
        "log_likelihood": report.log_likelihood,
        "standard_errors": report.standard_errors.as_ref().map(|se| params_json(names, se)),
        "n_customers": report.n_customers,
        "aic": report.aic(),
        "bic": report.bic(),
        "confidence_intervals_95": report.confidence_intervals(values, 0.95).map(|ci| {
            Value::Object(names.iter().zip(ci).map(|(n, (lo, hi))| (n.to_string(), json!([lo, hi]))).collect())
        }),
        "iterations": report.iterations,
        "method": report.method,
        "covariance": report.covariance,
    })
}

/// The unit of a summary file: its sidecar's, or the flag's; both must agree.
fn fit_unit(summary: &Path, flag: Option<&str>) -> Result<Option<TimeUnit>, CliError> {
    let sidecar = crate::summary::summary_unit(summary)?;
    let flag = unit_flag(flag)?;
    match (sidecar, flag) {
        (Some(a), Some(b)) if a != b => Err(CliError(format!(
            "{} records times in {}s but --time-unit says {}s",
            summary.display(),
            unit_name(a),
            unit_name(b)
        ))),
        (a, b) => Ok(a.or(b)),
    }
}

fn fit(args: &FitArgs) -> Result<(), CliError> {
    let s = SummaryCsv::read(&args.summary)?;
    let unit = fit_unit(&args.summary, args.time_unit.as_deref())?;
    let rfm = || -> Result<RfmData, CliError> {
        let d = s.rfm()?;
        Ok(match unit {
            Some(u) => d.with_unit(u),
            None => d,
        })
    };
    let covariates = args.covariates.requested()?;
    let mut out = match args.model.as_str() {
        kind if covariates => crate::cltv_covariates::fit(
            kind,
            &s,
            rfm,
            args.penalizer,
            &args.covariates,
            model_json,
        )?,
        "bgnbd" => {
            let f = BgNbd::params().penalizer(args.penalizer).fit(&rfm()?)?;
            let p = f.params;
            model_json(
                "bgnbd",
                &["r", "alpha", "a", "b"],
                &[p.r, p.alpha, p.a, p.b],
                &f.report,
            )
        }
        "mbgnbd" => {
            let f = MbgNbd::params().penalizer(args.penalizer).fit(&rfm()?)?;
            let p = f.params;
            model_json(
                "mbgnbd",
                &["r", "alpha", "a", "b"],
                &[p.r, p.alpha, p.a, p.b],
                &f.report,
            )
        }
        "pareto-nbd" => {
            let f = ParetoNbd::params().penalizer(args.penalizer).fit(&rfm()?)?;
            let p = f.params;
            model_json(
                "pareto-nbd",
                &["r", "alpha", "s", "beta"],
                &[p.r, p.alpha, p.s, p.beta],
                &f.report,
            )
        }
        "gamma-gamma" => {
            let x = s.column(&["frequency_cal", "frequency", "x"])?;
            let m = s.column(&["monetary_value_cal", "monetary_value", "zbar"])?;
            let w = s.optional(&["weight", "weights"]);
            let (data, dropped) = SpendData::from_customers(&x, &m, w.as_deref())?;
            eprintln!(
                "gamma-gamma: fitting {} repeat buyers ({dropped} customers without repeat purchases left out)",
                data.len()
            );
            let f = GammaGamma::params().penalizer(args.penalizer).fit(&data)?;
            let p = f.params;
            model_json("gamma-gamma", &["p", "q", "v"], &[p.p, p.q, p.v], &f.report)
        }
        _ => {
            let x = s.column(&["frequency"])?;
            let tx = s.column(&["recency"])?;
            let n = s.column(&["n_periods", "periods"])?;
            let w = s.optional(&["weight", "weights"]);
            let f = BgBb::params()
                .penalizer(args.penalizer)
                .fit(&BgBbData::new(&x, &tx, &n, w.as_deref())?)?;
            let p = f.params;
            model_json(
                "bgbb",
                &["alpha", "beta", "gamma", "delta"],
                &[p.alpha, p.beta, p.gamma, p.delta],
                &f.report,
            )
        }
    };
    if args.model != "gamma-gamma" && args.model != "bgbb" {
        out["time_unit"] = json!(unit.map(unit_name));
    }
    crate::output::write_json(&args.output, &out)?;
    eprintln!(
        "{} fit: log-likelihood {:.4}, written to {}",
        args.model,
        out["log_likelihood"],
        args.output.display()
    );
    Ok(())
}

fn read_model(path: &Path) -> Result<(String, Vec<f64>), CliError> {
    read_model_unit(path).map(|(m, p, _)| (m, p))
}

/// A MODEL.json: its kind, parameters (validated by the caller) and time unit.
pub(crate) fn read_model_unit(
    path: &Path,
) -> Result<(String, Vec<f64>, Option<TimeUnit>), CliError> {
    let v = read_model_value(path)?;
    let model = v["model"]
        .as_str()
        .ok_or_else(|| CliError(format!("{}: no \"model\" field", path.display())))?
        .to_string();
    let names: &[&str] = match model.as_str() {
        "bgnbd" | "mbgnbd" => &["r", "alpha", "a", "b"],
        "pareto-nbd" => &["r", "alpha", "s", "beta"],
        "gamma-gamma" => &["p", "q", "v"],
        "bgbb" => &["alpha", "beta", "gamma", "delta"],
        other => {
            return Err(CliError(format!(
                "{}: unknown model {other:?}",
                path.display()
            )));
        }
    };
    let params = names
        .iter()
        .map(|n| {
            v["params"][n]
                .as_f64()
                .ok_or_else(|| CliError(format!("{}: params.{n} missing", path.display())))
        })
        .collect::<Result<Vec<f64>, CliError>>()?;
    let unit = match v.get("time_unit").and_then(Value::as_str) {
        None => None,
        Some(u) => Some(
            parse_unit(u)
                .ok_or_else(|| CliError(format!("{}: unknown time_unit {u:?}", path.display())))?,
        ),
    };
    Ok((model, params, unit))
}

/// A MODEL.json as JSON.
fn read_model_value(path: &Path) -> Result<Value, CliError> {
    let file =
        File::open(path).map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_reader(BufReader::new(file))
        .map_err(|e| CliError(format!("{}: not a MODEL.json ({e})", path.display())))
}

/// The covariate effects of a MODEL.json, if it has any.
fn model_effects(
    path: &Path,
) -> Result<Option<Vec<custalyze_cltv_core::covariates::CovariateEffect>>, CliError> {
    crate::cltv_covariates::read_effects(path, &read_model_value(path)?)
}

/// The unit of a prediction: the model's, the flag's and the summary's must agree.
fn predict_unit(
    model: Option<TimeUnit>,
    flag: Option<TimeUnit>,
    summary: Option<(TimeUnit, &Path)>,
) -> Result<TimeUnit, CliError> {
    let unit = match (model, flag) {
        (Some(m), Some(f)) if m != f => {
            return Err(CliError(format!(
                "the model was fitted with times in {}s but --time-unit asks for {}s: refit on a summary in {}s (custalyze summary --freq ...) or drop --time-unit",
                unit_name(m),
                unit_name(f),
                unit_name(f)
            )));
        }
        (Some(m), _) => m,
        (None, Some(f)) => f,
        (None, None) => summary.map_or(TimeUnit::Week, |(u, _)| u),
    };
    if let Some((u, path)) = summary
        && u != unit
    {
        return Err(CliError(format!(
            "{} has times in {}s but the model / --time-unit use {}s",
            path.display(),
            unit_name(u),
            unit_name(unit)
        )));
    }
    Ok(unit)
}

/// The longest CLV horizon in months (a century).
const MAX_MONTHS: u32 = 1_200;

fn predict(args: &PredictArgs) -> Result<(), CliError> {
    if !(args.horizon.is_finite()
        && (0.0..=custalyze_cltv_core::data::MAX_MAGNITUDE).contains(&args.horizon))
    {
        return Err(CliError(format!(
            "--horizon must be a number from 0 to {:e}, got {}",
            custalyze_cltv_core::data::MAX_MAGNITUDE,
            args.horizon
        )));
    }
    if args.months == 0 || args.months > MAX_MONTHS {
        return Err(CliError(format!(
            "--months must be 1 to {MAX_MONTHS}, got {}",
            args.months
        )));
    }
    let (kind, p, model_unit) = read_model_unit(&args.model)?;
    if let Some(q) = &args.quantiles
        && let Some(bad) = q.iter().find(|v| !(**v > 0.0 && **v < 1.0))
    {
        return Err(CliError(format!(
            "--quantiles are probabilities in (0, 1), e.g. 0.05,0.95; got {bad}"
        )));
    }
    if let Some(n) = args.pmf {
        return predict_pmf(args, &kind, &p, n);
    }
    let summary_path = args
        .summary
        .as_deref()
        .ok_or_else(|| CliError("--summary is needed (or --pmf N)".into()))?;
    let s = SummaryCsv::read(summary_path)?;
    let summary_unit = crate::summary::summary_unit(summary_path)?;
    let unit = predict_unit(
        model_unit,
        unit_flag(args.time_unit.as_deref())?,
        summary_unit.map(|u| (u, summary_path)),
    )?;
    let model: Box<dyn PurchaseModel + Sync> = match kind.as_str() {
        "bgnbd" => Box::new(BgNbdParameters::new(p[0], p[1], p[2], p[3])?),
        "mbgnbd" => Box::new(MbgNbdParameters::new(p[0], p[1], p[2], p[3])?),
        "pareto-nbd" => Box::new(ParetoNbdParameters::new(p[0], p[1], p[2], p[3])?),
        "bgbb" => return predict_bgbb(args, &s, BgBbParameters::new(p[0], p[1], p[2], p[3])?),
        _ => {
            return Err(CliError(format!(
                "{}: a {kind} model predicts spend; pass it as --spend-model",
                args.model.display()
            )));
        }
    };
    let data = s.rfm()?;
    let spend = match &args.spend_model {
        None => None,
        Some(path) => {
            let (k, g) = read_model(path)?;
            if k != "gamma-gamma" {
                return Err(CliError(format!(
                    "{}: --spend-model must be a gamma-gamma model, not {k}",
                    path.display()
                )));
            }
            Some((
                GammaGammaParameters::new(g[0], g[1], g[2])?,
                s.column(&["monetary_value_cal", "monetary_value", "zbar"])?,
                model_effects(path)?
                    .map(|e| crate::cltv_covariates::spend_model(&g, e))
                    .transpose()?,
            ))
        }
    };
    // Models fitted with covariates score each customer at her own parameters.
    let purchase_effects = model_effects(&args.model)?
        .map(|e| crate::cltv_covariates::purchase_model(&kind, &p, e))
        .transpose()?;
    let needs_table =
        purchase_effects.is_some() || spend.as_ref().is_some_and(|(_, _, e)| e.is_some());
    let table = match (&args.covariates, needs_table) {
        (Some(path), true) => Some(crate::cltv_covariates::covariate_table(path, &s.ids)?),
        (None, true) => {
            return Err(CliError(
                "the model was fitted with covariates: pass each customer's with --covariates FILE"
                    .into(),
            ));
        }
        (Some(path), false) => {
            return Err(CliError(format!(
                "--covariates {}: the model was fitted without covariates",
                path.display()
            )));
        }
        (None, false) => None,
    };
    if purchase_effects.is_some() && args.quantiles.is_some() && spend.is_some() {
        return Err(CliError(
            "--quantiles with --spend-model is not available for a purchase model with covariates yet (drop --spend-model for the purchase intervals)".into(),
        ));
    }
    let clv_options = ClvOptions {
        months: args.months,
        monthly_discount_rate: args.discount_rate,
        unit,
    };
    let intervals = match (&args.quantiles, &purchase_effects, &table) {
        (Some(q), Some(fitted), Some(t)) => {
            Some(covariate_quantile_columns(args, fitted, t, &data, q)?)
        }
        (None, _, _) => None,
        (Some(_), _, _) => {
            let spend_draws = match (&spend, &args.spend_model) {
                (Some((gg, m, None)), Some(path)) => Some(SpendDraws {
                    estimates: *gg,
                    covariance: model_covariance(path, 3)?,
                    spend: m,
                    options: &clv_options,
                }),
                (Some((_, _, Some(_))), _) => {
                    return Err(CliError(
                        "--quantiles is not available with a spend model with covariates yet"
                            .into(),
                    ));
                }
                _ => None,
            };
            Some(quantile_columns(args, &kind, &p, &data, spend_draws)?)
        }
    };
    let mut w = csv::Writer::from_writer(writer(&args.output)?);
    let mut header: Vec<String> = ["customer_id", "expected_purchases", "p_alive", "p_purchase"]
        .map(String::from)
        .to_vec();
    if spend.is_some() {
        header.extend(["expected_avg_spend".into(), "clv".into()]);
    }
    if let Some(q) = &args.quantiles {
        let pct = |v: f64| {
            let p = 100.0 * v;
            if (p - p.round()).abs() < 1e-9 {
                format!("{}", p.round() as i64)
            } else {
                format!("{p}")
            }
        };
        header.extend(q.iter().map(|v| format!("expected_purchases_q{}", pct(*v))));
        header.extend(q.iter().map(|v| format!("p_alive_q{}", pct(*v))));
        header.extend(q.iter().map(|v| format!("p_purchase_q{}", pct(*v))));
        if spend.is_some() {
            header.extend(q.iter().map(|v| format!("clv_q{}", pct(*v))));
        }
    }
    w.write_record(&header)?;
    for i in 0..data.len() {
        let history = Customer {
            x: data.x[i],
            t_x: data.t_x[i],
            t: data.t[i],
        };
        let x = history.x;
        let own;
        let model_i: &(dyn PurchaseModel + Sync) = match (&purchase_effects, &table) {
            (Some(f), Some(t)) => {
                own = f.customer_model_of(t, i)?;
                &own
            }
            _ => model.as_ref(),
        };
        let mut rec = vec![
            s.ids[i].clone(),
            fmt_f64(model_i.expected_purchases(args.horizon, &history)?),
            fmt_f64(model_i.p_alive(&history)?),
            fmt_f64(model_i.probability_of_a_purchase(args.horizon, &history)?),
        ];
        if let Some((gg, m, gg_cov)) = &spend {
            let gg = match (gg_cov, &table) {
                (Some(f), Some(t)) => f.customer_parameters_of(t, i)?,
                _ => *gg,
            };
            let mi = if x > 0.0 { m[i] } else { 0.0 };
            let spend_i = gg.conditional_expected_average_profit(x, mi);
            let clv = gg.customer_lifetime_value(model_i, &history, mi, &clv_options)?;
            rec.extend([fmt_f64(spend_i), fmt_f64(clv)]);
        }
        if let Some(q) = &intervals {
            rec.extend(q.purchases[i].iter().map(|v| fmt_f64(*v)));
            rec.extend(q.alive[i].iter().map(|v| fmt_f64(*v)));
            rec.extend(q.p_purchase[i].iter().map(|v| fmt_f64(*v)));
            if let Some(clv) = &q.clv {
                rec.extend(clv[i].iter().map(|v| fmt_f64(*v)));
            }
        }
        // Never write a non-finite number: extreme (valid) parameters can overflow a prediction.
        if let Some(bad) = rec
            .iter()
            .skip(1)
            .find(|v| v.parse::<f64>().is_ok_and(|f| !f.is_finite()))
        {
            return Err(CliError(format!(
                "customer {}: a prediction is not finite ({bad}): the model's parameters are too extreme for this history",
                s.ids[i]
            )));
        }
        w.write_record(&rec)?;
    }
    w.flush()?;
    eprintln!(
        "predicted {} customers with {kind} (times in {}s); written to {}",
        data.len(),
        unit_name(unit),
        args.output.display()
    );
    Ok(())
}

/// Per customer, the requested quantiles of expected purchases, of P(alive) and (with a spend
/// model) of CLV.
struct QuantileColumns {
    purchases: Vec<Vec<f64>>,
    alive: Vec<Vec<f64>>,
    p_purchase: Vec<Vec<f64>>,
    clv: Option<Vec<Vec<f64>>>,
}

/// Quantile columns of a purchase model with static covariates: draws of its base parameters
/// and coefficients from the fit's covariance (in MODEL.json), each customer at her own
/// covariates.
fn covariate_quantile_columns(
    args: &PredictArgs,
    fitted: &custalyze_cltv_core::covariates::FittedStaticCovariates,
    table: &custalyze_cltv_core::covariates::CovariateTable,
    data: &RfmData,
    q: &[f64],
) -> Result<QuantileColumns, CliError> {
    use custalyze_cltv_core::uncertainty::customer_quantiles;
    let mut fitted = fitted.clone();
    fitted.report.covariance = Some(model_covariance(&args.model, 4 + fitted.effects.len())?);
    let draws = fitted.parameter_draws(args.draws as usize, 1)?;
    let names = fitted.covariate_names();
    let customers: Vec<(usize, Customer)> = (0..data.len())
        .map(|i| Ok((i, Customer::new(data.x[i], data.t_x[i], data.t[i])?)))
        .collect::<Result<_, custalyze_cltv_core::Error>>()?;
    let z: Vec<Vec<f64>> = (0..data.len())
        .map(|i| table.values_of(&names, i))
        .collect::<Result<_, _>>()?;
    let h = args.horizon;
    let column =
        |f: &(
              dyn Fn(&CustomerModelOf, &Customer) -> Result<f64, custalyze_cltv_core::Error> + Sync
          )| {
            customer_quantiles(&draws, &customers, q, |d, (i, c)| {
                f(&d.customer_model(&z[*i])?, c)
            })
        };
    Ok(QuantileColumns {
        purchases: column(&|m, c| m.expected_purchases(h, c))?,
        alive: column(&|m, c| m.p_alive(c))?,
        p_purchase: column(&|m, c| m.probability_of_a_purchase(h, c))?,
        clv: None,
    })
}

/// One customer's model under a covariate fit.
type CustomerModelOf = custalyze_cltv_core::covariates::CustomerModel;

/// The spend side of CLV intervals: the Gamma-Gamma estimates, their covariance, each
/// customer's mean repeat spend and the CLV options.
struct SpendDraws<'a> {
    estimates: GammaGammaParameters,
    covariance: Vec<f64>,
    spend: &'a [f64],
    options: &'a ClvOptions,
}

/// A MODEL.json's parameter covariance (written by `cltv fit`).
fn model_covariance(path: &Path, n: usize) -> Result<Vec<f64>, CliError> {
    read_model_value(path)?["covariance"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .filter(|c: &Vec<f64>| c.len() == n * n)
        .ok_or_else(|| {
            CliError(format!(
                "{}: no parameter covariance (a model from an older `cltv fit`, or a fit whose information matrix was singular): refit to use --quantiles",
                path.display()
            ))
        })
}

/// Per-customer quantiles of expected purchases, P(alive) and CLV over `draws` parameter draws
/// from the model files' covariances (purchase and spend models drawn independently).
fn quantile_columns(
    args: &PredictArgs,
    kind: &str,
    p: &[f64],
    data: &RfmData,
    spend: Option<SpendDraws<'_>>,
) -> Result<QuantileColumns, CliError> {
    let (path, horizon, draws) = (args.model.as_path(), args.horizon, args.draws);
    let quantiles = args.quantiles.as_deref().unwrap_or_default();
    use custalyze_cltv_core::clv::PurchaseModel;
    use custalyze_cltv_core::uncertainty::{
        ModelParameters, clv_quantiles, customer_quantiles, p_alive_quantiles, parameter_draws,
    };
    let covariance = model_covariance(path, p.len())?;
    let customers: Vec<Customer> = (0..data.len())
        .map(|i| Customer::new(data.x[i], data.t_x[i], data.t[i]))
        .collect::<Result<_, _>>()?;
    let spend_draws = match &spend {
        None => None,
        Some(s) => Some(parameter_draws(
            &s.estimates,
            &s.covariance,
            draws as usize,
            2,
        )?),
    };
    let columns = |draws_p: &dyn Fn() -> Result<QuantileColumns, custalyze_cltv_core::Error>| {
        draws_p().map_err(CliError::from)
    };
    fn columns_of<P: ModelParameters + PurchaseModel>(
        draws: &[P],
        customers: &[Customer],
        horizon: f64,
        q: &[f64],
        spend: Option<(&[GammaGammaParameters], &SpendDraws<'_>)>,
        alive: impl FnOnce() -> Result<Vec<Vec<f64>>, custalyze_cltv_core::Error>,
    ) -> Result<QuantileColumns, custalyze_cltv_core::Error> {
        let purchases =
            customer_quantiles(draws, customers, q, |p, c| p.expected_purchases(horizon, c))?;
        let clv = match spend {
            None => None,
            Some((g, s)) => Some(clv_quantiles(draws, g, customers, s.spend, s.options, q)?),
        };
        let p_purchase = customer_quantiles(draws, customers, q, |p, c| {
            p.probability_of_a_purchase(horizon, c)
        })?;
        Ok(QuantileColumns {
            purchases,
            alive: alive()?,
            p_purchase,
            clv,
        })
    }
    let spend_pair = spend_draws.as_deref().zip(spend.as_ref());
    let n = draws as usize;
    match kind {
        "bgnbd" => columns(&|| {
            let d = parameter_draws(
                &BgNbdParameters::new(p[0], p[1], p[2], p[3])?,
                &covariance,
                n,
                1,
            )?;
            columns_of(&d, &customers, horizon, quantiles, spend_pair, || {
                p_alive_quantiles(&d, &customers, quantiles)
            })
        }),
        "mbgnbd" => columns(&|| {
            let d = parameter_draws(
                &MbgNbdParameters::new(p[0], p[1], p[2], p[3])?,
                &covariance,
                n,
                1,
            )?;
            columns_of(&d, &customers, horizon, quantiles, spend_pair, || {
                customer_quantiles(&d, &customers, quantiles, |p, c| p.p_alive(c))
            })
        }),
        "pareto-nbd" => columns(&|| {
            let d = parameter_draws(
                &ParetoNbdParameters::new(p[0], p[1], p[2], p[3])?,
                &covariance,
                n,
                1,
            )?;
            columns_of(&d, &customers, horizon, quantiles, spend_pair, || {
                customer_quantiles(&d, &customers, quantiles, |p, c| p.p_alive(c))
            })
        }),
        other => Err(CliError(format!(
            "--quantiles is available for bgnbd, mbgnbd and pareto-nbd models, not {other}"
        ))),
    }
}

fn predict_pmf(args: &PredictArgs, kind: &str, p: &[f64], n: u32) -> Result<(), CliError> {
    if kind != "bgnbd" {
        return Err(CliError(format!(
            "--pmf is available for bgnbd models, not {kind}"
        )));
    }
    let model = BgNbdParameters::new(p[0], p[1], p[2], p[3])?;
    let mut w = csv::Writer::from_writer(writer(&args.output)?);
    w.write_record(["n", "probability"])?;
    for k in 0..=n {
        w.write_record([
            k.to_string(),
            fmt_f64(model.probability_of_purchases(args.horizon, k)?),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn predict_bgbb(args: &PredictArgs, s: &SummaryCsv, p: BgBbParameters) -> Result<(), CliError> {
    let x = s.column(&["frequency"])?;
    let tx = s.column(&["recency"])?;
    let n = s.column(&["n_periods", "periods"])?;
    if args.horizon.fract() != 0.0 || args.horizon > f64::from(u32::MAX) {
        return Err(CliError(format!(
            "bgbb --horizon is a whole number of opportunities, got {}",
            args.horizon
        )));
    }
    let m = args.horizon as u32;
    // Every row is checked before the output is opened, so a bad row leaves no partial file
    // (as the BgBbData check here did before).
    let customers = (0..x.len())
        .map(|i| {
            BgBbCustomer::new(x[i], tx[i], n[i])
                .map_err(|e| CliError(format!("row {} (customer {}): {e}", i + 1, s.ids[i])))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut w = csv::Writer::from_writer(writer(&args.output)?);
    w.write_record(["customer_id", "expected_purchases", "p_alive", "p_purchase"])?;
    for (id, customer) in s.ids.iter().zip(&customers) {
        w.write_record([
            id.clone(),
            fmt_f64(p.expected_purchases(m, customer)?),
            fmt_f64(p.p_alive(1, customer)?),
            fmt_f64(p.probability_of_a_transaction(m, customer)?),
        ])?;
    }
    w.flush()?;
    Ok(())
}
