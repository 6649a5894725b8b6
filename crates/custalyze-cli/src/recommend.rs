//! `custalyze recommend`: the top items for one customer.

use clap::Args;
use custalyze_recommend::{Method, RecommendOptions, Recommenders, segments};
use custalyze_transaction_types::{Baskets, Id};

use crate::CliError;
use crate::input::InputArgs;

/// Arguments of `custalyze recommend`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze recommend --customer 10001                      # on the embedded sample
  custalyze recommend --input retail.csv --schema online-retail --customer 17850 --k 5 --method cf

Models are fitted on the whole file: item-based CF (shrunk cosine, 50 neighbours, shrinkage 10),
TF-IDF on the item descriptions, FP-Growth association rules mined from the baskets (itemsets
of at most 3 items, support >= 0.001, confidence >= 0.1), best sellers. hybrid picks by
engagement tier (the same tiers as `custalyze report` and `custalyze customer`): new or low
engagement = best sellers + content, loyal high value = CF + content, moderate = rules + CF. Items
the customer already bought are never recommended. Writes CSV to stdout:
rank,item_id,description,score; the tier goes to stderr.")]
pub struct RecommendArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The customer's id as written in the file.
    #[arg(long, value_name = "ID")]
    customer: String,
    /// Number of items.
    #[arg(long, value_name = "K", default_value_t = 10)]
    k: usize,
    /// Method.
    #[arg(long, value_name = "METHOD", value_enum, default_value_t = MethodArg::Hybrid)]
    method: MethodArg,
}

/// `--method` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum MethodArg {
    /// The RFM-segment hybrid.
    Hybrid,
    /// Item-based collaborative filtering.
    Cf,
    /// TF-IDF content similarity.
    Content,
    /// Association rules.
    Rules,
    /// Most popular items.
    Popularity,
}

/// Runs the command.
pub fn run(args: &RecommendArgs) -> Result<(), CliError> {
    let customer = Id::parse(args.customer.trim())
        .ok_or_else(|| CliError(format!("--customer {:?} is empty", args.customer)))?;
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let log = &loaded.log;
    let c = log.customer_index(&customer).ok_or_else(|| {
        CliError(format!(
            "unknown customer {customer}; check the id against the input file"
        ))
    })?;
    let baskets = Baskets::from_log(log)?;
    let models = Recommenders::fit(&baskets, log, &RecommendOptions::default())?;
    let segment = segments(log)?
        .get(&customer)
        .copied()
        .unwrap_or(custalyze_recommend::CustomerSegment::NewOrLowEngagement);
    let mut history: Vec<u32> = baskets
        .baskets
        .iter()
        .filter(|b| b.customer as usize == c)
        .flat_map(|b| b.items.iter().copied())
        .collect();
    history.sort_unstable();
    history.dedup();
    let method = match args.method {
        MethodArg::Hybrid => Method::Hybrid,
        MethodArg::Cf => Method::Cf,
        MethodArg::Content => Method::Content,
        MethodArg::Rules => Method::Rules,
        MethodArg::Popularity => Method::Popularity,
    };
    let recs = models.recommend(method, &history, segment, args.k)?;
    eprintln!(
        "customer {customer}: engagement tier {}, {} items bought, method {}",
        custalyze_analysis::playbook::tier_name(segment),
        history.len(),
        clap::ValueEnum::to_possible_value(&args.method)
            .map_or_else(String::new, |v| v.get_name().to_string())
    );
    println!("rank,item_id,description,score");
    for (rank, r) in recs.iter().enumerate() {
        let desc = log.item_description(r.item).unwrap_or("");
        let desc = if desc.contains([',', '"']) {
            format!("\"{}\"", desc.replace('"', "\"\""))
        } else {
            desc.to_string()
        };
        println!(
            "{},{},{},{}",
            rank + 1,
            baskets.item_ids[r.item as usize],
            desc,
            r.score
        );
    }
    Ok(())
}
