//! Timing harness for docs/benchmarks.md (release build):
//!
//! ```text
//! cargo run --release -p custalyze-assoc-rules --example fpgrowth_timing -- generate 1000000 10000 /tmp/quest_1m.txt
//! cargo run --release -p custalyze-assoc-rules --example fpgrowth_timing -- time FILE SEP MIN_SUPPORT REPS [MIN_CONFIDENCE]
//! ```
//!
//! `time` reads the basket file once (not timed), then runs FP-Growth (and, with a confidence,
//! rule generation) REPS times and prints the median and every run in seconds, as JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use custalyze_assoc_rules::{AssociationRules, FpGrowth, QuestGenerator, Transactions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("generate") => {
            let g = QuestGenerator {
                n_transactions: args[1].parse()?,
                n_items: args[2].parse()?,
                ..QuestGenerator::default()
            };
            let t0 = Instant::now();
            let tx = g.generate()?;
            let gen_s = t0.elapsed().as_secs_f64();
            tx.write(std::fs::File::create(&args[3])?, ' ')?;
            eprintln!(
                "wrote {} baskets ({} item occurrences) to {} (generated in {gen_s:.2} s)",
                tx.len(),
                tx.n_entries(),
                args[3]
            );
        }
        Some("time") => {
            let sep = if args[2] == "space" {
                ' '
            } else {
                args[2].chars().next().unwrap_or(',')
            };
            let tx = Transactions::read_path(&args[1], sep)?;
            let s: f64 = args[3].parse()?;
            let reps: usize = args[4].parse()?;
            let conf: Option<f64> = args.get(5).map(|c| c.parse()).transpose()?;
            let mut runs = Vec::new();
            let (mut n_itemsets, mut n_rules) = (0, 0);
            for _ in 0..reps {
                let t0 = Instant::now();
                let itemsets = FpGrowth::params().min_support(s).fit(&tx)?;
                if let Some(c) = conf {
                    n_rules = AssociationRules::params()
                        .min_confidence(c)
                        .fit(&itemsets)?
                        .len();
                }
                runs.push(t0.elapsed().as_secs_f64());
                n_itemsets = itemsets.len();
            }
            let mut sorted = runs.clone();
            sorted.sort_by(f64::total_cmp);
            let median = sorted[sorted.len() / 2];
            println!(
                "{{\"file\":\"{}\",\"n_transactions\":{},\"min_support\":{s},\"n_itemsets\":{n_itemsets},\"n_rules\":{n_rules},\"threads\":{},\"median_s\":{median},\"runs_s\":{runs:?}}}",
                args[1],
                tx.len(),
                rayon::current_num_threads()
            );
        }
        _ => eprintln!(
            "usage: fpgrowth_timing generate N ITEMS OUT | time FILE SEP MIN_SUPPORT REPS [MIN_CONFIDENCE]"
        ),
    }
    Ok(())
}
