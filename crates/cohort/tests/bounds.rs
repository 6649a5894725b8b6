//! Daily cohorts over centuries used to try to allocate gigabytes (issue 17); the table is now
//! bounded and the error says what to change.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_cohort::{Cohorts, Error};
use custalyze_transaction_types::Period;
use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_reader};

#[test]
fn centuries_of_daily_cohorts_are_refused() {
    let mut text = String::from("customer_id,date,amount\n");
    // One customer a year from 1901, each buying again in 2199: 298 yearly cohorts spanning
    // about 109,000 days.
    for (k, year) in (1901..2199).enumerate() {
        text.push_str(&format!("{k},{year}-01-01,1\n{k},2199-12-31,1\n"));
    }
    let log = load_reader(
        text.as_bytes(),
        "t",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap()
    .log;
    let e = Cohorts::params(Period::DAY).fit(&log).unwrap_err();
    assert!(matches!(e, Error::TooManyCells { .. }), "{e}");
    assert!(e.to_string().contains("--period"), "{e}");
    // Months are fine.
    assert!(Cohorts::params(Period::MONTH).fit(&log).is_ok());
}
