//! CLV model fits on CDNOW against lifetimes' timings (shared/reference/python_timings.json:
//! BG/NBD fit on the 2357-customer summary 0.101 s).
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_benches::shared_dir;
use custalyze_cltv_core::{BgNbd, GammaGamma, ParetoNbd, RfmData, SpendData};

/// The CDNOW calibration summary (x, t_x, T in weeks) with mean repeat spend, or a deterministic
/// synthetic stand-in.
fn cdnow_summary() -> (RfmData, Vec<f64>, &'static str) {
    if let Some(text) = shared_dir()
        .map(|d| d.join("data/cdnow/cdnow_customers_summary_with_transactions.csv"))
        .and_then(|p| std::fs::read_to_string(p).ok())
    {
        let (mut x, mut tx, mut t, mut m) = (vec![], vec![], vec![], vec![]);
        for line in text.lines().skip(1) {
            let v: Vec<f64> = line.split(',').map(|s| s.parse().unwrap()).collect();
            x.push(v[1]);
            tx.push(v[2]);
            t.push(v[3]);
            m.push(v[4]);
        }
        return (RfmData::new(&x, &tx, &t, None).unwrap(), m, "cdnow_2357");
    }
    eprintln!("shared data not found: benchmarking a synthetic 2357-customer summary");
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    // Drawn from the Pareto/NBD story, so that the fits converge as on CDNOW: a purchase rate
    // and an exponential lifetime per customer, exponential gaps until the lifetime or T ends.
    let (mut x, mut tx, mut t, mut m) = (vec![], vec![], vec![], vec![]);
    for _ in 0..2357 {
        let big_t = 27.0 + (next() * 12.0 * 7.0).round() / 7.0;
        let rate = 0.02 + 0.6 * next().powi(3);
        let lifetime = -(1.0 - next()).ln() / (0.01 + 0.15 * next());
        let (mut f, mut r, mut at) = (0.0, 0.0, 0.0);
        loop {
            at += -(1.0 - next()).ln() / rate;
            if at > big_t.min(lifetime) {
                break;
            }
            f += 1.0;
            r = (at * 7.0).floor() / 7.0;
        }
        x.push(f);
        tx.push(r);
        t.push(big_t);
        m.push(if f > 0.0 { 10.0 + 40.0 * next() } else { 0.0 });
    }
    (
        RfmData::new(&x, &tx, &t, None).unwrap(),
        m,
        "synthetic_2357",
    )
}

fn bench_fits(c: &mut Criterion) {
    let (data, m, label) = cdnow_summary();
    let (spend, _) = SpendData::from_customers(&data.x, &m, None).unwrap();
    let mut g = c.benchmark_group("bgnbd_fit");
    g.sample_size(20);
    g.bench_function(label, |b| b.iter(|| BgNbd::params().fit(&data).unwrap()));
    g.finish();
    let mut g = c.benchmark_group("gammagamma_fit");
    g.sample_size(20);
    g.bench_function(label, |b| {
        b.iter(|| GammaGamma::params().fit(&spend).unwrap())
    });
    g.finish();
    let mut g = c.benchmark_group("paretonbd_fit");
    g.sample_size(10);
    g.bench_function(label, |b| {
        b.iter(|| ParetoNbd::params().fit(&data).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_fits);
criterion_main!(benches);
