//! `custalyze generate` and the embedded sample.

use std::path::PathBuf;

use clap::Args;
use custalyze_datagen::{GeneratorConfig, generate};

use crate::CliError;
use crate::progress;

/// Customers in the embedded sample.
pub const SAMPLE_CUSTOMERS: usize = 1000;
/// Seed of the embedded sample.
pub const SAMPLE_SEED: u64 = 42;

/// Arguments of `custalyze generate`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze generate --customers 5000 --seed 7 --output sample.csv
  custalyze generate --customers 200 --seed 1 --months 12 --output small.csv

Writes FILE in the online-retail schema and FILE.params.json with the parameters used
(BG/NBD r, alpha, a, b; Gamma-Gamma p, q, gamma; counts of rows, cancellations and bad rows).
The same seed gives the same file.")]
pub struct GenerateArgs {
    /// Number of customers.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    customers: usize,
    /// Random seed.
    #[arg(long, value_name = "S", default_value_t = 42)]
    seed: u64,
    /// Length of the simulated span in months.
    #[arg(long, value_name = "M")]
    months: Option<u32>,
    /// Output CSV.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
}

/// The embedded sample as CSV text (generated deterministically at run time).
pub fn embedded_sample() -> Result<String, CliError> {
    let config = GeneratorConfig {
        customers: SAMPLE_CUSTOMERS,
        seed: SAMPLE_SEED,
        ..GeneratorConfig::default()
    };
    Ok(generate(&config)?.to_csv_string()?)
}

/// Runs the command.
pub fn run(args: &GenerateArgs) -> Result<(), CliError> {
    let mut config = GeneratorConfig {
        customers: args.customers,
        seed: args.seed,
        ..GeneratorConfig::default()
    };
    if let Some(m) = args.months {
        config.months = m;
    }
    let pb = progress::stage("generating");
    let generated = generate(&config)?;
    pb.finish_and_clear();
    let params_path = generated
        .write_files(&args.output)
        .map_err(|e| CliError(format!("cannot write {}: {e}", args.output.display())))?;
    eprintln!(
        "wrote {} ({} rows) and {}",
        args.output.display(),
        generated.rows.len(),
        params_path.display()
    );
    Ok(())
}
