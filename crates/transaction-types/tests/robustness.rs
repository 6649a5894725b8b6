//! Inputs that used to abort, hang or lose rows silently (issue 17): each is now excluded with a
//! counted reason, and the load report balances (rows read = loaded + excluded).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_transaction_types::load::{
    ExclusionReason, GenericColumns, LoadOptions, LoadReport, Schema, load_reader,
};

fn generic(bytes: &[u8]) -> custalyze_transaction_types::load::Loaded {
    load_reader(
        bytes,
        "t.csv",
        &LoadOptions::new(Schema::Generic(GenericColumns::default())),
    )
    .unwrap()
}

fn balanced(r: &LoadReport) {
    assert_eq!(r.rows_read, r.rows_loaded + r.rows_excluded(), "{r}");
}

#[test]
fn dates_outside_the_window_are_excluded_and_counted() {
    let text = "customer_id,date,amount\n1,2021-01-01,5\n2,-2021-01-01,5\n3,+262000-01-01,5\n4,9999-12-31,5\n5,1850-06-01,5\n6,2200-12-31,5\n";
    let l = generic(text.as_bytes());
    balanced(&l.report);
    assert_eq!(l.report.rows_loaded, 2, "{}", l.report);
    let out = l.report.count(ExclusionReason::DateOutOfRange)
        + l.report.count(ExclusionReason::UnparsableDate);
    assert_eq!(out, 4, "{}", l.report);
    assert!(l.report.count(ExclusionReason::DateOutOfRange) >= 2);
    // The window is configurable.
    let wide = LoadOptions::new(Schema::Generic(GenericColumns::default())).date_range(
        chrono::NaiveDate::from_ymd_opt(1800, 1, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
    );
    let l = load_reader(text.as_bytes(), "t.csv", &wide).unwrap();
    assert_eq!(l.report.rows_loaded, 4, "{}", l.report);
}

#[test]
fn huge_values_are_excluded_so_sums_stay_finite() {
    let text = "customer_id,date,amount\n1,2021-01-01,1e308\n1,2021-01-02,1e308\n1,2021-01-03,12.5\n2,2021-01-04,1e13\n";
    let l = generic(text.as_bytes());
    balanced(&l.report);
    assert_eq!(
        l.report.count(ExclusionReason::ValueTooLarge),
        3,
        "{}",
        l.report
    );
    assert!(l.log.total_amount().is_finite());
    assert_eq!(l.log.total_amount(), 12.5);
}

#[test]
fn a_row_that_is_not_utf8_is_excluded_not_fatal() {
    let mut bytes = b"customer_id,date,amount\n1,2021-01-01,5\n".to_vec();
    bytes.extend_from_slice(b"2,2021-01-02,\xff\xfe\n");
    bytes.extend_from_slice(b"3,2021-01-03,7\n");
    let l = generic(&bytes);
    balanced(&l.report);
    assert_eq!(
        l.report.count(ExclusionReason::InvalidUtf8),
        1,
        "{}",
        l.report
    );
    assert_eq!(l.report.rows_loaded, 2);
    // CDNOW's whitespace format too.
    let mut cdnow = b"00001 19970101 1 11.77\n".to_vec();
    cdnow.extend_from_slice(b"00002 19970112 1 \xff\n00003 19970102 2 20.76\n");
    let l = load_reader(&cdnow[..], "cdnow", &LoadOptions::new(Schema::Cdnow)).unwrap();
    balanced(&l.report);
    assert_eq!(
        l.report.count(ExclusionReason::InvalidUtf8),
        1,
        "{}",
        l.report
    );
}

#[test]
fn an_unterminated_quote_is_reported() {
    // Line 3 opens a quote that never closes: the reader folds the lines after it into one field.
    let text = "customer_id,date,amount,item_id\n1,2021-01-01,5,A\n2,2021-01-02,6,\"B\n3,2021-01-03,7,C\n4,2021-01-04,8,D\n";
    let l = generic(text.as_bytes());
    assert!(l.report.multiline_rows >= 1, "{}", l.report);
    assert!(
        l.report.to_string().contains("unterminated quote"),
        "{}",
        l.report
    );
}

#[test]
fn a_headerless_cdnow_file_keeps_a_first_row_with_a_text_id() {
    let text = "A0001 19970101 1 11.77\nA0002 19970112 1 29.33\n";
    let l = load_reader(text.as_bytes(), "cdnow", &LoadOptions::new(Schema::Cdnow)).unwrap();
    assert_eq!(l.report.rows_read, 2, "{}", l.report);
    assert_eq!(l.report.rows_loaded, 2, "{}", l.report);
    // A real header (no number in it) is still skipped.
    let text = "customer_id date quantity dollar_value\n00001 19970101 1 11.77\n";
    let l = load_reader(text.as_bytes(), "cdnow", &LoadOptions::new(Schema::Cdnow)).unwrap();
    assert_eq!((l.report.rows_read, l.report.rows_loaded), (1, 1));
}
