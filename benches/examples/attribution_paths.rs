//! The Rust side of `benches/python/attribution_compare.py`: the same aggregated paths, read
//! into journeys, attributed by the heuristics and by Markov removal effects (orders 1 and 3).
//!
//! `cargo run --release -p custalyze-benches --example attribution_paths -- PATHS.csv`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use custalyze_attribution::{Journeys, Model, attribute, markov};

fn cpu() -> f64 {
    // CPU time of the process (user + system), from /proc/self/stat (ticks of 1/100 s).
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|s| s.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let path = std::env::args().nth(1).expect("PATHS.csv");
    let journeys = Journeys::read_paths(std::fs::File::open(path).unwrap()).unwrap();
    println!("{} journeys", journeys.journeys.len());
    for _ in 0..2 {
        let (w, c) = (Instant::now(), cpu());
        attribute(
            &journeys,
            &[Model::FirstTouch, Model::LastTouch, Model::Linear],
        )
        .unwrap();
        println!(
            "heuristics: wall {:.3} s, cpu {:.2} s",
            w.elapsed().as_secs_f64(),
            cpu() - c
        );
        let (w, c) = (Instant::now(), cpu());
        markov(&journeys, 1).unwrap();
        println!(
            "markov order 1: wall {:.3} s, cpu {:.2} s",
            w.elapsed().as_secs_f64(),
            cpu() - c
        );
        let (w, c) = (Instant::now(), cpu());
        markov(&journeys, 3).unwrap();
        println!(
            "markov order 3: wall {:.3} s, cpu {:.2} s",
            w.elapsed().as_secs_f64(),
            cpu() - c
        );
    }
}
