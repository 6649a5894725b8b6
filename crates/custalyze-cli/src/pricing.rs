//! `custalyze pricing`: price elasticity, recommended prices and promotion effects per product.

use std::path::PathBuf;

use clap::Args;
use custalyze_pricing::{EstimateStatus, Objective, Pricing, ProductPricing};

use crate::CliError;
use crate::input::InputArgs;
use crate::output::writer;

/// Arguments of `custalyze pricing`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze generate --price-demand --products 200 --weeks 156 --output panel.csv
  custalyze pricing --input panel.csv --items panel.csv.items.csv --output pricing.csv
  custalyze pricing --input panel.csv --items panel.csv.items.csv --objective margin --bounds -0.2,0.2 --output -

Per product: weekly units and prices, then a log-log regression of units on price with promotion
and post-promotion indicators, a piecewise-linear trend and annual seasonality (OLS; 95%
intervals), shrunk within categories by empirical Bayes. Products with too few selling weeks, too
little price variation or intermittent demand get a status and no number.

Columns written: product,category,status,elasticity,se,ci_low,ci_high,pooled_elasticity,
pooled_ci_low,pooled_ci_high,n_weeks,n_prices,log_price_sd,mean_weekly_units,current_price,
optimal_price,at_bound,confident,recommended_price,price_change,expected_revenue_change,revenue_change_low,
revenue_change_high,expected_margin_change,margin_change_low,margin_change_high,promo_weeks,
promo_lift,post_promo_change. --items is a CSV with item_id and optional category and unit_cost
columns. The load report and a summary are printed on stderr.")]
pub struct PricingArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Item attributes: CSV with item_id and optional category, unit_cost columns (default on
    /// the embedded sample: the sample's own).
    #[arg(long, value_name = "FILE")]
    items: Option<PathBuf>,
    /// Price changes considered, as fractions of the current price: DOWN,UP.
    #[arg(
        long,
        value_name = "DOWN,UP",
        default_value = "-0.3,0.3",
        allow_hyphen_values = true
    )]
    bounds: String,
    /// What the recommended price maximises: revenue or margin (margin needs unit costs).
    #[arg(long, value_name = "OBJ", default_value = "revenue", value_parser = ["revenue", "margin"])]
    objective: String,
    /// Selling weeks a product needs for an estimate.
    #[arg(long, value_name = "N", default_value_t = 52)]
    min_weeks: usize,
    /// Do not shrink estimates within categories.
    #[arg(long)]
    no_pooling: bool,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

fn parse_bounds(text: &str) -> Result<(f64, f64), CliError> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    match parts.as_slice() {
        [a, b] => Ok((
            a.parse()
                .map_err(|_| CliError(format!("--bounds: {a:?} is not a number")))?,
            b.parse()
                .map_err(|_| CliError(format!("--bounds: {b:?} is not a number")))?,
        )),
        _ => Err(CliError(format!(
            "--bounds {text:?}: expected DOWN,UP such as -0.3,0.3"
        ))),
    }
}

/// Runs the command.
pub fn run(args: &PricingArgs) -> Result<(), CliError> {
    let (down, up) = parse_bounds(&args.bounds)?;
    let objective: Objective = args.objective.parse()?;
    let params = Pricing::params()
        .bounds(down, up)
        .objective(objective)
        .min_weeks(args.min_weeks)
        .pooling(!args.no_pooling)
        .check()?;
    let items = crate::tables::items_or_embedded(args.items.as_deref(), &args.input)?;
    if objective == Objective::Margin && !items.values().any(|a| a.unit_cost.is_some()) {
        return Err(CliError(
            "--objective margin needs unit costs: pass --items FILE with a unit_cost column".into(),
        ));
    }
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let fitted = params.fit(&loaded.log, &items)?;

    fitted.write_csv(writer(&args.output)?)?;

    let count =
        |f: &dyn Fn(&ProductPricing) -> bool| fitted.products.iter().filter(|p| f(p)).count();
    eprintln!(
        "{} products: {} estimated, {} too few weeks, {} too little price variation, {} intermittent, {} collinear",
        fitted.products.len(),
        count(&|p| p.status == EstimateStatus::Estimated),
        count(&|p| matches!(p.status, EstimateStatus::TooFewWeeks { .. })),
        count(&|p| matches!(p.status, EstimateStatus::TooLittlePriceVariation { .. })),
        count(&|p| matches!(p.status, EstimateStatus::IntermittentDemand { .. })),
        count(&|p| p.status == EstimateStatus::CollinearDesign),
    );
    let significant = count(&|p| p.elasticity.is_some_and(|e| e.high < 0.0));
    eprintln!(
        "{significant} with an elasticity whose 95% interval is below 0; {} price changes recommended with confidence (the objective rises over the whole interval), {} kept",
        count(&|p| p.recommendation.is_some_and(|r| r.confident)),
        count(&|p| p.recommendation.is_some_and(|r| !r.confident)),
    );
    let s = fitted.promotions;
    if s.promo_weeks > 0 {
        eprintln!(
            "promotions: {} weeks over {} products, mean discount {:.1}%, mean lift {:+.1}%{}",
            s.promo_weeks,
            s.products,
            100.0 * s.mean_discount,
            100.0 * s.mean_lift,
            s.mean_post_promo_change.map_or(String::new(), |c| format!(
                ", week after {:+.1}%",
                100.0 * c
            ))
        );
    }
    for c in &fitted.categories {
        eprintln!(
            "  category {}: {} products, mean elasticity {:.2} (se {:.2}), spread {:.2}",
            c.category.as_deref().unwrap_or("(none)"),
            c.products,
            c.mean,
            c.mean_se,
            c.tau
        );
    }
    if fitted.excluded_rows > 0 {
        eprintln!(
            "note: {} rows with a quantity or amount of zero or less were left out",
            fitted.excluded_rows
        );
    }
    Ok(())
}
