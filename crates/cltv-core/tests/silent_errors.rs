//! The traps that used to give silently wrong numbers (issue 16), one test each: every one of
//! these compiled and returned a number before.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use custalyze_cltv_core::clv::table_lifetime_values;
use custalyze_cltv_core::{
    BgNbd, BgNbdParameters, ClvOptions, Customer, Error, GammaGammaParameters, InputProblem,
    ParetoNbd, RfmData, SpendData, TimeUnit, customer_lifetime_value,
};
use custalyze_transaction_types::{CustomerSummary, Id, Period, PeriodUnit, SummaryTable};

mod common;

/// The CDNOW calibration summaries (2,357 customers, weeks; fixture from lifetimes' datasets) as
/// a weekly summary table.
fn weekly_table() -> SummaryTable {
    let text = common::fixture("cdnow_customers_summary_with_transactions.csv");
    let rows = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|v| v.parse().unwrap()).collect();
            CustomerSummary {
                customer: Id::Int(f[0] as i64),
                frequency: f[1],
                recency: f[2],
                t: f[3],
                monetary_value: f[4],
            }
        })
        .collect();
    SummaryTable {
        period: Period::new(PeriodUnit::Day, 7).unwrap(),
        observation_end: NaiveDate::from_ymd_opt(1997, 9, 30).unwrap(),
        rows,
    }
}

#[test]
fn periods_convert_to_time_units() {
    let p = |s: &str| s.parse::<Period>().unwrap();
    assert_eq!(TimeUnit::try_from(p("7D")).unwrap(), TimeUnit::Week);
    assert_eq!(TimeUnit::try_from(p("W")).unwrap(), TimeUnit::Week);
    assert_eq!(TimeUnit::try_from(p("D")).unwrap(), TimeUnit::Day);
    assert_eq!(TimeUnit::try_from(p("M")).unwrap(), TimeUnit::Month);
    assert!(matches!(
        TimeUnit::try_from(p("14D")),
        Err(Error::UnsupportedPeriod { .. })
    ));
    assert!((TimeUnit::Week.in_units_of(TimeUnit::Day) - 7.0).abs() < 1e-15);
}

#[test]
fn a_weekly_model_refuses_daily_clv_options() {
    // Before: ClvOptions::default() (days) on a model fitted in weeks gave a CLV 5.5x too high.
    let table = weekly_table();
    let data = RfmData::from_summary(&table).unwrap();
    assert_eq!(data.unit, Some(TimeUnit::Week));
    let fitted = BgNbd::params().fit(&data).unwrap();
    assert_eq!(fitted.unit, Some(TimeUnit::Week));
    let daily = ClvOptions::default();
    let e = customer_lifetime_value(
        &fitted,
        &Customer {
            x: 2.0,
            t_x: 10.0,
            t: 30.0,
        },
        20.0,
        &daily,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            Error::UnitMismatch {
                model: TimeUnit::Week,
                requested: TimeUnit::Day
            }
        ),
        "{e}"
    );
    let weekly = ClvOptions {
        unit: TimeUnit::Week,
        ..ClvOptions::default()
    };
    assert!(
        customer_lifetime_value(
            &fitted,
            &Customer {
                x: 2.0,
                t_x: 10.0,
                t: 30.0
            },
            20.0,
            &weekly
        )
        .unwrap()
            > 0.0
    );
    // The unit survives the model's JSON.
    let back: custalyze_cltv_core::FittedBgNbd =
        serde_json::from_str(&serde_json::to_string(&fitted).unwrap()).unwrap();
    assert_eq!(back.unit, Some(TimeUnit::Week));
}

#[test]
fn scoring_checks_its_input() {
    // Before: x = -1 gave NaN and t_x > T a plausible 0.95.
    let fitted = BgNbd::params()
        .fit(&RfmData::from_summary(&weekly_table()).unwrap())
        .unwrap();
    assert!(matches!(
        Customer::new(-1.0, 0.0, 30.0),
        Err(Error::InvalidInput {
            problem: InputProblem::Negative { field: "x", .. },
            ..
        })
    ));
    let after = Customer {
        x: 2.0,
        t_x: 40.0,
        t: 30.0,
    };
    assert!(matches!(
        fitted.p_alive(&after),
        Err(Error::InvalidInput {
            problem: InputProblem::RecencyAfterAge { .. },
            ..
        })
    ));
    let nan = Customer {
        x: f64::NAN,
        t_x: 0.0,
        t: 30.0,
    };
    assert!(fitted.expected_purchases(10.0, &nan).is_err());
    let ok = Customer::new(2.0, 20.0, 30.0).unwrap();
    assert!(fitted.expected_purchases(-1.0, &ok).is_err());
    assert!(fitted.expected_purchases(f64::INFINITY, &ok).is_err());
    let p = fitted.p_alive(&ok).unwrap();
    assert!((0.0..=1.0).contains(&p));
    let between = fitted.expected_purchases_between(10.0, 20.0, &ok).unwrap();
    let (e10, e20) = (
        fitted.expected_purchases(10.0, &ok).unwrap(),
        fitted.expected_purchases(20.0, &ok).unwrap(),
    );
    assert!((between - (e20 - e10)).abs() < 1e-12);
    assert!(fitted.expected_purchases_between(20.0, 10.0, &ok).is_err());
}

