//! `custalyze forecast`: ARIMA models of a time series CSV.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use custalyze_forecast::arima::{Arima, AutoArima, AutoArimaForecaster, FittedArima, SeasonalTest};
use custalyze_forecast::conformal::ConformalForecaster;
use custalyze_forecast::decompose::DecompositionKind;
use custalyze_forecast::ets::{Ets, EtsForecaster};
use custalyze_forecast::mstl::MstlForecaster;
use custalyze_forecast::theta::{Theta, ThetaForecaster, ThetaModel};
use custalyze_forecast::transform::{box_cox, box_cox_lambda, inv_box_cox};
use custalyze_forecast::{Forecast, Forecaster};
use serde_json::{Map, Value, json};

use crate::CliError;

/// The `forecast` subcommands.
#[derive(Debug, Subcommand)]
pub enum ForecastCommand {
    /// Fit an ARIMA(p,d,q)(P,D,Q)s model by exact maximum likelihood and forecast.
    Arima(Box<ArimaArgs>),
    /// Choose the ARIMA orders by R's auto.arima algorithm (Hyndman-Khandakar) and forecast.
    AutoArima(Box<AutoArimaArgs>),
    /// Choose an exponential smoothing (ETS) model by AICc, as statsforecast's AutoETS and R's
    /// ets, and forecast.
    AutoEts(Box<AutoEtsArgs>),
    /// Choose among the four Theta models (standard, optimised, dynamic), deseasonalising when
    /// the seasonal test asks, as statsforecast's AutoTheta, and forecast.
    AutoTheta(Box<AutoThetaArgs>),
    /// Decompose by MSTL (one or several seasonal periods), forecast the seasonally adjusted
    /// series by AutoETS and add the seasonal components back.
    Mstl(Box<MstlArgs>),
    /// One LSTM strategy forecaster (recursive, direct, mimo or dirrec) with intervals from
    /// validation residuals (needs the CLI's `lstm` feature).
    Lstm(Box<crate::forecast_ml::LstmArgs>),
    /// Rolling-origin comparison of ARIMA, auto-ARIMA, seasonal naive and the LSTM / linear
    /// strategies: MAE, RMSE, sMAPE, MASE per model and horizon.
    Compare(Box<crate::forecast_ml::CompareArgs>),
}

/// Input, transform, horizon and output options shared by the subcommands.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    /// Series CSV: a date/period column first, then value column(s), one row per period, oldest
    /// first.
    #[arg(long, value_name = "SERIES.csv")]
    input: PathBuf,
    /// Value column (default: the second column).
    #[arg(long, value_name = "NAME")]
    column: Option<String>,
    /// Fit on log(y) and back-transform the forecasts (exp of the mean and bounds).
    #[arg(long, conflicts_with = "lambda")]
    log: bool,
    /// Box-Cox transform before fitting: a number (0 = log), or "auto" for Guerrero's method
    /// over [-1, 2] with the seasonal period as subseries length (R's BoxCox.lambda). Forecasts
    /// and bounds are back-transformed (medians, no bias adjustment).
    #[arg(long, value_name = "L|auto")]
    lambda: Option<String>,
    /// Forecast horizon (steps after the last row, at most 10,000).
    #[arg(long, value_name = "H", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    horizon: u32,
    /// Prediction interval levels in percent, comma-separated.
    #[arg(
        long,
        value_name = "L1,L2",
        value_delimiter = ',',
        default_value = "80,95"
    )]
    levels: Vec<f64>,
    /// Output JSON ("-" for standard output).
    #[arg(long, value_name = "OUT.json")]
    output: PathBuf,
}

/// Arguments of `custalyze forecast arima`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast arima --input airline.csv --log --order 0,1,1 --seasonal 0,1,1,12 --horizon 12 --output fc.json
  custalyze forecast arima --input co2.csv --column co2_filled --order 2,1,1 --horizon 24 --levels 95 --output -

