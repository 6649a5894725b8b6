//! `custalyze forecast lstm` and `custalyze forecast compare`: the LSTM / linear strategy
//! forecasters and the rolling-origin comparison table.
//!
//! The series file is a CSV with a header: a date (or period) column first, then one or more value
//! columns (`--column` picks one; default: the second column). Dates `YYYY-MM` are monthly;
//! `YYYY-MM-DD` dates are daily, weekly or monthly from the spacing of the first two rows.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;
use custalyze_forecast::arima::{Arima, ArimaForecaster, AutoArima, AutoArimaForecaster};
use custalyze_forecast::compare::ForecasterModel;
use custalyze_forecast::compare::{
    ComparableModel, CompareParams, Comparison, SeasonalNaiveBaseline, compare,
};
use custalyze_forecast::ets::{Ets, EtsForecaster};
use custalyze_forecast::features::{CalendarSpec, FeatureSpec, Frequency, Preprocess};
use custalyze_forecast::learner::Ridge;
use custalyze_forecast::metrics::Accuracy;
#[cfg(feature = "lstm")]
use custalyze_forecast::metrics::{accuracy, mase_scale};
use custalyze_forecast::mstl::MstlForecaster;
use custalyze_forecast::strategy::Strategy;
use custalyze_forecast::theta::{Theta, ThetaForecaster};
use custalyze_forecast::transform::BoxCoxForecaster;
use serde_json::{Value, json};

use crate::CliError;

/// The series file.
#[derive(Debug, Args)]
pub struct SeriesArgs {
    /// Series CSV: a date column first, then value columns.
    #[arg(long, value_name = "SERIES.csv")]
    pub input: PathBuf,
    /// Value column (default: the second column).
    #[arg(long, value_name = "NAME")]
    pub column: Option<String>,
}

/// Settings of the strategy forecasters (shared by `lstm` and `compare`).
#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Season length: seasonal difference of the (log) series and MASE's scale; 0 = none.
    #[arg(long, value_name = "M", default_value_t = 12)]
    pub season: usize,
    /// Target transform: auto (log when every value is > 0), log or none.
    #[arg(long, value_name = "T", value_enum, default_value_t = TransformArg::Auto)]
    pub transform: TransformArg,
    /// Also take a first difference after the seasonal one.
    #[arg(long)]
    pub difference: bool,
    /// Lag window (lags W..1 as the LSTM's input sequence).
    #[arg(long, value_name = "W", default_value_t = 24)]
    pub window: usize,
    /// Add calendar features (month, and weekday for daily data) of the target time.
    #[arg(long)]
    pub calendar: bool,
    /// LSTM hidden units.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub hidden: usize,
    /// LSTM maximum epochs (early stopping on the last 20% of the windows).
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub epochs: usize,
    /// LSTM Adam learning rate.
    #[arg(long, value_name = "LR", default_value_t = 0.01)]
    pub learning_rate: f64,
    /// LSTM early-stopping patience in epochs.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub patience: usize,
    /// LSTM weight-initialisation seed.
    #[arg(long, value_name = "SEED", default_value_t = 42)]
    pub seed: u64,
    /// Ridge penalty of the linear learner.
    #[arg(long, value_name = "LAMBDA", default_value_t = 1.0)]
    pub ridge_lambda: f64,
}

/// Arguments of `forecast lstm`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast lstm --input airline_passengers.csv --strategy recursive --horizon 24 --output lstm.json
  custalyze forecast lstm --input airline_passengers.csv --strategy mimo --horizon 24 --holdout 24 --output lstm.json

