//! One test per bad-input error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::NaiveDate;
use common::{small_log, unit_costs};
use custalyze_abc::{
    Abc, AbcXyzMatrix, Cutoffs, Dimension, Error, Metric, UnitCosts, Xyz, XyzThresholds,
    classify_values,
};
use custalyze_transaction_types::{Id, Period, PeriodUnit, Transaction, TransactionLog};

fn log_without_items() -> TransactionLog {
    let at = NaiveDate::from_ymd_opt(2024, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    TransactionLog::from_transactions([Transaction::new(
        Id::Int(1),
        Id::Int(1),
        at,
        None,
        1.0,
        5.0,
    )
    .unwrap()])
    .unwrap()
}

#[test]
fn by_product_without_items_is_an_error() {
    let e = Abc::params(Dimension::Product, Metric::Revenue).fit(&log_without_items());
    assert!(matches!(e, Err(Error::NoItems)), "{e:?}");
    let e = Xyz::params(Dimension::Product, Period::DAY).fit(&log_without_items());
    assert!(matches!(e, Err(Error::NoItems)), "{e:?}");
}

#[test]
fn margin_without_items_is_an_error() {
    let e = Abc::params(Dimension::Customer, Metric::Margin).fit(&log_without_items());
    assert!(matches!(e, Err(Error::NoItems)), "{e:?}");
}

#[test]
fn missing_unit_cost_is_an_error() {
    let mut costs = unit_costs();
    costs.remove(&Id::from("mug"));
    let e = Abc::params(Dimension::Product, Metric::Margin)
        .unit_costs(costs)
        .fit(&small_log());
    assert!(
        matches!(&e, Err(Error::MissingUnitCost { item }) if item == &Id::from("mug")),
        "{e:?}"
    );
}

#[test]
fn negative_or_nan_unit_cost_is_an_error() {
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        let mut costs = unit_costs();
        costs.insert(Id::from("tea"), bad);
        let e = Abc::params(Dimension::Customer, Metric::Margin)
            .unit_costs(costs)
            .fit(&small_log());
        assert!(matches!(e, Err(Error::InvalidUnitCost { .. })), "{e:?}");
    }
}

#[test]
fn invalid_cutoffs_are_rejected() {
    for (a, b) in [(0.0, 0.9), (0.9, 0.8), (0.8, 1.1), (f64::NAN, 0.9)] {
        assert!(matches!(
            Cutoffs::new(a, b),
            Err(Error::InvalidCutoffs { .. })
        ));
        let e = Abc::params(Dimension::Customer, Metric::Revenue)
            .cutoffs(a, b)
            .fit(&small_log());
        assert!(matches!(e, Err(Error::InvalidCutoffs { .. })), "{e:?}");
    }
}

#[test]
fn invalid_xyz_thresholds_are_rejected() {
    for (x, y) in [
        (0.0, 1.0),
        (1.0, 0.5),
        (0.5, f64::INFINITY),
        (f64::NAN, 1.0),
    ] {
        assert!(matches!(
            XyzThresholds::new(x, y),
            Err(Error::InvalidXyzThresholds { .. })
        ));
        let e = Xyz::params(Dimension::Customer, Period::DAY)
            .thresholds(x, y)
            .fit(&small_log());
        assert!(
            matches!(e, Err(Error::InvalidXyzThresholds { .. })),
            "{e:?}"
        );
    }
}

#[test]
fn non_positive_total_is_an_error() {
    let e = classify_values(
        vec![Id::Int(1), Id::Int(2)],
        vec![0.0, 0.0],
        Cutoffs::default(),
    );
    assert!(matches!(e, Err(Error::NonPositiveTotal { .. })), "{e:?}");
    let mut costs = UnitCosts::new();
    for id in small_log().item_ids() {
        costs.insert(id.clone(), 1000.0);
    }
    let e = Abc::params(Dimension::Product, Metric::Margin)
        .unit_costs(costs)
        .fit(&small_log());
    assert!(matches!(e, Err(Error::NonPositiveTotal { .. })), "{e:?}");
}

#[test]
fn empty_input_is_an_error() {
    let e = classify_values(vec![], vec![], Cutoffs::default());
    assert!(matches!(e, Err(Error::Empty)), "{e:?}");
    let e = Xyz::params(Dimension::Customer, Period::DAY).fit(&TransactionLog::default());
    assert!(matches!(e, Err(Error::Empty)), "{e:?}");
}

#[test]
fn length_mismatch_is_an_error() {
    let e = classify_values(vec![Id::Int(1)], vec![1.0, 2.0], Cutoffs::default());
    assert!(
        matches!(e, Err(Error::LengthMismatch { ids: 1, values: 2 })),
        "{e:?}"
    );
}

#[test]
fn duplicate_id_is_an_error() {
    let e = classify_values(
        vec![Id::Int(1), Id::Int(1)],
        vec![1.0, 2.0],
        Cutoffs::default(),
    );
    assert!(matches!(e, Err(Error::DuplicateId { .. })), "{e:?}");
}

#[test]
fn non_finite_value_is_an_error() {
    let e = classify_values(vec![Id::Int(1)], vec![f64::NAN], Cutoffs::default());
    assert!(matches!(e, Err(Error::NonFiniteValue { .. })), "{e:?}");
}

#[test]
fn unmatched_entity_in_matrix_is_an_error() {
    let log = small_log();
    let abc = Abc::params(Dimension::Product, Metric::Revenue)
        .fit(&log)
        .unwrap();
    let mut xyz = Xyz::params(Dimension::Product, Period::WEEK)
        .fit(&log)
        .unwrap();
    xyz.entries.retain(|e| e.id != Id::from("tea"));
    let e = AbcXyzMatrix::new(&abc, &xyz);
    assert!(matches!(e, Err(Error::UnmatchedEntity { .. })), "{e:?}");
}

#[test]
fn types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Error>();
    check::<Abc>();
    check::<Xyz>();
    check::<custalyze_abc::AbcTable>();
    check::<custalyze_abc::XyzTable>();
}

#[test]
fn check_rejects_bad_settings_before_any_data() {
    let mut costs = UnitCosts::new();
    // An item the log never sells: `fit` would not look at it, `check` does.
    costs.insert(Id::from("unsold"), -2.0);
    let e = Abc::params(Dimension::Product, Metric::Margin)
        .unit_costs(costs.clone())
        .check();
    assert!(
        matches!(&e, Err(Error::InvalidUnitCost { item, .. }) if item == &Id::from("unsold")),
        "{e:?}"
    );
    let e = Xyz::params(Dimension::Product, Period::DAY)
        .unit_costs(costs)
        .check();
    assert!(matches!(e, Err(Error::InvalidUnitCost { .. })), "{e:?}");
    let hours = Period::new(PeriodUnit::Hour, 1).unwrap();
    let e = Xyz::params(Dimension::Product, hours).check();
    assert!(matches!(e, Err(Error::Data(_))), "{e:?}");
    assert!(
        Abc::params(Dimension::Customer, Metric::Revenue)
            .cutoffs(0.5, 0.9)
            .check()
            .is_ok()
    );
}
