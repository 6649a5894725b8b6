//! Wall time of every stage of the analysis on a transaction file (online-retail layout, e.g. one
//! written by `custalyze generate`):
//! `cargo run --release -p custalyze-analysis --example stage_timing -- FILE.csv`.

use std::time::Instant;

use custalyze_analysis::{Analysis, AnalysisOptions, Stage};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: stage_timing FILE.csv")?;
    let t0 = Instant::now();
    let log = load_path(&path, &LoadOptions::new(Schema::OnlineRetail))?.log;
    println!(
        "load {:.2} s, {} rows",
        t0.elapsed().as_secs_f64(),
        log.len()
    );
    let start = Instant::now();
    let mut last: Option<(Stage, Instant)> = None;
    let analysis = Analysis::run_with_progress(&log, &AnalysisOptions::new(), &mut |stage| {
        if let Some((s, t)) = last.take() {
            println!("{:<14} {:.3} s", s.name(), t.elapsed().as_secs_f64());
        }
        last = Some((stage, Instant::now()));
    })?;
    if let Some((s, t)) = last {
        println!("{:<14} {:.3} s", s.name(), t.elapsed().as_secs_f64());
    }
    println!(
        "total {:.2} s, {} customers, {} failed stages",
        start.elapsed().as_secs_f64(),
        analysis.facts.len(),
        analysis.failures().len()
    );
    Ok(())
}
