//! `custalyze cltv plot KIND`: the BTYD diagnostic plots as SVG (numbers from
//! `custalyze_cltv_core::diagnostics`, drawn with `custalyze_plot`).

use std::path::PathBuf;

use clap::Args;
use custalyze_cltv_core::clv::{PurchaseModel, TimeUnit};
use custalyze_cltv_core::diagnostics::{
    self, HistoryMatrix, NewCustomerModel, PurchaseTimes, calibration_holdout,
    frequency_recency_matrix, p_alive_matrix, period_transactions, probability_of_purchases,
};
use custalyze_cltv_core::{BgNbdParameters, MbgNbdParameters, ParetoNbdParameters};
use custalyze_plot as plot;
use custalyze_transaction_types::Period;
use serde_json::json;

use crate::CliError;
use crate::cltv::SummaryCsv;
use crate::input::InputArgs;
use crate::output::writer;

/// Arguments of `custalyze cltv plot`.
#[derive(Debug, Args)]
#[command(after_help = "\
Kinds (lifetimes' plots; the numbers equal lifetimes' on the CDNOW sample):
  frequency-recency     expected purchases in the next --horizon by frequency and recency
  p-alive               P(alive) by frequency and recency
  period-transactions   customers by repeat purchases, model (expected) vs actual (bgnbd)
  calibration-holdout   mean holdout purchases by calibration purchases, model vs actual
  tracking              weekly repeat transactions, model vs actual, from a transaction log
  purchases-pmf         P(X(t) = n) of a new customer for t = --horizon (bgnbd)

Examples:
  custalyze cltv fit --model bgnbd --summary cal.csv --output bgnbd.json
  custalyze cltv plot p-alive --model bgnbd.json --summary cal.csv --output p_alive.svg
  custalyze cltv plot calibration-holdout --model bgnbd.json --summary cal.csv --output ch.svg
  custalyze cltv plot tracking --model bgnbd.json --input CDNOW_sample.txt --schema cdnow \\
      --freq 7D --acquired-by 1997-03-31 --end 1998-06-30 --output tracking.svg

--data FILE.json writes the numbers behind the plot.")]
pub struct PlotArgs {
    /// What to plot.
    #[arg(value_parser = ["frequency-recency", "p-alive", "period-transactions",
                          "calibration-holdout", "tracking", "purchases-pmf"])]
    kind: String,
    /// A MODEL.json written by `cltv fit` (bgnbd, mbgnbd or pareto-nbd).
    #[arg(long, value_name = "MODEL.json")]
    model: PathBuf,
    /// The summary CSV the model was fitted on (calibration/holdout columns for
    /// calibration-holdout).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Horizon t in model periods (frequency-recency: default 1; purchases-pmf: default 52).
    #[arg(long, value_name = "T")]
    horizon: Option<f64>,
    /// Largest frequency of the matrices (default: the summary's largest) or n of purchases-pmf
    /// (default 10).
    #[arg(long, value_name = "N")]
    max_frequency: Option<u32>,
    /// Largest recency, also the age, of the matrices (default: the summary's largest T).
    #[arg(long, value_name = "N")]
    max_recency: Option<u32>,
    /// tracking: customers acquired on or before this date (default: all).
    #[arg(long, value_name = "YYYY-MM-DD")]
    acquired_by: Option<String>,
    /// tracking: last day tracked (default: the log's last day).
    #[arg(long, value_name = "YYYY-MM-DD")]
    end: Option<String>,
    /// tracking: the purchase period of the summary the model was fitted on (D, W, M, or a
    /// multiple such as 7D: one purchase per customer and period; default: the model's unit).
    /// A model fitted on `summary --freq D --freq-multiplier 7` tracks with --freq 7D.
    #[arg(long, value_name = "FREQ")]
    freq: Option<String>,
    /// tracking: the transaction log.
    #[command(flatten)]
    input: InputArgs,
    /// Write the numbers behind the plot as JSON.
    #[arg(long, value_name = "FILE.json")]
    data: Option<PathBuf>,
    /// Output SVG ("-" for standard output).
    #[arg(long, value_name = "OUT.svg")]
    output: PathBuf,
}

