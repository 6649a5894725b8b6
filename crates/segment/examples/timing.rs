//! Wall-clock timings of the two speed targets of the segment crate, for comparison with SciPy
//! and scikit-learn on the same data (docs/benchmarks.md gives the Python side):
//!
//! - `ward`: ward linkage of the RFM z-matrix of the first 20,000 CDNOW customers (recency at
//!   1998-07-01, transaction rows, dollars; population-sd z-scores), as SciPy's `linkage(X, "ward")`;
//! - `kmeans`: K-Means (k = 8) of a 1,000,000 x 8 matrix of Gaussian blobs generated with
//!   splitmix64 + Box–Muller (the same numbers as the Python script).
//!
//! Run: `cargo run --release -p custalyze-segment --example timing -- ward|kmeans [reps] [n_init]`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use chrono::NaiveDate;
use custalyze_segment::{Algorithm, Hierarchical, KMeans, Method};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};
use ndarray::Array2;

fn rfm20k(path: &str) -> Array2<f64> {
    let log = load_path(path, &LoadOptions::new(Schema::Cdnow))
        .unwrap()
        .log;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let end = (NaiveDate::from_ymd_opt(1998, 7, 1).unwrap() - epoch).num_days();
    let n = log.customer_ids().len().min(20_000);
    let mut x = Array2::zeros((n, 3));
    for c in 0..n {
        let rows = log.customer_rows(c);
        let last = rows.clone().map(|r| log.day(r)).max().unwrap();
        x[[c, 0]] = (end - last) as f64;
        x[[c, 1]] = rows.len() as f64;
        x[[c, 2]] = rows.map(|r| log.amounts()[r]).sum::<f64>();
    }
    for mut col in x.columns_mut() {
        let m = col.sum() / n as f64;
        let sd = (col.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n as f64).sqrt();
        col.mapv_inplace(|v| (v - m) / sd);
    }
    x
}

fn splitmix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The blob matrix of the Python script: row i in blob i % 8, centre 2 ((7c + 3j) mod 5) − 4.
fn blobs(n: usize, d: usize, k: usize) -> Array2<f64> {
    Array2::from_shape_fn((n, d), |(i, j)| {
        let idx = (i * d + j) as u64;
        let u1 = (splitmix(2 * idx) >> 11) as f64 * 2f64.powi(-53);
        let u2 = (splitmix(2 * idx + 1) >> 11) as f64 * 2f64.powi(-53);
        let z = (-2.0 * (-u1).ln_1p()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        let c = i % k;
        2.0 * ((c * 7 + j * 3) % 5) as f64 - 4.0 + z
    })
}

/// CPU seconds (user + system, all threads) used by this process so far, from /proc/self/stat
/// (Linux; 0 elsewhere). Less sensitive than wall time to other load on a shared machine.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which ends with ')'): utime and stime are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    // rest starts at field 3 (state, not numeric, skipped by the parse filter).
    (f.get(10).copied().unwrap_or(0.0) + f.get(11).copied().unwrap_or(0.0)) / 100.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let what = args.get(1).map_or("ward", String::as_str);
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(3);
    match what {
        "ward" | "ward-matrix" | "ward-geometric" => {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/data/cdnow/CDNOW_master.txt"
            );
            let x = rfm20k(path);
            let algorithm = match what {
                "ward-matrix" => Algorithm::Matrix,
                "ward-geometric" => Algorithm::Geometric,
                _ => Algorithm::Auto,
            };
            println!("{:?} first row {:?}", x.dim(), x.row(0));
            let mut times = Vec::new();
            let mut cpu = Vec::new();
            let mut last = 0.0;
            for _ in 0..reps {
                let (t, c) = (Instant::now(), cpu_seconds());
                let z = Hierarchical::params(Method::Ward)
                    .algorithm(algorithm)
                    .fit(x.view())
                    .unwrap();
                times.push(t.elapsed().as_secs_f64());
                cpu.push(cpu_seconds() - c);
                last = z.merges.last().unwrap().distance;
            }
            println!(
                "ward_linkage_20000 ({algorithm:?}) median {:.3} s (cpu {:.2} s) runs {times:?} root height {last}",
                median(times.clone()),
                median(cpu)
            );
        }
        "kmeans" => {
            let n_init: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
            let x = blobs(1_000_000, 8, 8);
            println!("{:?} first row {:?}", x.dim(), x.row(0));
            let mut times = Vec::new();
            let mut cpu = Vec::new();
            let mut info = String::new();
            for _ in 0..reps {
                let (t, c) = (Instant::now(), cpu_seconds());
                let fit = KMeans::params(8)
                    .n_init(n_init)
                    .seed(0)
                    .fit(x.view())
                    .unwrap();
                times.push(t.elapsed().as_secs_f64());
                cpu.push(cpu_seconds() - c);
                info = format!("inertia {} n_iter {}", fit.inertia, fit.n_iter);
            }
            println!(
                "kmeans_1m_x8_ninit{n_init} median {:.3} s (cpu {:.2} s) runs {times:?} {info}",
                median(times.clone()),
                median(cpu)
            );
        }
        other => panic!("unknown timing {other}"),
    }
}
