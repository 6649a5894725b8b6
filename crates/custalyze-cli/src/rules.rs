//! `custalyze rules`: FP-Growth frequent itemsets and association rules.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use clap::Args;
use custalyze_assoc_rules::{AssociationRules, FpGrowth, Metric, Transactions};
use custalyze_transaction_types::Baskets;

use crate::CliError;
use crate::input::InputArgs;

/// Arguments of `custalyze rules`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze rules --baskets baskets.txt --min-support 0.02 --itemsets-out itemsets.csv --rules-out rules.csv
  custalyze rules --baskets quest.txt --separator space --min-count 1000 --max-len 3 --itemsets-out i.csv
  custalyze rules --baskets baskets.txt --metric lift --min-threshold 1.5 --itemsets-out i.csv --rules-out r.csv
  custalyze rules --input online_retail.csv --schema online-retail --min-support 0.01 --itemsets-out i.csv

Basket file: one basket per line, items separated by --separator (item names may contain spaces;
they are trimmed), an empty line is an empty basket and counts in the support denominator.
Without --baskets the baskets are the orders of the transaction input (--input/--schema, or the
embedded sample). ITEMSETS.csv: n_items,itemset,count,support; RULES.csv: antecedents,consequents,
antecedent_support,consequent_support,support,confidence,lift,leverage,conviction,zhangs_metric,
jaccard,certainty,kulczynski (items sorted and joined by |, conviction inf when confidence is 1).
An itemset is frequent when count/n >= min-support. Prints
{\"n_transactions\":..,\"n_itemsets\":..,\"n_rules\":..} on stdout.")]
pub struct RulesArgs {
    /// Basket file (one basket per line).
    #[arg(long, value_name = "FILE", conflicts_with = "input")]
    baskets: Option<PathBuf>,
    /// Item separator of the basket file: one character, or "space" / "tab".
    #[arg(long, value_name = "SEP", default_value = ",")]
    separator: String,
    #[command(flatten)]
    input: InputArgs,
    /// Minimum support as a fraction of the transactions.
    #[arg(long, value_name = "S", default_value_t = 0.01)]
    min_support: f64,
    /// Minimum support as a number of transactions (instead of --min-support).
    #[arg(long, value_name = "N", conflicts_with = "min_support")]
    min_count: Option<u64>,
    /// Longest itemset mined.
    #[arg(long, value_name = "L")]
    max_len: Option<usize>,
    /// Minimum confidence of a rule (when no --metric is given).
    #[arg(long, value_name = "C", default_value_t = 0.5)]
    min_confidence: f64,
    /// Filter rules by this metric instead of confidence (support, lift, leverage, conviction,
    /// zhangs_metric, jaccard, certainty, kulczynski, ...); needs --min-threshold.
    #[arg(long, value_name = "METRIC", requires = "min_threshold")]
    metric: Option<String>,
    /// Threshold for --metric.
    #[arg(long, value_name = "T", requires = "metric")]
    min_threshold: Option<f64>,
    /// Itemsets written: all frequent, closed or maximal (rules always use all).
    #[arg(long, value_name = "KIND", value_enum, default_value_t = KindArg::All)]
    kind: KindArg,
    /// Output CSV of the itemsets.
    #[arg(long, value_name = "ITEMSETS.csv")]
    itemsets_out: PathBuf,
    /// Output CSV of the rules.
    #[arg(long, value_name = "RULES.csv")]
    rules_out: Option<PathBuf>,
}

fn separator(s: &str) -> Result<char, CliError> {
    match s {
        "space" => Ok(' '),
        "tab" | "\\t" => Ok('\t'),
        _ => {
            let mut chars = s.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(c),
                _ => Err(CliError(format!(
                    "the separator {s:?} must be one character, \"space\" or \"tab\""
                ))),
            }
        }
    }
}

fn create(path: &Path) -> Result<BufWriter<File>, CliError> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))
}

/// `--kind` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    /// Every frequent itemset.
    All,
    /// Closed itemsets.
    Closed,
    /// Maximal itemsets.
    Maximal,
}

/// Runs the command.
pub fn run(args: &RulesArgs) -> Result<(), CliError> {
    let tx = match &args.baskets {
        Some(path) => Transactions::read_path(path, separator(&args.separator)?)?,
        None => {
            let loaded = args.input.load()?;
            eprintln!("{}", loaded.report);
            Transactions::from_baskets(&Baskets::from_log(&loaded.log)?)
        }
    };
    let mut params = FpGrowth::params().min_support(args.min_support);
    if let Some(c) = args.min_count {
        params = params.min_count(c);
    }
    if let Some(l) = args.max_len {
        params = params.max_len(l);
    }
    let rule_params = match (&args.metric, args.min_threshold) {
        (Some(m), Some(t)) => AssociationRules::params()
            .metric(m.parse::<Metric>()?)
            .min_threshold(t),
        _ => AssociationRules::params().min_confidence(args.min_confidence),
    };
    let rule_params = rule_params.check()?;
    let itemsets = params.fit(&tx)?;
    let rules = rule_params.fit(&itemsets)?;
    let written = match args.kind {
        KindArg::All => itemsets,
        KindArg::Closed => itemsets.closed(),
        KindArg::Maximal => itemsets.maximal(),
    };
    written.write_csv(create(&args.itemsets_out)?)?;
    if let Some(path) = &args.rules_out {
        rules.write_csv(create(path)?)?;
    }
    println!(
        "{{\"n_transactions\":{},\"n_itemsets\":{},\"n_rules\":{}}}",
        tx.len(),
        written.len(),
        rules.len()
    );
    Ok(())
}