/// A purchase model of a MODEL.json.
#[allow(clippy::enum_variant_names)] // the models' own names
enum Model {
    BgNbd(BgNbdParameters),
    MbgNbd(MbgNbdParameters),
    ParetoNbd(ParetoNbdParameters),
}

impl Model {
    fn purchase(&self) -> &dyn PurchaseModel {
        match self {
            Model::BgNbd(p) => p,
            Model::MbgNbd(p) => p,
            Model::ParetoNbd(p) => p,
        }
    }
    fn new_customers(&self) -> &dyn NewCustomerModel {
        match self {
            Model::BgNbd(p) => p,
            Model::MbgNbd(p) => p,
            Model::ParetoNbd(p) => p,
        }
    }
    fn bgnbd(&self, kind: &str) -> Result<&BgNbdParameters, CliError> {
        match self {
            Model::BgNbd(p) => Ok(p),
            _ => Err(CliError(format!("{kind} needs a bgnbd model"))),
        }
    }
    fn name(&self) -> &'static str {
        match self {
            Model::BgNbd(_) => "BG/NBD",
            Model::MbgNbd(_) => "MBG/NBD",
            Model::ParetoNbd(_) => "Pareto/NBD",
        }
    }
}

/// Runs `cltv plot`.
pub fn plot(a: &PlotArgs) -> Result<(), CliError> {
    let (kind, p, unit) = crate::cltv::read_model_unit(&a.model)?;
    let model = match kind.as_str() {
        "bgnbd" => Model::BgNbd(BgNbdParameters::new(p[0], p[1], p[2], p[3])?),
        "mbgnbd" => Model::MbgNbd(MbgNbdParameters::new(p[0], p[1], p[2], p[3])?),
        "pareto-nbd" => Model::ParetoNbd(ParetoNbdParameters::new(p[0], p[1], p[2], p[3])?),
        other => {
            return Err(CliError(format!(
                "{}: plots are for bgnbd, mbgnbd and pareto-nbd models, not {other}",
                a.model.display()
            )));
        }
    };
    let summary = || -> Result<SummaryCsv, CliError> {
        let path = a
            .summary
            .as_deref()
            .ok_or_else(|| CliError(format!("cltv plot {} needs --summary FILE", a.kind)))?;
        SummaryCsv::read(path)
    };
    let (svg, data) = match a.kind.as_str() {
        "frequency-recency" | "p-alive" => {
            let (mf, mr) = matrix_size(a, &summary)?;
            let alive = a.kind == "p-alive";
            let t = a.horizon.unwrap_or(1.0);
            let m = if alive {
                p_alive_matrix(model.purchase(), mf, mr)?
            } else {
                frequency_recency_matrix(model.purchase(), t, mf, mr)?
            };
            let title = if alive {
                format!(
                    "P(alive) by frequency and recency ({}, age {mr})",
                    model.name()
                )
            } else {
                format!(
                    "Expected purchases in the next {t} periods by frequency and recency ({}, age {mr})",
                    model.name()
                )
            };
            (matrix_svg(&a.kind, &title, &m, alive), json!(m))
        }
        "period-transactions" => {
            let s = summary()?;
            let p = period_transactions(model.bgnbd(&a.kind)?, &s.rfm()?, 7)?;
            let cats: Vec<String> = (0..p.model.len())
                .map(|n| {
                    if n + 1 == p.model.len() {
                        format!("{n}+")
                    } else {
                        n.to_string()
                    }
                })
                .collect();
            let svg = plot::grouped_bars(
                "period-transactions",
                "Customers by repeat purchases: actual vs model",
                &cats,
                &[
                    plot::Series {
                        name: "actual".into(),
                        values: p.actual.clone(),
                    },
                    plot::Series {
                        name: model.name().into(),
                        values: p.model.clone(),
                    },
                ],
                "repeat purchases in the observation period",
                "customers",
            );
            (svg, json!(p))
        }
        "calibration-holdout" => {
            let holdout = summary()?.holdout_data()?;
            let c = calibration_holdout(model.purchase(), &holdout, 7)?;
            let cats: Vec<String> = c.frequency.iter().map(|f| format!("{f}")).collect();
            let svg = plot::grouped_bars(
                "calibration-holdout",
                "Mean holdout purchases by calibration purchases: actual vs model",
                &cats,
                &[
                    plot::Series {
                        name: "actual".into(),
                        values: c.actual.clone(),
                    },
                    plot::Series {
                        name: model.name().into(),
                        values: c.predicted.clone(),
                    },
                ],
                "repeat purchases in the calibration period",
                "mean purchases in the holdout period",
            );
            (svg, json!(c))
        }
        "tracking" => tracking_plot(a, &model, unit)?,
        _ => {
            let t = a.horizon.unwrap_or(52.0);
            let n = a.max_frequency.unwrap_or(10);
            let probs = probability_of_purchases(model.bgnbd(&a.kind)?, t, n)?;
            let bars: Vec<plot::Bar> = probs
                .iter()
                .enumerate()
                .map(|(k, p)| plot::Bar {
                    label: format!("{k} purchases"),
                    value: *p,
                    note: plot::fmt_pct(*p),
                })
                .collect();
            let svg = plot::bar_chart(
                "purchases-pmf",
                &format!("P(X({t}) = n) of a new customer ({})", model.name()),
                &bars,
                plot::PALETTE[0],
            );
            (svg, json!({"t": t, "probabilities": probs}))
        }
    };
    let svg = if a.kind == "tracking" {
        svg
    } else {
        let heading = svg
            .find("<title>")
            .and_then(|i| {
                svg[i + 7..]
                    .find("</title>")
                    .map(|j| svg[i + 7..i + 7 + j].to_string())
            })
            .unwrap_or_default();
        plot::figure(&heading.replace("&amp;", "&"), &[svg])
    };
    let mut w = writer(&a.output)?;
    w.write_all(svg.as_bytes())?;
    w.flush()?;
    if let Some(path) = &a.data {
        crate::output::write_json(path, &data)?;
    }
    eprintln!("cltv plot {} written to {}", a.kind, a.output.display());
    Ok(())
}