Writes JSON: order, seasonal_order, params (statsmodels names: const, ar.L1, ma.L1, ar.S.L12,
ma.S.L12, sigma2), std_errors (OPG), log_likelihood, aic, aicc, bic, nobs, and forecast
{mean, lower: {\"95\": [...]}, upper: {...}} on the scale of the input.")]
pub struct ArimaArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Non-seasonal order p,d,q.
    #[arg(long, value_name = "p,d,q", value_delimiter = ',', required = true)]
    order: Vec<usize>,
    /// Seasonal order P,D,Q,s.
    #[arg(long, value_name = "P,D,Q,s", value_delimiter = ',')]
    seasonal: Option<Vec<usize>>,
    /// Include a constant (mean of the differenced series: a mean if d+D=0, a drift if d+D=1).
    #[arg(long)]
    constant: bool,
}

/// Arguments of `custalyze forecast auto-arima`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast auto-arima --input airline.csv --horizon 12 --output fc.json
  custalyze forecast auto-arima --input sales.csv --column units --period 12 --exhaustive --output -

Defaults follow R's forecast::auto.arima: KPSS test for d, seasonal strength for D, AICc,
stepwise search with max orders p,q <= 5, P,Q <= 2. The output has the fields of
`forecast arima` plus \"model\" and \"models_fitted\".")]
pub struct AutoArimaArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Seasonal period (default: 12 for YYYY-MM periods, 4 for quarters, 52 for weekly dates,
    /// 7 for daily dates, 1 otherwise).
    #[arg(long, value_name = "S")]
    period: Option<usize>,
    /// Fit every model with p+q+P+Q <= 5 instead of the stepwise search.
    #[arg(long)]
    exhaustive: bool,
    /// Test deciding the seasonal difference D: "seas" (seasonal strength, R's and
    /// statsforecast's default) or "ocsb" (pmdarima's default).
    #[arg(long, value_name = "seas|ocsb", default_value = "seas")]
    seasonal_test: String,
    #[command(flatten)]
    intervals: IntervalArgs,
}

/// Interval options shared by the auto-ARIMA, ETS, Theta and MSTL subcommands.
#[derive(Debug, Args)]
pub struct IntervalArgs {
    /// "model": the model's own prediction intervals; "conformal": split conformal intervals
    /// from the absolute errors of forecasts made at --windows rolling origins at the end of
    /// the series (the model refitted at each), per horizon step.
    #[arg(long, value_name = "model|conformal", default_value = "model")]
    intervals: String,
    /// Calibration origins of the conformal intervals (each refits the model; at most 200).
    #[arg(long, value_name = "N", default_value_t = 20,
          value_parser = clap::value_parser!(u32).range(1..=200))]
    windows: u32,
}

impl IntervalArgs {
    fn conformal(&self) -> Result<bool, CliError> {
        match self.intervals.as_str() {
            "model" => Ok(false),
            "conformal" => Ok(true),
            other => Err(CliError(format!(
                "--intervals takes model or conformal, got {other:?}"
            ))),
        }
    }
}

/// Arguments of `custalyze forecast auto-ets`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast auto-ets --input airline.csv --horizon 12 --output fc.json
  custalyze forecast auto-ets --input sales.csv --column units --model ZZN --intervals conformal --output -

Fits every ETS model the pattern allows (error A/M, trend N/A/Ad, season N/A/M; no multiplicative
trend, no additive error with a multiplicative season) and keeps the lowest AICc; the fits equal
statsforecast's AutoETS. Writes JSON: model (ETS(M,Ad,M)), params {alpha, beta, gamma, phi},
initial_states, log_likelihood, aic, aicc, bic, sigma2, nobs, candidates [{model, aicc}],
intervals, and forecast {mean, lower, upper} as `forecast auto-arima`.")]
pub struct AutoEtsArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Seasonal period (default: inferred from the dates as for auto-arima; at most 52).
    #[arg(long, value_name = "S")]
    period: Option<usize>,
    /// Model pattern: error, trend, season letters, Z = choose (e.g. ZZZ, ZZN, MAM).
    #[arg(long, value_name = "ETS", default_value = "ZZZ")]
    model: String,
    /// Only damped trends (true) or only undamped ones (false).
    #[arg(long, value_name = "true|false")]
    damped: Option<bool>,
    #[command(flatten)]
    intervals: IntervalArgs,
}

