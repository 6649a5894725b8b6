//! The generated CSV loads with the online-retail schema, and the loader's report agrees with the
//! generation record row for row.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use custalyze_datagen::{
    BadRowKind, GeneratedLog, GenerationRecord, GeneratorConfig, RowKind, generate,
};
use custalyze_transaction_types::load::{ExclusionReason, LoadOptions, Schema, load_reader};

fn generated(config: &GeneratorConfig) -> (GeneratedLog, String) {
    let log = generate(config).unwrap();
    let csv = log.to_csv_string().unwrap();
    (log, csv)
}

#[test]
fn load_report_matches_the_record() {
    // Raised rates so that every kind of bad row occurs a fair number of times.
    let config = GeneratorConfig::default()
        .customers(600)
        .seed(3)
        .cancellation_rate(0.05)
        .bad_row_rate(0.03);
    let (log, csv) = generated(&config);
    let rec = &log.record;
    let loaded = load_reader(
        csv.as_bytes(),
        "generated",
        &LoadOptions::new(Schema::OnlineRetail),
    )
    .unwrap();
    let report = &loaded.report;

    assert_eq!(report.rows_read, rec.rows);
    assert_eq!(
        rec.rows,
        rec.sale_rows + rec.cancellation_rows + rec.bad_rows.total()
    );
    assert_eq!(report.rows_loaded, rec.sale_rows);
    assert_eq!(
        report.count(ExclusionReason::Cancellation),
        rec.cancellation_rows
    );
    for kind in BadRowKind::ALL {
        assert!(rec.bad_rows.get(kind) > 0, "no {kind:?} rows");
        assert_eq!(
            report.count(kind.exclusion_reason()),
            rec.bad_rows.get(kind),
            "{kind:?}"
        );
    }
    assert_eq!(report.count(ExclusionReason::MalformedRow), 0);
    assert_eq!(
        report.rows_excluded(),
        rec.cancellation_rows + rec.bad_rows.total()
    );
    assert_eq!(report.customers, rec.customers);
    assert_eq!(report.orders, rec.purchases);
    assert!(report.items <= rec.products); // every item sold is in the catalogue
    assert!(
        report.items as f64 >= 0.95 * rec.products as f64,
        "only {} items sold",
        report.items
    );
    assert_eq!(report.first_date, rec.first_timestamp.map(|t| t.date()));
    assert!(report.last_date.is_some_and(|d| d < rec.end));

    // Revenue of the loaded log equals the record's.
    assert!((loaded.log.total_amount() - rec.revenue).abs() < 1e-6 * rec.revenue);

    // The bad share is the configured one (up to rounding), and guests are the missing customers.
    let share = rec.bad_rows.total() as f64 / rec.rows as f64;
    assert!((share - 0.03).abs() < 1e-3, "bad share {share}");
    assert_eq!(rec.guest_invoices, rec.bad_rows.missing_customer);
    assert_eq!(
        log.rows
            .iter()
            .filter(|r| r.kind == RowKind::Cancellation)
            .count() as u64,
        rec.cancellation_rows
    );
}

#[test]
fn header_and_field_formats() {
    let (log, csv) = generated(&GeneratorConfig::default().customers(100).seed(9));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, custalyze_datagen::HEADER);
    let mut invoices_seen = 0;
    let mut last_invoice = 0u64;
    for (record, row) in reader.records().zip(&log.rows) {
        let record = record.unwrap();
        let invoice = &record[0];
        assert_eq!(invoice.starts_with('C'), row.kind == RowKind::Cancellation);
        let number: u64 = invoice.trim_start_matches('C').parse().unwrap();
        assert!(number >= last_invoice, "invoices out of order");
        if number > last_invoice {
            invoices_seen += 1;
        }
        last_invoice = number;
        let price = &record[5];
        assert_eq!(
            price.split('.').nth(1).map(str::len),
            Some(2),
            "price {price}"
        );
        if row.date_text.is_none() {
            let t = chrono::NaiveDateTime::parse_from_str(&record[4], "%Y-%m-%d %H:%M:%S").unwrap();
            assert_eq!(t, row.timestamp);
        }
        match row.customer {
            Some(id) => assert!((10001..10101).contains(&id) && record[6] == *id.to_string()),
            None => assert_eq!(&record[6], ""),
        }
        assert!(
            record[2].split(' ').count() >= 3,
            "description {}",
            &record[2]
        );
    }
    assert_eq!(invoices_seen as u64, log.record.invoices);
}

#[test]
fn record_round_trips_through_json() {
    let (log, _) = generated(&GeneratorConfig::default().customers(50));
    let json = log.record.to_json().unwrap();
    let back = GenerationRecord::from_json(&json).unwrap();
    assert_eq!(back, log.record);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for key in ["r", "alpha", "a", "b", "p", "q", "gamma"] {
        assert!(value["population"][key].is_f64(), "population.{key}");
    }
    assert_eq!(value["config"]["customers"], 50);
    assert_eq!(value["bad_rows"]["return"], log.record.bad_rows.returns);
    // A partial configuration takes the defaults for the rest.
    let config: GeneratorConfig = serde_json::from_str(r#"{"customers": 10, "seed": 5}"#).unwrap();
    assert_eq!(config, GeneratorConfig::default().customers(10).seed(5));
}

#[test]
fn write_files_writes_the_csv_and_the_record() {
    let (log, csv) = generated(&GeneratorConfig::default().customers(30));
    let dir = std::env::temp_dir().join(format!("custalyze-datagen-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("sample.csv");
    let params = log.write_files(&path).unwrap();
    assert_eq!(params, dir.join("sample.csv.params.json"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), csv);
    let back = GenerationRecord::from_json(&std::fs::read_to_string(&params).unwrap()).unwrap();
    assert_eq!(back, log.record);
    std::fs::remove_dir_all(&dir).unwrap();
}
