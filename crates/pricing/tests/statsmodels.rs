//! The regression against statsmodels: the same weekly design built independently in Python
//! (`tests/fixtures/oracle_pricing_ols.py`) from the same log (`tests/fixtures/panel_log.csv`,
//! written by the ignored test below from custalyze-datagen), fitted with
//! `statsmodels.api.OLS(y, X).fit()`; coefficients, standard errors and 95% intervals must agree
//! to 1e-8.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use custalyze_pricing::panel::WeeklyPanel;
use custalyze_pricing::regression::{Design, DesignSettings, ols};
use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_path};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Writes `panel_log.csv`: `cargo test -p custalyze-pricing --test statsmodels -- --ignored`.
#[test]
#[ignore = "regenerates the fixture"]
fn regenerate_panel_log() {
    let config = custalyze_datagen::PriceDemandConfig {
        products: 4,
        weeks: 110,
        seed: 2024,
        median_weekly_units: 6.0,
        intermittent_share: 0.0,
        ..custalyze_datagen::PriceDemandConfig::default()
    };
    let panel = custalyze_datagen::generate_price_demand(&config).unwrap();
    let file = std::fs::File::create(fixture("panel_log.csv")).unwrap();
    panel.write_csv(file).unwrap();
}

#[test]
fn ols_matches_statsmodels() {
    let log = load_path(
        fixture("panel_log.csv"),
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap()
    .log;
    let panel = WeeklyPanel::from_log(&log).unwrap();
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("ols_statsmodels.json")).unwrap())
            .unwrap();
    let products = reference["products"].as_object().unwrap();
    assert_eq!(products.len(), panel.products.len());
    let mut compared = 0;
    for p in &panel.products {
        let r = &products[&p.item.to_string()];
        let design = Design::new(
            &p.weeks,
            &DesignSettings {
                trend_knot_weeks: 13,
                seasonality: true,
            },
        );
        let names: Vec<&str> = r["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(design.names, names, "{}", p.item);
        assert_eq!(design.y.len() as u64, r["nobs"].as_u64().unwrap());
        let fit = ols(&design).unwrap();
        let close = |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() <= 1e-8 * b.abs().max(1.0),
                "{} {what}: ours {a} statsmodels {b}",
                p.item
            );
        };
        for (j, name) in names.iter().enumerate() {
            close(
                fit.coefficients[j],
                r["params"][j].as_f64().unwrap(),
                &format!("coefficient {name}"),
            );
            close(
                fit.std_errors[j],
                r["bse"][j].as_f64().unwrap(),
                &format!("standard error {name}"),
            );
            let (lo, hi) = fit.interval(j, 0.95).unwrap();
            close(
                lo,
                r["ci_low"][j].as_f64().unwrap(),
                &format!("ci low {name}"),
            );
            close(
                hi,
                r["ci_high"][j].as_f64().unwrap(),
                &format!("ci high {name}"),
            );
        }
        close(fit.sigma2, r["scale"].as_f64().unwrap(), "sigma2");
        close(fit.r_squared, r["rsquared"].as_f64().unwrap(), "r squared");
        compared += 1;
    }
    assert_eq!(compared, 4);
}