/// Arguments of `custalyze forecast auto-theta`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast auto-theta --input airline.csv --horizon 12 --output fc.json
  custalyze forecast auto-theta --input sales.csv --model DOTM --intervals conformal --output -

Models (Fiorucci et al. 2016): STM (the classic Theta method), OTM (theta estimated), DSTM and DOTM
(trend line updated every period); the default fits all four and keeps the smallest in-sample
error, as statsforecast's AutoTheta. Writes JSON: model, params {initial_level, alpha, theta},
deseasonalised (multiplicative, additive or null), intervals, forecast {mean, lower, upper}.")]
pub struct AutoThetaArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Seasonal period (default: inferred from the dates as for auto-arima).
    #[arg(long, value_name = "S")]
    period: Option<usize>,
    /// One model instead of the best of four: STM, OTM, DSTM or DOTM.
    #[arg(long, value_name = "STM|OTM|DSTM|DOTM")]
    model: Option<String>,
    #[command(flatten)]
    intervals: IntervalArgs,
}

/// Arguments of `custalyze forecast mstl`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast mstl --input daily_sales.csv --periods 7,365 --horizon 28 --output fc.json
  custalyze forecast mstl --input airline.csv --horizon 12 --intervals conformal --output -

Each seasonal component is forecast by repeating its last cycle, the trend plus remainder by
AutoETS without a season (ZZN), as statsforecast's MSTL. Writes JSON: periods, trend_model (the
ETS model of the adjusted series), components {trend, seasonal: {\"7\": [...]}, remainder},
intervals, forecast {mean, lower, upper}.")]
pub struct MstlArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Seasonal periods, comma-separated (default: the one inferred from the dates).
    #[arg(long, value_name = "S1,S2", value_delimiter = ',')]
    periods: Option<Vec<usize>>,
    #[command(flatten)]
    intervals: IntervalArgs,
}

/// Runs a `forecast` subcommand.
pub fn run(cmd: &ForecastCommand) -> Result<(), CliError> {
    match cmd {
        ForecastCommand::Lstm(a) => crate::forecast_ml::run_lstm(a),
        ForecastCommand::Compare(a) => crate::forecast_ml::run_compare(a),
        ForecastCommand::Arima(a) => {
            let (_, raw) = read_series(&a.series)?;
            if a.order.len() != 3 {
                return Err(CliError(format!(
                    "--order takes three integers p,d,q, got {} value(s)",
                    a.order.len()
                )));
            }
            if a.seasonal.as_ref().is_some_and(|s| s.len() != 4) {
                return Err(CliError("--seasonal takes four integers P,D,Q,s".into()));
            }
            let spec = Arima::params(a.order[0], a.order[1], a.order[2]).constant(a.constant);
            let spec = match &a.seasonal {
                Some(s) => spec.seasonal(s[0], s[1], s[2], s[3]),
                None => spec,
            };
            let period = a.seasonal.as_ref().map_or(1, |s| s[3]);
            let lambda = choose_lambda(&a.series, &raw, period)?;
            let y = transform(&raw, lambda)?;
            let fit = spec.fit(&y)?;
            let fc = fit.forecast(a.series.horizon as usize, &a.series.levels)?;
            write(&a.series, &fit, fc, lambda, Map::new())
        }
        ForecastCommand::AutoArima(a) => {
            let (dates, raw) = read_series(&a.series)?;
            let period = a.period.unwrap_or_else(|| infer_period(&dates));
            let test = match a.seasonal_test.as_str() {
                "seas" => SeasonalTest::Strength,
                "ocsb" => SeasonalTest::Ocsb,
                other => {
                    return Err(CliError(format!(
                        "--seasonal-test takes seas or ocsb, got {other:?}"
                    )));
                }
            };
            let lambda = choose_lambda(&a.series, &raw, period)?;
            let y = transform(&raw, lambda)?;
            let params = AutoArima::params(period)
                .stepwise(!a.exhaustive)
                .seasonal_test(test);
            let (fit, trace) = params.fit_with_trace(&y)?;
            let mut extra = Map::new();
            extra.insert("model".into(), json!(fit.spec().name()));
            extra.insert("models_fitted".into(), json!(trace.len()));
            extra.insert("seasonal_test".into(), json!(a.seasonal_test));
            let fc = if a.intervals.conformal()? {
                conformal(
                    AutoArimaForecaster::new(params),
                    &y,
                    &a.series,
                    &a.intervals,
                )?
            } else {
                fit.forecast(a.series.horizon as usize, &a.series.levels)?
            };
            extra.insert("intervals".into(), json!(a.intervals.intervals));
            write(&a.series, &fit, fc, lambda, extra)
        }
        ForecastCommand::AutoEts(a) => {
            let (dates, raw) = read_series(&a.series)?;
            let period = a.period.unwrap_or_else(|| infer_period(&dates));
            let lambda = choose_lambda(&a.series, &raw, period)?;
            let y = transform(&raw, lambda)?;
            let params = Ets::params(period).model(a.model.clone()).damped(a.damped);
            let (fit, trace) = params.check()?.fit_with_trace(&y)?;
            let fc = if a.intervals.conformal()? {
                conformal(EtsForecaster::new(params), &y, &a.series, &a.intervals)?
            } else {
                fit.forecast(a.series.horizon as usize, &a.series.levels)?
            };
            let candidates: Vec<Value> = trace
                .iter()
                .map(|(m, ic)| json!({"model": m.name(), "aicc": ic.is_finite().then_some(*ic)}))
                .collect();
            let out = json!({
                "model": fit.model.name(),
                "period": fit.period,
                "params": {"alpha": fit.alpha, "beta": fit.beta, "gamma": fit.gamma, "phi": fit.phi},
                "initial_states": fit.initial_states,
                "log_likelihood": fit.log_likelihood,
                "aic": fit.aic,
                "aicc": fit.aicc,
                "bic": fit.bic,
                "sigma2": fit.sigma2,
                "nobs": y.len(),
                "candidates": candidates,
            });
            write_forecast(&a.series, out, fc, lambda, &a.intervals)
        }
        ForecastCommand::AutoTheta(a) => {
            let (dates, raw) = read_series(&a.series)?;
            let period = a.period.unwrap_or_else(|| infer_period(&dates));
            let lambda = choose_lambda(&a.series, &raw, period)?;
            let y = transform(&raw, lambda)?;
            let model = match a.model.as_deref() {
                None => None,
                Some(code) => Some(
                    ThetaModel::ALL
                        .into_iter()
                        .find(|m| m.code().eq_ignore_ascii_case(code))
                        .ok_or_else(|| {
                            CliError(format!(
                                "--model takes STM, OTM, DSTM or DOTM, got {code:?}"
                            ))
                        })?,
                ),
            };
            let params = Theta::params(period).model(model);
            let fit = params.fit(&y)?;
            let fc = if a.intervals.conformal()? {
                conformal(ThetaForecaster::new(params), &y, &a.series, &a.intervals)?
            } else {
                fit.forecast(a.series.horizon as usize, &a.series.levels)?
            };
            let deseasonalised = fit.seasonal_indices.as_ref().map(|(kind, _)| match kind {
                DecompositionKind::Multiplicative => "multiplicative",
                DecompositionKind::Additive => "additive",
            });
            let out = json!({
                "model": fit.model.code(),
                "period": period,
                "params": {"initial_level": fit.initial_level, "alpha": fit.alpha, "theta": fit.theta},
                "mse": fit.mse,
                "deseasonalised": deseasonalised,
                "nobs": y.len(),
            });
            write_forecast(&a.series, out, fc, lambda, &a.intervals)
        }
        ForecastCommand::Mstl(a) => {
            let (dates, raw) = read_series(&a.series)?;
            let periods = match &a.periods {
                Some(p) => p.clone(),
                None => vec![infer_period(&dates)],
            };
            if periods.iter().any(|p| *p < 2) {
                return Err(CliError(format!(
                    "MSTL needs seasonal periods of at least 2 (got {periods:?}); pass --periods, e.g. --periods 7,365 for daily data"
                )));
            }
            let lambda = choose_lambda(&a.series, &raw, periods[0])?;
            let y = transform(&raw, lambda)?;
            let mut model = MstlForecaster::new(periods.clone());
            model.fit(&y)?;
            let fc = if a.intervals.conformal()? {
                conformal(MstlForecaster::new(periods), &y, &a.series, &a.intervals)?
            } else {
                model.forecast(a.series.horizon as usize, &a.series.levels)?
            };
            let d = model
                .decomposition
                .as_ref()
                .ok_or(CliError("MSTL did not fit".into()))?;
            let seasonal: Map<String, Value> = d
                .periods
                .iter()
                .zip(&d.seasonal)
                .map(|(p, s)| (p.to_string(), json!(s)))
                .collect();
            let out = json!({
                "periods": d.periods,
                "trend_model": model.trend_forecaster.fitted.as_ref().map(|f| f.model.name()),
                "components": {"trend": d.trend, "seasonal": seasonal, "remainder": d.remainder},
                "nobs": y.len(),
            });
            write_forecast(&a.series, out, fc, lambda, &a.intervals)
        }
    }
}

fn read_series(args: &SeriesArgs) -> Result<(Vec<String>, Vec<f64>), CliError> {
    let mut rdr = csv::Reader::from_path(&args.input)
        .map_err(|e| CliError(format!("cannot read {}: {e}", args.input.display())))?;
    let headers = rdr.headers()?.clone();
    let col = match &args.column {
        Some(name) => headers.iter().position(|h| h == name).ok_or_else(|| {
            CliError(format!(
                "{} has no column {name:?} (columns: {})",
                args.input.display(),
                headers.iter().collect::<Vec<_>>().join(", ")
            ))
        })?,
        None if headers.len() >= 2 => 1,
        None => {
            return Err(CliError(format!(
                "{} needs a date/period column and a value column",
                args.input.display()
            )));
        }
    };
    let mut dates = Vec::new();
    let mut y = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let field = rec.get(col).unwrap_or("").trim();
        let v: f64 = field.parse().map_err(|_| {
            CliError(format!(
                "row {} of {}: {:?} in column {} is not a number (missing values must be filled)",
                i + 2,
                args.input.display(),
                field,
                &headers[col]
            ))
        })?;
        dates.push(rec.get(0).unwrap_or("").to_string());
        y.push(v);
    }
    Ok((dates, y))
}