OUT.json: \"model\", \"strategy\", \"learner\", \"features\", \"transform\", \"training\" (per fitted
network: epochs run, best epoch, losses), \"forecast\": {\"mean\", \"lower\": {\"95\"}, \"upper\": {\"95\"}}
with intervals from validation residuals (the model is first fitted without the last
--interval-tail points); with --holdout also \"holdout\": {\"actual\", \"metrics\"}.")]
pub struct LstmArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Multi-step strategy: recursive, direct, mimo or dirrec.
    #[arg(long, value_name = "S", default_value = "recursive")]
    strategy: String,
    /// Forecast horizon (1 to 10,000).
    #[arg(long, value_name = "H", value_parser = horizon_parser)]
    horizon: usize,
    /// Hold out the last N points: fit on the rest, forecast them and score the forecast.
    #[arg(long, value_name = "N")]
    holdout: Option<usize>,
    /// Validation tail for the intervals (default: the horizon; 0 = no intervals).
    #[arg(long, value_name = "N")]
    interval_tail: Option<usize>,
    /// Interval level in percent.
    #[arg(long, value_name = "PCT", default_value_t = 95)]
    level: u32,
    #[command(flatten)]
    model: ModelArgs,
    /// Output JSON ("-" for standard output).
    #[arg(long, value_name = "OUT.json")]
    output: PathBuf,
}

/// Arguments of `forecast compare`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze forecast compare --input airline_passengers.csv --horizon 24 --holdout 24 --output cmp.json
  custalyze forecast compare --input airline_passengers.csv --horizon 12 --holdout 24 --step 6 \\
      --models snaive,linear-recursive,linear-direct,lstm-recursive --output cmp.json

Models: snaive, arima (the airline model, on logs), auto-arima, auto-ets, auto-theta, mstl (each
with --season as the period; mstl forecasts the deseasonalised series by AutoETS) and
{linear,lstm}-{recursive,direct,mimo,dirrec}. The model with the lowest MASE is reported as
\"best\": model selection for this series by backtest. Origins n-holdout, n-holdout+step, .. while a full horizon fits;
every model is refitted at each origin. MASE is scaled by the in-sample seasonal naive MAE of the
data before the first origin. The table goes to standard output; OUT.json holds per model the
forecasts, \"metrics\" (overall) and \"metrics_by_horizon\".")]
pub struct CompareArgs {
    #[command(flatten)]
    series: SeriesArgs,
    /// Forecast horizon (1 to 10,000).
    #[arg(long, value_name = "H", value_parser = horizon_parser)]
    horizon: usize,
    /// Points held out at the end.
    #[arg(long, value_name = "N")]
    holdout: usize,
    /// Distance between origins (default: the horizon).
    #[arg(long, value_name = "N")]
    step: Option<usize>,
    /// Comma-separated models.
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "arima,auto-arima,snaive,lstm-recursive,lstm-direct,lstm-mimo,linear-recursive,linear-direct"
    )]
    models: Vec<String>,
    #[command(flatten)]
    model: ModelArgs,
    /// Output JSON ("-" for standard output).
    #[arg(long, value_name = "OUT.json")]
    output: PathBuf,
}

/// A loaded series.
struct Series {
    values: Vec<f64>,
    calendar: Option<CalendarSpec>,
    column: String,
}

fn read_series(args: &SeriesArgs) -> Result<Series, CliError> {
    let path = &args.input;
    let mut rdr = csv::Reader::from_path(path)
        .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
    let headers = rdr.headers()?.clone();
    if headers.len() < 2 {
        return Err(CliError(format!(
            "{}: need a date column and a value column",
            path.display()
        )));
    }
    let col = match &args.column {
        Some(name) => headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| {
                CliError(format!(
                    "column {name:?} not in {}; columns: {}",
                    path.display(),
                    headers.iter().collect::<Vec<_>>().join(", ")
                ))
            })?,
        None => 1,
    };
    let mut values = Vec::new();
    let mut dates = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec?;
        let field = rec.get(col).unwrap_or("").trim();
        let v: f64 = field.parse().map_err(|_| {
            CliError(format!(
                "{} row {}: {:?} in column {} is not a number (missing values are not supported)",
                path.display(),
                i + 2,
                field,
                &headers[col]
            ))
        })?;
        values.push(v);
        dates.push(rec.get(0).and_then(crate::input::parse_series_date));
    }
    let calendar = match (
        dates.first().copied().flatten(),
        dates.get(1).copied().flatten(),
    ) {
        (Some(a), Some(b)) => {
            let days = (b - a).num_days();
            let frequency = match days {
                1 => Some(Frequency::Daily),
                7 => Some(Frequency::Weekly),
                28..=31 => Some(Frequency::Monthly),
                _ => None,
            };
            frequency.map(|frequency| CalendarSpec {
                start: a,
                frequency,
            })
        }
        _ => None,
    };
    Ok(Series {
        values,
        calendar,
        column: headers[col].to_string(),
    })
}

