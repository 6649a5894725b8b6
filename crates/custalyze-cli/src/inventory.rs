//! `custalyze inventory`: safety stock, reorder points, order quantities and what to order now.

use std::path::PathBuf;

use clap::Args;
use custalyze_inventory::Inventory;

use crate::CliError;
use crate::input::InputArgs;
use crate::output::writer;

/// Arguments of `custalyze inventory`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  custalyze generate --price-demand --products 200 --weeks 156 --output panel.csv
  custalyze inventory --input panel.csv --lead-time-days 14 --service-level 0.95 --output inventory.csv
  custalyze inventory --input panel.csv --stock stock.csv --fill-rate --service-level 0.98 --review-weeks 1 --output -

Per product: weekly demand (weeks without sales count as 0), its Syntetos-Boylan class and
lifecycle stage, a forecast chosen by backtest (SES, naive, seasonal naive, with --arima an ARIMA
whose order auto-ARIMA picks; Croston, SBA, TSB, ADIDA for intermittent demand), safety stock for the service level (normal with a Student-t
factor, or the quantile of the backtest's lead-time errors for intermittent demand), reorder
point, EOQ (needs unit_cost) and, with --stock, what to order now.

--stock is a CSV with product (or item_id) and optional location, on_hand, on_order, unit_cost
columns. With --location-col the plans are per product x location (a stock row with an empty
location gives the unit cost at every location).
Columns written: product,location,class,xyz,demand_class,lifecycle,model,weeks,mean_demand,sd_demand,
backtest_mae,lead_time_demand,service_level,safety_stock_method,safety_stock,reorder_point,eoq,
order_quantity,order_up_to,on_hand,position,order_now,days_of_cover,stockout_risk,overstock,
money_tied_up,unit_cost (demand in units per week). A summary is printed on stderr.")]
pub struct InventoryArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Days from order to receipt.
    #[arg(long, value_name = "DAYS", default_value_t = 14.0)]
    lead_time_days: f64,
    /// Cycle service level (probability of no stockout in a cycle), or with --fill-rate the share
    /// of demand met from stock.
    #[arg(long, value_name = "P", default_value_t = 0.95)]
    service_level: f64,
    /// Read --service-level as a fill-rate target.
    #[arg(long)]
    fill_rate: bool,
    /// Cycle service levels of ABC classes A,B,C (by revenue), e.g. 0.98,0.95,0.90.
    #[arg(long, value_name = "A,B,C")]
    class_service_levels: Option<String>,
    /// Cycle service levels of the nine ABC-XYZ classes AX,AY,AZ,BX,BY,BZ,CX,CY,CZ (XYZ by the
    /// coefficient of variation of monthly units), e.g. 0.99,0.98,0.95,0.97,0.95,0.92,0.95,0.9,0.85.
    #[arg(long, value_name = "AX,...,CZ")]
    abc_xyz_service_levels: Option<String>,
    /// Fixed cost of one order.
    #[arg(long, value_name = "S", default_value_t = 50.0)]
    order_cost: f64,
    /// Holding cost per year as a share of the unit cost.
    #[arg(long, value_name = "H", default_value_t = 0.25)]
    holding_rate: f64,
    /// Periodic review every R weeks (an (R, S) policy); without it, continuous review (s, Q).
    #[arg(long, value_name = "R")]
    review_weeks: Option<f64>,
    /// Weeks of cover beyond which stock is overstock.
    #[arg(long, value_name = "W", default_value_t = 26.0)]
    overstock_weeks: f64,
    /// Also backtest an ARIMA candidate (order by auto-ARIMA) for smooth and erratic demand with
    /// a year of history before the backtest (about 8 ms more per such product).
    #[arg(long)]
    arima: bool,
    /// Stock positions and unit costs: CSV with product and optional on_hand, on_order, unit_cost
    /// (default on the embedded sample: the sample's own snapshot).
    #[arg(long, value_name = "FILE")]
    stock: Option<PathBuf>,
    /// Output CSV ("-" for standard output).
    #[arg(long, value_name = "OUT.csv")]
    output: PathBuf,
}

