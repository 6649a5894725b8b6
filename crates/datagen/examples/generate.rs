//! Generates a sample log and prints its record: `cargo run -p custalyze-datagen --example generate
//! -- [customers] [seed] [output.csv]`.

use custalyze_datagen::{GeneratorConfig, generate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let customers = args.next().map(|s| s.parse()).transpose()?.unwrap_or(2000);
    let seed = args.next().map(|s| s.parse()).transpose()?.unwrap_or(42);
    let config = GeneratorConfig::default().customers(customers).seed(seed);
    let started = std::time::Instant::now();
    let log = generate(&config)?;
    let elapsed = started.elapsed();
    match args.next() {
        Some(path) => {
            let params = log.write_files(&path)?;
            eprintln!("wrote {path} and {}", params.display());
        }
        None => println!("{}", log.record.to_json()?),
    }
    eprintln!(
        "{} customers, {} purchases, {} rows in {:.2?}",
        log.record.customers, log.record.purchases, log.record.rows, elapsed
    );
    Ok(())
}