/// `--transform` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TransformArg {
    /// Log when every value is positive.
    Auto,
    /// Always log.
    Log,
    /// No transform.
    None,
}

impl ModelArgs {
    fn preprocess(&self, y: &[f64]) -> Result<Preprocess, CliError> {
        let log = match self.transform {
            TransformArg::Log => true,
            TransformArg::None => false,
            TransformArg::Auto => y.iter().all(|v| *v > 0.0),
        };
        Ok(Preprocess {
            log,
            seasonal_difference: (self.season > 0).then_some(self.season),
            difference: self.difference,
        })
    }

    fn features(&self, series: &Series) -> Result<FeatureSpec, CliError> {
        let mut f = FeatureSpec::window(self.window);
        if self.calendar {
            let cal = series.calendar.ok_or_else(|| {
                CliError(
                    "--calendar needs dated rows (YYYY-MM or YYYY-MM-DD in the first column)"
                        .into(),
                )
            })?;
            f = f.calendar(cal);
        }
        Ok(f)
    }

    #[cfg(feature = "lstm")]
    fn lstm(&self) -> custalyze_forecast::lstm::Lstm {
        custalyze_forecast::lstm::Lstm::default()
            .hidden(self.hidden)
            .epochs(self.epochs)
            .learning_rate(self.learning_rate)
            .patience(self.patience)
            .seed(self.seed)
    }

    fn learner_json(&self, learner: &str) -> Value {
        if learner == "lstm" {
            json!({"kind": "lstm", "hidden": self.hidden, "epochs": self.epochs,
                   "learning_rate": self.learning_rate, "patience": self.patience,
                   "validation_fraction": 0.2, "seed": self.seed, "optimizer": "adam"})
        } else {
            json!({"kind": "ridge", "lambda": self.ridge_lambda})
        }
    }

    /// A boxed comparable model for a name of the `--models` list.
    fn comparable(
        &self,
        name: &str,
        series: &Series,
    ) -> Result<Box<dyn ComparableModel>, CliError> {
        if name == "snaive" {
            return Ok(Box::new(SeasonalNaiveBaseline::new(self.season.max(1))));
        }
        // ARIMA: the airline model SARIMA(0,1,1)(0,1,1)[season] (non-seasonal (0,1,1) without a
        // season), on the log scale when every value is positive; auto-ARIMA: R's stepwise
        // search with its defaults on the raw series.
        if name == "arima" {
            let m = self.season;
            let spec = if m > 1 {
                Arima::params(0, 1, 1).seasonal(0, 1, 1, m)
            } else {
                Arima::params(0, 1, 1)
            };
            let arima = ArimaForecaster::new(spec);
            return Ok(if series.values.iter().all(|v| *v > 0.0) {
                Box::new(ForecasterModel::new(
                    "arima",
                    BoxCoxForecaster::new(arima, 0.0),
                ))
            } else {
                Box::new(ForecasterModel::new("arima", arima))
            });
        }
        if name == "auto-arima" {
            return Ok(Box::new(ForecasterModel::new(
                "auto-arima",
                AutoArimaForecaster::new(AutoArima::params(self.season.max(1))),
            )));
        }
        // AutoETS and AutoTheta with the season length; MSTL with it as its one period and
        // AutoETS ("ZZN") on the deseasonalised series (statsforecast's defaults).
        let m = self.season.max(1);
        if name == "auto-ets" {
            let ets = Ets::params(m);
            let ets = if m > 52 { ets.model("ZZN") } else { ets };
            return Ok(Box::new(ForecasterModel::new(
                "auto-ets",
                EtsForecaster::new(ets),
            )));
        }
        if name == "auto-theta" {
            return Ok(Box::new(ForecasterModel::new(
                "auto-theta",
                ThetaForecaster::new(Theta::params(m)),
            )));
        }
        if name == "mstl" {
            if m < 2 {
                return Err(CliError(
                    "mstl needs a season of at least 2: pass --season".into(),
                ));
            }
            return Ok(Box::new(ForecasterModel::new(
                "mstl",
                MstlForecaster::new(vec![m]),
            )));
        }
        let (learner, strategy) = name.split_once('-').ok_or_else(|| unknown_model(name))?;
        let strategy: Strategy = strategy.parse().map_err(|_| unknown_model(name))?;
        let pre = self.preprocess(&series.values)?;
        let feats = self.features(series)?;
        match learner {
            "linear" => Ok(Box::new(
                strategy
                    .params(Ridge::new(self.ridge_lambda), 1)
                    .features(feats)
                    .preprocess(pre),
            )),
            #[cfg(feature = "lstm")]
            "lstm" => Ok(Box::new(
                strategy
                    .params(self.lstm(), 1)
                    .features(feats)
                    .preprocess(pre),
            )),
            #[cfg(not(feature = "lstm"))]
            "lstm" => Err(CliError(
                "the lstm models need the CLI built with the `lstm` feature".into(),
            )),
            _ => Err(unknown_model(name)),
        }
    }
}

