//! Parameter recovery: BG/NBD and Gamma-Gamma fitted on logs simulated by custalyze-datagen with
//! known parameters recover them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cltv_core::{BgNbd, GammaGamma, RfmData, SpendData};
use custalyze_datagen::{GeneratorConfig, Seasonality, generate};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_reader};
use custalyze_transaction_types::summary::{SummaryOptions, summarize};
use custalyze_transaction_types::{Period, PeriodUnit};

#[test]
fn bgnbd_and_gamma_gamma_recover_the_simulated_parameters() {
    let config = GeneratorConfig::default()
        .customers(5000)
        .seed(11)
        .seasonality(Seasonality::none())
        .cancellation_rate(0.0)
        .bad_row_rate(0.0);
    let log = generate(&config).unwrap();
    let truth = log.record.population;
    let csv = log.to_csv_string().unwrap();
    let loaded = load_reader(
        csv.as_bytes(),
        "sim",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    // The generator's clock is in weeks: days collapse, times in weeks.
    let period = Period::new(PeriodUnit::Day, 7).unwrap();
    let end = config.end().unwrap();
    let table = summarize(
        &loaded.log,
        &SummaryOptions::new(period).observation_end(end),
    )
    .unwrap();
    let fitted = BgNbd::params()
        .fit(&RfmData::from_summary(&table).unwrap())
        .unwrap();
    let p = fitted.params;
    eprintln!(
        "recovered {p:?} (truth r={} alpha={} a={} b={})",
        truth.r, truth.alpha, truth.a, truth.b
    );
    let rel = |a: f64, b: f64| (a - b).abs() / b;
    // Mean purchase rate r/α and mean dropout a/(a+b) are well identified; 15% on 5000 customers.
    assert!(
        rel(p.r / p.alpha, truth.r / truth.alpha) < 0.15,
        "rate {} vs {}",
        p.r / p.alpha,
        truth.r / truth.alpha
    );
    assert!(
        rel(p.a / (p.a + p.b), truth.a / (truth.a + truth.b)) < 0.15,
        "dropout {:?} vs {truth:?}",
        p
    );
    assert!(rel(p.r, truth.r) < 0.25, "r {} vs {}", p.r, truth.r);

    let x: Vec<f64> = table.rows.iter().map(|r| r.frequency).collect();
    let m: Vec<f64> = table.rows.iter().map(|r| r.monetary_value).collect();
    let (spend, _) = SpendData::from_customers(&x, &m, None).unwrap();
    let gg = GammaGamma::params().fit(&spend).unwrap().params;
    // Order values are realised from whole item quantities, so compare the population mean spend.
    let true_mean = truth.p * truth.gamma / (truth.q - 1.0);
    assert!(
        rel(gg.mean_spend(), true_mean) < 0.15,
        "mean spend {} vs {true_mean}",
        gg.mean_spend()
    );
}
