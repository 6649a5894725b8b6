//! RFM, ABC and cohort tables on a large CDNOW-format file (10 million rows from
//! `benches/python/descriptive_10m.py`): the Rust side of the comparison with the pandas code of
//! shared/oracle/oracle_rfm.py. Loads the file once (not timed), then times each table, median of
//! 5 runs.
//!
//! `cargo run --release -p custalyze-benches --example descriptive_10m -- /tmp/cdnow_10m.txt`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use custalyze_benches::median_time;

use chrono::NaiveDate;
use custalyze_abc::{Abc, Cutoffs, Dimension, Metric as AbcMetric, classify_values};
use custalyze_cohort::{Cohorts, Metric};
use custalyze_rfm::{Rfm, SegmentMap};
use custalyze_transaction_types::Period;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/cdnow_10m.txt".into());
    let s = Instant::now();
    let loaded = load_path(&path, &LoadOptions::new(Schema::Cdnow)).expect("load");
    let log = loaded.log;
    println!(
        "loaded {} rows, {} customers in {:?}",
        log.len(),
        log.customer_ids().len(),
        s.elapsed()
    );
    let as_of = NaiveDate::from_ymd_opt(1998, 7, 1).unwrap();
    let map = SegmentMap::reference();
    let rfm = median_time(5, || {
        let t = Rfm::params(as_of).fit(&log).unwrap();
        let segments: Vec<_> = t.rows.iter().map(|r| r.segment(&map)).collect();
        (t, segments)
    });
    let abc = median_time(5, || {
        Abc::params(Dimension::Customer, AbcMetric::Revenue)
            .fit(&log)
            .unwrap()
    });
    // Like for like with pandas' `abc(g)`, which starts from the per-customer totals: classify
    // the 1M totals (copies made before the clock starts).
    let (ids, values) = Abc::params(Dimension::Customer, AbcMetric::Revenue)
        .check()
        .unwrap()
        .values(&log)
        .unwrap();
    let mut inputs: Vec<_> = (0..5).map(|_| (ids.clone(), values.clone())).collect();
    let abc_totals = median_time(5, || {
        let (i, v) = inputs.pop().unwrap();
        classify_values(i, v, Cutoffs::default()).unwrap()
    });
    let cohort = median_time(5, || {
        let t = Cohorts::params(Period::MONTH).fit(&log).unwrap();
        let m = t.matrix(Metric::Retention);
        (t, m)
    });
    println!(
        "{{\"rfm_s\": {}, \"abc_s\": {}, \"abc_from_totals_s\": {}, \"cohorts_s\": {}}}",
        rfm.as_secs_f64(),
        abc.as_secs_f64(),
        abc_totals.as_secs_f64(),
        cohort.as_secs_f64()
    );
}
