//! `custalyze rfm`: RFM scores and segments of every customer at a date.

use crate::output::writer;
use std::fs::File;
use std::path::PathBuf;

use clap::Args;
use custalyze_rfm::{FrequencyRule, Rfm, Scoring, SegmentMap};

use crate::CliError;
use crate::input::InputArgs;

/// Arguments of `custalyze rfm`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze rfm --as-of 2024-01-01 --output rfm.csv          # on the embedded sample
  custalyze rfm --input CDNOW_master.txt --schema cdnow --as-of 1998-07-01 --output rfm.csv
  custalyze rfm --input retail.csv --schema online-retail --as-of 2011-06-01 --map rfm-package \\
      --scoring rfm-package --frequency orders --output rfm_june.csv
  custalyze rfm --as-of 2024-01-01 --segments my_segments.csv --fallback Regular --output rfm.csv

Only transactions dated before --as-of count; recency is the number of days from a customer's
last transaction date to --as-of. Scores 1..=bins are pandas qcut(rank(method=\"first\")) (ties
broken by customer id) or, with --scoring rfm-package, the R rfm package's (ties share a score);
the most recent customers get the highest recency score.
Columns written: customer_id,recency,frequency,monetary,r_score,f_score,m_score,segment.
The load report (rows read, loaded, excluded by reason) is printed on stderr.")]
pub struct RfmArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Snapshot date, YYYY-MM-DD: transactions before it count (exclusive).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: String,
    /// Segment map: default (the classic 10-segment R-F map) or rfm-package (the R rfm package).
    #[arg(long, value_name = "MAP", default_value = "default", value_parser = ["default", "rfm-package"])]
    map: String,
    /// What counts as a purchase: rows (every transaction line) or orders (distinct orders).
    #[arg(long, value_name = "RULE", value_enum, default_value_t = FrequencyArg::Rows)]
    frequency: FrequencyArg,
    /// Number of score bins (1 to 9); the segment maps are written for 5.
    #[arg(long, value_name = "N", default_value_t = 5)]
    bins: usize,
    /// Scoring: pandas (qcut of rank(method="first"): equal-sized bins, ties broken by customer
    /// id) or rfm-package (the R rfm package: quantile breaks + 1, tied customers share a score).
    #[arg(long, value_name = "SCORING", default_value = "pandas", value_parser = ["pandas", "rfm-package"])]
    scoring: String,
    /// Your own segments: a CSV segment,r_min,r_max,f_min,f_max[,m_min,m_max], one rule per row,
    /// first match wins (replaces --map).
    #[arg(long, value_name = "FILE")]
    segments: Option<PathBuf>,
    /// Label of customers no rule of --segments covers.
    #[arg(long, value_name = "LABEL", default_value = "Others")]
    fallback: String,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// `--frequency` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FrequencyArg {
    /// Every transaction line counts.
    Rows,
    /// Distinct orders count.
    Orders,
}

/// Runs the command.
pub fn run(args: &RfmArgs) -> Result<(), CliError> {
    let as_of = crate::input::parse_date("--as-of", &args.as_of)?;
    let map = match (&args.segments, args.map.as_str()) {
        (Some(path), _) => {
            let f = File::open(path)
                .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?;
            SegmentMap::read_csv(std::io::BufReader::new(f), args.fallback.clone())
                .map_err(|e| CliError(format!("{}: {e}", path.display())))?
        }
        (None, "rfm-package") => SegmentMap::rfm_package(),
        (None, _) => SegmentMap::reference(),
    };
    let scoring = if args.scoring == "rfm-package" {
        Scoring::RfmPackage
    } else {
        Scoring::RankFirst
    };
    let rule = match args.frequency {
        FrequencyArg::Rows => FrequencyRule::Rows,
        FrequencyArg::Orders => FrequencyRule::Orders,
    };
    let options = Rfm::params(as_of)
        .frequency_rule(rule)
        .bins(args.bins)
        .scoring(scoring);
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let table = options.fit(&loaded.log)?;
    let after = crate::input::rows_on_or_after(&loaded.log, as_of);
    if after > 0 {
        eprintln!("note: {after} rows dated on or after {as_of} were not counted");
    }
    if args.bins != 5 {
        eprintln!("note: the segment maps are written for 5 bins");
    }
    table.write_csv(writer(&args.output)?, &map)?;
    Ok(())
}
