//! `custalyze customer ID`: one customer's card from the saved typed analysis of a report
//! directory (`analysis.json`) or straight from a transaction file.

use std::path::PathBuf;

use clap::Args;
use custalyze_analysis::playbook::{method, strategy, tier_name};
use custalyze_analysis::{Analysis, CustomerView};

use crate::CliError;
use crate::input::InputArgs;
use crate::report::build::{Money, item_label};
use crate::report::files::Saved;
use crate::report::svg::fmt_pct;

/// Arguments of `custalyze customer`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze report --out report && custalyze customer 10042 --report report
  custalyze customer 12347 --input retail.csv --schema online-retail

With --report DIR the card is read from DIR/analysis.json, the typed analysis `custalyze report`
saved; otherwise the analysis runs on the input (the embedded sample without --input). The id is
accepted as written in the file (00042 and 42 are the same customer). Labels name their scheme:
RFM segment (reference RF map), engagement tier (decides the recommendations), behaviour cluster
(K-Means), CLV tier (quartiles, A highest). Recommended products come from custalyze-recommend's
hybrid for the customer's engagement tier.")]
pub struct CustomerArgs {
    /// Customer id.
    id: String,
    /// A directory written by `custalyze report`.
    #[arg(long, value_name = "DIR", conflicts_with = "input")]
    report: Option<PathBuf>,
    #[command(flatten)]
    input: InputArgs,
    /// Analysis date, YYYY-MM-DD (without --report).
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "report")]
    as_of: Option<String>,
    /// Number of recommended products (at most the number the report saved, 5 by default).
    #[arg(long, value_name = "N", default_value_t = 5)]
    top: usize,
}

/// Reads the analysis a report directory saved.
///
/// # Errors
/// When DIR/analysis.json is missing or not an analysis.
pub fn load_saved(dir: &std::path::Path) -> Result<Saved, CliError> {
    let path = dir.join("analysis.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError(format!(
            "cannot read {} ({e}); run `custalyze report --out {}` first",
            path.display(),
            dir.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        CliError(format!(
            "{} is not a custalyze analysis: {e}",
            path.display()
        ))
    })
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "–".to_string(), f)
}

/// The card as text.
pub fn render(a: &Analysis, c: &CustomerView<'_>, top: usize) -> String {
    let money = Money {
        currency: a.options.currency.clone(),
    };
    let months = a.options.months;
    let f = c.facts;
    let mut s = format!("Customer {}\n", f.customer);
    s.push_str(&format!(
        "  history            {} orders, revenue {}, first {}, last {} (cohort {})\n",
        f.orders,
        money.fmt(f.revenue, 2),
        f.first_purchase,
        f.last_purchase,
        f.cohort()
    ));
    s.push_str(&format!(
        "  RFM segment        {}{}\n",
        c.rfm_segment.unwrap_or("–"),
        c.rfm
            .map(|r| format!(" (R {}, F {}, M {})", r.r_score, r.f_score, r.m_score))
            .unwrap_or_default()
    ));
    if let Some(p) = c.play {
        s.push_str(&format!(
            "  engagement tier    {}: {}\n",
            tier_name(p.tier),
            strategy(p.tier)
        ));
    }
    s.push_str(&format!(
        "  behaviour cluster  {}\n",
        c.cluster.unwrap_or("–")
    ));
    let v = c.value;
    s.push_str(&format!(
        "  next {months} months     P(purchase) {}, {} expected purchases, {} expected revenue\n",
        opt(v.map(|v| v.p_purchase), fmt_pct),
        opt(v.map(|v| v.expected_purchases), |x| format!("{x:.2}")),
        opt(v.and_then(|v| v.expected_revenue), |x| money.fmt(x, 2))
    ));
    s.push_str(&format!(
        "  CLV ({months} months)    {} (tier {}); P(alive) {}\n",
        opt(v.and_then(|v| v.clv), |x| money.fmt(x, 2)),
        v.and_then(|v| v.tier).map_or("–".into(), |t| t.to_string()),
        opt(v.map(|v| v.p_alive), |x| format!("{x:.3}"))
    ));
    if let Some(ch) = c.churn {
        s.push_str(&format!(
            "  churn risk         {} (probability {:.2}, revenue at risk {})\n",
            ch.risk_band.as_str(),
            ch.churn_probability,
            money.fmt(ch.revenue_at_risk, 2)
        ));
    }
    if let Some(p) = c.play {
        if !p.bought.is_empty() {
            s.push_str("  bought most:\n");
            for &i in &p.bought {
                s.push_str(&format!("    - {}\n", item_label(a, i)));
            }
        }
        s.push_str(&format!("  recommended products ({}):\n", method(p.tier)));
        if p.recommended.is_empty() {
            s.push_str("    (none: no products in the data, or every product bought)\n");
        }
        for (k, &i) in p.recommended.iter().take(top).enumerate() {
            s.push_str(&format!("    {}. {}\n", k + 1, item_label(a, i)));
        }
    }
    s
}

/// Runs the command.
pub fn run(args: &CustomerArgs) -> Result<(), CliError> {
    let analysis = match &args.report {
        Some(dir) => load_saved(dir)?.analysis,
        None => {
            let mut options =
                crate::report::options(args.as_of.as_deref(), 12, 0.01, "orders", None)?;
            options.recommendations = args.top;
            crate::report::analyse(
                &args.input,
                &custalyze_analysis::ProductTables::default(),
                &options,
            )?
            .analysis
        }
    };
    let view = analysis.customer(&args.id).ok_or_else(|| {
        CliError(format!(
            "unknown customer {:?}: no such id among the {} customers analysed",
            args.id,
            analysis.facts.len()
        ))
    })?;
    print!("{}", render(&analysis, &view, args.top));
    Ok(())
}