/// Runs the command.
pub fn run(args: &InventoryArgs) -> Result<(), CliError> {
    let mut params = Inventory::params()
        .lead_time_days(args.lead_time_days)
        .order_cost(args.order_cost)
        .holding_rate(args.holding_rate)
        .overstock_weeks(args.overstock_weeks)
        .arima(args.arima);
    params = if args.fill_rate {
        params.fill_rate(args.service_level)
    } else {
        params.service_level(args.service_level)
    };
    if let Some(r) = args.review_weeks {
        params = params.review_weeks(r);
    }
    let levels = |flag: &str, text: &str, n: usize, example: &str| -> Result<Vec<f64>, CliError> {
        let v: Vec<f64> = text
            .split(',')
            .map(|s| s.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| {
                CliError(format!(
                    "{flag} {text:?}: expected numbers such as {example}"
                ))
            })?;
        if v.len() == n {
            Ok(v)
        } else {
            Err(CliError(format!(
                "{flag} {text:?}: expected {n} levels, such as {example}"
            )))
        }
    };
    if let Some(text) = &args.class_service_levels {
        let v = levels("--class-service-levels", text, 3, "0.98,0.95,0.90")?;
        params = params.class_service_levels(v[0], v[1], v[2]);
    }
    if let Some(text) = &args.abc_xyz_service_levels {
        let v = levels(
            "--abc-xyz-service-levels",
            text,
            9,
            "0.99,0.98,0.95,0.97,0.95,0.92,0.95,0.9,0.85",
        )?;
        params = params.abc_xyz_service_levels([
            [v[0], v[1], v[2]],
            [v[3], v[4], v[5]],
            [v[6], v[7], v[8]],
        ]);
    }
    let params = params.check()?;
    let stock = crate::tables::stock_or_embedded(args.stock.as_deref(), &args.input)?;
    let loaded = args.input.load()?;
    eprintln!("{}", loaded.report);
    let plan = params.fit(&loaded.log, &stock)?;
    plan.write_csv(writer(&args.output)?)?;

    let n = plan.products.len();
    let count = |f: &dyn Fn(&custalyze_inventory::ProductPlan) -> bool| {
        plan.products.iter().filter(|p| f(p)).count()
    };
    let located = plan.products.iter().any(|p| p.location.is_some());
    let what = if located {
        "product x location plans"
    } else {
        "products planned"
    };
    eprintln!(
        "{n} {what} (lead time {} days): {} intermittent or lumpy, {} in decline, {} launched in the last 13 weeks",
        args.lead_time_days,
        count(&|p| matches!(
            p.demand_class,
            Some(
                custalyze_forecast::intermittent::DemandClass::Intermittent
                    | custalyze_forecast::intermittent::DemandClass::Lumpy
            )
        )),
        count(&|p| p.lifecycle == custalyze_inventory::Lifecycle::Decline),
        count(&|p| p.lifecycle == custalyze_inventory::Lifecycle::Launch),
    );
    if !stock.is_empty() {
        let to_order = count(&|p| p.order_now.is_some_and(|q| q > 0.0));
        let at_risk = count(&|p| p.stockout_risk.is_some_and(|r| r > 0.5));
        let over = count(&|p| p.overstock);
        let tied: f64 = plan.products.iter().filter_map(|p| p.money_tied_up).sum();
        eprintln!(
            "with stock: {to_order} to order now, {at_risk} more likely than not to run out within the lead time, {over} overstocked; {tied:.2} tied up in stock"
        );
        if !plan.unknown_stock_items.is_empty() {
            eprintln!(
                "note: {} products of {} never sold in the log and were not planned (e.g. {})",
                plan.unknown_stock_items.len(),
                args.stock.as_deref().map_or_else(
                    || "the embedded sample's stock".to_string(),
                    |p| p.display().to_string()
                ),
                plan.unknown_stock_items[0]
            );
        }
    }
    if plan.excluded_rows > 0 {
        eprintln!(
            "note: {} rows with a quantity of zero or less were left out",
            plan.excluded_rows
        );
    }
    Ok(())
}