fn unknown_model(name: &str) -> CliError {
    CliError(format!(
        "unknown model {name:?}: use snaive, arima, auto-arima, auto-ets, auto-theta, mstl, or \
         linear-/lstm- followed by recursive, direct, mimo or dirrec"
    ))
}

fn metrics_json(m: &Accuracy) -> Value {
    json!({"mae": m.mae, "rmse": m.rmse, "smape": m.smape, "mase": m.mase})
}

/// Parses a horizon of 1 to 10,000 steps (larger ones only exhaust memory).
fn horizon_parser(s: &str) -> Result<usize, String> {
    let h: usize = s
        .trim()
        .parse()
        .map_err(|e| format!("{s:?} is not a whole number ({e})"))?;
    if (1..=10_000).contains(&h) {
        Ok(h)
    } else {
        Err(format!("{h} is outside 1..=10000"))
    }
}

/// Runs `forecast lstm`.
pub fn run_lstm(args: &LstmArgs) -> Result<(), CliError> {
    #[cfg(not(feature = "lstm"))]
    {
        let _ = args;
        Err(CliError(
            "forecast lstm needs the CLI built with the `lstm` feature".into(),
        ))
    }
    #[cfg(feature = "lstm")]
    {
        let series = read_series(&args.series)?;
        let strategy: Strategy = args.strategy.parse()?;
        let y = &series.values;
        let n_train = match args.holdout {
            Some(h) if h == 0 || h >= y.len() => {
                return Err(CliError(format!(
                    "--holdout must be between 1 and {} (the series length - 1)",
                    y.len().saturating_sub(1)
                )));
            }
            Some(h) => y.len() - h,
            None => y.len(),
        };
        if args.level == 0 || args.level >= 100 {
            return Err(CliError("--level must be between 1 and 99".into()));
        }
        let tail = args.interval_tail.unwrap_or(args.horizon);
        let pre = args.model.preprocess(y)?;
        let features = args.model.features(&series)?;
        let params = strategy
            .params(args.model.lstm(), args.horizon)
            .features(features.clone())
            .preprocess(pre)
            .intervals(tail, f64::from(args.level) / 100.0);
        let fitted = params.fit(&y[..n_train])?;
        let fc = fitted.forecast()?;
        let level = args.level.to_string();
        let mut forecast = json!({"mean": fc.mean});
        if let (Some(lo), Some(hi)) = (&fc.lower, &fc.upper) {
            forecast["lower"] = json!({ level.clone(): lo });
            forecast["upper"] = json!({ level: hi });
        }
        let training: Vec<Value> = fitted
            .models
            .iter()
            .map(|m| {
                json!({"epochs_run": m.epochs_run, "best_epoch": m.best_epoch,
                       "train_mse": m.train_loss, "validation_mse": m.validation_loss})
            })
            .collect();
        let mut out = json!({
            "model": format!("lstm-{}", strategy.name()),
            "strategy": strategy.name(),
            "column": series.column,
            "n_train": n_train,
            "horizon": args.horizon,
            "learner": args.model.learner_json("lstm"),
            "features": {"lags": features.lags, "calendar": features.calendar.is_some()},
            "transform": {"log": pre.log, "seasonal_difference": pre.seasonal_difference,
                          "difference": pre.difference},
            "interval_tail": tail,
            "validation_rmse": fitted.residual_sd,
            "training": training,
            "forecast": forecast,
        });
        if n_train < y.len() {
            let steps = args.horizon.min(y.len() - n_train);
            let actual = &y[n_train..n_train + steps];
            let scale = mase_scale(&y[..n_train], args.model.season.max(1))?;
            let m = accuracy(actual, &fc.mean[..steps], scale)?;
            out["holdout"] = json!({"actual": actual, "metrics": metrics_json(&m)});
        }
        crate::output::write_json(&args.output, &out)
    }
}

