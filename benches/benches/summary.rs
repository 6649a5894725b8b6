//! Customer summaries (lifetimes' `summary_data_from_transaction_data`) on CDNOW_master and at
//! scale.
//!
//! Groups:
//! - `summary_cdnow`: `summarize` on the loaded CDNOW master log (69,659 rows, 23,570 customers),
//!   daily periods, observation end 1998-06-30: the computation that
//!   `shared/oracle/timings.py` times in Python (`summary_from_transactions_cdnow_master`), with
//!   the data already in memory;
//! - `streaming_cdnow`: the file's bytes (in memory) parsed straight into a
//!   `SummaryAccumulator` with `load_into`, then `finish` (the path that never builds the log);
//! - `load_cdnow`: `load_reader` from the bytes in memory and `load_path` from the file;
//! - `summary_scale`: `summarize` on a synthetic 1,000,000-row log (built once, untimed).
//!
//! Without the shared data (`../shared/data/cdnow/CDNOW_master.txt` from the workspace root) the
//! CDNOW groups run on a synthetic file of the same size and say so; their ids then carry
//! `synthetic` instead of `master`.
//!
//! Run: `cargo bench -p custalyze-benches --bench summary` (add `-- --test` to run each benchmark
//! once as a smoke test).

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use custalyze_benches::{
    CDNOW_MASTER, CDNOW_MASTER_CUSTOMERS, CDNOW_MASTER_ROWS, shared_file, synthetic_cdnow_text,
    synthetic_log,
};
use custalyze_transaction_types::Period;
use custalyze_transaction_types::load::{LoadOptions, Schema, load_into, load_path, load_reader};
use custalyze_transaction_types::summary::{SummaryAccumulator, SummaryOptions, summarize};

/// Rows of the scale case.
const SCALE_ROWS: usize = 1_000_000;
/// Customers of the scale case.
const SCALE_CUSTOMERS: u32 = 200_000;
/// Days the scale case spans (three years).
const SCALE_DAYS: u32 = 1_095;

fn observation_end() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1998, 6, 30)
}

/// The CDNOW bytes and a label: the real master file when present, else a synthetic stand-in.
fn cdnow_input() -> (Vec<u8>, Option<std::path::PathBuf>, &'static str) {
    if let Some(path) = shared_file(CDNOW_MASTER) {
        match std::fs::read(&path) {
            Ok(bytes) => return (bytes, Some(path), "master"),
            Err(e) => eprintln!(
                "cannot read {}: {e}; using a synthetic stand-in",
                path.display()
            ),
        }
    } else {
        eprintln!(
            "{CDNOW_MASTER} not found under the shared directory (../shared from the workspace root, or \
             $CUSTALYZE_SHARED_DIR): benchmarking a synthetic CDNOW-format file of the same size instead"
        );
    }
    let text = synthetic_cdnow_text(CDNOW_MASTER_ROWS, CDNOW_MASTER_CUSTOMERS, 1);
    (text.into_bytes(), None, "synthetic")
}

fn cdnow(c: &mut Criterion) {
    let Some(end) = observation_end() else { return };
    let (bytes, path, label) = cdnow_input();
    let options = LoadOptions::new(Schema::Cdnow);
    let loaded = match load_reader(bytes.as_slice(), label, &options) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("skipping the CDNOW benchmarks: {e}");
            return;
        }
    };
    let log = loaded.log;
    let rows = log.len() as u64;
    let summary_options = SummaryOptions::new(Period::DAY).observation_end(end);
    match summarize(&log, &summary_options) {
        Ok(t) => eprintln!(
            "CDNOW {label}: {rows} rows -> {} customers summarised",
            t.len()
        ),
        Err(e) => {
            eprintln!("skipping the CDNOW benchmarks: {e}");
            return;
        }
    }

    // (a) the computation the Python reference times: data in memory, summary only.
    let mut g = c.benchmark_group("summary_cdnow");
    g.throughput(Throughput::Elements(rows))
        .sample_size(100)
        .measurement_time(Duration::from_secs(3));
    g.bench_function(format!("{label}_D_end_1998-06-30"), |b| {
        b.iter(|| summarize(black_box(&log), black_box(&summary_options)))
    });
    g.finish();

    // (b) streaming: parse the file's bytes straight into per-customer units.
    let mut g = c.benchmark_group("streaming_cdnow");
    g.throughput(Throughput::Elements(rows))
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    g.bench_function(format!("{label}_load_into_accumulator_D"), |b| {
        b.iter(|| {
            let mut acc = SummaryAccumulator::new(Period::DAY, end);
            load_into(black_box(bytes.as_slice()), label, &options, &mut acc)
                .and_then(|_| acc.finish())
        })
    });
    g.finish();

    // (c) the load: parse, validate, intern, sort.
    let mut g = c.benchmark_group("load_cdnow");
    g.throughput(Throughput::Elements(rows))
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    g.bench_function(format!("{label}_load_reader_in_memory"), |b| {
        b.iter(|| load_reader(black_box(bytes.as_slice()), label, &options))
    });
    if let Some(path) = &path {
        g.bench_function(format!("{label}_load_path"), |b| {
            b.iter(|| load_path(black_box(path), &options))
        });
    }
    g.finish();
}

fn scale(c: &mut Criterion) {
    let log = match synthetic_log(SCALE_ROWS, SCALE_CUSTOMERS, SCALE_DAYS, 2024) {
        Ok(log) => log,
        Err(e) => {
            eprintln!("skipping the scale benchmark: {e}");
            return;
        }
    };
    eprintln!(
        "synthetic log: {} rows, {} customers",
        log.len(),
        log.customer_ids().len()
    );
    let options = SummaryOptions::new(Period::DAY);
    let mut g = c.benchmark_group("summary_scale");
    g.throughput(Throughput::Elements(log.len() as u64))
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    g.bench_function("synthetic_1M_rows_D", |b| {
        b.iter(|| summarize(black_box(&log), black_box(&options)))
    });
    let weekly = SummaryOptions::new(Period::WEEK);
    g.bench_function("synthetic_1M_rows_W", |b| {
        b.iter(|| summarize(black_box(&log), black_box(&weekly)))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1));
    targets = cdnow, scale
}
criterion_main!(benches);
