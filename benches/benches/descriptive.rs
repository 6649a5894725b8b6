//! RFM, ABC and cohort tables on CDNOW master against the pandas code of shared/oracle/oracle_rfm.py
//! (`rfm(m)`: groupby + rank-first qcut scores + regex segment map; `abc(g)`: customer ABC on the
//! RFM table's monetary column; `cohorts(m)`: monthly
//! acquisition cohorts, active customers and retention).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_abc::{Abc, Dimension, Metric as AbcMetric};
use custalyze_benches::{CDNOW_MASTER, shared_dir};
use custalyze_cohort::{Cohorts, Metric};
use custalyze_rfm::{Rfm, SegmentMap};
use custalyze_transaction_types::Period;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn bench_descriptive(c: &mut Criterion) {
    let Some(path) = shared_dir()
        .map(|d| d.join(CDNOW_MASTER))
        .filter(|p| p.exists())
    else {
        eprintln!("shared data not found: skipping the RFM and cohort benchmarks");
        return;
    };
    let log = load_path(&path, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    let as_of = NaiveDate::from_ymd_opt(1998, 7, 1).unwrap();
    let map = SegmentMap::reference();
    let mut g = c.benchmark_group("rfm_cdnow");
    g.bench_function("master_scores_and_segments", |b| {
        b.iter(|| {
            let t = Rfm::params(as_of).fit(&log).unwrap();
            let segments: Vec<_> = t.rows.iter().map(|r| r.segment(&map)).collect();
            (t, segments)
        })
    });
    g.finish();
    let mut g = c.benchmark_group("abc_cdnow");
    g.bench_function("master_customers_by_revenue", |b| {
        b.iter(|| {
            Abc::params(Dimension::Customer, AbcMetric::Revenue)
                .fit(&log)
                .unwrap()
        })
    });
    g.finish();
    let mut g = c.benchmark_group("cohort_cdnow");
    g.bench_function("master_monthly_retention", |b| {
        b.iter(|| {
            let t = Cohorts::params(Period::MONTH).fit(&log).unwrap();
            let m = t.matrix(Metric::Retention);
            (t, m)
        })
    });
    g.finish();
}

criterion_group!(benches, bench_descriptive);
criterion_main!(benches);
