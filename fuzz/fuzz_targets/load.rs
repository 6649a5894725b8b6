//! Any bytes, through every loader: no panic; on success the load report balances, every amount
//! is finite, and summaries have recency <= T.
#![no_main]

use custalyze_transaction_types::load::{GenericColumns, LoadOptions, Schema, load_reader};
use custalyze_transaction_types::{Period, SummaryOptions, summarize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for schema in [
        Schema::Generic(GenericColumns::default()),
        Schema::OnlineRetail,
        Schema::Cdnow,
    ] {
        let Ok(loaded) = load_reader(data, "fuzz", &LoadOptions::new(schema)) else {
            continue;
        };
        let r = &loaded.report;
        assert_eq!(r.rows_read, r.rows_loaded + r.rows_excluded());
        assert!(loaded.log.amounts().iter().all(|a| a.is_finite()));
        if let Ok(table) = summarize(&loaded.log, &SummaryOptions::new(Period::DAY)) {
            for row in &table.rows {
                assert!(row.recency <= row.t && row.monetary_value.is_finite());
            }
        }
    }
});
