//! `custalyze generate` and the embedded sample.

use std::path::PathBuf;

use std::sync::OnceLock;

use clap::Args;
use custalyze_datagen::{GeneratedLog, GeneratorConfig, PriceDynamics, generate};
use custalyze_inventory::{StockItem, StockKey, StockTable};
use custalyze_pricing::{ItemAttributes, ItemTable};
use custalyze_transaction_types::Id;

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
  custalyze generate --price-demand --products 200 --weeks 156 --output panel.csv

Writes FILE in the online-retail schema and FILE.params.json with the parameters used
(BG/NBD r, alpha, a, b; Gamma-Gamma p, q, gamma; counts of rows, cancellations and bad rows;
every product's price path, elasticity, lifecycle and unit cost), FILE.items.csv
(item_id,category,unit_cost) and FILE.stock.csv (product,on_hand,on_order,unit_cost: a stock
snapshot at the last day). Prices move (list-price changes, promotions) and demand answers them
with a known elasticity per product; --constant-prices keeps every product at one price and
writes FILE and FILE.params.json only.
With --price-demand: a product panel whose demand responds to price with a known elasticity per
product (promotions, list-price changes, seasonality, lifecycle, intermittent sellers), as FILE
(customer_id,order_id,date,item_id,quantity,unit_price), FILE.items.csv
(item_id,category,unit_cost) and FILE.truth.json (every product's elasticity, prices and
units by week). The same seed gives the same files.")]
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
    /// Every product at one price all span (no price paths, unit costs or stock snapshot).
    #[arg(long)]
    constant_prices: bool,
    /// Inject labelled fraud: 10 card-testing accounts, 20 unusually large orders, 10 spend
    /// spikes and 10 heavy returners (custalyze-datagen's `FraudConfig::default()`), each case
    /// listed under "fraud" in FILE.params.json with its pattern, customer and invoices.
    #[arg(long, conflicts_with = "price_demand")]
    fraud: bool,
    /// Also write marketing touchpoints (customer_id,timestamp,channel,cost) to FILE, with
    /// channels of known effect joined to the log's orders, and the channels' true effects to
    /// FILE.truth.json.
    #[arg(long, value_name = "FILE", conflicts_with = "price_demand")]
    touchpoints: Option<PathBuf>,
    /// Generate a product panel with price-responsive demand instead of a customer log.
    #[arg(long)]
    price_demand: bool,
    /// Products of the panel (with --price-demand).
    #[arg(long, value_name = "N", default_value_t = 200)]
    products: usize,
    /// Weeks of the panel (with --price-demand).
    #[arg(long, value_name = "W", default_value_t = 156)]
    weeks: usize,
    /// Output CSV.
    #[arg(long, value_name = "FILE")]
    output: PathBuf,
}

fn with_suffix(path: &std::path::Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn run_price_demand(args: &GenerateArgs) -> Result<(), CliError> {
    let config = custalyze_datagen::PriceDemandConfig {
        seed: args.seed,
        products: args.products,
        weeks: args.weeks,
        ..custalyze_datagen::PriceDemandConfig::default()
    };
    let pb = progress::stage("generating");
    let panel = custalyze_datagen::generate_price_demand(&config)?;
    pb.finish_and_clear();
    let create = |path: &std::path::Path| {
        std::fs::File::create(path)
            .map(std::io::BufWriter::new)
            .map_err(|e| CliError(format!("cannot write {}: {e}", path.display())))
    };
    panel.write_csv(create(&args.output)?)?;
    let items = with_suffix(&args.output, ".items.csv");
    panel.write_items_csv(create(&items)?)?;
    let truth = with_suffix(&args.output, ".truth.json");
    serde_json::to_writer(
        create(&truth)?,
        &serde_json::json!({ "config": panel.config, "products": panel.products }),
    )?;
    eprintln!(
        "wrote {} ({} lines, {} products x {} weeks), {} and {}",
        args.output.display(),
        panel.lines.len(),
        args.products,
        args.weeks,
        items.display(),
        truth.display()
    );
    Ok(())
}

/// The embedded sample's configuration: [`SAMPLE_CUSTOMERS`] customers, seed [`SAMPLE_SEED`],
/// moving prices (custalyze-datagen's `PriceDynamics::default()`).
pub fn sample_config() -> GeneratorConfig {
    GeneratorConfig {
        customers: SAMPLE_CUSTOMERS,
        seed: SAMPLE_SEED,
        prices: Some(PriceDynamics::default()),
        ..GeneratorConfig::default()
    }
}

/// The embedded sample, generated once per process (deterministically).
fn embedded() -> Result<&'static GeneratedLog, CliError> {
    static SAMPLE: OnceLock<Result<GeneratedLog, String>> = OnceLock::new();
    SAMPLE
        .get_or_init(|| generate(&sample_config()).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| CliError(e.clone()))
}

