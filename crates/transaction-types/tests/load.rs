//! Bad-input tests: one per `ExclusionReason`, and one per load error.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_transaction_types::load::{
    ExclusionReason, GenericColumns, LoadOptions, Schema, ZeroAmounts, load_reader,
};
use custalyze_transaction_types::{DataError, Id};

const HEADER: &str =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n";
const GOOD: &str =
    "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n";

fn retail(rows: &str) -> custalyze_transaction_types::load::Loaded {
    let text = format!("{HEADER}{GOOD}{rows}");
    load_reader(
        text.as_bytes(),
        "test",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap()
}

/// Loads the good row plus `row` and checks that `row` (line 3) is excluded for `reason`.
fn excluded_for(row: &str, reason: ExclusionReason) {
    let loaded = retail(row);
    let r = &loaded.report;
    assert_eq!(r.rows_read, 2, "{row}");
    assert_eq!(r.rows_loaded, 1, "{row}");
    assert_eq!(r.count(reason), 1, "{row}: {r}");
    assert_eq!(r.rows_excluded(), 1, "{row}");
    assert_eq!(r.excluded[&reason].first_lines, vec![3], "{row}");
    assert_eq!(loaded.log.len(), 1);
}

#[test]
fn malformed_row() {
    excluded_for("536366,22633,HAND WARMER\n", ExclusionReason::MalformedRow);
}

#[test]
fn cancellation() {
    excluded_for(
        "C536379,D,Discount,-1,2010-12-01 09:41:00,27.50,14527,United Kingdom\n",
        ExclusionReason::Cancellation,
    );
}

#[test]
fn missing_customer() {
    excluded_for(
        "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,,United Kingdom\n",
        ExclusionReason::MissingCustomer,
    );
}

#[test]
fn missing_order() {
    excluded_for(
        ",22633,HAND WARMER,6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n",
        ExclusionReason::MissingOrder,
    );
}

#[test]
fn unparsable_date() {
    excluded_for(
        "536366,22633,HAND WARMER,6,yesterday,1.85,17850,United Kingdom\n",
        ExclusionReason::UnparsableDate,
    );
    excluded_for(
        "536366,22633,HAND WARMER,6,2010-13-45 08:28:00,1.85,17850,United Kingdom\n",
        ExclusionReason::UnparsableDate,
    );
}

#[test]
fn return_is_negative_quantity_outside_a_cancellation() {
    excluded_for(
        "536366,22633,HAND WARMER,-6,2010-12-01 08:28:00,1.85,17850,United Kingdom\n",
        ExclusionReason::Return,
    );
}

#[test]
fn invalid_quantity() {
    excluded_for(
        "536366,22633,HAND WARMER,0,2010-12-01 08:28:00,1.85,17850,United Kingdom\n",
        ExclusionReason::InvalidQuantity,
    );
    excluded_for(
        "536366,22633,HAND WARMER,six,2010-12-01 08:28:00,1.85,17850,United Kingdom\n",
        ExclusionReason::InvalidQuantity,
    );
    excluded_for(
        "536366,22633,HAND WARMER,NaN,2010-12-01 08:28:00,1.85,17850,United Kingdom\n",
        ExclusionReason::InvalidQuantity,
    );
}

#[test]
fn invalid_price() {
    excluded_for(
        "A563185,B,Adjust bad debt,1,2010-12-01 08:28:00,-11062.06,17850,United Kingdom\n",
        ExclusionReason::InvalidPrice,
    );
    excluded_for(
        "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,inf,17850,United Kingdom\n",
        ExclusionReason::InvalidPrice,
    );
    excluded_for(
        "536366,22633,HAND WARMER,6,2010-12-01 08:28:00,,17850,United Kingdom\n",
        ExclusionReason::InvalidPrice,
    );
}

#[test]
fn zero_amount_is_excluded_by_default_and_kept_on_request() {
    let row = "536366,22633,FREE GIFT,6,2010-12-01 08:28:00,0.00,17850,United Kingdom\n";
    excluded_for(row, ExclusionReason::ZeroAmount);
    let text = format!("{HEADER}{GOOD}{row}");
    let opts = LoadOptions::new(Schema::OnlineRetail).zero_amounts(ZeroAmounts::Keep);
    let loaded = load_reader(text.as_bytes(), "test", &opts).unwrap();
    assert_eq!(loaded.report.rows_loaded, 2);
    assert_eq!(loaded.report.zero_amount_rows_kept, 1);
}

#[test]
fn duplicates_are_counted_and_dropped_on_request() {
    let text = format!("{HEADER}{GOOD}{GOOD}");
    let kept = load_reader(
        text.as_bytes(),
        "t",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    assert_eq!((kept.log.len(), kept.report.duplicate_rows), (2, 1));
    assert_eq!(kept.report.count(ExclusionReason::Duplicate), 0);
    let dropped = load_reader(
        text.as_bytes(),
        "t",
        &LoadOptions::new(Schema::OnlineRetail).drop_duplicates(true),
    )
    .unwrap();
    assert_eq!(dropped.log.len(), 1);
    assert_eq!(dropped.report.count(ExclusionReason::Duplicate), 1);
    assert!(dropped.report.to_string().contains("duplicate"));
}

#[test]
fn report_counts_every_row_once() {
    let rows = "C1,D,x,-1,2010-12-01 09:41:00,1,1,UK\n\
                2,D,x,1,2010-12-01 09:41:00,1,,UK\n\
                3,D,x,-2,2010-12-02 09:41:00,1,5,UK\n\
                4,D,x,1,bad,1,5,UK\n";
    let r = retail(rows).report;
    assert_eq!(r.rows_read, 5);
    assert_eq!(r.rows_loaded + r.rows_excluded(), r.rows_read);
    let text = r.to_string();
    assert!(text.contains("loaded 1 of 5 rows"), "{text}");
    assert!(text.contains("cancellation"), "{text}");
}

#[test]
fn unsorted_input_is_sorted() {
    let rows = "536360,22633,HAND WARMER,1,2010-11-01 08:28:00,1.85,17850,UK\n\
                536361,22633,HAND WARMER,1,2010-10-01 08:28:00,1.85,12346,UK\n";
    let log = retail(rows).log;
    assert_eq!(log.customer_ids(), &[Id::Int(12346), Id::Int(17850)]);
    let rows17850: Vec<i64> = log.customer_rows(1).map(|r| log.timestamps()[r]).collect();
    assert!(rows17850.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn online_retail_ii_header_and_us_dates() {
    let text = "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n\
                489434,85048,15CM CHRISTMAS GLASS BALL,12,12/1/2009 7:45,6.95,13085.0,United Kingdom\n";
    let loaded = load_reader(
        text.as_bytes(),
        "t",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    let t = loaded.log.transaction(0).unwrap();
    assert_eq!(t.customer, Id::Int(13085));
    assert_eq!(t.timestamp.to_string(), "2009-12-01 07:45:00");
    assert!((t.amount - 83.4).abs() < 1e-9);
    assert_eq!(
        loaded.log.item_description(0),
        Some("15CM CHRISTMAS GLASS BALL")
    );
}

#[test]
fn empty_file_is_an_error() {
    let err = load_reader(
        "".as_bytes(),
        "empty.csv",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::NoUsableRows { .. }), "{err}");
    assert!(err.to_string().contains("empty"));
}

#[test]
fn header_only_is_an_error() {
    let err = load_reader(
        HEADER.as_bytes(),
        "h.csv",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no data rows"), "{err}");
}

#[test]
fn all_rows_excluded_is_an_error_that_says_why() {
    let text = format!("{HEADER}1,D,x,1,2010-12-01 09:41:00,1,,UK\n");
    let err = load_reader(
        text.as_bytes(),
        "t.csv",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("missing customer id") && msg.contains("first lines [2]"),
        "{msg}"
    );
}

#[test]
fn missing_column_names_the_column() {
    let err = load_reader(
        "a,b\n1,2\n".as_bytes(),
        "t.csv",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::MissingColumn { ref column, .. } if column == "InvoiceNo"),
        "{err}"
    );
    // Customer and date are required (an amount is not: see a_log_without_money_loads_...).
    let err = load_reader(
        "customer_id,day\n1,2024-01-01\n".as_bytes(),
        "t.csv",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap_err();
    assert!(
        matches!(err, DataError::MissingColumn { ref column, .. } if column == "date"),
        "{err}"
    );
}

#[test]
fn unknown_schema_is_an_error() {
    assert!(matches!(
        Schema::from_name("excel"),
        Err(DataError::UnknownSchema { .. })
    ));
    assert_eq!(
        Schema::from_name("online_retail").unwrap(),
        Schema::OnlineRetail
    );
}

#[test]
fn generic_schema_with_custom_columns_and_synthetic_orders() {
    let cols = GenericColumns {
        customer: "cust".into(),
        date: "day".into(),
        amount: "spend".into(),
        ..GenericColumns::default()
    };
    let text = "cust;day;spend\nA;2024-01-01;5\nA;2024-01-01;7\nB;20240102;-3\nB;2024-01-03;1.5\n";
    let opts = LoadOptions::new(Schema::Generic(cols)).delimiter(b';');
    let loaded = load_reader(text.as_bytes(), "t", &opts).unwrap();
    assert_eq!(loaded.report.count(ExclusionReason::Return), 1);
    assert_eq!(loaded.log.len(), 3);
    // Same customer and time: one synthetic order.
    assert_eq!(loaded.log.order_ids().len(), 2);
    assert!(!loaded.log.has_items());
}

#[test]
fn explicit_day_first_date_format() {
    let text = "customer_id,date,amount\n1,31/12/2023,10\n";
    let opts = LoadOptions::new(Schema::Generic(GenericColumns::default())).date_format("%d/%m/%Y");
    let loaded = load_reader(text.as_bytes(), "t", &opts).unwrap();
    assert_eq!(loaded.log.first_date().unwrap().to_string(), "2023-12-31");
    // Without the format, a day-first date is not guessed.
    let err = load_reader(
        text.as_bytes(),
        "t",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap_err();
    assert!(err.to_string().contains("unparsable date"), "{err}");
}

#[test]
fn cdnow_malformed_and_bad_rows() {
    let text = " 00001 19970101  1   11.77\n 00002 19970112  1\n 00003 19971302  1   5.00\n 00004 19970102  1   -3.00\n";
    let loaded = load_reader(text.as_bytes(), "cd", &LoadOptions::new(Schema::Cdnow)).unwrap();
    let r = &loaded.report;
    assert_eq!(r.count(ExclusionReason::MalformedRow), 1);
    assert_eq!(r.count(ExclusionReason::UnparsableDate), 1);
    assert_eq!(r.count(ExclusionReason::Return), 1);
    assert_eq!(r.rows_loaded, 1);
    assert_eq!(loaded.log.customer_ids(), &[Id::Int(1)]);
}

#[test]
fn io_error_names_the_file() {
    let err = custalyze_transaction_types::load::load_path(
        "/nonexistent/x.csv",
        &LoadOptions::new(Schema::Cdnow),
    )
    .unwrap_err();
    assert!(matches!(err, DataError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/x.csv"));
}

/// A log with only customer and date columns (lifetimes' `summary_data_from_transaction_data`
/// without `monetary_value_col`): every row loads with amount 0, none is excluded as a zero
/// amount, the report says so, and the summary matches lifetimes' frequency, recency and T.
#[test]
fn a_log_without_money_loads_with_zero_amounts() {
    let text = "cust,day\n1,2024-01-01\n1,2024-02-10\n2,2024-01-05\n3,2024-03-01\n3,2024-03-01\n3,2024-04-15\n";
    let cols = GenericColumns {
        customer: "cust".into(),
        date: "day".into(),
        ..GenericColumns::default()
    };
    let loaded = load_reader(
        text.as_bytes(),
        "no-money",
        &LoadOptions::new(Schema::Generic(cols)),
    )
    .unwrap();
    assert_eq!(loaded.report.rows_loaded, 6);
    assert!(loaded.report.no_amounts);
    assert_eq!(loaded.report.zero_amount_rows_kept, 0);
    assert!(
        loaded
            .report
            .to_string()
            .contains("no amount or price column")
    );
    assert!(loaded.log.amounts().iter().all(|a| *a == 0.0));
    let end = chrono::NaiveDate::from_ymd_opt(2024, 4, 15).unwrap();
    let table = custalyze_transaction_types::summarize(
        &loaded.log,
        &custalyze_transaction_types::SummaryOptions::new(custalyze_transaction_types::Period::DAY)
            .observation_end(end),
    )
    .unwrap();
    // lifetimes: (frequency, recency, T) = (1, 40, 105), (0, 0, 101), (1, 45, 45); monetary 0.
    let got: Vec<(f64, f64, f64, f64)> = table
        .rows
        .iter()
        .map(|r| (r.frequency, r.recency, r.t, r.monetary_value))
        .collect();
    assert_eq!(
        got,
        [
            (1.0, 40.0, 105.0, 0.0),
            (0.0, 0.0, 101.0, 0.0),
            (1.0, 45.0, 45.0, 0.0)
        ]
    );
}
