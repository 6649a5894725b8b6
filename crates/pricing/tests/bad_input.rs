//! Bad input: typed errors or flagged products, never a panic.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use custalyze_pricing::{Error, EstimateStatus, ItemAttributes, ItemTable, Objective, Pricing};
use custalyze_transaction_types::{Id, Transaction, TransactionLog};

fn line(week: u32, item: &str, qty: f64, price: f64) -> Transaction {
    let day =
        NaiveDate::from_ymd_opt(2022, 1, 3).unwrap() + chrono::Duration::weeks(i64::from(week));
    Transaction::new(
        Id::Int(i64::from(week % 7) + 1),
        Id::Int(i64::from(week) * 10 + i64::from(item.len() as u8)),
        day.and_hms_opt(10, 0, 0).unwrap(),
        Some(Id::from(item)),
        qty,
        price,
    )
    .unwrap()
}

fn log() -> TransactionLog {
    let mut rows = vec![line(0, "once", 1.0, 5.0)];
    for w in 0..80 {
        rows.push(line(w, "flat", 3.0, 2.5));
        // Prices moving between 4 and 6, demand responding with elasticity about -2.
        let p = 4.0 + f64::from(w % 5) * 0.5;
        rows.push(line(w, "moving", (200.0 * p.powf(-2.0)).round(), p));
    }
    TransactionLog::from_transactions(rows).unwrap()
}

#[test]
fn thin_and_flat_products_are_flagged_not_given_a_number() {
    let fitted = Pricing::params().fit(&log(), &ItemTable::new()).unwrap();
    let get = |id: &str| {
        fitted
            .products
            .iter()
            .find(|p| p.item == Id::from(id))
            .unwrap()
    };
    assert!(matches!(
        get("once").status,
        EstimateStatus::TooFewWeeks { weeks: 1, .. }
    ));
    assert!(get("once").elasticity.is_none());
    assert!(matches!(
        get("flat").status,
        EstimateStatus::TooLittlePriceVariation {
            distinct_prices: 1,
            ..
        }
    ));
    assert!(get("flat").recommendation.is_none());
    let moving = get("moving");
    assert_eq!(moving.status, EstimateStatus::Estimated);
    let e = moving.elasticity.unwrap();
    assert!(e.low < -1.7 && e.high > -2.3 && e.value < -1.7, "{e:?}");
}

#[test]
fn missing_costs_give_no_margin_and_bad_costs_are_errors() {
    let fitted = Pricing::params()
        .objective(Objective::Margin)
        .fit(&log(), &ItemTable::new())
        .unwrap();
    assert!(fitted.products.iter().all(|p| p.recommendation.is_none()));
    let mut items = ItemTable::new();
    items.insert(
        Id::from("moving"),
        ItemAttributes {
            category: None,
            unit_cost: Some(-1.0),
        },
    );
    let e = Pricing::params().fit(&log(), &items);
    assert!(matches!(e, Err(Error::InvalidUnitCost { .. })), "{e:?}");
}

#[test]
fn zero_prices_are_counted_and_a_log_without_sales_is_an_error() {
    let mut rows: Vec<Transaction> = (0..10).map(|w| line(w, "x", 2.0, 3.0)).collect();
    // The log refuses negative quantities; free items (price 0) reach the panel and are left out.
    rows.push(line(3, "x", 2.0, 0.0));
    rows.push(line(4, "x", 1.0, 0.0));
    let log = TransactionLog::from_transactions(rows).unwrap();
    let fitted = Pricing::params().fit(&log, &ItemTable::new()).unwrap();
    assert_eq!(fitted.excluded_rows, 2);
    let returns = TransactionLog::from_transactions([line(0, "x", 1.0, 0.0)]).unwrap();
    let e = Pricing::params().fit(&returns, &ItemTable::new());
    assert!(matches!(e, Err(Error::NoSales { excluded: 1 })), "{e:?}");
    let e = Pricing::params().level(1.5).check();
    assert!(matches!(e, Err(Error::InvalidParameter(_))), "{e:?}");
}
