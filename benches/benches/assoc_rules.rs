//! FP-Growth and association rules against mlxtend (`shared/oracle/timings.py`: `fpgrowth` and
//! `fpgrowth` + `association_rules(metric="confidence", min_threshold=0.5)`) and pyfim
//! (`shared/oracle/peer_timings.py`: `fim.fpgrowth(tx, target="s", supp=...)`), with the baskets
//! already in memory. Without the shared data, synthetic baskets of the same shape stand in.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use custalyze_assoc_rules::{AssociationRules, FpGrowth, QuestGenerator, Transactions};
use custalyze_benches::shared_file;

fn load(rel: &str, sep: char, stand_in: QuestGenerator) -> (Transactions, &'static str) {
    match shared_file(rel) {
        Some(p) => (Transactions::read_path(p, sep).unwrap(), "shared"),
        None => {
            eprintln!("{rel} not found: using synthetic baskets (not comparable with Python)");
            (stand_in.generate().unwrap(), "synthetic")
        }
    }
}

fn fp_and_rules(tx: &Transactions, s: f64) -> usize {
    let itemsets = FpGrowth::params().min_support(s).fit(tx).unwrap();
    AssociationRules::params()
        .min_confidence(0.5)
        .fit(&itemsets)
        .unwrap()
        .len()
}

fn bench_assoc(c: &mut Criterion) {
    let (cos, tag) = load(
        "data/baskets/cosmetics_baskets.txt",
        ',',
        QuestGenerator {
            n_transactions: 1000,
            n_items: 14,
            n_patterns: 5,
            mean_len: 4.0,
            ..QuestGenerator::default()
        },
    );
    let mut g = c.benchmark_group("assoc_cosmetics");
    g.bench_function(format!("{tag}_fpgrowth_s0.02"), |b| {
        b.iter(|| FpGrowth::params().min_support(0.02).fit(&cos).unwrap())
    });
    g.bench_function(format!("{tag}_fpgrowth_rules_s0.02_conf0.5"), |b| {
        b.iter(|| fp_and_rules(&cos, 0.02))
    });
    g.finish();

    let (syn, tag) = load(
        "data/baskets/synthetic_quest_10k.txt",
        ' ',
        QuestGenerator {
            n_transactions: 10_000,
            n_items: 300,
            n_patterns: 60,
            ..QuestGenerator::default()
        },
    );
    let mut g = c.benchmark_group("assoc_synthetic10k");
    for s in [0.04, 0.02] {
        g.bench_function(format!("{tag}_fpgrowth_s{s}"), |b| {
            b.iter(|| FpGrowth::params().min_support(s).fit(&syn).unwrap())
        });
    }
    g.bench_function(format!("{tag}_fpgrowth_rules_s0.02_conf0.5"), |b| {
        b.iter(|| fp_and_rules(&syn, 0.02))
    });
    g.finish();

    // The pyfim scale case: 1,000,000 baskets over 10,000 items at 0.1 % support (generated
    // here with the same model as peer_timings.big_baskets, not the same random stream).
    let big = QuestGenerator::default().generate().unwrap();
    let mut g = c.benchmark_group("assoc_quest1m");
    g.sample_size(10);
    g.bench_function("fpgrowth_s0.001", |b| {
        b.iter(|| FpGrowth::params().min_support(0.001).fit(&big).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_assoc);
criterion_main!(benches);