/// Runs `forecast compare`.
pub fn run_compare(args: &CompareArgs) -> Result<(), CliError> {
    let series = read_series(&args.series)?;
    let models = args
        .models
        .iter()
        .map(|name| args.model.comparable(name.trim(), &series))
        .collect::<Result<Vec<_>, _>>()?;
    let params = CompareParams {
        horizon: args.horizon,
        holdout: args.holdout,
        step: args.step.unwrap_or(args.horizon),
        season: args.model.season.max(1),
    };
    let table = compare(&series.values, &models, &params)?;
    print_table(&table);
    let y = &series.values;
    let first = y.len() - args.holdout;
    let mut model_json = Vec::new();
    for m in &table.models {
        let learner = m.name.split('-').next().unwrap_or("");
        let mut entry = json!({
            "name": m.name,
            "forecast": {"mean": m.forecasts.first().map(|f| f.predicted.clone()).unwrap_or_default()},
            "forecasts": m.forecasts.iter().map(|f| json!({"origin": f.origin, "mean": f.predicted})).collect::<Vec<_>>(),
            "metrics": m.overall.as_ref().map(metrics_json),
            "metrics_by_horizon": m.by_horizon.iter().map(metrics_json).collect::<Vec<_>>(),
            "seconds": m.seconds,
            "error": m.error,
        });
        if learner == "lstm" || learner == "linear" {
            entry["learner"] = args.model.learner_json(learner);
        }
        model_json.push(entry);
    }
    let mut by_origin = BTreeMap::new();
    for &o in &table.origins {
        by_origin.insert(o.to_string(), y[o..o + args.horizon].to_vec());
    }
    let best = table
        .models
        .iter()
        .filter_map(|m| m.overall.as_ref().map(|o| (o.mase, m.name.clone())))
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name);
    if let Some(name) = &best {
        println!("\nbest by MASE: {name}");
    }
    let out = json!({
        "best": best,
        "column": series.column,
        "horizon": args.horizon,
        "holdout": args.holdout,
        "step": params.step,
        "season": params.season,
        "origins": table.origins,
        "mase_scale": table.mase_scale,
        "actual": &y[first..],
        "actual_by_origin": by_origin,
        "models": model_json,
    });
    crate::output::write_json(&args.output, &out)
}

fn print_table(table: &Comparison) {
    println!(
        "{:<18} {:>10} {:>10} {:>8} {:>7} {:>8}",
        "model", "MAE", "RMSE", "sMAPE%", "MASE", "seconds"
    );
    for m in &table.models {
        match &m.overall {
            Some(o) => println!(
                "{:<18} {:>10.3} {:>10.3} {:>8.3} {:>7.3} {:>8.2}",
                m.name, o.mae, o.rmse, o.smape, o.mase, m.seconds
            ),
            None => println!(
                "{:<18} failed: {}",
                m.name,
                m.error.as_deref().unwrap_or("")
            ),
        }
    }
    let ok: Vec<_> = table
        .models
        .iter()
        .filter(|m| m.overall.is_some())
        .collect();
    if ok.is_empty() {
        return;
    }
    println!("\nMASE by horizon step");
    print!("{:>4}", "h");
    for m in &ok {
        print!(" {:>16}", m.name);
    }
    println!();
    for h in 0..table.params.horizon {
        print!("{:>4}", h + 1);
        for m in &ok {
            print!(" {:>16.3}", m.by_horizon[h].mase);
        }
        println!();
    }
}