/// The embedded sample as CSV text.
pub fn embedded_sample() -> Result<String, CliError> {
    Ok(embedded()?.to_csv_string()?)
}

/// The embedded sample's item table: every product's category and unit cost.
pub fn embedded_items() -> Result<ItemTable, CliError> {
    let log = embedded()?;
    Ok(log
        .catalogue
        .products
        .iter()
        .map(|p| {
            (
                Id::parse(&p.stock_code).unwrap_or_else(|| p.stock_code.as_str().into()),
                ItemAttributes {
                    category: Some(p.category.clone()),
                    unit_cost: p.pricing.as_ref().map(|x| x.unit_cost_cents as f64 / 100.0),
                },
            )
        })
        .collect())
}

/// The embedded sample's marketing touchpoints (custalyze-datagen's default channels of known
/// effect), as read from a touchpoint file.
pub fn embedded_touchpoints() -> Result<custalyze_attribution::Touchpoints, CliError> {
    let log = embedded()?;
    let touches = custalyze_datagen::generate_touchpoints(
        log,
        &custalyze_datagen::TouchpointConfig::default(),
    )?;
    let mut buf = Vec::new();
    touches.write_csv(&mut buf)?;
    custalyze_attribution::Touchpoints::from_reader(buf.as_slice())
        .map_err(|e| CliError(e.to_string()))
}

/// The embedded sample's stock snapshot (on hand, on order, unit cost) at its last day.
pub fn embedded_stock() -> Result<StockTable, CliError> {
    let log = embedded()?;
    Ok(log
        .stock
        .iter()
        .map(|s| {
            let p = &log.catalogue.products[s.product];
            (
                StockKey::from(
                    Id::parse(&p.stock_code).unwrap_or_else(|| p.stock_code.as_str().into()),
                ),
                StockItem {
                    on_hand: Some(s.on_hand as f64),
                    on_order: Some(s.on_order as f64),
                    unit_cost: p.pricing.as_ref().map(|x| x.unit_cost_cents as f64 / 100.0),
                },
            )
        })
        .collect())
}

/// Runs the command.
pub fn run(args: &GenerateArgs) -> Result<(), CliError> {
    if args.price_demand {
        return run_price_demand(args);
    }
    let mut config = GeneratorConfig {
        customers: args.customers,
        seed: args.seed,
        prices: (!args.constant_prices).then(PriceDynamics::default),
        ..GeneratorConfig::default()
    };
    if let Some(m) = args.months {
        config.months = m;
    }
    let pb = progress::stage("generating");
    let mut generated = generate(&config)?;
    if args.fraud {
        let cases = custalyze_datagen::inject_fraud(&mut generated, &Default::default())?;
        eprintln!(
            "injected {cases} fraud cases (card testing, large orders, spend spikes, heavy returners), listed under \"fraud\" in the params file"
        );
    }
    pb.finish_and_clear();
    if let Some(path) = &args.touchpoints {
        let config = custalyze_datagen::TouchpointConfig::default();
        let touches = custalyze_datagen::generate_touchpoints(&generated, &config)?;
        let create = |p: &std::path::Path| {
            std::fs::File::create(p)
                .map(std::io::BufWriter::new)
                .map_err(|e| CliError(format!("cannot write {}: {e}", p.display())))
        };
        touches.write_csv(create(path)?)?;
        let truth = with_suffix(path, ".truth.json");
        serde_json::to_writer_pretty(
            create(&truth)?,
            &serde_json::json!({
                "model": "after each touch of channel c the journey converts with probability effect_c; otherwise it goes on with probability 0.7 (at most 8 touches) or ends without a purchase",
                "channels": config.channels,
                "converting_journeys": touches.converting_journeys,
                "null_journeys": touches.null_journeys,
            }),
        )?;
        eprintln!(
            "wrote {} ({} touches: {} converting journeys, {} prospects who did not buy) and {}",
            path.display(),
            touches.touches.len(),
            touches.converting_journeys,
            touches.null_journeys,
            truth.display()
        );
    }
    let params_path = generated
        .write_files(&args.output)
        .map_err(|e| CliError(format!("cannot write {}: {e}", args.output.display())))?;
    if generated.has_prices() {
        eprintln!(
            "wrote {} ({} rows), {}, {}.items.csv and {}.stock.csv",
            args.output.display(),
            generated.rows.len(),
            params_path.display(),
            args.output.display(),
            args.output.display()
        );
    } else {
        eprintln!(
            "wrote {} ({} rows) and {}",
            args.output.display(),
            generated.rows.len(),
            params_path.display()
        );
    }
    Ok(())
}
