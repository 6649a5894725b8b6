//! Writes the CDNOW training frame of docs/churn.md (snapshot 1997-12-30, 91 days) as CSV
//! (features then `churned`), for timing scikit-learn's random forest on the same matrix.
//!
//! ```text
//! cargo run --release -p custalyze-churn --example dump_frame -- /tmp/cdnow_frame.csv
//! ```

use std::io::Write;
use std::path::Path;

use custalyze_churn::{ChurnFrame, FEATURE_NAMES};
use custalyze_transaction_types::load::{LoadOptions, Schema, load_path};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: dump_frame OUT.csv")?;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/cdnow/CDNOW_master.txt");
    let log = load_path(&path, &LoadOptions::new(Schema::Cdnow))?.log;
    let snapshot = chrono::NaiveDate::from_ymd_opt(1997, 12, 30).ok_or("date")?;
    let frame = ChurnFrame::build_labelled(&log, snapshot, 91)?;
    let labels = frame.labels.as_ref().ok_or("labels")?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    writeln!(w, "{},churned", FEATURE_NAMES.join(","))?;
    for (i, row) in frame.features.rows().into_iter().enumerate() {
        let cells: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        writeln!(w, "{},{}", cells.join(","), u8::from(labels[i]))?;
    }
    Ok(())
}