/// The Box-Cox parameter asked for: `--log` is 0, `--lambda auto` Guerrero's choice.
fn choose_lambda(args: &SeriesArgs, y: &[f64], period: usize) -> Result<Option<f64>, CliError> {
    if args.log {
        return Ok(Some(0.0));
    }
    match args.lambda.as_deref() {
        None => Ok(None),
        Some("auto") => Ok(Some(box_cox_lambda(y, period, -1.0, 2.0)?)),
        Some(text) => match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(CliError(format!(
                "--lambda takes a number or \"auto\", got {text:?}"
            ))),
        },
    }
}

fn transform(y: &[f64], lambda: Option<f64>) -> Result<Vec<f64>, CliError> {
    Ok(match lambda {
        Some(l) => box_cox(y, l)?,
        None => y.to_vec(),
    })
}

/// Seasonal period from the shape of the date column.
fn infer_period(dates: &[String]) -> usize {
    let Some(first) = dates.first() else { return 1 };
    let parse = crate::input::parse_series_date;
    if first.len() == 7 && first.as_bytes().get(4) == Some(&b'-') {
        if first.contains('Q') { 4 } else { 12 }
    } else if let (Some(a), Some(b)) = (parse(first), dates.get(1).and_then(|s| parse(s))) {
        match (b - a).num_days() {
            7 => 52,
            1 => 7,
            28..=31 => 12,
            90..=92 => 4,
            _ => 1,
        }
    } else {
        1
    }
}