/// The matrices' size: the flags, else the summary's largest frequency and T.
fn matrix_size(
    a: &PlotArgs,
    summary: &dyn Fn() -> Result<SummaryCsv, CliError>,
) -> Result<(u32, u32), CliError> {
    if let (Some(f), Some(r)) = (a.max_frequency, a.max_recency) {
        return Ok((f, r));
    }
    let s = summary()?;
    let d = s.rfm()?;
    let largest = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(*x)) as u32;
    Ok((
        a.max_frequency.unwrap_or_else(|| largest(&d.x)),
        a.max_recency.unwrap_or_else(|| largest(&d.t)),
    ))
}

/// A [`HistoryMatrix`] as a heatmap: recency down, frequency across (lifetimes' layout, the
/// best customers bottom right).
fn matrix_svg(id: &str, title: &str, m: &HistoryMatrix, probability: bool) -> String {
    let rows: Vec<String> = (0..=m.max_recency).map(|r| r.to_string()).collect();
    let cols: Vec<String> = (0..=m.max_frequency).map(|f| f.to_string()).collect();
    let values: Vec<Vec<Option<f64>>> = m
        .values
        .iter()
        .map(|r| r.iter().map(|v| Some(*v)).collect())
        .collect();
    let fmt: &dyn Fn(f64) -> String = if probability {
        &|v: f64| format!("{v:.2}")
    } else {
        &|v: f64| plot::fmt_num(v)
    };
    plot::heatmap(
        id,
        title,
        &rows,
        &cols,
        &values,
        if probability { Some(1.0) } else { None },
        fmt,
        "frequency (repeat purchases); rows: recency (age at the last purchase)",
    )
}

/// The period of a model unit (weeks by default).
fn unit_period(unit: Option<TimeUnit>) -> Period {
    match unit {
        Some(TimeUnit::Day) => Period::DAY,
        Some(TimeUnit::Month) => Period::MONTH,
        _ => Period::WEEK,
    }
}

