//! `custalyze attribution`: which channels earn their spend.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use clap::Args;
use custalyze_attribution::{
    Attribution, Conversions, Journeys, Model, Touchpoints, attribute, write_results,
};

use crate::CliError;
use crate::input::InputArgs;
use crate::output::writer;

/// Arguments of `custalyze attribution`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze generate --customers 2000 --output log.csv --touchpoints touches.csv
  custalyze attribution --touchpoints touches.csv --input log.csv --schema online-retail --output attribution.csv
  custalyze attribution --touchpoints touches.csv --input log.csv --model markov --budget budget.csv --output -

Touchpoints: customer_id,timestamp,channel[,cost][,converted,value] (timestamps YYYY-MM-DD
HH:MM:SS, YYYY-MM-DDTHH:MM:SS or YYYY-MM-DD). Conversions are the orders of the transaction log
(--input; the embedded sample without it), or, when the file has a converted column and no
--input is given, the touches marked converted. A converting journey holds the customer's
touches after the previous conversion and within --lookback-days before the conversion; the
touches after the last conversion make a journey without conversion. Conversions with no touch
in the window are counted (stderr) and not attributed.

Models: first_touch, last_touch, linear (every touch equal), time_decay (half-life
--half-life-days), position_based (40% first, 40% last, 20% between), markov_1..3 (removal
effects, exact), shapley (channel sets by conversion rate). --model all|heuristic|markov|shapley
or one name. Columns written: channel,model,conversions,revenue,share, and with a cost column
cost,roi,cost_per_acquisition (roi = (revenue - cost) / cost). --budget FILE writes a reallocation
of the spend (total kept, each channel within +/- --max-change) by the marginal return under
diminishing returns (revenue ~ spend^0.5) using --budget-model's revenues.")]
pub struct AttributionArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The touchpoint CSV.
    #[arg(long, value_name = "FILE")]
    touchpoints: PathBuf,
    /// Models: all, heuristic, markov, shapley, or one model's name.
    #[arg(long, value_name = "MODEL", default_value = "all")]
    model: String,
    /// Days before a conversion in which touches count.
    #[arg(long, value_name = "D", default_value_t = 30)]
    lookback_days: u32,
    /// Half-life of the time-decay model, days.
    #[arg(long, value_name = "DAYS", default_value_t = 7.0)]
    half_life_days: f64,
    /// Also write the budget reallocation to FILE (needs a cost column).
    #[arg(long, value_name = "FILE")]
    budget: Option<PathBuf>,
    /// The model whose revenues the reallocation uses.
    #[arg(long, value_name = "MODEL", default_value = "shapley")]
    budget_model: String,
    /// Largest change of a channel's spend in the reallocation, as a share.
    #[arg(long, value_name = "SHARE", default_value_t = 0.3)]
    max_change: f64,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

fn models(name: &str, half_life_days: f64) -> Result<Vec<Model>, CliError> {
    let decay = Model::TimeDecay { half_life_days };
    let all: Vec<Model> = Model::all()
        .into_iter()
        .map(|m| {
            if matches!(m, Model::TimeDecay { .. }) {
                decay
            } else {
                m
            }
        })
        .collect();
    Ok(match name {
        "all" => all,
        "heuristic" => all
            .into_iter()
            .filter(|m| !matches!(m, Model::Markov { .. } | Model::Shapley))
            .collect(),
        "markov" => all
            .into_iter()
            .filter(|m| matches!(m, Model::Markov { .. }))
            .collect(),
        one => match all.into_iter().find(|m| m.name() == one) {
            Some(m) => vec![m],
            None => {
                return Err(CliError(format!(
                    "--model {one}: not a model (all, heuristic, markov, shapley, first_touch, last_touch, linear, time_decay, position_based, markov_1, markov_2, markov_3)"
                )));
            }
        },
    })
}

