//! The optional location column: loaded from a named column, kept through row selections, and
//! an error when the named column is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_reader};
use custalyze_transaction_types::{Id, MISSING_LOCATION};

const CSV: &str = "\
customer_id,date,item_id,quantity,unit_price,store
1,2024-01-01,A,2,1.5,north
1,2024-01-08,A,1,1.5,south
2,2024-01-02,B,3,2.0,north
2,2024-01-09,A,1,1.5,
";

#[test]
fn locations_load_and_survive_selections() {
    let options =
        LoadOptions::new(Schema::Generic(GenericColumns::default())).location_column("store");
    let log = load_reader(CSV.as_bytes(), "t", &options).unwrap().log;
    let ids = log.location_ids();
    let names: Vec<String> = log
        .locations()
        .unwrap()
        .iter()
        .map(|&l| ids[l as usize].to_string())
        .collect();
    // Rows are sorted by customer, then time.
    assert_eq!(names, ["north", "south", "north", MISSING_LOCATION]);
    let early = log
        .until(chrono::NaiveDate::from_ymd_opt(2024, 1, 5).unwrap())
        .unwrap();
    let kept: Vec<&Id> = early
        .locations()
        .unwrap()
        .iter()
        .map(|&l| &early.location_ids()[l as usize])
        .collect();
    assert_eq!(kept, [&Id::from("north"), &Id::from("north")]);

    // Without the option there are no locations; with a wrong name, an error naming it.
    let plain = load_reader(
        CSV.as_bytes(),
        "t",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap()
    .log;
    assert!(plain.locations().is_none() && plain.location_ids().is_empty());
    let err = load_reader(
        CSV.as_bytes(),
        "t",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())).location_column("shop"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("shop"), "{err}");
}

#[test]
fn identical_rows_at_two_locations_are_not_duplicates() {
    let csv = "customer_id,date,item_id,quantity,unit_price,store\n1,2024-01-01,A,1,1.0,x\n1,2024-01-01,A,1,1.0,y\n";
    let options = LoadOptions::new(Schema::Generic(GenericColumns::default()))
        .location_column("store")
        .drop_duplicates(true);
    let log = load_reader(csv.as_bytes(), "t", &options).unwrap().log;
    assert_eq!(log.len(), 2);
}
