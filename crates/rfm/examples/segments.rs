//! Segment sizes, profiles and migration on a CDNOW-format file.
//!
//! ```text
//! cargo run -p custalyze-rfm --example segments -- CDNOW_master.txt 1998-01-01 1998-07-01
//! ```

use chrono::NaiveDate;
use custalyze_rfm::{MigrationMatrix, Rfm, SegmentMap};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, from, to] = args.as_slice() else {
        return Err("usage: segments FILE FROM_DATE TO_DATE (dates as YYYY-MM-DD)".into());
    };
    let from = NaiveDate::parse_from_str(from, "%Y-%m-%d")?;
    let to = NaiveDate::parse_from_str(to, "%Y-%m-%d")?;
    let log = load_path(path, &LoadOptions::new(Schema::Cdnow))?.log;
    let map = SegmentMap::reference();

    let table = Rfm::params(to).fit(&log)?;
    println!("segments at {to} ({} customers):", table.len());
    for s in table.segment_summaries(&map) {
        println!(
            "  {:<20} {:>6} {:>5.1}%  R {:>6.1}  F {:>5.2}  M {:>8.2}  revenue {:>5.1}%",
            s.segment,
            s.customers,
            100.0 * s.share,
            s.mean_recency,
            s.mean_frequency,
            s.mean_monetary,
            100.0 * s.revenue_share
        );
    }

    let m = MigrationMatrix::compute(&log, &Rfm::params(to), from, to, &map)?;
    println!(
        "\nmigration {from} -> {to} ({} customers present at both):",
        m.total()
    );
    for (i, label) in m.labels.iter().enumerate() {
        let stayed = m.counts[i][i];
        let total: u64 = m.counts[i].iter().sum();
        if total > 0 {
            println!("  {label:<20} {total:>6} customers, {stayed:>6} stayed");
        }
    }
    Ok(())
}