/// Runs the command.
pub fn run(args: &AttributionArgs) -> Result<(), CliError> {
    let chosen = models(&args.model, args.half_life_days)?;
    let file = File::open(&args.touchpoints)
        .map_err(|e| CliError(format!("cannot read {}: {e}", args.touchpoints.display())))?;
    let touchpoints = Touchpoints::from_reader(BufReader::new(file))
        .map_err(|e| CliError(format!("{}: {e}", args.touchpoints.display())))?;
    let r = &touchpoints.report;
    eprintln!(
        "touchpoints: {} rows read, {} loaded, {} channels{}",
        r.rows_read,
        r.rows_loaded,
        touchpoints.channels.len(),
        if r.out_of_order > 0 {
            format!("; {} rows out of time order (sorted)", r.out_of_order)
        } else {
            String::new()
        }
    );
    for (reason, n) in &r.excluded {
        eprintln!("  excluded {n:>8}  {}", reason.describe());
    }
    let loaded;
    let conversions = if touchpoints.has_conversions && args.input.input.is_none() {
        eprintln!("conversions: the touchpoints' converted column");
        Conversions::Touchpoints
    } else {
        loaded = args.input.load()?;
        eprintln!("{}", loaded.report);
        Conversions::Log(&loaded.log)
    };
    let journeys = Journeys::build(&touchpoints, conversions, args.lookback_days)
        .map_err(|e| CliError(e.to_string()))?;
    let j = &journeys.report;
    eprintln!(
        "journeys: {} converting, {} without conversion; {} conversions ({:.2}) had no touch in the {}-day window and are not attributed; {} touches were older than the window",
        j.converting,
        j.null,
        j.unattributed_conversions,
        j.unattributed_value,
        args.lookback_days,
        j.touches_outside_lookback
    );
    eprintln!(
        "funnel: {} customers touched -> {} bought after a touch ({:.1}%) -> {} bought again ({:.1}%)",
        j.customers_touched,
        j.touched_converted,
        100.0 * j.touched_converted as f64 / j.customers_touched.max(1) as f64,
        j.touched_repeat,
        100.0 * j.touched_repeat as f64 / j.touched_converted.max(1) as f64
    );
    if journeys.channels.len() == 1 {
        eprintln!(
            "note: one channel only ({}): every model gives it every conversion",
            journeys.channels[0]
        );
    }
    let results = attribute(&journeys, &chosen).map_err(|e| CliError(e.to_string()))?;
    let costs = journeys.costs.is_some();
    write_results(&results, costs, writer(&args.output)?).map_err(|e| CliError(e.to_string()))?;
    if let Some(path) = &args.budget {
        if !costs {
            return Err(CliError(
                "--budget needs a cost column in the touchpoints".into(),
            ));
        }
        let model = models(&args.budget_model, args.half_life_days)?;
        let [model] = model.as_slice() else {
            return Err(CliError(format!(
                "--budget-model {}: name one model",
                args.budget_model
            )));
        };
        let plan = Attribution::params()
            .models(vec![*model])
            .budget_model(*model)
            .max_change(args.max_change)
            .fit(&journeys)
            .map_err(|e| CliError(format!("--budget: {e}")))?
            .budget;
        let mut w = csv::Writer::from_writer(writer(path)?);
        w.write_record([
            "channel",
            "current_spend",
            "proposed_spend",
            "current_revenue",
            "expected_revenue",
        ])?;
        for l in &plan {
            w.write_record([
                l.channel.clone(),
                format!("{:.2}", l.current_spend),
                format!("{:.2}", l.proposed_spend),
                format!("{:.2}", l.current_revenue),
                format!("{:.2}", l.expected_revenue),
            ])?;
        }
        w.flush()?;
        let gain: f64 = plan
            .iter()
            .map(|l| l.expected_revenue - l.current_revenue)
            .sum();
        eprintln!(
            "budget ({}): the same spend reallocated is expected to bring {gain:+.2} revenue under diminishing returns (revenue ~ spend^0.5)",
            model.name()
        );
    }
    Ok(())
}
