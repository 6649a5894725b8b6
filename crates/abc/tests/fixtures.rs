//! Hand-made fixtures whose expected values come from pandas (tests/fixtures/make_expected.py,
//! see tests/fixtures/SOURCES.md). Tolerance 1e-12 relative on values and shares; classes exact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_matches, fixtures, read_csv, small_log, unit_costs};
use custalyze_abc::{
    Abc, AbcClass, AbcXyzMatrix, Dimension, Metric, Xyz, XyzClass, classify_values,
};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};
use custalyze_transaction_types::{Id, Period};

#[test]
fn products_by_revenue_match_pandas() {
    let t = Abc::params(Dimension::Product, Metric::Revenue)
        .fit(&small_log())
        .unwrap();
    assert_matches(
        &t,
        &fixtures().join("expected_abc_products_revenue.csv"),
        1e-12,
    );
    // cup and mug tie at 30: cup (smaller id) is ranked first and is the last A.
    assert_eq!(t.entries[2].id, Id::from("cup"));
    assert_eq!(t.entries[2].class, AbcClass::A);
    assert_eq!(t.entries[3].class, AbcClass::B);
}

#[test]
fn products_by_quantity_match_pandas() {
    let t = Abc::params(Dimension::Product, Metric::Quantity)
        .fit(&small_log())
        .unwrap();
    assert_matches(
        &t,
        &fixtures().join("expected_abc_products_quantity.csv"),
        1e-12,
    );
}

#[test]
fn products_by_margin_match_pandas() {
    let t = Abc::params(Dimension::Product, Metric::Margin)
        .unit_costs(unit_costs())
        .fit(&small_log())
        .unwrap();
    assert_matches(
        &t,
        &fixtures().join("expected_abc_products_margin.csv"),
        1e-12,
    );
    assert!(t.entries.last().unwrap().value < 0.0);
}

#[test]
fn customers_by_revenue_match_pandas() {
    let t = Abc::params(Dimension::Customer, Metric::Revenue)
        .fit(&small_log())
        .unwrap();
    assert_matches(
        &t,
        &fixtures().join("expected_abc_customers_revenue.csv"),
        1e-12,
    );
}

#[test]
fn cdnow_first2000_customers_match_the_oracle_rule() {
    let path =
        fixtures().join("../../../transaction-types/tests/fixtures/CDNOW_master_first2000.txt");
    let log = load_path(path, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    let t = Abc::params(Dimension::Customer, Metric::Revenue)
        .fit(&log)
        .unwrap();
    assert_matches(
        &t,
        &fixtures().join("expected_abc_customers_cdnow_first2000.csv"),
        1e-12,
    );
}

#[test]
fn weekly_xyz_of_products_matches_pandas() {
    let log = small_log();
    let xyz = Xyz::params(Dimension::Product, Period::WEEK)
        .fit(&log)
        .unwrap();
    assert_eq!(xyz.periods, 5);
    let rows = read_csv(&fixtures().join("expected_xyz_products_quantity_W.csv"));
    assert_eq!(xyz.entries.len(), rows.len());
    for row in &rows {
        let e = xyz.get(&Id::parse(&row[0]).unwrap()).unwrap();
        for (got, want) in [(e.mean, &row[1]), (e.std_dev, &row[2]), (e.cv, &row[3])] {
            let want: f64 = want.parse().unwrap();
            assert!(
                (got - want).abs() <= 1e-12 * (1.0 + want.abs()),
                "{e:?} {row:?}"
            );
        }
        let class = match &row[4] {
            "X" => XyzClass::X,
            "Y" => XyzClass::Y,
            _ => XyzClass::Z,
        };
        assert_eq!(e.class, class, "{e:?}");
    }
}

#[test]
fn matrix_counts_and_shares_add_up() {
    let log = small_log();
    let abc = Abc::params(Dimension::Product, Metric::Revenue)
        .fit(&log)
        .unwrap();
    let xyz = Xyz::params(Dimension::Product, Period::WEEK)
        .fit(&log)
        .unwrap();
    let m = AbcXyzMatrix::new(&abc, &xyz).unwrap();
    // tea is A and Y (cv 0.525); pot, cup are A and Z.
    assert_eq!(m.cell(AbcClass::A, XyzClass::Y).count, 1);
    assert_eq!(m.cell(AbcClass::A, XyzClass::Z).count, 2);
    assert!((m.cell(AbcClass::A, XyzClass::Y).value_share - 164.0 / 332.0).abs() < 1e-15);
    let count: usize = m.cells.iter().flatten().map(|c| c.count).sum();
    assert_eq!(count, abc.len());
    let share: f64 = m.cells.iter().flatten().map(|c| c.value_share).sum();
    assert!((share - 1.0).abs() < 1e-12);
    let summary = abc.class_summaries();
    for class in AbcClass::ALL {
        let row: usize = XyzClass::ALL.iter().map(|&x| m.cell(class, x).count).sum();
        assert_eq!(row, summary[class.index()].count);
    }
}

#[test]
fn cut_offs_are_configurable() {
    let ids: Vec<Id> = (1..=4).map(Id::Int).collect();
    let values = vec![50.0, 30.0, 15.0, 5.0];
    let t = Abc::params(Dimension::Customer, Metric::Revenue)
        .cutoffs(0.5, 0.8)
        .fit(&small_log())
        .unwrap();
    assert_eq!(t.cutoffs.a, 0.5);
    let t = classify_values(ids, values, custalyze_abc::Cutoffs::new(0.5, 0.8).unwrap()).unwrap();
    let classes: Vec<AbcClass> = t.entries.iter().map(|e| e.class).collect();
    assert_eq!(
        classes,
        [AbcClass::A, AbcClass::B, AbcClass::C, AbcClass::C]
    );
}

#[test]
fn pareto_curve_runs_from_origin_to_one() {
    let t = Abc::params(Dimension::Product, Metric::Revenue)
        .fit(&small_log())
        .unwrap();
    let curve = t.pareto_curve();
    assert_eq!(curve.len(), t.len() + 1);
    assert_eq!((curve[0].entity_share, curve[0].value_share), (0.0, 0.0));
    let last = curve.last().unwrap();
    assert_eq!(last.entity_share, 1.0);
    assert!((last.value_share - 1.0).abs() < 1e-15);
    assert!((curve[1].entity_share - 1.0 / 7.0).abs() < 1e-15);
    assert!((curve[1].value_share - 164.0 / 332.0).abs() < 1e-15);
}

#[test]
fn xyz_thresholds_are_configurable() {
    let xyz = Xyz::params(Dimension::Product, Period::WEEK)
        .thresholds(0.6, 1.3)
        .fit(&small_log())
        .unwrap();
    assert_eq!(xyz.get(&Id::from("tea")).unwrap().class, XyzClass::X);
    assert_eq!(xyz.get(&Id::from("filter")).unwrap().class, XyzClass::Y);
    assert_eq!(xyz.get(&Id::from("mug")).unwrap().class, XyzClass::Z);
}