fn level_key(l: f64) -> String {
    if l.fract() == 0.0 {
        format!("{}", l as i64)
    } else {
        format!("{l}")
    }
}

/// Forecasts by `model` with conformal intervals calibrated at `--windows` origins.
fn conformal<F: Forecaster>(
    model: F,
    y: &[f64],
    args: &SeriesArgs,
    intervals: &IntervalArgs,
) -> Result<Forecast, CliError> {
    let horizon = args.horizon as usize;
    let mut c = ConformalForecaster::new(model, horizon).windows(intervals.windows as usize);
    c.fit(y)?;
    Ok(c.forecast(horizon, &args.levels)?)
}

/// `{mean, lower: {"80": [...]}, upper: {...}}` on the scale of the input.
fn forecast_json(fc: Forecast, lambda: Option<f64>) -> Value {
    let fc = match lambda {
        Some(l) => fc.map(|v| inv_box_cox(v, l)),
        None => fc,
    };
    let bounds = |b: &[(f64, Vec<f64>)]| -> Map<String, Value> {
        b.iter().map(|(l, v)| (level_key(*l), json!(v))).collect()
    };
    json!({"mean": fc.mean, "lower": bounds(&fc.lower), "upper": bounds(&fc.upper)})
}

/// Adds the transform, interval method and forecast to a model's fields and writes the JSON.
fn write_forecast(
    args: &SeriesArgs,
    mut out: Value,
    fc: Forecast,
    lambda: Option<f64>,
    intervals: &IntervalArgs,
) -> Result<(), CliError> {
    if let Some(o) = out.as_object_mut() {
        o.insert("log".into(), json!(args.log));
        o.insert("lambda".into(), json!(lambda));
        o.insert("intervals".into(), json!(intervals.intervals));
        o.insert("forecast".into(), forecast_json(fc, lambda));
    }
    emit(args, &out)
}

fn emit(args: &SeriesArgs, out: &Value) -> Result<(), CliError> {
    crate::output::write_json(&args.output, out)
}

fn write(
    args: &SeriesArgs,
    fit: &FittedArima,
    fc: Forecast,
    lambda: Option<f64>,
    extra: Map<String, Value>,
) -> Result<(), CliError> {
    let (p, d, q) = fit.spec().order();
    let (sp, sd, sq, s) = fit.spec().seasonal_order();
    let params: Map<String, Value> = fit
        .params()
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    let se: Map<String, Value> = fit
        .std_errors()
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    let mut out = json!({
        "order": [p, d, q],
        "seasonal_order": [sp, sd, sq, s],
        "constant": fit.spec().has_constant(),
        "log": args.log,
        "lambda": lambda,
        "params": params,
        "std_errors": se,
        "log_likelihood": fit.log_likelihood,
        "aic": fit.aic,
        "aicc": fit.aicc,
        "bic": fit.bic,
        "nobs": fit.nobs,
        "nobs_effective": fit.nobs_effective,
        "forecast": forecast_json(fc, lambda),
    });
    if let Some(o) = out.as_object_mut() {
        o.extend(extra);
    }
    emit(args, &out)
}
