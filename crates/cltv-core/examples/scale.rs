//! Scale check: simulate N customers (default 10 million) from the BG/NBD process, fit BG/NBD and
//! compute 12-month CLV for every customer, with memory proportional to the number of distinct
//! `(x, t_x, T)` histories (customers are simulated in parallel chunks and merged into weighted
//! rows; no per-customer table is ever held).
//!
//! Run: `cargo run --release -p custalyze-cltv-core --example scale [-- N]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::time::Instant;

use custalyze_cltv_core::clv::{ClvOptions, TimeUnit, customer_lifetime_values};
use custalyze_cltv_core::{BgNbd, RfmData};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Exp, Gamma};
use rayon::prelude::*;

type Key = (u32, u32, u32); // x, t_x in days, T in days

fn simulate(chunk: u64, n: u64) -> HashMap<Key, f64> {
    let (r, alpha, a, b) = (0.243, 4.414, 0.793, 2.426);
    let mut rng = ChaCha8Rng::seed_from_u64(7 + chunk);
    let lambda = Gamma::new(r, 1.0 / alpha).unwrap();
    let dropout = Beta::new(a, b).unwrap();
    let mut rows: HashMap<Key, f64> = HashMap::new();
    for _ in 0..n {
        // First purchases spread over 12 weeks, observed until day 273 (39 weeks): T in days.
        let big_t_days = 273 - rng.random_range(0..84u32);
        let big_t = f64::from(big_t_days) / 7.0;
        let (l, p) = (lambda.sample(&mut rng), dropout.sample(&mut rng));
        let (mut x, mut t, mut t_x) = (0u32, 0.0f64, 0.0f64);
        if l > 0.0 {
            let wait = Exp::new(l).unwrap();
            loop {
                t += wait.sample(&mut rng);
                if t > big_t {
                    break;
                }
                x += 1;
                t_x = t;
                if rng.random::<f64>() < p {
                    break;
                }
            }
        }
        let t_x_days = ((t_x * 7.0).floor() as u32).min(big_t_days);
        *rows
            .entry((x, if x == 0 { 0 } else { t_x_days }, big_t_days))
            .or_default() += 1.0;
    }
    rows
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000_000);
    let chunks = 64u64;
    let start = Instant::now();
    let merged = (0..chunks)
        .into_par_iter()
        .map(|c| simulate(c, n / chunks + u64::from(c < n % chunks)))
        .reduce(HashMap::new, |mut a, b| {
            for (k, w) in b {
                *a.entry(k).or_default() += w;
            }
            a
        });
    let mut keys: Vec<Key> = merged.keys().copied().collect();
    keys.sort_unstable();
    let x: Vec<f64> = keys.iter().map(|k| f64::from(k.0)).collect();
    let t_x: Vec<f64> = keys.iter().map(|k| f64::from(k.1) / 7.0).collect();
    let t: Vec<f64> = keys.iter().map(|k| f64::from(k.2) / 7.0).collect();
    let w: Vec<f64> = keys.iter().map(|k| merged[k]).collect();
    let data = RfmData::new(&x, &t_x, &t, Some(&w)).unwrap();
    let simulated = start.elapsed();

    let t0 = Instant::now();
    let fitted = BgNbd::params().fit(&data).unwrap();
    let fit_time = t0.elapsed();

    let t1 = Instant::now();
    let spend = vec![35.0; data.len()];
    let options = ClvOptions {
        months: 12,
        monthly_discount_rate: 0.01,
        unit: TimeUnit::Week,
    };
    let clv = customer_lifetime_values(
        &fitted.params,
        &data.x,
        &data.t_x,
        &data.t,
        &spend,
        &options,
    )
    .unwrap();
    let total: f64 = clv.iter().zip(&data.weight).map(|(c, w)| c * w).sum();
    let clv_time = t1.elapsed();

    println!("customers {n}, distinct histories {}", data.len());
    println!(
        "simulate + merge {simulated:?}; BG/NBD fit {fit_time:?}; CLV for all customers {clv_time:?}"
    );
    println!("fit + CLV: {:?}", fit_time + clv_time);
    let p = fitted.params;
    println!(
        "params r={:.4} alpha={:.4} a={:.4} b={:.4} (simulated 0.243, 4.414, 0.793, 2.426)",
        p.r, p.alpha, p.a, p.b
    );
    println!("mean 12-month CLV per customer {:.3}", total / n as f64);
}