fn tracking_plot(
    a: &PlotArgs,
    model: &Model,
    unit: Option<TimeUnit>,
) -> Result<(String, serde_json::Value), CliError> {
    if a.input.input.is_none() {
        return Err(CliError(
            "cltv plot tracking needs the transaction log: --input FILE (and --schema)".into(),
        ));
    }
    if unit == Some(TimeUnit::Hour) {
        return Err(CliError(
            "cltv plot tracking tracks days, weeks or months; the model's unit is hours".into(),
        ));
    }
    let loaded = a.input.load()?;
    let log = &loaded.log;
    let (first, last) = log
        .first_date()
        .zip(log.last_date())
        .ok_or_else(|| CliError("the log has no transactions".into()))?;
    let date = |flag: &str, v: &Option<String>, default| -> Result<_, CliError> {
        v.as_deref()
            .map_or(Ok(default), |s| crate::input::parse_date(flag, s))
    };
    let end = date("--end", &a.end, last)?;
    let acquired_by = date("--acquired-by", &a.acquired_by, end)?;
    let period = match &a.freq {
        None => unit_period(unit),
        Some(f) => {
            let p: Period = f.parse()?;
            let u = TimeUnit::try_from(p).map_err(|e| CliError(format!("--freq {f}: {e}")))?;
            if let Some(m) = unit
                && m != u
            {
                return Err(CliError(format!(
                    "--freq {f} counts in {}s but the model was fitted in {}s",
                    crate::cltv::unit_name(u),
                    crate::cltv::unit_name(m)
                )));
            }
            p
        }
    };
    let times = PurchaseTimes::from_log(log, &period, first, acquired_by, end);
    let span = period.elapsed(period.unit_ordinal(first), period.end_ordinal(end));
    let n_steps = span.max(0.0) as usize + 1;
    if n_steps > diagnostics::MAX_TRACKING_STEPS {
        return Err(CliError(format!(
            "tracking {n_steps} periods from {first} to {end}: at most {} (track in weeks or months: --freq W, or a shorter --end)",
            diagnostics::MAX_TRACKING_STEPS
        )));
    }
    let steps: Vec<f64> = (1..=n_steps).map(|k| k as f64).collect();
    let tr = diagnostics::tracking(model.new_customers(), &times.first, &times.repeats, &steps)?;
    let unit_name = match unit {
        Some(TimeUnit::Day) => "days",
        Some(TimeUnit::Month) => "months",
        _ => "weeks",
    };
    let line = |name: &str, values: Vec<f64>, dashed: bool, colour: &str| plot::Line {
        name: name.into(),
        points: tr.time.iter().copied().zip(values).collect(),
        dashed,
        colour: colour.into(),
    };
    let mut marks = vec![];
    if acquired_by < end {
        marks.push((
            period.elapsed(period.unit_ordinal(first), period.end_ordinal(acquired_by)),
            "acquisition end".to_string(),
        ));
    }
    let options = plot::LineChartOptions {
        x_label: format!("{unit_name} since {first}"),
        y_label: "repeat transactions".into(),
        x_marks: marks,
        ..plot::LineChartOptions::default()
    };
    let cumulative = plot::line_chart(
        "tracking-cumulative",
        &format!("Cumulative repeat transactions: actual vs {}", model.name()),
        &[
            line(
                "actual",
                tr.actual_cumulative.clone(),
                false,
                plot::PALETTE[0],
            ),
            line(
                model.name(),
                tr.predicted_cumulative.clone(),
                true,
                plot::PALETTE[1],
            ),
        ],
        &[],
        &options,
    );
    let incremental = plot::line_chart(
        "tracking-incremental",
        &format!("Repeat transactions per period: actual vs {}", model.name()),
        &[
            line("actual", tr.actual_incremental(), false, plot::PALETTE[0]),
            line(
                model.name(),
                tr.predicted_incremental(),
                true,
                plot::PALETTE[1],
            ),
        ],
        &[],
        &options,
    );
    let svg = plot::figure(
        &format!("Tracking: repeat transactions, actual vs {}", model.name()),
        &[cumulative, incremental],
    );
    Ok((svg, json!(tr)))
}