#[test]
fn loading_a_model_validates_its_parameters() {
    // Before: r = -1 loaded and scored.
    let bad = r#"{"r": -1.0, "alpha": 4.4, "a": 0.79, "b": 2.4}"#;
    assert!(serde_json::from_str::<BgNbdParameters>(bad).is_err());
    let good = r#"{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}"#;
    assert!(serde_json::from_str::<BgNbdParameters>(good).is_ok());
    assert!(
        serde_json::from_str::<GammaGammaParameters>(r#"{"p": 6.2, "q": 0.0, "v": 15.4}"#).is_err()
    );
    let fitted = r#"{"params": {"r": 0.2, "alpha": -4.0, "a": 0.8, "b": 2.4},
        "report": {"log_likelihood": 0.0, "standard_errors": null, "n_customers": 1.0, "n_params": 4,
                   "iterations": 0, "method": "L-BFGS"}}"#;
    let e = serde_json::from_str::<custalyze_cltv_core::FittedBgNbd>(fitted).unwrap_err();
    assert!(e.to_string().contains("alpha"), "{e}");
}

#[test]
fn spend_data_leaves_out_zero_spend_and_names_customers() {
    // Before: one repeat buyer with mean spend 0 made the whole Gamma-Gamma input fail with
    // "row 10243: mean spend m must be > 0".
    let mut table = weekly_table();
    let repeat = table.rows.iter().filter(|r| r.frequency > 0.0).count();
    table.rows[1].monetary_value = 0.0; // customer 2: x = 1, all repeat purchases worth 0
    let (spend, left) = SpendData::from_summary(&table).unwrap();
    assert_eq!(left.non_positive_spend, 1);
    assert_eq!(left.non_positive_examples, vec![Id::Int(2)]);
    assert_eq!(left.no_repeat_purchase, table.rows.len() - repeat);
    assert_eq!(spend.len(), repeat - 1);
    table.rows[2].frequency = f64::NAN;
    let e = SpendData::from_summary(&table).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidCustomer { customer, problem: InputProblem::NonFinite { .. } } if *customer == Id::Int(3)),
        "{e}"
    );
    assert!(e.to_string().contains("customer 3"), "{e}");
}

#[test]
fn clv_of_a_whole_table_is_keyed_by_customer() {
    let table = weekly_table();
    let fitted = BgNbd::params()
        .fit(&RfmData::from_summary(&table).unwrap())
        .unwrap();
    let gg = GammaGammaParameters::new(6.25, 3.74, 15.44).unwrap();
    let weekly = ClvOptions {
        unit: TimeUnit::Week,
        ..ClvOptions::default()
    };
    let rows = table_lifetime_values(&fitted, &gg, &table, &weekly).unwrap();
    assert_eq!(rows.len(), table.rows.len());
    for (r, s) in rows.iter().zip(&table.rows) {
        assert_eq!(r.customer, s.customer);
        let one = customer_lifetime_value(
            &fitted,
            &Customer {
                x: s.frequency,
                t_x: s.recency,
                t: s.t,
            },
            r.expected_spend,
            &weekly,
        )
        .unwrap();
        assert!((one - r.clv).abs() <= 1e-12 * one.abs().max(1.0));
        if s.frequency == 0.0 {
            assert!((r.expected_spend - gg.mean_spend()).abs() < 1e-12);
        }
    }
    // A daily option on a weekly table is refused too.
    assert!(matches!(
        table_lifetime_values(&fitted, &gg, &table, &ClvOptions::default()),
        Err(Error::UnitMismatch { .. })
    ));
    let mut bad = table.clone();
    bad.rows[5].recency = 99.0;
    assert!(matches!(
        table_lifetime_values(&fitted, &gg, &bad, &weekly),
        Err(Error::InvalidCustomer { customer, .. }) if customer == Id::Int(6)
    ));
}

#[test]
fn customers_acquired_on_the_last_day_are_accepted() {
    // Before: "T must be > 0" rejected the whole data set; lifetimes accepts T = 0.
    let mut table = weekly_table();
    table.rows.push(CustomerSummary {
        customer: Id::from("new"),
        frequency: 0.0,
        recency: 0.0,
        t: 0.0,
        monetary_value: 0.0,
    });
    let data = RfmData::from_summary(&table).unwrap();
    let fitted = BgNbd::params().fit(&data).unwrap();
    let newest = Customer::new(0.0, 0.0, 0.0).unwrap();
    assert_eq!(fitted.p_alive(&newest).unwrap(), 1.0);
    let e = fitted.expected_purchases(10.0, &newest).unwrap();
    assert!((e - fitted.expected_purchases_new(10.0).unwrap()).abs() < 1e-9);
    assert!(ParetoNbd::params().fit(&data).is_ok());
}
