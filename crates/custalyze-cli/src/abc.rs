//! `custalyze abc`: ABC (and XYZ) classes of products or customers.

use crate::output::writer;
use std::path::PathBuf;

use clap::Args;
use custalyze_abc::{Abc, Dimension, Metric, Xyz};
use custalyze_transaction_types::Period;
use custalyze_transaction_types::summary::fmt_f64;

use crate::CliError;
use crate::input::InputArgs;

/// Arguments of `custalyze abc`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze abc --by product --value revenue --output abc.csv
  custalyze abc --by product --value quantity --xyz W --output abc_xyz.csv
  custalyze abc --input CDNOW_master.txt --schema cdnow --by customer --output abc_customers.csv
  custalyze abc --by customer --a-cutoff 0.7 --b-cutoff 0.9 --output -

Columns written: id,value,share,cumulative_share,class (rank order: value descending, ties by id);
with --xyz also xyz,cv. Classes: A while the cumulative share is <= the A cut-off, B while <= the
B cut-off, C otherwise. XYZ: population coefficient of variation of per-period quantity over every
period from the first to the last transaction (empty periods count as zero); X < 0.5, Y < 1.0, Z.
The load report is printed on stderr.")]
pub struct AbcArgs {
    #[command(flatten)]
    input: InputArgs,
    /// What to classify: product or customer.
    #[arg(long, value_name = "BY", default_value = "customer", value_parser = ["product", "customer"])]
    by: String,
    /// The value summed per entity: revenue or quantity.
    #[arg(long, value_name = "VALUE", default_value = "revenue", value_parser = ["revenue", "quantity"])]
    value: String,
    /// Upper cumulative share of class A.
    #[arg(long, value_name = "SHARE", default_value_t = 0.80)]
    a_cutoff: f64,
    /// Upper cumulative share of class B.
    #[arg(long, value_name = "SHARE", default_value_t = 0.95)]
    b_cutoff: f64,
    /// Also write XYZ classes from per-period quantities: D, W or M.
    #[arg(long, value_name = "PERIOD")]
    xyz: Option<String>,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// Runs the command.
pub fn run(args: &AbcArgs) -> Result<(), CliError> {
    let by: Dimension = args.by.parse().map_err(CliError)?;
    let metric: Metric = args.value.parse().map_err(CliError)?;
    let period: Option<Period> = args.xyz.as_deref().map(str::parse).transpose()?;
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let log = &loaded.log;
    let abc = Abc::params(by, metric)
        .cutoffs(args.a_cutoff, args.b_cutoff)
        .fit(log)?;
    let xyz = period.map(|p| Xyz::params(by, p).fit(log)).transpose()?;
    let lookup: std::collections::HashMap<_, _> = xyz
        .iter()
        .flat_map(|t| t.entries.iter())
        .map(|e| (&e.id, e))
        .collect();
    let mut out = csv::Writer::from_writer(writer(&args.output)?);
    let mut header = vec!["id", "value", "share", "cumulative_share", "class"];
    if xyz.is_some() {
        header.extend(["xyz", "cv"]);
    }
    out.write_record(&header)?;
    for e in &abc.entries {
        let mut row = vec![
            e.id.to_string(),
            fmt_f64(e.value),
            fmt_f64(e.share),
            fmt_f64(e.cumulative_share),
            e.class.to_string(),
        ];
        if xyz.is_some() {
            let x = lookup
                .get(&e.id)
                .ok_or_else(|| CliError(format!("no XYZ class for {}", e.id)))?;
            row.extend([x.class.to_string(), fmt_f64(x.cv)]);
        }
        out.write_record(&row)?;
    }
    out.flush()?;
    let s = abc.class_summaries();
    eprintln!(
        "{} {}s: A {} ({:.1}% of {}), B {} ({:.1}%), C {} ({:.1}%)",
        abc.len(),
        by,
        s[0].count,
        100.0 * s[0].value_share,
        metric,
        s[1].count,
        100.0 * s[1].value_share,
        s[2].count,
        100.0 * s[2].value_share
    );
    Ok(())
}
